"""Campaign scoring policy (DESIGN §3–§5 settings) and campaign windows.

Rules stated here, checked by :func:`validate_policy` and :func:`validate_windows`:
- weights ``self``, ``peer``, ``leader`` are ≥ 0 and sum to exactly 1;
- ``aggregation`` is ``mean`` | ``median`` | ``trimmed``; ``trim_min`` ≥ 3;
- a role whose weight is > 0 needs ``min_reviews`` ≥ 1 for that role;
- ``normalize`` is ``none`` | ``zscore``;
- thresholds are percentages of the maximum total, 0..100;
- ``review_days`` (days a reviewer has to submit once assigned) is 1..90;
- bands are named, with strictly decreasing minimum scores ≥ 0; scores below the
  last band fall in ``lowest_band``; ``cap_band`` (where a disqualifying leader
  value caps the band) is one of the bands or the lowest band;
- windows follow each other: submission, then review, then council, each opening
  before it closes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from .messages import N_, Templated

AGGREGATIONS = ("mean", "median", "trimmed")
NORMALIZATIONS = ("none", "zscore")
ROLES = ("self", "peer", "leader")


@dataclass(frozen=True)
class Band:
    """Xếp loại: a name and the minimum final score F that reaches it."""
    name: str
    min_score: Decimal


DEFAULT_BANDS = (
    Band("Xuất sắc", Decimal(90)), Band("Tốt", Decimal(80)),
    Band("Khá", Decimal(70)), Band("Đạt", Decimal(50)),
)


@dataclass(frozen=True)
class ScoringPolicy:
    w_self: Decimal = Decimal("0.2")
    w_peer: Decimal = Decimal("0.3")
    w_leader: Decimal = Decimal("0.5")
    aggregation: str = "mean"
    trim_min: int = 5
    min_peer: int = 2
    min_leader: int = 1
    normalize: str = "none"
    disagreement_pct: Decimal = Decimal(15)
    inflation_pct: Decimal = Decimal(10)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    lowest_band: str = "Không đạt"
    cap_band: str = "Đạt"
    # Review stage (issue "Review and scoring"):
    k_peer: int = 2                   # peer reviewers per submission
    same_cluster: bool = True         # peers come from the submission's own cluster
    leader_mode: str = "all"          # "all": every council member scores every submission | "spread"
    k_leader: int = 1                 # council members per submission when spread
    comment_pct: Decimal = Decimal(20)  # a reviewer must comment when |value − self value| > this % of the criterion max
    review_days: int = 7              # days a reviewer has to submit a review once assigned (domain.progress)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def weight(self, role: str) -> Decimal:
        return {"self": self.w_self, "peer": self.w_peer, "leader": self.w_leader}[role]

    def band_names(self) -> list[str]:
        return [b.name for b in self.bands] + [self.lowest_band]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: decimals as strings, so they round-trip exactly."""
        data: dict[str, Any] = {
            "w_self": str(self.w_self), "w_peer": str(self.w_peer), "w_leader": str(self.w_leader),
            "aggregation": self.aggregation, "trim_min": self.trim_min,
            "min_peer": self.min_peer, "min_leader": self.min_leader,
            "normalize": self.normalize,
            "disagreement_pct": str(self.disagreement_pct), "inflation_pct": str(self.inflation_pct),
            "bands": [[b.name, str(b.min_score)] for b in self.bands],
            "lowest_band": self.lowest_band, "cap_band": self.cap_band,
            "k_peer": self.k_peer, "same_cluster": self.same_cluster, "leader_mode": self.leader_mode,
            "k_leader": self.k_leader, "comment_pct": str(self.comment_pct), "review_days": self.review_days,
        }
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScoringPolicy":
        """Inverse of :meth:`to_dict`; missing keys take the defaults, unknown keys go to ``extra``."""
        known = {"w_self", "w_peer", "w_leader", "aggregation", "trim_min", "min_peer",
                 "min_leader", "normalize", "disagreement_pct", "inflation_pct", "bands",
                 "lowest_band", "cap_band", "k_peer", "same_cluster", "leader_mode", "k_leader", "comment_pct",
                 "review_days"}
        kwargs: dict[str, Any] = {}
        for key in ("w_self", "w_peer", "w_leader", "disagreement_pct", "inflation_pct", "comment_pct"):
            if key in data:
                kwargs[key] = Decimal(str(data[key]))
        if "same_cluster" in data:
            kwargs["same_cluster"] = bool(data["same_cluster"])
        for key in ("trim_min", "min_peer", "min_leader", "k_peer", "k_leader", "review_days"):
            if key in data:
                kwargs[key] = int(data[key])
        for key in ("aggregation", "normalize", "lowest_band", "cap_band", "leader_mode"):
            if key in data:
                kwargs[key] = str(data[key])
        if "bands" in data:
            kwargs["bands"] = tuple(Band(str(n), Decimal(str(m))) for n, m in data["bands"])
        kwargs["extra"] = {k: v for k, v in data.items() if k not in known}
        return cls(**kwargs)


@dataclass(frozen=True)
class PolicyProblem(Templated):
    """A refused setting: the field it concerns and a Vietnamese message template."""
    field: str
    template: str
    params: tuple[tuple[str, str], ...] = ()


def parse_decimal(raw: object) -> Decimal | None:
    """A finite Decimal from user text ('0,2' or '0.2'), or None."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def validate_policy(p: ScoringPolicy) -> list[PolicyProblem]:
    """Every problem with a policy (empty when it can be used)."""
    problems: list[PolicyProblem] = []
    weights = {"w_self": p.w_self, "w_peer": p.w_peer, "w_leader": p.w_leader}
    for name, w in weights.items():
        if w < 0 or w > 1:
            problems.append(PolicyProblem(name, N_("Trọng số phải từ 0 đến 1.")))
    total = sum(weights.values(), Decimal(0))
    if total != 1:
        problems.append(PolicyProblem("w_self", N_(
            "Tổng các trọng số (tự đánh giá + chấm chéo + hội đồng) phải bằng 1; hiện là {total}."),
            (("total", _vn(total)),)))
    if p.aggregation not in AGGREGATIONS:
        problems.append(PolicyProblem("aggregation", N_("Cách tổng hợp điểm không hợp lệ.")))
    if p.trim_min < 3:
        problems.append(PolicyProblem("trim_min", N_(
            "Số phiếu tối thiểu để bỏ điểm cao nhất và thấp nhất phải từ 3 trở lên.")))
    for role, minimum in (("peer", p.min_peer), ("leader", p.min_leader)):
        if minimum < 0:
            problems.append(PolicyProblem(f"min_{role}", N_("Số phiếu tối thiểu không được âm.")))
        elif p.weight(role) > 0 and minimum < 1:
            problems.append(PolicyProblem(f"min_{role}", N_(
                "Vai trò có trọng số lớn hơn 0 cần ít nhất 1 phiếu chấm hoàn chỉnh.")))
    if p.normalize not in NORMALIZATIONS:
        problems.append(PolicyProblem("normalize", N_("Cách chuẩn hóa điểm không hợp lệ.")))
    for name in ("disagreement_pct", "inflation_pct"):
        value = getattr(p, name)
        if value < 0 or value > 100:
            problems.append(PolicyProblem(name, N_("Ngưỡng phải là phần trăm từ 0 đến 100.")))
    problems.extend(_band_problems(p))
    problems.extend(_review_problems(p))
    return problems


LEADER_MODES = ("all", "spread")


def _review_problems(p: ScoringPolicy) -> list[PolicyProblem]:
    """Review settings: 0..20 peers per submission, a known leader mode, ≥ 1 leader when spread, 1..90 days."""
    problems: list[PolicyProblem] = []
    if not 0 <= p.k_peer <= 20:
        problems.append(PolicyProblem("k_peer", N_("Số người chấm chéo mỗi hồ sơ phải từ 0 đến 20.")))
    elif p.w_peer > 0 and p.k_peer < p.min_peer:
        problems.append(PolicyProblem("k_peer", N_(
            "Số người chấm chéo mỗi hồ sơ không được nhỏ hơn số phiếu chấm chéo tối thiểu.")))
    if p.leader_mode not in LEADER_MODES:
        problems.append(PolicyProblem("leader_mode", N_("Cách phân công thành viên hội đồng không hợp lệ.")))
    if p.leader_mode == "spread" and p.k_leader < max(1, p.min_leader):
        problems.append(PolicyProblem("k_leader", N_(
            "Khi chia đều, mỗi hồ sơ cần ít nhất bằng số phiếu hội đồng tối thiểu (và ít nhất 1).")))
    if not 0 <= p.comment_pct <= 100:
        problems.append(PolicyProblem("comment_pct", N_("Ngưỡng phải là phần trăm từ 0 đến 100.")))
    if not 1 <= p.review_days <= 90:
        problems.append(PolicyProblem("review_days", N_("Số ngày hoàn thành phiếu chấm phải từ 1 đến 90.")))
    return problems


def _band_problems(p: ScoringPolicy) -> list[PolicyProblem]:
    problems: list[PolicyProblem] = []
    if not p.bands:
        problems.append(PolicyProblem("bands", N_("Cần ít nhất một mức xếp loại.")))
    names = [b.name.strip() for b in p.bands] + [p.lowest_band.strip()]
    if any(not n for n in names):
        problems.append(PolicyProblem("bands", N_("Mỗi mức xếp loại cần có tên.")))
    if len(set(names)) != len(names):
        problems.append(PolicyProblem("bands", N_("Tên các mức xếp loại không được trùng nhau.")))
    mins = [b.min_score for b in p.bands]
    if any(m < 0 for m in mins) or any(a <= b for a, b in zip(mins, mins[1:])):
        problems.append(PolicyProblem("bands", N_(
            "Điểm tối thiểu của các mức xếp loại phải không âm và giảm dần (ví dụ 90, 80, 70, 50).")))
    if p.cap_band not in names:
        problems.append(PolicyProblem("cap_band", N_(
            "Mức xếp loại tối đa khi vi phạm phải là một trong các mức đã khai báo.")))
    return problems


WINDOW_ORDER = ("submission_opens", "submission_closes", "review_opens", "review_closes",
                "council_opens", "council_closes")


def validate_windows(w: Mapping[str, dt.datetime | None]) -> list[PolicyProblem]:
    """Windows in order: each opens before it closes and none starts before the previous ends."""
    problems: list[PolicyProblem] = []
    for name in WINDOW_ORDER:
        if w.get(name) is None:
            problems.append(PolicyProblem(name, N_("Cần nhập thời điểm này.")))
    if problems:
        return problems
    for earlier, later in zip(WINDOW_ORDER, WINDOW_ORDER[1:]):
        a, b = w[earlier], w[later]
        assert a is not None and b is not None
        opening_pair = earlier.endswith("_opens")
        if (opening_pair and not a < b) or (not opening_pair and not a <= b):
            problems.append(PolicyProblem(later, N_(
                "Các mốc thời gian phải theo thứ tự: nộp hồ sơ → chấm điểm → hội đồng xét; "
                "mỗi đợt mở trước khi đóng.")))
            break
    return problems


def _vn(value: Decimal) -> str:
    """A decimal written the Vietnamese way (comma as decimal separator)."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return text.replace(".", ",")
