"""The audit page's filters: read from the query string, applied in SQL.

Rules: every filter is optional and they combine (AND). A value that cannot be read (a day
that is not a date, a non-numeric object id) is reported in Vietnamese and left out; the
others still apply. The days are the platform's local days (``TIMEZONE``), both included.
An object id narrows only together with its object type: the index on (object_type,
object_id) serves that pair, and a bare id means nothing across types.

A page is chosen by ids first (``page_query``): the filters on the actor, the object and the
days are then read from their indexes alone, and only the rows shown are fetched.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from peewee import JOIN
from werkzeug.datastructures import MultiDict

from ..domain.audit_view import day_start_utc, parse_day
from ..models import AuditEvent, User

NUMBER = re.compile(r"[0-9]{1,18}")
FIELDS = ("action", "actor", "object_type", "object_id", "date_from", "date_to")


@dataclass
class AuditFilters:
    """What the form holds (``typed``, echoed back and kept in page links) and what applies."""
    typed: dict[str, str]
    conditions: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def args(self) -> dict[str, str]:
        """The non-empty filters, for ``url_for`` (pagination keeps them)."""
        return {k: v for k, v in self.typed.items() if v}

    def apply(self, query):
        return query.where(*self.conditions) if self.conditions else query


def read_filters(args: MultiDict, timezone: str) -> AuditFilters:
    """The filters of a request's query string (module rules)."""
    typed = {name: args.get(name, "").strip()[:80] for name in FIELDS}
    typed["actor"] = typed["actor"].lower()   # usernames are stored lowercase
    filters = AuditFilters(typed)
    add, problem = filters.conditions.append, filters.problems.append
    if typed["action"]:
        add(AuditEvent.action == typed["action"])
    if typed["actor"]:
        actor = User.get_or_none(User.username == typed["actor"])
        if actor is None:
            problem(_("Không có tài khoản nào có tên đăng nhập «%(u)s».", u=typed["actor"]))
        add(AuditEvent.actor == (actor.id if actor else 0))
    _object(typed, add, problem)
    start, end = _day(typed, "date_from", problem), _day(typed, "date_to", problem)
    if start:
        add(AuditEvent.at >= day_start_utc(start, timezone))
    if end:
        add(AuditEvent.at < day_start_utc(end + dt.timedelta(days=1), timezone))
    if start and end and start > end:
        problem(_("Ngày bắt đầu sau ngày kết thúc: không có sự kiện nào trong khoảng này."))
    return filters


def _object(typed: dict[str, str], add, problem) -> None:
    if typed["object_type"]:
        add(AuditEvent.object_type == typed["object_type"])
    if not typed["object_id"]:
        return
    if not NUMBER.fullmatch(typed["object_id"]):
        problem(_("Số hiệu đối tượng «%(v)s» không phải là số nguyên dương; bỏ qua điều kiện này.",
                  v=typed["object_id"]))
    elif not typed["object_type"]:
        problem(_("Hãy chọn loại đối tượng để lọc theo số hiệu; bỏ qua điều kiện này."))
    else:
        add(AuditEvent.object_id == int(typed["object_id"]))


def _day(typed: dict[str, str], name: str, problem) -> dt.date | None:
    """The day typed in ``name``, rewritten yyyy-mm-dd for the date input; None if none or unreadable."""
    if not typed[name]:
        return None
    try:
        day = parse_day(typed[name])
    except ValueError:
        problem(_("Ngày «%(d)s» không hợp lệ (nhập dd/mm/yyyy); bỏ qua điều kiện này.", d=typed[name]))
        return None
    typed[name] = day.isoformat()
    return day


def page_query(filters: AuditFilters, page: int, size: int):
    """The events of one page, newest first, with their actors (one statement).

    The ids are picked by a subquery that reads only ``id`` and the filtered columns, so
    SQLite answers it from a covering index; with the whole rows selected it sorted every
    matching row instead (3 M events: «all reviews» 13 s → 0.3 s, one year 3.4 s → 0.6 s).
    """
    ids = (filters.apply(AuditEvent.select(AuditEvent.id))
           .order_by(AuditEvent.id.desc()).paginate(page, size))
    return (AuditEvent.select(AuditEvent, User).join(User, join_type=JOIN.LEFT_OUTER)
            .where(AuditEvent.id.in_(ids)).order_by(AuditEvent.id.desc()))
