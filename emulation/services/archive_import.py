"""Importing a campaign archive: everything is checked first, then written in one transaction.

Rules (``docs/archive.md``):
- the file itself is checked by :func:`emulation.domain.archive.parse`;
- against this installation: the campaign slug must be new; decision numbers (per
  authority) and certificate verification codes must be new; criteria sets (by
  ``code``+``version``), clusters, units, people (by code) and users (by username) that
  already exist are reused when they are identical and refused when they differ;
- evidence files: with a folder (``--files``), each ``<folder>/<sha256>`` present must hash
  to its name and have the size the archive states, else the archive is refused; a file
  found neither in the folder nor in the store is not a refusal (an archive without its
  files is still a faithful record) — the report lists it as missing;
- on any problem nothing at all is written: a :class:`ServiceError` lists every problem;
- otherwise the rows are inserted in one transaction, the files copied into the store,
  each review's totals (``review_totals``) and the results recomputed and one
  ``campaign.import`` audit event recorded. Imported users get no usable password and are
  inactive: an administrator resets them to let them in.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import DatabaseError

from ..database import db
from ..domain import archive as rules
from ..models import Campaign, Certificate, Cluster, CriteriaSet, Decision, Person, Unit, User
from ..storage import evidence_store
from . import ServiceError
from .archive_write import Existing, write_archive
from .audit import record
from .results_refresh import refresh_results
from . import self_totals
from .review_totals import recompute_campaign


@dataclass(frozen=True)
class ImportReport:
    campaign: Campaign
    files_restored: int                     # copied from the folder into the store
    files_missing: tuple[str, ...]          # referenced, but neither in the folder nor in the store
    reused: tuple[str, ...]                 # "units: TXB, HDI" — rows that were already here, identical
    users_created: tuple[str, ...]          # usernames created inactive, without a usable password


def import_campaign(text: str, files_dir: Path | None = None, actor: User | None = None) -> ImportReport:
    """Check an archive whole, then write it (see the module docstring)."""
    document, problems = rules.parse(text)
    lines = [p.line() for p in problems]
    if document is None:
        raise _refused(lines)
    existing = _existing(document, lines)
    copies, missing = _check_files(document, files_dir, lines)
    if lines:
        raise _refused(lines)
    created = tuple(u["username"] for u in document["users"] if u["username"] not in existing.users)
    try:
        with db.atomic():
            campaign = write_archive(document, existing)
            recompute_campaign(campaign)    # the archive holds scores, not the totals kept from them
            self_totals.recompute_campaign(campaign)
            for sha256, path in copies:
                evidence_store.put(path.read_bytes(), sha256)
            refresh_results(campaign)
            record(actor, "campaign.import", campaign, new={
                "slug": campaign.slug, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "submissions": len(document["submissions"]), "files_restored": len(copies),
                "files_missing": len(missing)})
    except (DatabaseError, OSError) as error:
        raise ServiceError("Không ghi được tệp lưu trữ; không có gì được ghi vào cơ sở dữ liệu.",
                           problems=[str(error)]) from error
    return ImportReport(campaign, len(copies), tuple(missing), existing.reused(), created)


def _refused(lines: list[str]) -> ServiceError:
    return ServiceError(f"Tệp lưu trữ có {len(lines)} lỗi nên không được nhập; "
                        "chưa có gì được ghi vào cơ sở dữ liệu.", problems=lines)


def _differs(label: str, path: str, theirs: dict[str, Any], ours: dict[str, Any], lines: list[str]) -> None:
    changed = [f"{k} «{ours[k]}» ≠ «{theirs[k]}»" for k in theirs if theirs[k] != ours[k]]
    if changed:
        lines.append(f"Mục «{path}»: {label} đã có trên hệ thống này với thông tin khác "
                     f"({'; '.join(changed)}); sửa cho giống nhau rồi nhập lại.")


def _existing(doc: dict[str, Any], lines: list[str]) -> Existing:
    """Rows of this installation the archive names: reused when identical, else a problem each."""
    found = Existing()
    c = doc["campaign"]
    if Campaign.select().where(Campaign.slug == c["slug"]).exists():
        lines.append(f"Mục «campaign.slug»: phong trào «{c['slug']}» đã có trên hệ thống này "
                     "(xóa nó, hoặc đổi «slug» trong tệp, trước khi nhập).")
    for i, s in enumerate(doc["criteria_sets"]):
        row = CriteriaSet.get_or_none(CriteriaSet.code == s["code"], CriteriaSet.version == s["version"])
        if row is not None:
            _differs("bộ tiêu chí", f"criteria_sets[{i}]", {"content_hash": s["content_hash"]},
                     {"content_hash": row.content_hash}, lines)
            found.sets[(s["code"], s["version"])] = row.id
    clusters = {r.code: r for r in Cluster.select().where(Cluster.code.in_([x["code"] for x in doc["clusters"]]))}
    for i, x in enumerate(doc["clusters"]):
        if (row := clusters.get(x["code"])) is not None:
            _differs("cụm thi đua", f"clusters[{i}]", x, {"code": row.code, "name": row.name, "active": row.active},
                     lines)
            found.clusters[row.code] = row.id
    units = {r.code: r for r in Unit.select().where(Unit.code.in_([x["code"] for x in doc["units"]]))}
    cluster_codes = dict(Cluster.select(Cluster.id, Cluster.code).tuples())
    for i, x in enumerate(doc["units"]):
        if (row := units.get(x["code"])) is not None:
            ours = {"code": row.code, "name": row.name, "kind": row.kind, "district": row.district,
                    "cluster": cluster_codes.get(row.cluster_id), "active": row.active}
            _differs("đơn vị", f"units[{i}]", {k: x[k] for k in ours}, ours, lines)
            found.units[row.code] = row.id
    unit_codes = dict(Unit.select(Unit.id, Unit.code).tuples())
    people = {r.staff_code: r for r in Person.select().where(
        Person.staff_code.in_([x["staff_code"] for x in doc["people"]]))}
    for i, x in enumerate(doc["people"]):
        if (row := people.get(x["staff_code"])) is not None:
            ours = {k: getattr(row, k) for k in ("staff_code", "full_name", "gender", "position", "email", "phone",
                                                 "active")} | {"unit": unit_codes[row.unit_id]}
            _differs("cán bộ", f"people[{i}]", x, ours, lines)
            found.people[row.staff_code] = row.id
    users = {r.username: r for r in User.select().where(User.username.in_([x["username"] for x in doc["users"]]))}
    for i, x in enumerate(doc["users"]):
        if (row := users.get(x["username"])) is not None:
            _differs("tài khoản", f"users[{i}]", x, {"username": row.username, "full_name": row.full_name}, lines)
            found.users[row.username] = row.id
    _taken_numbers(doc, lines)
    return found


def _taken_numbers(doc: dict[str, Any], lines: list[str]) -> None:
    for i, d in enumerate(doc["decisions"]):
        if Decision.select().where(Decision.authority == d["authority"], Decision.number == d["number"]).exists():
            lines.append(f"Mục «decisions[{i}].number»: quyết định số «{d['number']}» của «{d['authority']}» "
                         "đã có trên hệ thống này.")
        codes = [x["verify_code"] for x in d["certificates"]]
        for code in Certificate.select(Certificate.verify_code).where(Certificate.verify_code.in_(codes)).tuples():
            lines.append(f"Mục «decisions[{i}].certificates»: mã xác minh «{code[0]}» đã được một bằng khác "
                         "trên hệ thống này sử dụng.")


def _check_files(doc: dict[str, Any], folder: Path | None,
                 lines: list[str]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(files to copy from the folder, hashes found nowhere); a damaged file is a problem."""
    if folder is not None and not folder.is_dir():
        lines.append(f"Thư mục tệp minh chứng «{folder}» không tồn tại.")
        return [], []
    copies, missing = [], []
    for sha256, size in rules.file_sizes(doc).items():
        path = folder / sha256 if folder is not None else None
        if path is not None and path.is_file():
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if digest != sha256:
                lines.append(f"Tệp «{path}»: nội dung không khớp mã SHA-256 trong tên tệp "
                             f"(tính được {digest}); tệp bị hỏng hoặc bị thay.")
            elif path.stat().st_size != size:
                lines.append(f"Tệp «{path}»: dài {path.stat().st_size} byte, tệp lưu trữ ghi {size} byte.")
            elif not evidence_store.exists(sha256):
                copies.append((sha256, path))
        elif not evidence_store.exists(sha256):
            missing.append(sha256)
    return copies, missing
