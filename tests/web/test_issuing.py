"""Issuing a decision's certificates: numbers, the golden book, chunk files, downloads, refusals."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from pypdf import PdfReader

from emulation.models import (AuditEvent, Campaign, Certificate, CertificateBatch, CertificateChunk, Decision,
                              DecisionAward,
                              GoldenBook, User)
from emulation.services import ServiceError, certificate_files, issuing
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_council import DECISION_NUMBER, SLUG
from emulation.services.issuing_worker import batch_folder
from tests.helpers import post


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _files_match(batch: CertificateBatch) -> None:
    folder = batch_folder(batch)
    chunks = list(CertificateChunk.select().where(CertificateChunk.batch == batch).order_by(CertificateChunk.seq))
    assert chunks and all(c.sha256 for c in chunks)
    for c in chunks:
        assert hashlib.sha256((folder / c.file).read_bytes()).hexdigest() == c.sha256
    assert sorted(p.name for p in folder.iterdir()) == sorted(c.file for c in chunks)   # no stray file
    covered = [n for c in chunks for n in range(c.first, c.last + 1)]
    assert covered == list(range(1, batch.total + 1))


@pytest.fixture
def demo_decision(app):
    seed_demo()
    return Decision.get(Decision.number == DECISION_NUMBER)


def test_demo_decision_is_issued_numbered_and_readable(demo_decision):
    committee = User.get(User.username == "btdkt")
    batch = issuing.issue(committee, demo_decision)
    batch = CertificateBatch.get_by_id(batch.id)
    certificates = list(Certificate.select().where(Certificate.decision == demo_decision).order_by(Certificate.number))
    assert batch.state == "done", batch.error
    assert batch.rendered == batch.total == len(certificates) == demo_decision.awards.count()
    assert [c.number for c in certificates] == list(range(1, len(certificates) + 1))
    golden = [int(c.golden_book_no) for c in certificates]
    assert golden == list(range(golden[0], golden[0] + len(golden)))
    assert GoldenBook.get(GoldenBook.authority == demo_decision.authority).last_number == golden[-1]
    assert len({c.verify_code for c in certificates}) == len(certificates)
    assert all(len(c.verify_code) >= 32 for c in certificates)          # 24 bytes = 192 bits, url-safe
    _files_match(batch)
    my = next(c for c in certificates if c.recipient_name == "Bà Lê Trà My")
    text = _text(certificate_files.certificate_pdf(my, batch))
    assert "Bà Lê Trà My" in text and DECISION_NUMBER in text and f"Sổ vàng số {my.golden_book_no}" in text
    assert AuditEvent.select().where(AuditEvent.action == "certificates.issued").count() == 1


def test_issuing_again_changes_nothing_and_the_blank_mode_keeps_the_numbers(demo_decision):
    committee = User.get(User.username == "btdkt")
    first = issuing.issue(committee, demo_decision)
    codes = {c.number: c.verify_code for c in Certificate.select().where(Certificate.decision == demo_decision)}
    again = issuing.issue(committee, demo_decision)
    assert again.id == first.id and CertificateBatch.select().count() == 1
    blank = CertificateBatch.get_by_id(issuing.issue(committee, demo_decision, "blank").id)
    assert blank.state == "done" and blank.total == len(codes)
    assert {c.number: c.verify_code for c in Certificate.select().where(Certificate.decision == demo_decision)} == codes
    _files_match(blank)


def test_golden_book_continues_across_decisions_of_one_authority(app, make):
    committee = make.user("committee")
    a, b = make.approved_decision(3), make.approved_decision(2)
    issuing.issue(committee, a)
    issuing.issue(committee, b)
    numbers = [int(c.golden_book_no) for c in Certificate.select().order_by(Certificate.decision, Certificate.number)]
    assert numbers == [1, 2, 3, 4, 5]
    assert [c.number for c in Certificate.select().where(Certificate.decision == b)] == [1, 2]


def test_chunks_follow_the_chunk_size_and_split_by_form(app, make, monkeypatch):
    monkeypatch.setattr(issuing, "SETTINGS", issuing.SETTINGS.__class__(chunk=2, folder=issuing.SETTINGS.folder))
    committee = make.user("committee")
    decision = make.approved_decision(5)
    batch = CertificateBatch.get_by_id(issuing.issue(committee, decision).id)
    assert [(c.first, c.last) for c in batch.chunks.order_by(CertificateChunk.seq)] == [(1, 2), (3, 4), (5, 5)]
    _files_match(batch)
    whole = certificate_files.batch_pdf(batch)
    assert len(PdfReader(io.BytesIO(whole)).pages) == 5
    with zipfile.ZipFile(io.BytesIO(certificate_files.batch_zip(batch))) as archive:
        names = archive.namelist()
    assert len(names) == 5 and names[0].startswith("001 - Bằng khen của Chủ tịch UBND Thành phố - Phường Số")


def test_a_draft_decision_is_not_issued(app, make):
    committee = make.user("committee")
    decision = make.approved_decision(1)
    Decision.update(state="draft").where(Decision.id == decision.id).execute()
    with pytest.raises(ServiceError, match="đã được phê duyệt"):
        issuing.issue(committee, Decision.get_by_id(decision.id))
    assert Certificate.select().count() == 0


def test_a_tampered_file_is_refused_not_served(app, make):
    committee = make.user("committee")
    decision = make.approved_decision(2)
    batch = CertificateBatch.get_by_id(issuing.issue(committee, decision).id)
    chunk = batch.chunks.get()
    path = batch_folder(batch) / chunk.file
    path.write_bytes(path.read_bytes() + b"%tampered")
    with pytest.raises(ServiceError, match="không còn khớp"):
        certificate_files.batch_pdf(batch)


@pytest.mark.parametrize(("name", "status"), [("btdkt", 302), ("thuky", 403), ("txbac", 403)])
def test_only_the_committee_issues_from_the_web(demo_decision, client, login, name, status):
    login(User.get(User.username == name), DEMO_PASSWORD)
    url = f"/decisions/{demo_decision.id}/certificates"
    page = url if name == "btdkt" else "/account/password"
    response = post(client, url + "/issue", {"mode": "full"}, page=page)
    assert response.status_code == status
    assert (CertificateBatch.select().count() == 1) == (status == 302)


def test_certificate_page_progress_and_downloads(demo_decision, client, login):
    login(User.get(User.username == "btdkt"), DEMO_PASSWORD)
    url = f"/decisions/{demo_decision.id}/certificates"
    assert "Chưa cấp bằng nào" in client.get(url).get_data(as_text=True)
    post(client, url + "/issue", {"mode": "full"}, page=url)
    page = client.get(url).get_data(as_text=True)
    assert "Bà Lê Trà My" in page and "Đã xong" in page
    progress = client.get(url + "/progress").get_json()
    assert progress["batches"][0]["state"] == "done" and progress["batches"][0]["rendered"] > 0
    whole = client.get(url + "/full.pdf")
    assert whole.status_code == 200 and whole.mimetype == "application/pdf"
    assert "Bà Lê Trà My" in _text(whole.data)
    archive = client.get(url + "/full.zip")
    assert archive.mimetype == "application/zip"
    my = Certificate.get(Certificate.recipient_name == "Bà Lê Trà My")
    single = client.get(f"/certificates/{my.id}.pdf")
    assert single.status_code == 200 and len(PdfReader(io.BytesIO(single.data)).pages) == 1
    assert client.get(url + "/blank.pdf").status_code == 404        # no blank batch yet
    campaign = Campaign.get(Campaign.slug == SLUG)
    assert campaign.id == demo_decision.campaign_id


def test_an_amending_decision_issues_only_its_new_lines(app, make):
    committee = make.user("committee")
    first = make.approved_decision(3)
    issuing.issue(committee, first)
    revoked = Certificate.get(Certificate.decision == first, Certificate.number == 2)
    Certificate.update(revoked_at=first.approved_at, revoke_reason="Thu hồi theo quyết định số 99/QĐ-UBND").where(
        Certificate.id == revoked.id).execute()
    extra = make.approved_decision(1, campaign=first.campaign)
    amending = Decision.create(campaign=first.campaign, number="3001/QĐ-UBND", authority=first.authority,
                               signed_on=first.signed_on, signer_title="Chủ tịch", signer_name="Nguyễn Văn A",
                               state="approved", approved_at=first.approved_at, supersedes=first)
    lines = list(first.awards.order_by(DecisionAward.position)) + list(extra.awards)
    for i, a in enumerate(lines, 1):
        DecisionAward.create(decision=amending, position=i, rule=a.rule_id, submission=a.submission_id, title=a.title,
                             target=a.target, recipient_name=a.recipient_name, unit_name=a.unit_name, source="rule")
    batch = CertificateBatch.get_by_id(issuing.issue(committee, amending).id)
    issued = list(Certificate.select().where(Certificate.decision == amending).order_by(Certificate.number))
    assert batch.state == "done" and [c.number for c in issued] == [1, 2]
    assert [c.submission_id for c in issued] == [revoked.submission_id, lines[-1].submission_id]


@pytest.mark.parametrize(("limits", "message"), [
    ({"time_limit_seconds": 0.001}, "Quá thời gian kết xuất"),
    ({"memory_mb": 64}, "vượt giới hạn bộ nhớ"),
])
def test_a_chunk_over_a_limit_fails_the_batch_and_a_retry_completes_it(app, make, monkeypatch, limits, message):
    committee = make.user("committee")
    decision = make.approved_decision(2)
    normal = issuing.SETTINGS
    monkeypatch.setattr(issuing, "SETTINGS", issuing.SETTINGS.__class__(**{**normal.__dict__, **limits}))
    batch = CertificateBatch.get_by_id(issuing.issue(committee, decision).id)
    assert batch.state == "failed" and message in batch.error
    assert not CertificateChunk.select().where(CertificateChunk.sha256 != "").exists()
    assert AuditEvent.select().where(AuditEvent.action == "certificates.failed").count() >= 1
    monkeypatch.setattr(issuing, "SETTINGS", normal)
    batch = CertificateBatch.get_by_id(issuing.issue(committee, decision).id)       # the committee retries
    assert batch.state == "done" and batch.rendered == 2
    _files_match(batch)


def test_the_demo_issues_its_decision_and_lê_trà_my_gets_hers(app):
    seed_demo(certificates=True)
    decision = Decision.get(Decision.number == DECISION_NUMBER)
    batch = CertificateBatch.get(CertificateBatch.decision == decision, CertificateBatch.mode == "full")
    assert batch.state == "done" and batch.total == decision.awards.count()
    mine = Certificate.get(Certificate.decision == decision, Certificate.recipient_name == "Bà Lê Trà My")
    assert "Bà Lê Trà My" in _text(certificate_files.certificate_pdf(mine, batch))
    seed_demo(certificates=True)                                      # idempotent
    assert Certificate.select().count() == batch.total and CertificateBatch.select().count() == 1
