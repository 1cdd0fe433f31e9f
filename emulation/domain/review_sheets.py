"""The review sheets: assignments and offline scores, validated whole before anything is written.

A row names a submission by the unit's code (and, for an individual nomination, the
nominee's staff code) and a reviewer by their login name. Rules of both sheets:

- the unit (and nominee) has a submitted submission in the campaign; the reviewer's
  login exists (a code differing only in case is pointed out);
- every problem of every row is reported (row, column, what to fix), never only the first.

Assignment sheet (one row per submission × reviewer):
- the reviewer holds the role in the campaign (``peer``/``leader``; the column may be left
  blank when they hold exactly one of them);
- a pair appears once in the file; a pair already assigned is left as it is;
- a conflict of interest (own unit, declared) refuses the row unless the row gives an
  override reason.

Score sheet (one row per submission × reviewer × criterion):
- the reviewer is assigned to the submission; the criterion belongs to its criteria set;
- the value obeys the criterion's bounds and step (``check_value``); a blank value leaves
  the criterion unscored; the comment rule of the scoring form applies (a value differing
  from the unit's self-score by more than ``comment_pct`` % of the criterion's maximum
  needs a comment);
- the evidence verdict is Đạt / Chưa đủ / Thiếu (or accepted / insufficient / missing), or blank;
- a submission × reviewer × criterion appears once in the file.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, NamedTuple

from .criteria import CriteriaSet, check_value, format_decimal_vi
from .messages import N_
from .policy import parse_decimal
from .sheets import Column, Problem, RowProblems, check_cells, fold

_UNIT = Column("unit", N_("Mã đơn vị"), ("ma_don_vi", "ma_dv", "don_vi", "unit", "unit_code"), True, 40, True)
_STAFF = Column("staff_code", N_("Mã cán bộ"), ("ma_can_bo", "ma_cb", "staff_code", "nominee"), False, 40, True)
_REVIEWER = Column("reviewer", N_("Tài khoản người chấm"),
                   ("tai_khoan_nguoi_cham", "tai_khoan", "nguoi_cham", "ten_dang_nhap", "reviewer", "username"),
                   True, 60)

ASSIGNMENT_COLUMNS: Final = (
    _UNIT, _STAFF, _REVIEWER,
    Column("role", N_("Vai trò chấm"), ("vai_tro_cham", "vai_tro", "role"), False, 30),
    Column("reason", N_("Lý do (khi có xung đột lợi ích)"),
           ("ly_do_khi_co_xung_dot_loi_ich", "ly_do", "ly_do_vuot_xung_dot", "override_reason", "reason"),
           False, 1000),
)
SCORE_COLUMNS: Final = (
    _UNIT, _STAFF, _REVIEWER,
    Column("criterion", N_("Mã tiêu chí"), ("ma_tieu_chi", "tieu_chi", "criterion", "criterion_code"), True, 40),
    Column("value", N_("Điểm chấm"), ("diem_cham", "diem", "value", "score"), True, 20),
    Column("comment", N_("Nhận xét"), ("nhan_xet", "y_kien", "comment"), False, 2000),
    Column("verdict", N_("Minh chứng"), ("minh_chung", "danh_gia_minh_chung", "verdict"), False, 40),
)
ROLES: Final = {"peer": "peer", "cham_cheo": "peer", "nguoi_cham_cheo": "peer",
                "leader": "leader", "hoi_dong": "leader", "lanh_dao": "leader", "thanh_vien_hoi_dong": "leader"}
VERDICTS: Final = {"": "", "dat": "accepted", "dat_yeu_cau": "accepted", "accepted": "accepted",
                   "chua_du": "insufficient", "chua_day_du": "insufficient", "insufficient": "insufficient",
                   "thieu": "missing", "khong_co": "missing", "missing": "missing"}

NO_SUBMISSION = N_("đơn vị «{value}» không có hồ sơ đã nộp trong phong trào này. Hãy kiểm tra mã đơn vị.")
NO_NOMINEE = N_("không có hồ sơ đề nghị đã nộp của cán bộ «{value}» thuộc đơn vị «{unit}».")
NO_USER = N_("không có tài khoản «{value}». Hãy ghi tên đăng nhập của người chấm.")
USER_CASE = N_("không có tài khoản «{value}»; có phải ý bạn là «{suggestion}»?")
NOT_REVIEWER = N_("«{value}» không có vai trò «{role}» trong phong trào này. Hãy giao vai trò trước.")
NO_ROLE = N_("«{value}» chưa được giao vai trò chấm (chấm chéo hoặc hội đồng) trong phong trào này.")
WHICH_ROLE = N_("«{value}» vừa chấm chéo vừa là thành viên hội đồng: hãy ghi rõ vai trò «chấm chéo» hoặc «hội đồng».")
BAD_ROLE = N_("vai trò «{value}» không hợp lệ. Hãy ghi «chấm chéo» hoặc «hội đồng».")
CONFLICT = N_("«{value}» có xung đột lợi ích với đơn vị này ({kinds}). Chỉ phân công khi ghi lý do ở cột Lý do.")
DUPLICATE_PAIR = N_("người chấm và hồ sơ này trùng với dòng {first}. Hãy xóa một trong hai dòng.")
NOT_ASSIGNED = N_("«{value}» chưa được phân công chấm hồ sơ của đơn vị «{unit}». Hãy phân công trước.")
NO_CRITERION = N_("không có tiêu chí «{value}» trong bộ tiêu chí của hồ sơ. Hãy dùng mã như trong tệp mẫu.")
NOT_NUMBER = N_("«{value}» không phải là số. Ghi điểm dạng 8 hoặc 7,5.")
BAD_VALUE = N_("{message}")
NEED_COMMENT = N_("điểm {value} lệch điểm tự chấm ({own}) quá {pct}% điểm tối đa; hãy ghi nhận xét giải thích.")
BAD_VERDICT = N_("«{value}» không hợp lệ. Hãy ghi «Đạt», «Chưa đủ», «Thiếu» hoặc để trống.")
DUPLICATE_SCORE = N_("điểm của người chấm này cho tiêu chí này đã có ở dòng {first}. Hãy giữ một dòng.")


@dataclass(frozen=True)
class Target:
    """A submitted submission a row may name, with what its checks need."""
    submission_id: int
    unit_id: int
    criteria: CriteriaSet | None = None
    self_values: Mapping[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the rows are checked against (loaded by the service in a few queries).

    ``targets``: (unit code, staff code or "") -> Target; ``users``: login -> user id;
    ``roles``: user id -> campaign roles; ``conflicts``: (user id, unit id) -> conflict kinds
    (own unit included); ``assigned``: (submission id, user id) -> assignment id.
    """
    targets: Mapping[tuple[str, str], Target]
    users: Mapping[str, int]
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    conflicts: Mapping[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    assigned: Mapping[tuple[int, int], int] = field(default_factory=dict)
    comment_pct: Decimal = Decimal(20)


@dataclass(frozen=True)
class AssignmentRow:
    row: int
    submission_id: int
    reviewer_id: int
    role: str
    reason: str
    conflicts: tuple[str, ...]


class ScoreRow(NamedTuple):
    """A clean score row (a tuple: a sheet may hold millions)."""
    row: int
    assignment_id: int
    criterion: str
    value: Decimal | None
    comment: str
    verdict: str


def _subject(cells: Mapping[str, str], ctx: Context, problems: RowProblems) -> Target | None:
    unit, staff = cells.get("unit", ""), cells.get("staff_code", "")
    if not unit:
        return None
    target = ctx.targets.get((unit, staff))
    if target is None:
        if staff and any(key[0] == unit for key in ctx.targets):
            problems.add("staff_code", NO_NOMINEE, value=staff, unit=unit)
        else:
            problems.add("unit", NO_SUBMISSION, value=unit)
    return target


def _user(cells: Mapping[str, str], ctx: Context, problems: RowProblems) -> int | None:
    login = cells.get("reviewer", "")
    if not login:
        return None
    user = ctx.users.get(login)
    if user is None:
        similar = next((name for name in ctx.users if name.lower() == login.lower()), None)
        if similar is not None:
            problems.add("reviewer", USER_CASE, value=login, suggestion=similar)
        else:
            problems.add("reviewer", NO_USER, value=login)
    return user


def validate_assignments(rows: Iterable[tuple[int, Mapping[str, str]]], ctx: Context,
                         labels: Mapping[str, str]) -> tuple[list[AssignmentRow], list[Problem]]:
    """Every row checked; the new assignments (pairs already assigned are dropped) and all problems.

    ``labels`` names the conflict kinds and roles in the user's language.
    """
    records: list[AssignmentRow] = []
    problems: list[Problem] = []
    first: dict[tuple[int, int], int] = {}
    for number, cells in rows:
        row = RowProblems(number)
        check_cells(ASSIGNMENT_COLUMNS, cells, row.add)
        target, user = _subject(cells, ctx, row), _user(cells, ctx, row)
        role = _role(cells, user, ctx, row)
        reason = cells.get("reason", "").strip()
        kinds: tuple[str, ...] = ()
        if target is not None and user is not None:
            kinds = tuple(ctx.conflicts.get((user, target.unit_id), ()))
            if kinds and not reason:
                row.add("reviewer", CONFLICT, value=cells["reviewer"],
                        kinds=", ".join(labels.get(k, k) for k in kinds))
            pair = (target.submission_id, user)
            if pair in first:
                row.add("reviewer", DUPLICATE_PAIR, first=first[pair])
            else:
                first[pair] = number
        problems.extend(row.sorted(ASSIGNMENT_COLUMNS))
        if not row.found and target is not None and user is not None and role \
                and (target.submission_id, user) not in ctx.assigned:
            records.append(AssignmentRow(number, target.submission_id, user, role, reason if kinds else "", kinds))
    return records, problems


def _role(cells: Mapping[str, str], user: int | None, ctx: Context, row: RowProblems) -> str | None:
    text = cells.get("role", "")
    held = ctx.roles.get(user, frozenset()) & {"peer", "leader"} if user is not None else frozenset()
    if text:
        role = ROLES.get(fold(text))
        if role is None:
            row.add("role", BAD_ROLE, value=text)
            return None
        if user is not None and role not in held:
            row.add("reviewer", NOT_REVIEWER, value=cells["reviewer"], role=text)
            return None
        return role
    if user is None:
        return None
    if len(held) == 1:
        return next(iter(held))
    if held:
        row.add("role", WHICH_ROLE, value=cells["reviewer"])
    else:
        row.add("reviewer", NO_ROLE, value=cells["reviewer"])
    return None


def validate_scores(rows: Iterable[tuple[int, Mapping[str, str]]], ctx: Context
                    ) -> tuple[list[ScoreRow], list[Problem]]:
    """Every row checked; the cleaned score rows and all problems."""
    records: list[ScoreRow] = []
    problems: list[Problem] = []
    first: dict[tuple[int, str], int] = {}
    checked = [c for c in SCORE_COLUMNS if c.key != "value"]
    for number, cells in rows:
        problems.extend(_score_row(number, cells, ctx, first, checked, records))
    return records, problems


def _score_row(number: int, cells: Mapping[str, str], ctx: Context, first: dict[tuple[int, str], int],
               checked: Sequence[Column], records: list[ScoreRow]) -> list[Problem]:
    """One score row: its problems, or its record appended to ``records``."""
    row = RowProblems(number)
    check_cells(checked, cells, row.add)
    target, user = _subject(cells, ctx, row), _user(cells, ctx, row)
    assignment = None
    if target is not None and user is not None:
        assignment = ctx.assigned.get((target.submission_id, user))
        if assignment is None:
            row.add("reviewer", NOT_ASSIGNED, value=cells["reviewer"], unit=cells["unit"])
    raw_verdict = cells.get("verdict", "")
    verdict = VERDICTS.get(fold(raw_verdict)) if fold(raw_verdict) or not raw_verdict else None
    if verdict is None:
        row.add("verdict", BAD_VERDICT, value=cells["verdict"])
    value = _value(cells, target, ctx, row)
    code = cells.get("criterion", "")
    if assignment is not None and code:
        key = (assignment, code)
        if key in first:
            row.add("criterion", DUPLICATE_SCORE, first=first[key])
        else:
            first[key] = number
    if not row.found and assignment is not None:
        records.append(ScoreRow(number, assignment, code, value, cells.get("comment", "").strip(), verdict or ""))
    return row.sorted(SCORE_COLUMNS)


def _value(cells: Mapping[str, str], target: Target | None, ctx: Context, row: RowProblems) -> Decimal | None:
    code, raw = cells.get("criterion", ""), cells.get("value", "")
    criterion = None
    if target is not None and target.criteria is not None and code:
        criterion = next((c for c in target.criteria.criteria if c.code == code), None)
        if criterion is None:
            row.add("criterion", NO_CRITERION, value=code)
    if not raw:
        return None
    value = parse_decimal(raw)
    if value is None:
        row.add("value", NOT_NUMBER, value=raw)
        return None
    if criterion is None:
        return value
    message = check_value(criterion, value)
    if message:
        row.add("value", BAD_VALUE, message=message)
        return None
    own = target.self_values.get(code) if target is not None else None
    if own is not None and abs(value - own) > criterion.max * ctx.comment_pct / 100 \
            and not cells.get("comment", "").strip():
        row.add("comment", NEED_COMMENT, value=format_decimal_vi(value), own=format_decimal_vi(own),
                pct=format_decimal_vi(ctx.comment_pct))
    return value
