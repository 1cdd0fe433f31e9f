"""A revoked certificate carries the "ĐÃ THU HỒI" stamp, with its date, in every download —
alone, in the batch PDF and in the ZIP, full design or phôi — while the recorded files stay
as issued (their hashes still match)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from pypdf import PdfReader

from emulation.clock import clock
from emulation.models import Certificate, CertificateBatch, Decision, User
from emulation.services import certificate_files, issuing, verification
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_council import DECISION_NUMBER
from tests.web.test_issuing import _files_match

REASON = "Quyết định số 77/QĐ-UBND ngày 02/3/2027 hủy bỏ quyết định khen thưởng do kê khai không trung thực"
STAMP = "ĐÃ THU HỒI"


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def issued(app):
    seed_demo()
    decision = Decision.get(Decision.number == DECISION_NUMBER)
    committee = User.get(User.username == "btdkt")
    full = CertificateBatch.get_by_id(issuing.issue(committee, decision).id)
    blank = CertificateBatch.get_by_id(issuing.issue(committee, decision, "blank").id)
    certificates = {c.recipient_name: c for c in Certificate.select().where(Certificate.decision == decision)}
    clock.frozen = dt.datetime(2027, 3, 4, 18, 30)          # 01:30 on 5 March in Hà Nội
    try:
        verification.revoke(committee, certificates["Bà Lê Trà My"], REASON)
    finally:
        clock.frozen = None
    return full, blank, {name: Certificate.get_by_id(c.id) for name, c in certificates.items()}


def test_the_revoked_certificate_alone_is_stamped_with_its_local_date(issued):
    full, blank, certificates = issued
    for batch in (full, blank):
        [text] = _pages(certificate_files.certificate_pdf(certificates["Bà Lê Trà My"], batch))
        assert STAMP in text and "Ngày 05 tháng 3 năm 2027" in text and "Bà Lê Trà My" in text
        other = next(c for name, c in certificates.items() if name != "Bà Lê Trà My")
        [clean] = _pages(certificate_files.certificate_pdf(other, batch))
        assert STAMP not in clean and other.recipient_name in clean
        _files_match(batch)                                  # the recorded files are untouched


def test_batch_pdf_and_zip_stamp_only_the_revoked_page(issued):
    full, _blank, certificates = issued
    number = certificates["Bà Lê Trà My"].number
    pages = _pages(certificate_files.batch_pdf(full))
    assert len(pages) == len(certificates)
    assert [i + 1 for i, text in enumerate(pages) if STAMP in text] == [number]
    with zipfile.ZipFile(io.BytesIO(certificate_files.batch_zip(full))) as archive:
        stamped = [n for n in archive.namelist() if STAMP in _pages(archive.read(n))[0]]
    assert stamped == [certificate_files.file_name(number, certificates["Bà Lê Trà My"].rule.title, "Bà Lê Trà My")]


def test_the_download_route_serves_the_stamped_page(issued, client, login):
    _full, _blank, certificates = issued
    login(User.get(User.username == "btdkt"), DEMO_PASSWORD)
    response = client.get(f"/certificates/{certificates['Bà Lê Trà My'].id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert STAMP in _pages(response.data)[0]
