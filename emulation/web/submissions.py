"""Self-assessment pages: the unit's form (save, submit, evidence), the secretary's list and return."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from ..models import (Campaign, CampaignUnit, Criterion, Evidence, Nomination, ReturnNote, Submission, Unit, User,
                      utcnow)
from ..domain.submission import totals
from ..services import ServiceError
from ..services import evidence as evidence_service
from ..services import explain as explain_service
from ..services import submissions as service
from ..services.campaigns import describe
from ..services.submissions import Entry, EntryErrors, Incomplete, StaleSave

bp = Blueprint("submissions", __name__)


def _submission(submission_id: int) -> Submission:
    submission = Submission.get_or_none(Submission.id == submission_id)
    if submission is None or not submission.can_view(current_user):
        abort(404)
    return submission


def _entries(cs) -> dict[str, Entry]:
    return {c.code: Entry(request.form.get(f"value-{c.code}", ""), request.form.get(f"explain-{c.code}", ""))
            for c in cs.criteria}


def _page(submission: Submission, status: int = 200, entries=None, errors=None, changes=None,
          version: int | None = None, upload_problems=(), missing=()):
    """The form (editable or read-only). ``errors``: bad values by code; ``missing``: (code, message)
    pairs that block submitting — a value or required evidence, several per criterion possible."""
    cs, rows = service.criteria_of(submission)
    stored = service.stored_scores(submission)
    if entries is None:
        entries = {code: Entry("" if r.value is None else format(r.value.normalize(), "f").replace(".", ","),
                               r.explanation) for code, r in stored.items()}
    notes = list(ReturnNote.select(ReturnNote, User).join(User)
                 .where(ReturnNote.submission == submission).order_by(ReturnNote.id))
    values, _bad = service.parse_entries(cs, entries)
    state = service.effective_state(submission)
    editable = submission.is_own(current_user) and state in ("draft", "returned") and \
        describe(submission.campaign)["phase"] == "submission"
    return render_template(
        "submissions/form.html", submission=submission, cs=cs, rows=rows, entries=entries,
        errors=errors or {}, changes=changes, evidence=service.evidence_by_code(submission), missing=list(missing),
        missing_codes={code for code, _m in missing}, needs_evidence=_needs_evidence(cs, missing),
        notes=notes, open_notes={n.criterion_id for n in notes if n.resolved_at is None},
        codes={row.id: code for code, row in rows.items()},
        state=state, editable=editable, version=submission.version if version is None else version,
        info=describe(submission.campaign), upload_problems=list(upload_problems),
        nomination=Nomination.get_or_none(Nomination.submission == submission),
        totals=totals(cs, values), subtotals={code: sub for code, sub, _max in totals(cs, values).groups},
        can_return=submission.can_return(current_user) and state == "submitted",
        explained=explain_service.available(current_user, submission)), status


def _needs_evidence(cs, missing) -> set[str]:
    """Codes whose only problem may be the evidence: mark the upload, not the score."""
    required = {c.code for c in cs.criteria if c.evidence_required}
    return {code for code, message in missing if code in required and "minh chứng" in message}


@bp.route("/campaigns/<int:campaign_id>/self-assessment")
def start(campaign_id: int):
    """Open (creating on first visit) the officer's unit's self-assessment."""
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    unit_ids = current_user.officer_unit_ids()
    wanted = request.args.get("unit", type=int)
    taking_part = [cu.unit_id for cu in CampaignUnit.select().where(
        CampaignUnit.campaign == campaign, CampaignUnit.unit.in_(unit_ids or {0}))]
    if wanted is not None:
        taking_part = [u for u in taking_part if u == wanted]
    if not taking_part:
        abort(404)
    submission = service.open_collective(campaign, Unit.get_by_id(taking_part[0]))
    return redirect(url_for("submissions.view", submission_id=submission.id))


def _store_uploads(submission: Submission, rows: dict[str, Criterion]) -> list[str]:
    problems = []
    for key in request.files:
        if not key.startswith("files-"):
            continue
        criterion = rows.get(key[len("files-"):])
        for storage in request.files.getlist(key):
            if not storage or not storage.filename:
                continue
            try:
                evidence_service.store_evidence(current_user, submission, criterion, storage.filename,
                                                storage.read())
            except ServiceError as error:
                problems.append(error.message)
    return problems


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
def view(submission_id: int):
    submission = _submission(submission_id)
    if request.method == "GET":
        return _page(submission)
    if not submission.is_own(current_user):
        abort(404)
    cs, rows = service.criteria_of(submission)
    entries = _entries(cs)
    version = request.form.get("version", type=int, default=-1)
    try:
        service.check_editable(submission, utcnow())
    except ServiceError as error:
        flash(error.message, "error")
        return _page(submission, 409, entries=entries)
    upload_problems = _store_uploads(submission, rows)
    try:
        if request.form.get("action") == "submit":
            service.submit(current_user, submission, entries, version)
            flash(_("Đã nộp hồ sơ tự đánh giá. Hồ sơ chuyển sang chế độ chỉ xem."), "success")
        else:
            service.save_draft(current_user, submission, entries, version)
            flash(_("Đã lưu nháp."), "success")
    except EntryErrors as error:
        flash(error.message, "error")
        return _page(submission, 422, entries=entries, errors=error.errors, version=version,
                     upload_problems=upload_problems)
    except StaleSave as error:
        return _page(submission, 409, entries=entries, changes=error.changes, version=error.current_version,
                     upload_problems=upload_problems)
    except Incomplete as error:
        flash(error.message, "error")
        return _page(Submission.get_by_id(submission.id), 422, entries=entries, missing=error.items,
                     upload_problems=upload_problems)
    except ServiceError as error:
        flash(error.message, "error")
        return _page(submission, 409, entries=entries, upload_problems=upload_problems)
    for problem in upload_problems:
        flash(problem, "error")
    return redirect(url_for("submissions.view", submission_id=submission.id))


def _evidence(evidence_id: int) -> Evidence:
    evidence = Evidence.get_or_none(Evidence.id == evidence_id)
    if evidence is None or not evidence.submission.can_view(current_user):
        abort(404)
    return evidence


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
def evidence_delete(evidence_id: int):
    evidence = _evidence(evidence_id)
    submission = evidence.submission
    if not submission.is_own(current_user):
        abort(404)
    try:
        service.check_editable(submission, utcnow())
        evidence_service.remove_evidence(current_user, evidence)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Đã xóa tệp «%(f)s».", f=evidence.original_name), "success")
    return redirect(url_for("submissions.view", submission_id=submission.id))


SANDBOX_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# Chromium's PDF viewer does not load in a sandboxed document; a PDF (checked by content:
# no HTML, no hidden zip) gets a CSP that allows nothing but the viewer itself.
PDF_CSP = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"


def _send(evidence: Evidence, inline: bool):
    """Serve an evidence file: attachment by default; inline only for images and PDF previews."""
    path = evidence_service.open_evidence(evidence)
    if not path.is_file():  # the row outlived its file (restored database without the file store)
        current_app.logger.error("evidence file missing: %s", evidence.sha256)
        abort(404)
    response = send_file(path, mimetype=evidence.content_type,
                         as_attachment=not inline, download_name=evidence.original_name, max_age=0)
    pdf_inline = inline and evidence.content_type == "application/pdf"
    response.headers["Content-Security-Policy"] = PDF_CSP if pdf_inline else SANDBOX_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/evidence/<int:evidence_id>")
def evidence_file(evidence_id: int):
    return _send(_evidence(evidence_id), inline=False)


@bp.route("/evidence/<int:evidence_id>/preview")
def evidence_preview(evidence_id: int):
    evidence = _evidence(evidence_id)
    if evidence.content_type not in ("application/pdf", "image/jpeg", "image/png"):
        return _send(evidence, inline=False)
    return _send(evidence, inline=True)


@bp.route("/campaigns/<int:campaign_id>/submissions")
def campaign_list(campaign_id: int):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    rows = (Unit.select(Unit.name, Submission.id.alias("submission_id"), Submission.state,
                        Submission.submitted_at)
            .join(CampaignUnit).switch(Unit)
            .join(Submission, join_type=JOIN.LEFT_OUTER,
                  on=((Submission.unit == Unit.id) & (Submission.campaign == campaign)
                      & (Submission.target == "collective")))
            .where(CampaignUnit.campaign == campaign).order_by(Unit.name))
    return render_template("submissions/list.html", campaign=campaign, rows=list(rows.dicts()),
                           info=describe(campaign))


@bp.route("/submissions/<int:submission_id>/return", methods=["POST"])
def return_(submission_id: int):
    submission = _submission(submission_id)
    if not submission.can_return(current_user):
        abort(404)
    _cs, rows = service.criteria_of(submission)
    reasons: dict[int | None, str] = {None: request.form.get("reason-general", "")}
    for criterion in rows.values():
        reasons[criterion.id] = request.form.get(f"reason-{criterion.code}", "")
    try:
        service.return_for_revision(current_user, submission, reasons,
                                    request.form.get("version", type=int, default=-1))
    except ServiceError as error:
        flash(error.message, "error")
        return _page(submission, 422)
    flash(_("Đã trả lại hồ sơ cho đơn vị kèm lý do."), "success")
    return redirect(url_for("submissions.campaign_list", campaign_id=submission.campaign_id))
