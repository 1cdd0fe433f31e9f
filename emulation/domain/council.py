"""The council's final list (DESIGN §5: "the council may add or remove proposals only with
a written reason"), the publication window and the decision's preconditions.

Rules:
- A CHANGE is (submission, rule, add|remove, reason). Changes are kept in the order made;
  for each (submission, rule) only the LATEST change is in force.
- FINAL STATE of a submission, from the rule walk's outcomes (``domain.awards``) and the
  changes in force:
  1. an ``add`` in force → awarded under that rule (source "council"); when several, the
     latest made;
  2. else a ``proposed`` outcome not removed → awarded (source "rule");
  3. else a ``council_decides`` outcome with no change in force → still ``council_decides``
     (the council has not resolved its tie group yet);
  4. else nothing (a removed proposal keeps the council's reason).
- A change is ACCEPTED only with a reason of at least ``MIN_REASON`` characters (not
  counting spaces at the ends); ``add`` only for a submission that holds no other award
  (one achievement, one award) and is ranked; ``remove`` only of an award the submission
  holds or a ``council_decides`` it is part of; never while the list is frozen by an
  approved decision with no draft amendment open.
- RESOLVING a ``council_decides`` group: the chosen members get ``add``, the others
  ``remove``, all with the same reason; the chosen may be at most the remaining quota the
  walk left (``remaining`` in the outcome's parameters) — more needs a per-member ``add``.
- OBJECTIONS may be lodged while ``published_at ≤ now < closes``; a DECISION may be approved
  only when the results were published and the window has closed, every objection is
  answered, and no ``council_decides`` is left.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .awards import COUNCIL_DECIDES, PROPOSED
from .messages import N_, Templated

MIN_REASON = 10
AWARDED, UNDECIDED, NONE = "awarded", COUNCIL_DECIDES, "none"
DECISION_NUMBER = re.compile(r"^\d{1,6}/QĐ-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")


@dataclass(frozen=True)
class Outcome:
    """One (submission, rule) outcome of the rule walk, as the results table stores it."""
    submission_id: int
    rule_id: int
    status: str
    remaining: int | None = None      # for council_decides: the places left in the quota


@dataclass(frozen=True)
class Change:
    submission_id: int
    rule_id: int
    action: str                       # "add" | "remove"
    reason: str


@dataclass(frozen=True)
class Final:
    """Where a submission stands: awarded (by the rules or the council), undecided, or none."""
    submission_id: int
    status: str                       # AWARDED | UNDECIDED | NONE
    rule_id: int | None = None
    source: str = ""                  # "rule" | "council" ("" for none without a change)
    reason: str = ""                  # the council's reason for the change in force


@dataclass(frozen=True)
class Problem(Templated):
    template: str
    params: tuple[tuple[str, str], ...] = ()


def in_force(changes: Iterable[Change]) -> dict[tuple[int, int], Change]:
    """The latest change per (submission, rule); ``changes`` in the order they were made."""
    latest: dict[tuple[int, int], Change] = {}
    for change in changes:
        latest.pop((change.submission_id, change.rule_id), None)   # keep insertion = recency
        latest[(change.submission_id, change.rule_id)] = change
    return latest


def final_list(outcomes: Iterable[Outcome], changes: Sequence[Change]) -> dict[int, Final]:
    """The final state of every submission that has an outcome or a change (module rules 1–4)."""
    forced = in_force(changes)
    by_sub: dict[int, list[Outcome]] = {}
    for o in outcomes:
        by_sub.setdefault(o.submission_id, []).append(o)
    for sid, _rule in forced:
        by_sub.setdefault(sid, [])
    final: dict[int, Final] = {}
    adds = [c for c in forced.values() if c.action == "add"]
    for c in adds:                                   # later adds overwrite earlier ones (rule 1)
        final[c.submission_id] = Final(c.submission_id, AWARDED, c.rule_id, "council", c.reason)
    for sid, outs in by_sub.items():
        if sid in final:
            continue
        removed = [forced[(sid, o.rule_id)] for o in outs if (sid, o.rule_id) in forced]
        proposed = [o for o in outs if o.status == PROPOSED and (sid, o.rule_id) not in forced]
        undecided = [o for o in outs if o.status == COUNCIL_DECIDES and (sid, o.rule_id) not in forced]
        if proposed:
            final[sid] = Final(sid, AWARDED, proposed[0].rule_id, "rule")
        elif undecided:
            final[sid] = Final(sid, UNDECIDED, undecided[0].rule_id)
        elif removed:
            final[sid] = Final(sid, NONE, removed[-1].rule_id, "council", removed[-1].reason)
        else:
            final[sid] = Final(sid, NONE)
    return final


def check_reason(reason: str) -> Problem | None:
    if len(reason.strip()) < MIN_REASON:
        return Problem(N_("Hãy ghi lý do của Hội đồng (ít nhất {n} ký tự): lý do được lưu vào nhật ký "
                          "và hồ sơ quyết định."), (("n", str(MIN_REASON)),))
    return None


def check_change(final: Final | None, ranked: bool, rule_id: int, action: str, reason: str,
                 frozen_by: str | None = None) -> Problem | None:
    """Why a change cannot be made (module rules), or None. ``frozen_by``: the approved decision's number."""
    if frozen_by:
        return Problem(N_("Danh sách đã được phê duyệt theo Quyết định số {number}; mọi thay đổi cần một "
                          "quyết định mới (tạo dự thảo quyết định sửa đổi trước)."), (("number", frozen_by),))
    problem = check_reason(reason)
    if problem:
        return problem
    status = final.status if final else NONE
    if action == "add":
        if not ranked:
            return Problem(N_("Hồ sơ chưa được xếp hạng (chưa đủ phiếu chấm) nên chưa thể đề nghị khen thưởng."))
        if status == AWARDED and final is not None and final.rule_id != rule_id:
            return Problem(N_("Hồ sơ đã được đề nghị một hình thức khác; mỗi thành tích chỉ một hình thức "
                              "khen thưởng — hãy bỏ đề nghị đó trước."))
        if status == AWARDED:
            return Problem(N_("Hồ sơ đã được đề nghị hình thức này."))
        return None
    if action == "remove":
        if final is None or final.rule_id != rule_id or status not in (AWARDED, UNDECIDED):
            return Problem(N_("Hồ sơ không có đề nghị này để bỏ."))
        return None
    return Problem(N_("Thao tác không hợp lệ."))


def resolve_group(group: Sequence[Outcome], chosen: set[int], reason: str,
                  frozen_by: str | None = None) -> list[Change] | Problem:
    """The changes resolving one ``council_decides`` group (module rules), or why not."""
    if frozen_by:
        return check_change(None, True, 0, "add", reason, frozen_by) or Problem(N_("Thao tác không hợp lệ."))
    problem = check_reason(reason)
    if problem:
        return problem
    members = {o.submission_id for o in group}
    if not chosen <= members:
        return Problem(N_("Chỉ chọn trong các hồ sơ đồng hạng của nhóm này."))
    remaining = min((o.remaining for o in group if o.remaining is not None), default=len(members))
    if len(chosen) > remaining:
        return Problem(N_("Chỉ còn {remaining} suất trong chỉ tiêu; đã chọn {chosen} hồ sơ."),
                       (("remaining", str(remaining)), ("chosen", str(len(chosen)))))
    return [Change(o.submission_id, o.rule_id, "add" if o.submission_id in chosen else "remove", reason.strip())
            for o in sorted(group, key=lambda o: o.submission_id)]


def objections_open(published_at: dt.datetime | None, closes: dt.datetime | None, now: dt.datetime) -> bool:
    """Objections are accepted while ``published_at ≤ now < closes``."""
    return published_at is not None and closes is not None and published_at <= now < closes


def number_used(number: str) -> Problem:
    return Problem(N_("Số quyết định {number} đã được dùng cho quyết định khác của cơ quan này."),
                   (("number", number),))


def approval_problems(published_at: dt.datetime | None, closes: dt.datetime | None, now: dt.datetime,
                      open_objections: int, undecided: int, number: str, already_used: bool,
                      awards: int, closes_shown: str = "") -> list[Problem]:
    """Everything that stops a decision from being approved (module rules); empty when it may be."""
    problems = []
    if not DECISION_NUMBER.match(number.strip()):
        problems.append(Problem(N_("Số quyết định «{number}» chưa đúng mẫu: số/QĐ-cơ quan, ví dụ 1234/QĐ-UBND."),
                                (("number", number),)))
    if already_used:
        problems.append(number_used(number))
    if published_at is None:
        problems.append(Problem(N_("Kết quả chưa được công khai; hãy công khai trước khi phê duyệt.")))
    elif closes is not None and now < closes:
        problems.append(Problem(N_("Đang trong thời gian công khai kết quả (đến {closes}); chưa thể phê duyệt."),
                                (("closes", closes_shown or closes.isoformat(sep=" ", timespec="minutes")),)))
    if open_objections:
        problems.append(Problem(N_("Còn {n} ý kiến phản hồi chưa được trả lời."), (("n", str(open_objections)),)))
    if undecided:
        problems.append(Problem(N_("Còn {n} hồ sơ đồng hạng tại ranh giới chỉ tiêu chờ Hội đồng quyết định."),
                                (("n", str(undecided)),)))
    if not awards:
        problems.append(Problem(N_("Danh sách khen thưởng đang trống.")))
    return problems
