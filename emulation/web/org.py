"""Committee: clusters, units and people — lists, create/edit/deactivate, sheet import."""
from __future__ import annotations

from peewee import JOIN
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField

from ..models import Cluster, Person, Unit
from ..models.org import HONORIFICS
from ..services import ServiceError
from ..services import org as service
from ..services import org_import
from .forms import REQUIRED, apply_service_error, choices, length

bp = Blueprint("org", __name__, url_prefix="/org")
PAGE_SIZE = 100


class ClusterForm(FlaskForm):
    code = StringField(_l("Mã cụm"), validators=[REQUIRED, length(40)])
    name = StringField(_l("Tên cụm / khối thi đua"), validators=[REQUIRED, length(200)])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class UnitForm(FlaskForm):
    code = StringField(_l("Mã đơn vị"), validators=[REQUIRED, length(40)])
    name = StringField(_l("Tên đơn vị"), validators=[REQUIRED, length(200)])
    kind = StringField(_l("Loại (phường, xã, sở, chi đoàn…)"), validators=[length(40)])
    district = StringField(_l("Quận/Huyện"), validators=[length(120)])
    cluster = SelectField(_l("Cụm thi đua"), coerce=int)
    active = BooleanField(_l("Đang hoạt động"), default=True)


class PersonForm(FlaskForm):
    staff_code = StringField(_l("Mã cán bộ"), validators=[REQUIRED, length(40)])
    full_name = StringField(_l("Họ và tên"), validators=[REQUIRED, length(200)])
    gender = SelectField(_l("Giới tính"), choices=choices([("", _l("— Không ghi —")), ("M", _l("Nam")), ("F", _l("Nữ"))]))
    position = StringField(_l("Chức vụ"), validators=[length(200)])
    unit = SelectField(_l("Đơn vị"), coerce=int)
    email = StringField(_l("Thư điện tử"), validators=[length(200)])
    phone = StringField(_l("Điện thoại"), validators=[length(40)])
    active = BooleanField(_l("Đang công tác"), default=True)


class ImportForm(FlaskForm):
    kind = SelectField(_l("Loại dữ liệu"), choices=choices([
        ("clusters", _l("Cụm thi đua")), ("units", _l("Đơn vị")), ("people", _l("Cán bộ"))]))
    file = FileField(_l("Tệp .xlsx hoặc .csv"), validators=[FileRequired(_l("Chọn một tệp."))])


def _values(form: FlaskForm) -> dict:
    values = {name: ("" if field.data is None and field.type == "StringField" else field.data)
              for name, field in form._fields.items() if name != "csrf_token"}
    for key in ("cluster",):
        if key in values:
            values[key] = values[key] or None
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


HEADINGS = {Cluster: _l("Cụm thi đua"), Unit: _l("Đơn vị"), Person: _l("Cán bộ")}
LISTS = {Cluster: "org.clusters", Unit: "org.units", Person: "org.people"}


def _edit(model, instance, form):
    """Create or edit a cluster, unit or person with one form page."""
    list_endpoint = LISTS[model]
    if form.validate_on_submit():
        try:
            service.save(current_user, model, instance, _values(form))
        except ServiceError as error:
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã lưu."), "success")
            return redirect(url_for(list_endpoint))
    status = 422 if form.errors else 200
    return render_template("org/form.html", form=form, instance=instance, heading=HEADINGS[model],
                           back=list_endpoint), status


def _cluster_choices(form: UnitForm) -> None:
    form.cluster.choices = choices([(0, _l("— Chưa xếp cụm —"))] + [
        (c.id, f"{c.code} – {c.name}") for c in Cluster.ordered()])


def _unit_choices(form: PersonForm) -> None:
    form.unit.choices = choices((u.id, f"{u.code} – {u.name}") for u in Unit.select().order_by(Unit.name))


@bp.route("/clusters")
def clusters():
    return render_template("org/clusters.html", clusters=list(Cluster.ordered()))


@bp.route("/clusters/new", methods=["GET", "POST"])
def cluster_new():
    return _edit(Cluster, None, ClusterForm())


@bp.route("/clusters/<int:cluster_id>", methods=["GET", "POST"])
def cluster_edit(cluster_id: int):
    cluster = Cluster.get_or_none(Cluster.id == cluster_id) or abort(404)
    return _edit(Cluster, cluster, ClusterForm(obj=cluster))


@bp.route("/units")
def units():
    # Plain rows, not model objects: a city lists hundreds of units on this page.
    query = (Unit.select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.district, Unit.active,
                         Cluster.name.alias("cluster_name"))
             .join(Cluster, join_type=JOIN.LEFT_OUTER).order_by(Unit.code))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Unit.name.contains(q) | Unit.code.contains(q))
    cluster = request.args.get("cluster", type=int)
    if cluster:
        query = query.where(Unit.cluster == cluster)
    return render_template("org/units.html", units=list(query.namedtuples()), q=q, cluster=cluster,
                           clusters=list(Cluster.select(Cluster.id, Cluster.name).order_by(Cluster.code)))


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = UnitForm()
    _cluster_choices(form)
    return _edit(Unit, None, form)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = Unit.get_or_none(Unit.id == unit_id) or abort(404)
    form = UnitForm(obj=unit, data={"cluster": unit.cluster_id or 0})
    _cluster_choices(form)
    return _edit(Unit, unit, form)


@bp.route("/people")
def people():
    page = max(request.args.get("page", 1, type=int), 1)
    query = (Person.select(Person.id, Person.staff_code, Person.full_name, Person.gender, Person.position,
                           Person.active, Unit.name.alias("unit_name"))
             .join(Unit).order_by(Unit.name, Person.full_name))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Person.full_name.contains(q) | Person.staff_code.contains(q))
    unit = request.args.get("unit", type=int)
    if unit:
        query = query.where(Person.unit == unit)
    rows = list(query.paginate(page, PAGE_SIZE).namedtuples())
    return render_template("org/people.html", people=rows, q=q, unit=unit, page=page, honorifics=HONORIFICS,
                           has_next=len(rows) == PAGE_SIZE,
                           units=list(Unit.select(Unit.id, Unit.name).order_by(Unit.name).namedtuples()))


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    form = PersonForm()
    _unit_choices(form)
    return _edit(Person, None, form)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = Person.get_or_none(Person.id == person_id) or abort(404)
    form = PersonForm(obj=person, data={"unit": person.unit_id})
    _unit_choices(form)
    return _edit(Person, person, form)


@bp.route("/import", methods=["GET", "POST"])
def import_sheet():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        storage = form.file.data
        try:
            report = org_import.import_org_sheet(current_user, form.kind.data,
                                                 storage.filename or "", storage.read())
        except ServiceError as error:
            flash(error.message, "error")
            problems = error.problems
        else:
            flash(_("Đã nhập %(n)d dòng: %(c)d thêm mới, %(u)d cập nhật.",
                    n=report.rows, c=report.created, u=report.updated), "success")
            return redirect(url_for({"clusters": "org.clusters", "units": "org.units",
                                     "people": "org.people"}[report.kind]))
    status = 422 if problems or form.errors else 200
    return render_template("org/import.html", form=form, problems=problems), status


@bp.route("/import/template/<kind>")
def import_template(kind: str):
    if kind not in org_import.KINDS:
        abort(404)
    import io
    names = {"clusters": "mau-cum-thi-dua.xlsx", "units": "mau-don-vi.xlsx", "people": "mau-can-bo.xlsx"}
    return send_file(io.BytesIO(org_import.template_workbook(kind)), as_attachment=True,
                     download_name=names[kind],
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
