"""Evidence storage: content-addressed files, quotas per unit and campaign, refusals that
leave nothing behind, removal that keeps shared files, audit events."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from emulation.models import AuditEvent, Campaign, Evidence, Submission
from emulation.services import ServiceError
from emulation.services.evidence import open_evidence, remove_evidence, store_evidence, unit_usage_bytes
from emulation.storage import FileStore, evidence_store
from tests.domain.test_evidence import ZIP_OF_PDFS, pdf, png

NAME = "Quyết định 123-QĐ.pdf"


@pytest.fixture
def officer(make):
    return make.user()


@pytest.fixture
def campaign(make):
    return make.campaign()


def submission(campaign, unit):
    return Submission.create(campaign=campaign, target="collective", unit=unit, subject_key=f"unit:{unit.id}")


@pytest.fixture
def sub(make, campaign):
    return submission(campaign, make.unit())


@pytest.fixture
def criterion(campaign):
    return campaign.collective_set.criteria.first()


def stored_files() -> list[Path]:
    return sorted(p for p in evidence_store.root.rglob("*") if p.is_file())


def test_store_lives_under_the_upload_dir(app):
    assert evidence_store.root == Path(app.config["UPLOAD_DIR"])
    assert evidence_store.root.is_dir()
    assert not str(evidence_store.root).startswith(app.static_folder)


def test_identical_files_are_stored_once(officer, sub, criterion):
    data = pdf(b"% bien ban\n")
    first = store_evidence(officer, sub, criterion, NAME, data)
    second = store_evidence(officer, sub, None, "Bản sao.pdf", data)
    assert first.sha256 == second.sha256
    assert Evidence.select().count() == 2
    assert stored_files() == [open_evidence(first)]
    assert open_evidence(first).read_bytes() == data


def test_rows_keep_name_size_type_uploader_and_time(officer, sub, criterion):
    evidence = Evidence.get_by_id(store_evidence(officer, sub, criterion, "  Sơ đồ.png ", png()).id)
    assert (evidence.original_name, evidence.size, evidence.content_type) == ("Sơ đồ.png", len(png()), "image/png")
    assert evidence.uploaded_by_id == officer.id
    assert evidence.criterion_id == criterion.id
    assert evidence.uploaded_at is not None


def test_files_get_generated_names_only(officer, sub):
    evidence = store_evidence(officer, sub, None, NAME, pdf())
    path = open_evidence(evidence)
    assert path.relative_to(evidence_store.root).parts == (evidence.sha256[:2], evidence.sha256[2:4],
                                                            evidence.sha256)
    assert all("Quyết" not in p.name and ".pdf" not in p.name for p in evidence_store.root.rglob("*"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750


@pytest.mark.parametrize("name, data", [
    ("hồ sơ.zip", ZIP_OF_PDFS), ("../../etc/passwd.pdf", pdf()), ("trống.pdf", b""),
    ("trang.pdf", b"<html><script>alert(1)</script></html>"), ("a\x00.pdf", pdf()),
])
def test_refusal_writes_no_row_and_no_file(officer, sub, name, data):
    with pytest.raises(ServiceError) as caught:
        store_evidence(officer, sub, None, name, data)
    assert "«" in caught.value.message and caught.value.field == "file"
    assert Evidence.select().count() == 0
    assert stored_files() == []
    assert AuditEvent.select().where(AuditEvent.action == "evidence.upload").count() == 0


def test_too_large_file_is_refused(officer, sub, campaign):
    Campaign.update(max_file_mb=1).where(Campaign.id == campaign.id).execute()
    sub = Submission.get_by_id(sub.id)
    with pytest.raises(ServiceError, match="vượt giới hạn 1 MB"):
        store_evidence(officer, sub, None, NAME, pdf(b"%" * (1024 * 1024)))
    assert stored_files() == []


def test_quota_counts_per_unit_per_campaign(make, officer, campaign):
    Campaign.update(unit_quota_mb=1).where(Campaign.id == campaign.id).execute()
    campaign = Campaign.get_by_id(campaign.id)
    unit, other_unit = make.unit(), make.unit()
    ours, theirs = submission(campaign, unit), submission(campaign, other_unit)
    elsewhere = submission(make.campaign(), unit)
    big = pdf(b"%" * 700_000)
    store_evidence(officer, ours, None, "Một.pdf", big)
    store_evidence(officer, theirs, None, "Hai.pdf", big)           # another unit: its own quota
    store_evidence(officer, elsewhere, None, "Ba.pdf", big)         # another campaign: its own quota
    assert unit_usage_bytes(campaign, unit) == len(big)
    with pytest.raises(ServiceError) as caught:
        store_evidence(officer, ours, None, "Bốn.pdf", big)         # same file again counts again
    assert "«Bốn.pdf»" in caught.value.message and "còn 0,3 MB" in caught.value.message
    assert unit_usage_bytes(campaign, unit) == len(big)
    store_evidence(officer, ours, None, "Nhỏ.png", png())
    assert unit_usage_bytes(campaign, unit) == len(big) + len(png())


def test_remove_keeps_the_shared_file_while_referenced(officer, sub):
    data = pdf()
    first = store_evidence(officer, sub, None, "Một.pdf", data)
    second = store_evidence(officer, sub, None, "Hai.pdf", data)
    path = open_evidence(first)
    remove_evidence(officer, first)
    assert path.is_file()
    assert [e.id for e in Evidence.select()] == [second.id]
    remove_evidence(officer, second)
    assert not path.exists()
    assert Evidence.select().count() == 0


def test_unwritable_store_gives_a_message_and_no_orphan_row(officer, sub, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setattr(evidence_store, "root", blocker / "evidence")
    with pytest.raises(ServiceError, match="Không lưu được tệp «Quyết định 123-QĐ.pdf»"):
        store_evidence(officer, sub, None, NAME, pdf())
    assert Evidence.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "evidence.upload").count() == 0


def test_failed_rename_leaves_no_temporary_file(officer, sub, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ServiceError, match="báo quản trị"):
        store_evidence(officer, sub, None, NAME, pdf())
    assert Evidence.select().count() == 0
    assert stored_files() == []


def test_a_failed_row_removes_the_new_file(officer, sub, monkeypatch):
    from emulation.services import evidence as service

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(service, "record", broken)
    with pytest.raises(RuntimeError):
        store_evidence(officer, sub, None, NAME, pdf())
    assert Evidence.select().count() == 0
    assert stored_files() == []


def test_criterion_of_another_set_is_refused(make, officer, sub):
    other = make.criteria_set("nu-cuoi-cong-so-v1.toml").criteria.first()
    with pytest.raises(ServiceError):
        store_evidence(officer, sub, other, NAME, pdf())
    assert Evidence.select().count() == 0


def test_upload_and_removal_are_audited(officer, sub, criterion):
    evidence = store_evidence(officer, sub, criterion, NAME, pdf())
    remove_evidence(officer, evidence)
    events = list(AuditEvent.select().where(AuditEvent.object_type == "Evidence").order_by(AuditEvent.id))
    assert [(e.action, e.actor_id, e.object_id) for e in events] == [
        ("evidence.upload", officer.id, evidence.id), ("evidence.remove", officer.id, evidence.id)]
    new = json.loads(events[0].new)
    assert new["name"] == NAME and new["type"] == "application/pdf" and new["size"] == len(pdf())
    assert new["criterion"] == criterion.code
    assert json.loads(events[1].old)["name"] == NAME


@pytest.mark.parametrize("digest", ["../../etc/passwd", "A" * 64, "a" * 63, "g" * 64, "a" * 64 + "/"])
def test_store_never_builds_a_path_from_other_text(tmp_path, digest):
    with pytest.raises(ValueError):
        FileStore(tmp_path).path(digest)


def test_put_is_idempotent(tmp_path):
    store = FileStore(tmp_path / "store")
    digest = store.put(b"%PDF-1.4 x")
    assert store.put(b"%PDF-1.4 x") == digest and store.exists(digest)
    store.delete(digest)
    store.delete(digest)
    assert not store.exists(digest)
