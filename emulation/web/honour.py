"""The public hall of honour "Những bông hoa đẹp": campaigns, and who each one awarded."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..services import honour as service

bp = Blueprint("honour", __name__)


@bp.route("/honour")
def index():
    return render_template("honour/index.html", campaigns=service.campaigns())


@bp.route("/honour/<slug>")
def campaign(slug: str):
    query = request.args.get("q", "")[:200]
    board = service.campaign_honours(slug, query) or abort(404)
    return render_template("honour/campaign.html", board=board)
