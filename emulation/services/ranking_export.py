"""The score sheet (bảng tổng hợp điểm) of a campaign: its rows loaded once, rendered as
CSV, JSON or a printable .xlsx (:mod:`emulation.services.score_sheet_xlsx`).

Rules:
- Scope = one target (collective | individual) × all clusters or one. Rows are the
  results table (DESIGN §3–§5, rebuilt by ``results_refresh``), in the ranking page's
  order: rank of the scope (overall, or in the cluster), pending last without a rank,
  then name, then submission id.
- S, P, L, F are the stored q6 values. JSON carries them as strings quantized to
  0.000001 ("87.250000"), never the display rounding; .xlsx keeps them as numbers shown
  with 2 decimals; CSV writes the display rounding (0.01, ROUND_HALF_UP, DESIGN §3).
- ``proposal`` is the council's FINAL state (``services.council.final_states``): awarded →
  ``{"title", "status": "proposed", "source": "rule"|"council"}``; a tie group still to
  resolve → ``{"title", "status": "council_decides"}``; anything else → null.
- Per-reviewer totals (CSV and .xlsx only — the JSON may be public once results are
  published, so it never names reviewers): each submitted review's total
  (``results_refresh.totals``), blank when the review is incomplete; one column per
  reviewer slot per role, a submission's reviewers in reviewer-id order; the logins of
  each row's reviewers are listed, per role, in the last columns.
- Text cells starting with ``= + - @`` are neutralised (``domain.sheets.neutralise``).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from peewee import JOIN, fn

from ..domain.council import AWARDED, UNDECIDED, Final
from ..domain.scoring import ROLES, q2, q6
from ..domain.sheets import neutralise
from ..models import AwardRule, Campaign, Cluster, Person, Result, Submission, Unit, User
from . import ServiceError
from .council import final_states
from .results_refresh import totals

TARGETS = ("collective", "individual")
FORMATS = ("csv", "json", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Reviewed:
    """One submitted review of a row: who gave it and its total (None when incomplete)."""
    login: str
    total: Decimal | None


@dataclass(frozen=True)
class SheetRow:
    submission_id: int
    unit_code: str
    unit: str
    person: str | None
    cluster: str | None
    target: str
    state: str
    S: Decimal | None
    P: Decimal | None
    L: Decimal | None
    F: Decimal | None
    pending: bool
    rank_overall: int | None
    rank_cluster: int | None
    band: str | None
    flags: tuple[str, ...]
    proposal: dict[str, str] | None
    reviews: dict[str, tuple[Reviewed, ...]]     # role -> reviews


@dataclass(frozen=True)
class ScoreSheet:
    campaign_slug: str
    campaign_title: str
    target: str
    cluster: str | None                          # the cluster's code, None for all
    computed_at: dt.datetime | None
    rows: tuple[SheetRow, ...]

    def slots(self, role: str) -> int:
        """How many reviewer columns ``role`` needs: the most reviews one row has."""
        return max((len(r.reviews.get(role, ())) for r in self.rows), default=0)


def find_cluster(code: str) -> Cluster:
    cluster = Cluster.get_or_none(Cluster.code == code)
    if cluster is None:
        raise ServiceError(_("Không có cụm thi đua mã «%(c)s».", c=code))
    return cluster


def score_sheet(campaign: Campaign, target: str = "collective", cluster: Cluster | None = None) -> ScoreSheet:
    """The rows of one scope (module rules), from the results table and the council's final list."""
    if target not in TARGETS:
        raise ServiceError(_("Đối tượng «%(t)s» không hợp lệ: chọn collective (tập thể) hoặc individual "
                             "(cá nhân).", t=target))
    query = (Result.select(Result, Submission, Unit, Person, Cluster).join(Submission).join(Unit)
             .switch(Submission).join(Person, JOIN.LEFT_OUTER).switch(Result).join(Cluster, JOIN.LEFT_OUTER)
             .where(Result.campaign == campaign, Result.target == target))
    if cluster is not None:
        query = query.where(Result.cluster == cluster)
    rank = Result.rank_cluster if cluster is not None else Result.rank_overall
    results = list(query.order_by(rank.is_null(), rank, fn.COALESCE(Person.full_name, Unit.name),
                                  Result.submission))
    final = final_states(campaign) if results else {}
    titles = dict(AwardRule.select(AwardRule.id, AwardRule.title).where(AwardRule.campaign == campaign).tuples())
    reviews = _reviews(campaign, target) if results else {}
    rows = tuple(_row(r, _proposal(final.get(r.submission_id), titles), reviews.get(r.submission_id, {}))
                 for r in results)
    return ScoreSheet(campaign.slug, campaign.title, target, cluster.code if cluster else None,
                      campaign.results_computed_at, rows)


def _row(r: Result, proposal: dict[str, str] | None, reviews: dict[str, tuple[Reviewed, ...]]) -> SheetRow:
    s = r.submission
    return SheetRow(s.id, s.unit.code, s.unit.name, s.person.full_name if s.person_id else None,
                    r.cluster.code if r.cluster_id else None, r.target, s.state, r.S, r.P, r.L, r.F,
                    bool(r.pending), r.rank_overall, r.rank_cluster, r.band or None,
                    tuple(f for f in r.flags.split(",") if f), proposal, reviews)


def _reviews(campaign: Campaign, target: str) -> dict[int, dict[str, tuple[Reviewed, ...]]]:
    """Each submission's submitted reviews per role, with the reviewer's login, by reviewer id."""
    items, _subjects = totals(campaign, target)
    ids = {r.reviewer_id for item in items for r in item.reviews}
    logins = dict(User.select(User.id, User.username).where(User.id.in_(ids or {0})).tuples())
    return {item.submission_id: {role: tuple(Reviewed(logins.get(r.reviewer_id, ""), r.total)
                                             for r in sorted(item.reviews, key=lambda r: r.reviewer_id)
                                             if r.role == role) for role in ROLES}
            for item in items}


def _proposal(final: Final | None, titles: dict[int, str]) -> dict[str, str] | None:
    """The council's final state as the export shows it (module rules)."""
    if final is None or final.rule_id is None:
        return None
    if final.status == AWARDED:
        return {"title": titles.get(final.rule_id, ""), "status": "proposed", "source": final.source}
    if final.status == UNDECIDED:
        return {"title": titles.get(final.rule_id, ""), "status": "council_decides"}
    return None


def _q6_text(value: Decimal | None) -> str | None:
    return None if value is None else format(q6(value), "f")


def _utc_iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def as_json(sheet: ScoreSheet) -> dict[str, Any]:
    """The JSON document (fixed key order): the scope, then one entry per row."""
    return {
        "campaign": sheet.campaign_slug, "title": sheet.campaign_title, "target": sheet.target,
        "cluster": sheet.cluster, "computed_at": _utc_iso(sheet.computed_at),
        "entries": [{
            "id": r.submission_id, "unit": r.unit, "unit_code": r.unit_code, "person": r.person,
            "cluster": r.cluster, "target": r.target, "state": r.state,
            "S": _q6_text(r.S), "P": _q6_text(r.P), "L": _q6_text(r.L), "F": _q6_text(r.F),
            "pending": r.pending, "rank_overall": r.rank_overall, "rank_cluster": r.rank_cluster,
            "band": r.band, "flags": list(r.flags), "proposal": r.proposal,
        } for r in sheet.rows],
    }


def to_json(sheet: ScoreSheet) -> bytes:
    return (json.dumps(as_json(sheet), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def heading(sheet: ScoreSheet) -> str:
    """«Bảng tổng hợp điểm – Tập thể – Cụm TX – Kết quả tính lúc 05/03/2026 14:30»."""
    parts = [_("Bảng tổng hợp điểm"), _("Tập thể") if sheet.target == "collective" else _("Cá nhân")]
    parts.append(_("Cụm %(c)s", c=sheet.cluster) if sheet.cluster else _("Tất cả các cụm"))
    if sheet.computed_at:
        parts.append(_("Kết quả tính lúc %(d)s", d=format_datetime(sheet.computed_at, "dd/MM/yyyy HH:mm")))
    return " – ".join(parts)


def columns(sheet: ScoreSheet) -> list[tuple[str, str]]:
    """(header, kind) of every column; kind is text, rank, score or names (for widths and formats)."""
    found = [(_("Hạng chung"), "rank"), (_("Hạng trong cụm"), "rank"), (_("Mã đơn vị"), "code"),
             (_("Đơn vị"), "name")]
    if sheet.target == "individual":
        found.append((_("Cá nhân"), "name"))
    found += [(_("Cụm"), "code"), (_("Trạng thái"), "code")]
    for role, label in (("peer", _("chấm chéo")), ("leader", _("hội đồng"))):
        found += [(_("Người chấm %(n)d (%(role)s)", n=n, role=label), "score")
                  for n in range(1, sheet.slots(role) + 1)]
    found += [(_("S (tự chấm)"), "score"), (_("P (chấm chéo)"), "score"), (_("L (hội đồng)"), "score"),
              (_("F (điểm cuối cùng)"), "score"), (_("Xếp loại"), "code"), (_("Lưu ý"), "text"),
              (_("Đề nghị khen thưởng"), "text"), (_("Người chấm chéo"), "names"),
              (_("Thành viên hội đồng chấm"), "names")]
    return found


def values(sheet: ScoreSheet, row: SheetRow) -> list[Any]:
    """One row's cells in ``columns`` order: Decimals (q6) for scores, None for blanks, text neutralised."""
    states = {"submitted": _("Đã nộp"), "locked": _("Đã khóa")}
    flags = {"disagreement": _("Chênh lệch điểm giữa người chấm"), "self_inflation": _("Tự chấm cao hơn kết quả")}
    cells: list[Any] = [row.rank_overall, row.rank_cluster, row.unit_code, row.unit]
    if sheet.target == "individual":
        cells.append(row.person or "")
    cells += [row.cluster or "", states.get(row.state, row.state)]
    for role in ROLES:
        given = row.reviews.get(role, ())
        cells += [given[i].total if i < len(given) else None for i in range(sheet.slots(role))]
    cells += [row.S, row.P, row.L, row.F, _("Chờ đủ phiếu") if row.pending else (row.band or ""),
              "; ".join(flags.get(f, f) for f in row.flags), _proposal_text(row.proposal)]
    cells += ["; ".join(f"{i}. {r.login}" for i, r in enumerate(row.reviews.get(role, ()), 1)) for role in ROLES]
    return [neutralise(c) for c in cells]


def _proposal_text(proposal: dict[str, str] | None) -> str:
    if proposal is None:
        return ""
    if proposal["status"] == "council_decides":
        return _("%(t)s (đồng hạng – Hội đồng quyết định)", t=proposal["title"])
    if proposal.get("source") == "council":
        return _("%(t)s (do Hội đồng bổ sung)", t=proposal["title"])
    return proposal["title"]


def to_csv(sheet: ScoreSheet) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the Vietnamese); scores at the display rounding."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for label, _kind in columns(sheet)])
    for row in sheet.rows:
        writer.writerow(["" if v is None else format(q2(v), "f") if isinstance(v, Decimal) else v
                         for v in values(sheet, row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render(sheet: ScoreSheet, fmt: str) -> bytes:
    """The sheet as ``fmt`` (csv, json or xlsx)."""
    if fmt == "json":
        return to_json(sheet)
    if fmt == "csv":
        return to_csv(sheet)
    if fmt == "xlsx":
        from .score_sheet_xlsx import to_xlsx
        return to_xlsx(sheet)
    raise ServiceError(_("Định dạng «%(f)s» không hỗ trợ: chọn csv, json hoặc xlsx.", f=fmt))


def filename(sheet: ScoreSheet, fmt: str) -> str:
    """bang-diem-<campaign>-<target>[-<cluster>].<fmt> (ASCII: the slug and codes are)."""
    cluster = f"-{sheet.cluster}" if sheet.cluster else ""
    return f"bang-diem-{sheet.campaign_slug}-{sheet.target}{cluster}.{fmt}"
