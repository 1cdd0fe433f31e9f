"""Reading issued certificates back: one certificate, a whole batch as one PDF, or a ZIP.

Rules:
- A file is served only if its SHA-256 still matches what the worker recorded; a file
  changed or lost on disk is refused with a message, never served.
- One certificate is its page of the chunk file (page ``number − first``), copied into a
  PDF of its own.
- A revoked certificate's page carries the "ĐÃ THU HỒI" stamp with its date in every
  download (``services.revoked_stamp``); the recorded file itself is never changed.
- The whole batch is the chunk files one after the other (number order); the ZIP holds one
  PDF per certificate named "<số> - <danh hiệu> - <người nhận>.pdf" in Vietnamese (UTF-8 names),
  with the characters file systems refuse replaced.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter

from ..models import AwardRule, Campaign, Certificate, CertificateBatch, CertificateChunk, Decision
from . import ServiceError
from .campaigns import to_local
from .issuing_worker import batch_folder
from .revoked_stamp import stamped_pdf

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _checked(batch: CertificateBatch, chunk: CertificateChunk) -> bytes:
    path = batch_folder(batch) / chunk.file
    data = path.read_bytes() if chunk.file and path.is_file() else None
    if data is None or hashlib.sha256(data).hexdigest() != chunk.sha256:
        raise ServiceError(_("Tệp bằng khen số %(a)s–%(b)s không còn khớp với bản đã ghi nhận; hãy cấp lại "
                             "đợt in này.", a=chunk.first, b=chunk.last))
    return data


def _revoked(batch: CertificateBatch) -> dict[int, dt.date]:
    """Number → local date of revocation, for the batch's revoked certificates."""
    rows = list(Certificate.select(Certificate.number, Certificate.revoked_at)
                .where(Certificate.decision == batch.decision_id, Certificate.revoked_at.is_null(False)).tuples())
    if not rows:
        return {}
    zone = (Campaign.select(Campaign.timezone).join(Decision).where(Decision.id == batch.decision_id).scalar())
    return {number: to_local(at, zone).date() for number, at in rows}


def _chunks(batch: CertificateBatch) -> list[CertificateChunk]:
    chunks = list(CertificateChunk.select().where(CertificateChunk.batch == batch).order_by(CertificateChunk.seq))
    if batch.state != "done" or any(not c.sha256 for c in chunks):
        raise ServiceError(_("Đợt in chưa xong: hãy chờ tiến trình nền kết xuất hết."))
    return chunks


def certificate_pdf(certificate: Certificate, batch: CertificateBatch) -> bytes:
    """The certificate's own PDF, from its page in ``batch`` (module rules)."""
    chunk = (CertificateChunk.select().where(CertificateChunk.batch == batch,
                                             CertificateChunk.first <= certificate.number,
                                             CertificateChunk.last >= certificate.number).first())
    if chunk is None or not chunk.sha256:
        raise ServiceError(_("Bằng khen này chưa được kết xuất trong đợt in."))
    reader = PdfReader(io.BytesIO(_checked(batch, chunk)))
    writer = PdfWriter()
    writer.add_page(reader.pages[certificate.number - chunk.first])
    out = io.BytesIO()
    writer.write(out)
    revoked = _revoked(batch)
    return stamped_pdf(out.getvalue(), {0: revoked[certificate.number]} if certificate.number in revoked else {})


def batch_pdf(batch: CertificateBatch) -> bytes:
    """Every certificate of the batch in one PDF, in number order."""
    writer = PdfWriter()
    chunks = _chunks(batch)
    for chunk in chunks:
        writer.append(PdfReader(io.BytesIO(_checked(batch, chunk))))
    out = io.BytesIO()
    writer.write(out)
    page = {}                                  # number → page index in the joined file
    for chunk in chunks:
        page.update({n: len(page) for n in range(chunk.first, chunk.last + 1)})
    return stamped_pdf(out.getvalue(), {page[n]: day for n, day in _revoked(batch).items() if n in page})


def file_name(number: int, title: str, recipient: str) -> str:
    """"007 - Bằng khen của Chủ tịch UBND Thành phố - Bà Lê Trà My.pdf" (unsafe characters dropped)."""
    name = f"{number:03d} - {title} - {recipient}"
    return _UNSAFE.sub(" ", name).strip()[:180] + ".pdf"


def batch_zip(batch: CertificateBatch) -> bytes:
    """A ZIP of one PDF per certificate (module rules)."""
    certificates = {c.number: c for c in Certificate.select(Certificate, AwardRule).join(AwardRule)
                    .where(Certificate.decision == batch.decision_id)}
    revoked = _revoked(batch)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for chunk in _chunks(batch):
            reader = PdfReader(io.BytesIO(_checked(batch, chunk)))
            for number in range(chunk.first, chunk.last + 1):
                writer = PdfWriter()
                writer.add_page(reader.pages[number - chunk.first])
                single = io.BytesIO()
                writer.write(single)
                c = certificates[number]
                data = stamped_pdf(single.getvalue(), {0: revoked[number]} if number in revoked else {})
                archive.writestr(file_name(number, c.rule.title, c.recipient_name), data)
    return out.getvalue()


def download_name(batch: CertificateBatch, extension: str) -> str:
    """"Quyết định 2468-QĐ-UBND - bằng.pdf" style names for the batch downloads."""
    number = _UNSAFE.sub("-", batch.decision.number)
    kind = _("bản in phôi") if batch.mode == "blank" else _("bản đầy đủ")
    return f"{_('Bằng khen, giấy khen')} {number} ({kind}).{extension}"
