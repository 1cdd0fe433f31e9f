"""The explained result of one submission (giải trình kết quả) and its printable PDF annex."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from ..domain.scoring import q2
from ..models import Submission
from ..services import explain as service
from .i18n import vn_number

bp = Blueprint("results", __name__)


def _explained(submission_id: int) -> service.Explanation:
    """The explanation the user may see, else 404 (other units' results cannot be probed)."""
    submission = Submission.get_or_none(Submission.id == submission_id) or abort(404)
    mode = service.access(current_user, submission) or abort(404)
    return service.explain(submission, mode) or abort(404)


@bp.route("/submissions/<int:submission_id>/result")
def explain(submission_id: int):
    return render_template("results/explain.html", x=_explained(submission_id), fmt=_score, exact=vn_number)


def _score(value) -> str:
    """A score shown rounded to 0.01 (ROUND_HALF_UP, DESIGN §3), in the user's language."""
    return vn_number(q2(value), 2) if value is not None else "—"


@bp.route("/submissions/<int:submission_id>/result.pdf")
def annex_pdf(submission_id: int):
    explanation = _explained(submission_id)
    from ..services.annex import render_annex  # loads WeasyPrint: only when a PDF is asked for
    return send_file(BytesIO(render_annex(explanation)), mimetype="application/pdf", as_attachment=False,
                     download_name=f"phu-luc-ket-qua-{explanation.submission_id}.pdf")
