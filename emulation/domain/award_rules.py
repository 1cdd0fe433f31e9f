"""Checking an award rule (hình thức khen thưởng) before the committee saves it (DESIGN §5).

A rule is valid when:
- ``title`` is given (at most 300 characters): it is printed on the certificates;
- ``form`` is "bang-khen" (bằng khen) or "giay-khen" (giấy khen): the certificate design;
- ``target`` is "collective" or "individual" and the campaign scores that target (it has
  a criteria set for it);
- ``min_band`` is empty (any band) or one of the campaign's bands, the lowest included;
- ``min_score`` is a number ≥ 0 with at most 3 decimal places (Vietnamese comma or point);
- ``quota_kind`` is "count" (a number of entries) or "percent" (of all ranked entries of
  the target in the scope, floored); ``quota_value`` is a whole number ≥ 1, and ≤ 100 for
  a percentage;
- ``precedence`` is a whole number ≥ 1 that no other rule of the campaign holds: rules
  are evaluated from the lowest precedence (the highest title) up.

Every problem is reported, by field, as a message template with its parameters.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .messages import N_, Templated
from .policy import parse_decimal

FORMS = ("bang-khen", "giay-khen")
TARGETS = ("collective", "individual")
QUOTA_KINDS = ("count", "percent")
TITLE_MAX = 300


@dataclass(frozen=True)
class RuleDraft:
    """What the committee typed: numbers still as text or None where the form had none."""
    title: str
    form: str
    target: str
    min_band: str
    min_score: str
    quota_kind: str
    quota_value: int | None
    per_cluster: bool
    precedence: int | None


@dataclass(frozen=True)
class RuleProblem(Templated):
    """A refused field of a rule: a Vietnamese message template and its parameters."""
    template: str
    params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class CheckedRule:
    """A rule that passed every check, ready to store."""
    title: str
    form: str
    target: str
    min_band: str
    min_score: Decimal
    quota_kind: str
    quota_value: int
    per_cluster: bool
    precedence: int


def check_rule(draft: RuleDraft, *, bands: Sequence[str], targets: Collection[str],
               taken: Collection[int]) -> tuple[CheckedRule | None, dict[str, RuleProblem]]:
    """The checked rule, or None with one problem per faulty field (module docstring).

    ``bands``: the campaign's band names, best first, the lowest included; ``targets``:
    the targets the campaign scores; ``taken``: the precedences of the campaign's other rules.
    """
    problems: dict[str, RuleProblem] = {}
    title = draft.title.strip()
    if not title:
        problems["title"] = RuleProblem(N_("Nhập tên hình thức khen thưởng, ví dụ «Bằng khen của Chủ tịch UBND Thành phố»."))
    elif len(title) > TITLE_MAX:
        problems["title"] = RuleProblem(N_("Tên hình thức khen thưởng tối đa {max} ký tự."), (("max", TITLE_MAX),))
    if draft.form not in FORMS:
        problems["form"] = RuleProblem(N_("Chọn mẫu: bằng khen hoặc giấy khen."))
    if draft.target not in TARGETS:
        problems["target"] = RuleProblem(N_("Chọn đối tượng: tập thể hoặc cá nhân."))
    elif draft.target not in targets:
        problems["target"] = RuleProblem(N_("Phong trào không có bộ tiêu chí cá nhân: chỉ khen thưởng tập thể."))
    if draft.min_band and draft.min_band not in bands:
        problems["min_band"] = RuleProblem(N_("Mức xếp loại «{band}» không có trong phong trào ({bands})."),
                                         (("band", draft.min_band), ("bands", ", ".join(bands))))
    score = parse_decimal(draft.min_score.strip() or "0")
    if score is None or score < 0 or score.as_tuple().exponent < -3:      # type: ignore[operator]
        problems["min_score"] = RuleProblem(N_("Điểm tối thiểu là một số từ 0 trở lên, tối đa 3 chữ số thập phân, ví dụ 85,5."))
    if draft.quota_kind not in QUOTA_KINDS:
        problems["quota_kind"] = RuleProblem(N_("Chọn cách tính chỉ tiêu: số lượng hoặc tỷ lệ phần trăm."))
    value = draft.quota_value
    if value is None or value < 1:
        problems["quota_value"] = RuleProblem(N_("Chỉ tiêu là một số nguyên từ 1 trở lên."))
    elif draft.quota_kind == "percent" and value > 100:
        problems["quota_value"] = RuleProblem(N_("Tỷ lệ chỉ tiêu không quá 100%."))
    if draft.precedence is None or draft.precedence < 1:
        problems["precedence"] = RuleProblem(N_("Thứ tự xét là một số nguyên từ 1 trở lên (1: xét trước nhất)."))
    elif draft.precedence in taken:
        problems["precedence"] = RuleProblem(N_("Thứ tự xét {n} đã dùng cho hình thức khác; chọn số khác."),
                                           (("n", draft.precedence),))
    if problems:
        return None, problems
    return CheckedRule(title, draft.form, draft.target, draft.min_band, score, draft.quota_kind,  # type: ignore[arg-type]
                       value, draft.per_cluster, draft.precedence), {}  # type: ignore[arg-type]
