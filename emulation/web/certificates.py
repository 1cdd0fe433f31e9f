"""Issuing a decision's certificates: the list, the batches with live progress, the downloads."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import PRINT_MODES, AwardRule, Certificate, CertificateBatch, Decision
from ..services import ServiceError
from ..services import certificate_files as files
from ..services import issuing

bp = Blueprint("certificates", __name__)


def _decision(decision_id: int) -> Decision:
    return Decision.get_or_none(Decision.id == decision_id) or abort(404)


def _batch(decision: Decision, mode: str) -> CertificateBatch:
    if mode not in PRINT_MODES:
        abort(404)
    return CertificateBatch.get_or_none(CertificateBatch.decision == decision, CertificateBatch.mode == mode) \
        or abort(404)


def _progress(decision: Decision) -> list[dict]:
    return [{"mode": b.mode, "state": b.state, "rendered": b.rendered, "total": b.total, "error": b.error}
            for b in CertificateBatch.select().where(CertificateBatch.decision == decision)
            .order_by(CertificateBatch.id)]


@bp.route("/decisions/<int:decision_id>/certificates")
def index(decision_id: int):
    decision = _decision(decision_id)
    certificates = list(Certificate.select(Certificate, AwardRule).join(AwardRule)
                        .where(Certificate.decision == decision).order_by(Certificate.number))
    batches = {b.mode: b for b in CertificateBatch.select().where(CertificateBatch.decision == decision)}
    return render_template("certificates/index.html", decision=decision, campaign=decision.campaign,
                           certificates=certificates, batches=batches, modes=PRINT_MODES)


@bp.route("/decisions/<int:decision_id>/certificates/progress")
def progress(decision_id: int):
    response = jsonify(batches=_progress(_decision(decision_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/decisions/<int:decision_id>/certificates/issue", methods=["POST"])
def issue(decision_id: int):
    decision = _decision(decision_id)
    try:
        batch = issuing.issue(current_user, decision, request.form.get("mode", "full"))
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if batch.state == "done":
            flash(_("Đợt in này đã xong; có thể tải về bên dưới."), "success")
        else:
            flash(_("Đã đưa đợt in vào hàng đợi xử lý nền; tiến độ hiện ở bên dưới."), "success")
    return redirect(url_for("certificates.index", decision_id=decision.id))


def _pdf(data: bytes, name: str, attachment: bool = False):
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=attachment, download_name=name)


@bp.route("/certificates/<int:certificate_id>.pdf")
def one(certificate_id: int):
    certificate = Certificate.get_or_none(Certificate.id == certificate_id) or abort(404)
    batch = _batch(certificate.decision, request.args.get("mode", "full"))
    try:
        data = files.certificate_pdf(certificate, batch)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.index", decision_id=certificate.decision_id))
    return _pdf(data, files.file_name(certificate.number, certificate.rule.title, certificate.recipient_name))


@bp.route("/decisions/<int:decision_id>/certificates/<mode>.<any(pdf, zip):fmt>")
def batch_download(decision_id: int, mode: str, fmt: str):
    batch = _batch(_decision(decision_id), mode)
    try:
        data = files.batch_pdf(batch) if fmt == "pdf" else files.batch_zip(batch)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.index", decision_id=decision_id))
    name = files.download_name(batch, fmt)
    if fmt == "pdf":
        return _pdf(data, name, attachment=True)
    return send_file(BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)
