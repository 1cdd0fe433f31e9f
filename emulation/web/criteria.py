"""Criteria sets: list, view, and upload of a TOML file (committee)."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..models import CriteriaSet
from ..services import ServiceError
from ..services.criteria import import_criteria, is_used, used_set_ids

bp = Blueprint("criteria", __name__, url_prefix="/criteria")
MAX_TOML_BYTES = 512 * 1024


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp tiêu chí (.toml)"), validators=[FileRequired(_l("Chọn một tệp .toml."))])


@bp.route("/")
def index():
    return _index(UploadForm(), [], 200)


def _index(form: "UploadForm", problems: list[str], status: int):
    sets = list(CriteriaSet.select().order_by(CriteriaSet.code, CriteriaSet.version.desc()))
    used = used_set_ids()
    return render_template("criteria/index.html", sets=sets, used={s.id: s.id in used for s in sets},
                           form=form, problems=problems), status


@bp.route("/<int:set_id>")
def view(set_id: int):
    cs = CriteriaSet.get_or_none(CriteriaSet.id == set_id) or abort(404)
    groups = [(code, list(items)) for code, items in groupby(cs.ordered_criteria(), key=lambda c: c.group_code)]
    return render_template("criteria/view.html", cs=cs, groups=groups, used=is_used(cs))


@bp.route("/upload", methods=["POST"])
def upload():
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        storage = form.file.data
        raw = storage.read(MAX_TOML_BYTES + 1)
        name = storage.filename or "criteria.toml"
        if len(raw) > MAX_TOML_BYTES:
            flash(_("Tệp tiêu chí quá lớn (tối đa 512 KB)."), "error")
        else:
            try:
                outcome = import_criteria(current_user, raw.decode("utf-8"), name)
            except UnicodeDecodeError:
                flash(_("Tệp «%(f)s» không phải văn bản UTF-8. Hãy lưu lại với mã hóa UTF-8.", f=name), "error")
            except ServiceError as error:
                flash(error.message, "error")
                problems = error.problems
            else:
                messages = {"created": _("Đã nhập bộ tiêu chí mới."),
                            "unchanged": _("Bộ tiêu chí này đã có, nội dung không đổi."),
                            "replaced": _("Đã cập nhật bộ tiêu chí (chưa phong trào nào sử dụng).")}
                flash(messages[outcome.status], "success")
                return redirect(url_for("criteria.view", set_id=outcome.criteria_set.id))
    return _index(form, problems, 422)
