"""The council secretary's review progress board, and its reminder list as CSV.

Secretary and committee only (POLICY): the board names reviewers, which units never see.
"""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.sheets import neutralise
from ..models import Campaign, utcnow
from ..services import progress as service
from .charts import strip_plot
from .i18n import vn_datetime

bp = Blueprint("progress", __name__)


def _campaign(campaign_id: int) -> Campaign:
    return Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)


def reminder_text(line: service.ReminderLine) -> str:
    """«Kính gửi <name>: còn N phiếu chấm chưa nộp (<units>), hạn <earliest deadline>.»"""
    text = ngettext("Kính gửi %(name)s: còn %(num)d phiếu chấm chưa nộp (%(units)s), hạn %(date)s.",
                    "Kính gửi %(name)s: còn %(num)d phiếu chấm chưa nộp (%(units)s), hạn %(date)s.",
                    len(line.subjects), name=line.reviewer.name, units="; ".join(s.label for s in line.subjects),
                    date=vn_datetime(line.deadline))
    if line.overdue:
        text += " " + ngettext("%(num)d phiếu đã quá hạn.", "%(num)d phiếu đã quá hạn.", line.overdue)
    return text


def reminders_csv(lines: list[service.ReminderLine]) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the Vietnamese), one row per reviewer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Người chấm"), _("Thư điện tử"), _("Số phiếu chưa nộp"), _("Số phiếu quá hạn"),
                     _("Hồ sơ chưa chấm xong"), _("Hạn sớm nhất"), _("Nội dung nhắc")])
    for line in lines:
        writer.writerow([neutralise(str(v)) for v in (
            line.reviewer.name, line.reviewer.email, len(line.subjects), line.overdue,
            "; ".join(s.label for s in line.subjects), vn_datetime(line.deadline), reminder_text(line))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@bp.route("/campaigns/<int:campaign_id>/progress")
def board(campaign_id: int):
    campaign = _campaign(campaign_id)
    data = service.board(campaign, utcnow())
    return render_template("assignments/progress.html", campaign=campaign, board=data,
                           charts=[strip_plot(d) for d in data.distributions],
                           reminders="\n".join(reminder_text(line) for line in data.reminders))


@bp.route("/campaigns/<int:campaign_id>/progress/reminders.csv")
def reminders(campaign_id: int):
    campaign = _campaign(campaign_id)
    name = f"nhắc-chấm-{campaign.slug}.csv"
    disposition = f"attachment; filename=\"nhac-cham-{campaign.slug}.csv\"; filename*=UTF-8''{quote(name)}"
    return Response(reminders_csv(service.reminders(campaign, utcnow())), mimetype="text/csv",
                    headers={"Content-Disposition": disposition})
