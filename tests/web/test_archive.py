"""The campaign archive: export → import into an empty installation → export is byte-identical,
and a damaged archive is refused whole, with every problem listed and nothing written."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from decimal import Decimal

import pytest

from emulation import create_app
from emulation.database import db
from emulation.domain.archive import file_sizes
from emulation.models import (ALL_MODELS, AwardRule, Campaign, Certificate, Conflict, CouncilChange, Decision,
                              DecisionAward, Objection, Result, Submission, Unit, User)
from emulation.services import ServiceError
from emulation.services.archive import copy_files, export_campaign, import_campaign
from emulation.services.archive_write import UNUSABLE_PASSWORD
from emulation.storage import evidence_store
from tests.conftest import USE_PG, _admin_connection, _pg_url_for

NOW = dt.datetime(2026, 3, 2, 3, 4, 5)


def _new_database(template, folder) -> tuple[str, str | None]:
    """A fresh migrated database: (url, PostgreSQL name to drop afterwards)."""
    if USE_PG:
        name = f"emulation_arch{os.getpid()}_{folder.name}"[:60]
        with _admin_connection(os.environ["DATABASE_URL"]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return _pg_url_for(name), name
    target = folder / "emulation.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, target)
    return f"sqlite:///{target}", None


def _drop(name: str | None) -> None:
    if name is not None:
        with _admin_connection(os.environ["DATABASE_URL"]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _council_rows(slug: str) -> None:
    """Rows the demo may not have: rules, a council change, an objection with a file, an approved
    decision with its frozen list and a certificate, an amending draft decision, conflicts."""
    campaign = Campaign.get(Campaign.slug == slug)
    subs = list(Submission.select().where(Submission.campaign == campaign, Submission.state == "submitted")
                .order_by(Submission.subject_key))
    secretary, committee = User.get(User.username == "thuky"), User.get(User.username == "btdkt")
    officer = User.get(User.username == "hadinh")
    first = AwardRule.create(campaign=campaign, precedence=1, title="Bằng khen của Chủ tịch UBND Tỉnh",
                             form="bang-khen", target="collective", min_band="Tốt", min_score=Decimal("80.5"),
                             quota_kind="percent", quota_value=20, per_cluster=True)
    AwardRule.create(campaign=campaign, precedence=2, title="Giấy khen", form="giay-khen", target="collective",
                     quota_kind="count", quota_value=3)
    CouncilChange.create(campaign=campaign, submission=subs[0], rule=first, action="add", made_by=secretary,
                         reason="Hội đồng biểu quyết 7/9 đề nghị bổ sung.", made_at=NOW)
    CouncilChange.create(campaign=campaign, submission=subs[0], rule=first, action="remove", made_by=secretary,
                         reason="Hội đồng họp lại, rút đề nghị bổ sung.", made_at=NOW)
    attachment = "Biên bản kiểm tra – bản chụp.".encode()
    sha = evidence_store.put(attachment)
    Objection.create(campaign=campaign, submission=subs[1], lodged_by=officer, lodged_at=NOW,
                     reason="Đề nghị chấm lại tiêu chí 2.1", evidence_sha256=sha, evidence_name="bien-ban.pdf",
                     evidence_type="application/pdf", evidence_size=len(attachment), answer="Giữ nguyên kết quả.",
                     answered_by=secretary, answered_at=NOW + dt.timedelta(days=1), version=2)
    decision = Decision.create(campaign=campaign, number="9001/QĐ-UBND", authority="UBND tỉnh Đồng Nai",
                               signed_on=dt.date(2026, 3, 5), signer_title="CHỦ TỊCH", signer_name="Võ Tấn Đức",
                               state="approved", approved_at=NOW, approved_by=committee, basis="Căn cứ Luật TĐKT 2022",
                               created_by=secretary, created_at=NOW - dt.timedelta(days=2))
    DecisionAward.create(decision=decision, position=1, rule=first, submission=subs[2], title=first.title,
                         target="collective", recipient_name="Phường A", unit_name="Phường A", cluster_code="X",
                         F=Decimal("91.123456"), rank_overall=1, band="Xuất sắc", source="rule")
    Certificate.create(decision=decision, number=1, rule=first, submission=subs[2], golden_book_no="SV-12",
                       verify_code="a" * 32, recipient_name="Phường A", achievement="Đã có thành tích xuất sắc",
                       issued_at=NOW, revoked_at=NOW + dt.timedelta(days=3), revoke_reason="Ghi nhầm tên")
    Decision.create(campaign=campaign, number="9002/QĐ-UBND", authority="UBND tỉnh Đồng Nai", supersedes=decision)
    reviewer = User.get(User.username == "chamcheo")
    Conflict.create(reviewer=reviewer, unit=subs[0].unit, campaign=campaign, kind="family", note="Vợ công tác tại đây",
                    declared_at=NOW, declared_by=secretary)
    Conflict.create(reviewer=reviewer, unit=subs[1].unit, kind="superior", declared_at=NOW)


@pytest.fixture(scope="module")
def source(template_database, tmp_path_factory):
    """The demo installation, with council rows added, exported: {slug: text}, the files folder,
    and each campaign's ranking (for comparison with the recomputed one)."""
    from emulation.services.demo import seed_demo
    from emulation.services.demo_reviews import SLUG
    folder = tmp_path_factory.mktemp("source")
    url, name = _new_database(template_database, folder)
    create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "INSTANCE_PATH": str(folder), "DATABASE_URL": url,
                "HUEY_IMMEDIATE": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8192})
    seed_demo()
    _council_rows(SLUG)
    from emulation.services.results_refresh import refresh_results
    files = folder / "files"
    texts, rankings = {}, {}
    for campaign in Campaign.select().order_by(Campaign.id):
        refresh_results(campaign)
        texts[campaign.slug] = export_campaign(campaign)
        copy_files(texts[campaign.slug], files)
        rankings[campaign.slug] = _ranking(campaign)
    db.close_all() if hasattr(db.obj, "close_all") else db.close()
    yield {"texts": texts, "files": files, "rankings": rankings, "review_slug": SLUG}
    _drop(name)


def _ranking(campaign: Campaign) -> list[tuple]:
    keys = {s.id: s.subject_key for s in Submission.select().where(Submission.campaign == campaign)}
    from emulation.models import Person
    codes = {f"unit:{u.id}": u.code for u in Unit.select()} | {f"person:{p.id}": p.staff_code for p in Person.select()}
    return sorted((codes[keys[r.submission_id]], r.F, r.rank_overall, r.band, r.flags)
                  for r in Result.select().where(Result.campaign == campaign))


def counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in ALL_MODELS}


def stored_files() -> int:
    return sum(1 for p in evidence_store.root.rglob("*") if p.is_file())


def test_round_trip_is_byte_identical(app, source):
    texts = source["texts"]
    review = json.loads(texts[source["review_slug"]])
    assert review["council_changes"] and review["objections"][0]["evidence"] and review["conflicts"]
    assert [d["supersedes"] for d in review["decisions"]][1] == {"authority": "UBND tỉnh Đồng Nai",
                                                                 "number": "9001/QĐ-UBND"}
    assert review["decisions"][0]["certificates"][0]["revoked_at"].endswith("Z")
    assert "password" not in texts[source["review_slug"]]
    assert Campaign.select().count() == 0 and stored_files() == 0

    for slug, text in texts.items():            # later campaigns reuse the units and users of earlier ones
        report = import_campaign(text, source["files"])
        assert report.campaign.slug == slug and not report.files_missing
    for slug, text in texts.items():
        campaign = Campaign.get(Campaign.slug == slug)
        assert export_campaign(campaign) == text, slug
        assert _ranking(campaign) == source["rankings"][slug], slug
    assert stored_files() == len(os.listdir(source["files"]))
    for sha in os.listdir(source["files"]):
        assert hashlib.sha256(evidence_store.path(sha).read_bytes()).hexdigest() == sha
    imported = User.get(User.username == "thuky")
    assert not imported.active and imported.password_hash == UNUSABLE_PASSWORD


def test_import_without_files_warns_of_missing_files(app, source):
    text = source["texts"][source["review_slug"]]
    report = import_campaign(text)
    assert report.files_missing == tuple(file_sizes(json.loads(text))) and len(report.files_missing) > 1
    assert export_campaign(report.campaign) == text


def _mutate(text: str, change) -> str:
    document = json.loads(text)
    change(document)
    return json.dumps(document, ensure_ascii=False)


def _first_score(d: dict, value: str) -> None:
    scores = d["reviews"][0]["scores"]
    scores[sorted(scores)[0]]["value"] = value


CORRUPTIONS = {
    "truncated": (lambda t: t[: len(t) // 2], ["không phải JSON hợp lệ"]),
    "repeated key": (lambda t: t.replace('"format":', '"version": 1, "format":', 1), ["xuất hiện hai lần"]),
    "wrong version": (lambda t: _mutate(t, lambda d: d.update(version=2)), ["Mục «version»: phiên bản định dạng 2"]),
    "score out of range": (lambda t: _mutate(t, lambda d: _first_score(d, "999")),
                           ["Mục «reviews[0].scores.", "vượt quá tối đa"]),
    "score not a string": (lambda t: _mutate(t, lambda d: _first_score(d, 7.5)), ["số thập phân viết trong dấu"]),
    "dangling reviewer": (lambda t: _mutate(t, lambda d: d["assignments"][0].update(reviewer="khong-co-ai")),
                          ["Mục «assignments[0].reviewer»: «khong-co-ai» không có trong mục «users»"]),
    "dangling unit": (lambda t: _mutate(t, lambda d: d["campaign"]["units"].append("ZZZ")),
                      ["«ZZZ» không có trong mục «units»"]),
    "unknown field": (lambda t: _mutate(t, lambda d: d["submissions"][0].update(colour="đỏ")),
                      ["Mục «submissions[0].colour»: trường không có"]),
    "missing field": (lambda t: _mutate(t, lambda d: d["users"][0].pop("full_name")),
                      ["Mục «users[0].full_name»: thiếu trường"]),
    "edited criteria list": (lambda t: _mutate(t, lambda d: d["criteria_sets"][0]["criteria"][0].update(max="99")),
                             ["Mục «criteria_sets[0].criteria»: danh sách tiêu chí khác với «source_text»"]),
    "edited criteria file": (lambda t: _mutate(t, lambda d: d["criteria_sets"][0].update(
        source_text=d["criteria_sets"][0]["source_text"].replace('title = "', 'title = "Sửa ', 1))),
        ["Mục «criteria_sets[0].content_hash»: không khớp"]),
    "duplicate assignment": (lambda t: _mutate(t, lambda d: d["assignments"].append(d["assignments"][0])),
                             ["trùng khóa"]),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_a_damaged_archive_is_refused_whole(app, source, case):
    damage, expected = CORRUPTIONS[case]
    before = counts()
    with pytest.raises(ServiceError) as caught:
        import_campaign(damage(source["texts"][source["review_slug"]]), source["files"])
    lines = "\n".join(caught.value.problems)
    for part in expected:
        assert part in lines, lines
    assert "không được nhập" in caught.value.message
    assert counts() == before and stored_files() == 0


def test_a_file_whose_bytes_do_not_match_its_hash_is_refused(app, source, tmp_path):
    files = tmp_path / "files"
    shutil.copytree(source["files"], files)
    victim = files / sorted(file_sizes(json.loads(source["texts"][source["review_slug"]])))[0]
    victim.write_bytes(victim.read_bytes() + b"x")
    before = counts()
    with pytest.raises(ServiceError) as caught:
        import_campaign(source["texts"][source["review_slug"]], files)
    assert any(victim.name in line and "không khớp mã SHA-256" in line for line in caught.value.problems)
    assert counts() == before and stored_files() == 0


def test_existing_rows_are_reused_when_identical_and_refused_when_different(app, source):
    text = source["texts"][source["review_slug"]]
    import_campaign(text, source["files"])
    again = pytest.raises(ServiceError, import_campaign, text, source["files"]).value
    assert any("Mục «campaign.slug»" in line for line in again.problems)
    assert any("9001/QĐ-UBND" in line for line in again.problems)
    assert any("mã xác minh" in line for line in again.problems)

    other = source["texts"]["van-hoa-cong-so-2026"]
    here = {u.code for u in Unit.select()}
    i, code = next((i, u["code"]) for i, u in enumerate(json.loads(other)["units"]) if u["code"] in here)
    Unit.update(name="Tên đã đổi").where(Unit.code == code).execute()
    before = counts()
    refused = pytest.raises(ServiceError, import_campaign, other, source["files"]).value
    assert any(f"Mục «units[{i}]»" in line and "Tên đã đổi" in line for line in refused.problems), refused.problems
    assert counts() == before


def test_cli_export_and_import(app, runner, source, tmp_path):
    text = source["texts"]["van-hoa-cong-so-2026"]
    archive, files = tmp_path / "a.json", tmp_path / "files"
    import_campaign(text, source["files"])
    result = runner.invoke(args=["campaign", "export", "van-hoa-cong-so-2026", str(archive), "--files", str(files)])
    assert result.exit_code == 0, result.output
    assert archive.read_text(encoding="utf-8") == text
    wanted = {e["sha256"] for s in json.loads(text)["submissions"] for e in s["evidence"]}
    assert {p.name for p in files.iterdir()} == wanted

    refused = runner.invoke(args=["campaign", "import", str(archive), "--files", str(files)])
    assert refused.exit_code == 1
    assert "Mục «campaign.slug»" in refused.output

    broken = tmp_path / "broken.json"
    broken.write_text(text[:-200], encoding="utf-8")
    result = runner.invoke(args=["campaign", "import", str(broken)])
    assert result.exit_code == 1 and "không phải JSON hợp lệ" in result.output

    renamed = tmp_path / "renamed.json"
    renamed.write_text(_mutate(text, lambda d: d["campaign"].update(slug="ban-sao")), encoding="utf-8")
    result = runner.invoke(args=["campaign", "import", str(renamed), "--files", str(files)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập phong trào «ban-sao»" in result.output and "Dùng lại dữ liệu sẵn có" in result.output
