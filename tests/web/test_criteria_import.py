"""Criteria sets: import statuses, stored rows, the `criteria` CLI and the committee upload page."""
from __future__ import annotations

import html
import io
import json

import pytest

from emulation.domain.criteria import parse_criteria
from emulation.models import AuditEvent, CriteriaSet, Criterion
from emulation.services import ServiceError
from emulation.services.criteria import import_criteria
from tests.factories import CRITERIA
from tests.helpers import post

SHIPPED = sorted(p.name for p in CRITERIA.glob("*.toml"))

VALID = """\
id = "bo-thu"
version = 1
title = "Bộ tiêu chí thử"
target = "collective"

[[groups]]
code = "I"
title = "Nhóm I"

[[groups.criteria]]
code = "I.1"
title = "Tiêu chí một"
max = 10

[[groups.criteria]]
code = "I.2"
title = "Tiêu chí hai"
kind = "penalty"
max = 5
step = 1
"""


def edit(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def shipped(name: str) -> str:
    return (CRITERIA / name).read_text(encoding="utf-8")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- service -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_criteria_are_stored_in_file_order_with_their_rules(app, name):
    source = shipped(name)
    outcome = import_criteria(None, source, name)
    assert outcome.status == "created"
    parsed = parse_criteria(source)
    row = CriteriaSet.get_by_id(outcome.criteria_set.id)
    assert (row.code, row.version, row.target, row.max_total) == (parsed.id, parsed.version, parsed.target,
                                                                 parsed.max_total)
    stored = [(c.position, c.group_code, c.code, c.kind, c.max, c.step, c.evidence_required, c.evidence_hint,
               c.disqualifying) for c in row.ordered_criteria()]
    expected = [(i, c.group_code, c.code, c.kind.value, c.max, c.step, c.evidence_required, c.evidence_hint,
                 c.disqualifying) for i, c in enumerate(parsed.criteria)]
    assert stored == expected
    assert any(c.disqualifying for c in parsed.criteria)
    assert {"score", "penalty"} <= {c.kind.value for c in parsed.criteria}


NOT_CONTENT = [
    ("same text", VALID),
    ("comments and blank lines", "# Bộ tiêu chí thử – ghi chú\n\n" + VALID.replace("\n\n", "\n\n\n# nhóm\n")),
    ("spacing and 10 written 10.0", VALID.replace("max = 10", "max   =   10.0").replace('code = "I"', 'code="I"')),
    ("key order", edit('code = "I.1"\ntitle = "Tiêu chí một"', 'title = "Tiêu chí một"\ncode = "I.1"')),
]


@pytest.mark.parametrize("again", [t for _, t in NOT_CONTENT], ids=[i for i, _ in NOT_CONTENT])
def test_same_content_is_unchanged(app, again):
    first = import_criteria(None, VALID, "bo-thu-v1.toml")
    second = import_criteria(None, again, "bo-thu-v1.toml")
    assert (second.status, second.criteria_set.id) == ("unchanged", first.criteria_set.id)
    assert CriteriaSet.select().count() == 1 and Criterion.select().count() == 2
    assert [e.action for e in AuditEvent.select()] == ["criteria.created"]


def test_changed_unused_set_is_replaced(make):
    actor = make.user("committee")
    first = import_criteria(actor, VALID, "bo-thu-v1.toml")
    changed = edit('title = "Tiêu chí hai"\nkind = "penalty"', 'title = "Tiêu chí hai (sửa)"\nkind = "bonus"')
    second = import_criteria(actor, changed, "bo-thu-v1.toml")
    assert (second.status, second.criteria_set.id) == ("replaced", first.criteria_set.id)
    rows = list(CriteriaSet.get_by_id(first.criteria_set.id).ordered_criteria())
    assert [(c.code, c.title, c.kind) for c in rows] == [("I.1", "Tiêu chí một", "score"),
                                                         ("I.2", "Tiêu chí hai (sửa)", "bonus")]
    assert CriteriaSet.get_by_id(first.criteria_set.id).max_total == 15
    event = AuditEvent.get(AuditEvent.action == "criteria.replaced")
    assert event.actor_id == actor.id and json.loads(event.new)["version"] == 1


def test_changed_set_in_use_is_refused_until_version_is_raised(make):
    first = import_criteria(None, VALID, "bo-thu-v1.toml").criteria_set
    make.campaign(collective_set_id=first.id)
    changed = edit("max = 10", "max = 20")
    with pytest.raises(ServiceError) as caught:
        import_criteria(None, changed, "bo-thu-v1.toml")
    assert "đang được phong trào sử dụng" in caught.value.message
    assert "Hãy tăng «version» trong tệp rồi nhập lại thành phiên bản mới." in caught.value.message
    assert CriteriaSet.get_by_id(first.id).content_hash == first.content_hash
    assert import_criteria(None, VALID, "bo-thu-v1.toml").status == "unchanged"
    bumped = import_criteria(None, edit("version = 1", "version = 2", changed), "bo-thu-v2.toml")
    assert bumped.status == "created" and bumped.criteria_set.id != first.id


def test_broken_file_is_refused_with_one_line_per_problem(app):
    with pytest.raises(ServiceError) as caught:
        import_criteria(None, edit("max = 10", "max = 0", edit('kind = "penalty"', 'kind = "tru"')), "x.toml")
    assert caught.value.message == "Tệp tiêu chí «x.toml» có 2 lỗi, chưa được nhập."
    assert [line.split(": ")[1] for line in caught.value.problems] == [
        "groups[0].criteria[0].max", "groups[0].criteria[1].kind"]
    assert CriteriaSet.select().count() == 0


# --- CLI: validate -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_validate_shipped_files(runner, name):
    result = runner.invoke(args=["criteria", "validate", str(CRITERIA / name)])
    assert result.exit_code == 0, result.output
    assert "hợp lệ" in result.stdout
    for word in ("nhóm", "tiêu chí", "điểm tối đa"):
        assert word in result.stdout
    assert result.stderr == ""


BROKEN = [
    # (case id, document, key path ("" for the whole file), message substring)
    ("duplicate code", edit('code = "I.2"', 'code = "i.1"'), "groups[0].criteria[1].code",
     'Mã tiêu chí "i.1" bị trùng với tiêu chí ở groups[0].criteria[0].code'),
    ("bad kind", edit('kind = "penalty"', 'kind = "tru-diem"'), "groups[0].criteria[1].kind",
     '«kind» phải là "score" (chấm điểm), "bonus" (cộng điểm) hoặc "penalty" (trừ điểm)'),
    ("max zero", edit("max = 10", "max = 0"), "groups[0].criteria[0].max", "«max» phải lớn hơn 0, không phải 0."),
    ("max negative", edit("max = 5", "max = -5"), "groups[0].criteria[1].max", "«max» phải lớn hơn 0"),
    ("step not dividing max", edit("max = 10", "max = 10\nstep = 3"), "groups[0].criteria[0].step",
     "Bước chấm step = 3 không chia hết điểm tối đa max = 10. "
     "Hãy chọn bước chia hết điểm tối đa, ví dụ step = 2."),
    ("missing title", edit('title = "Tiêu chí hai"\n', ""), "groups[0].criteria[1].title",
     "Thiếu khóa bắt buộc «title»."),
    ("unknown key", edit('title = "Bộ tiêu chí thử"', 'titel = "Bộ tiêu chí thử"\ntitle = "Bộ"'), "titel",
     "Khóa «titel» không được hỗ trợ. Có phải ý bạn là «title»?"),
    ("unknown criterion key", edit("max = 5", "maxx = 5\nmax = 5"), "groups[0].criteria[1].maxx",
     "Có phải ý bạn là «max»?"),
    ("toml syntax", edit('title = "Bộ tiêu chí thử"', "title = Bộ tiêu chí thử"), "",
     "Lỗi cú pháp TOML ở dòng 3, cột 9"),
]


@pytest.mark.parametrize("document, key_path, message", [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_validate_broken_file(runner, tmp_path, document, key_path, message):
    path = tmp_path / "bo-thu-v1.toml"
    path.write_text(document, encoding="utf-8")
    result = runner.invoke(args=["criteria", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    prefix = f"{path}: {key_path}: " if key_path else f"{path}: "
    assert lines[0].startswith(prefix) and message in lines[0], lines[0]
    assert result.stdout == ""


def test_validate_reports_every_problem_of_every_file(runner, tmp_path):
    good, bad, worse = tmp_path / "good.toml", tmp_path / "bad.toml", tmp_path / "worse.toml"
    good.write_text(VALID, encoding="utf-8")
    bad.write_text(edit("max = 10", "max = 10\nstep = 3"), encoding="utf-8")
    worse.write_text(edit('kind = "penalty"', 'kind = "x"\nnote = "?"', edit('code = "I"', 'code = "I I"')),
                     encoding="utf-8")
    result = runner.invoke(args=["criteria", "validate", str(good), str(bad), str(worse),
                                 str(CRITERIA / SHIPPED[0])])
    assert result.exit_code == 1
    assert f"{good}: hợp lệ" in result.stdout and f"{CRITERIA / SHIPPED[0]}: hợp lệ" in result.stdout
    assert [line.split(": ")[:2] for line in result.stderr.splitlines()] == [
        [str(bad), "groups[0].criteria[0].step"],
        [str(worse), "groups[0].code"],
        [str(worse), "groups[0].criteria[1].note"],
        [str(worse), "groups[0].criteria[1].kind"],
    ]


def test_validate_all_good_files_exits_zero(runner):
    result = runner.invoke(args=["criteria", "validate", *(str(CRITERIA / n) for n in SHIPPED)])
    assert result.exit_code == 0 and result.stdout.count("hợp lệ") == len(SHIPPED)


def test_validate_non_utf8_and_missing_file(runner, tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(VALID.encode("cp1258", errors="replace").replace(b"B", b"\xff", 1))
    result = runner.invoke(args=["criteria", "validate", str(latin), str(tmp_path / "khong-co.toml")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{latin}: Tệp không được lưu bằng mã UTF-8")
    assert lines[1].startswith(f"{tmp_path / 'khong-co.toml'}: Không đọc được tệp")


# --- CLI: import -------------------------------------------------------------------------------

def test_import_created_then_unchanged(runner):
    path = str(CRITERIA / "hn-van-hoa-cong-so-v1.toml")
    first = runner.invoke(args=["criteria", "import", path])
    assert first.exit_code == 0, first.output
    assert f"{path}: đã nhập – hn-van-hoa-cong-so v1" in first.stdout
    again = runner.invoke(args=["criteria", "import", path])
    assert again.exit_code == 0 and "không đổi (đã có)" in again.stdout
    assert CriteriaSet.select().count() == 1


def test_import_refuses_a_changed_set_in_use(runner, make, tmp_path):
    path = tmp_path / "bo-thu-v1.toml"
    path.write_text(VALID, encoding="utf-8")
    assert runner.invoke(args=["criteria", "import", str(path)]).exit_code == 0
    make.campaign(collective_set_id=CriteriaSet.get(CriteriaSet.code == "bo-thu").id)
    path.write_text(edit("max = 10", "max = 20"), encoding="utf-8")
    result = runner.invoke(args=["criteria", "import", str(path)])
    assert result.exit_code == 1
    assert "«version»" in result.stderr
    assert Criterion.get(Criterion.code == "I.1").max == 10


def test_import_broken_file_lists_problems(runner, tmp_path):
    path = tmp_path / "bo-thu-v1.toml"
    path.write_text(edit('kind = "penalty"', 'kind = "x"'), encoding="utf-8")
    result = runner.invoke(args=["criteria", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}: groups[0].criteria[1].kind: «kind» phải là" in result.stderr
    assert CriteriaSet.select().count() == 0


# --- web upload --------------------------------------------------------------------------------

def upload(client, content: bytes, name: str = "bo-thu-v1.toml"):
    return post(client, "/criteria/upload", {"file": (io.BytesIO(content), name)}, page="/criteria/")


def test_committee_uploads_a_set(client, make, login):
    login(make.user("committee"))
    response = upload(client, VALID.encode())
    cs = CriteriaSet.get(CriteriaSet.code == "bo-thu")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/criteria/{cs.id}")
    page = text(client.get(f"/criteria/{cs.id}"))
    assert "Đã nhập bộ tiêu chí mới." in page and "Tiêu chí một" in page
    again = upload(client, ("# ghi chú\n" + VALID).encode())
    assert again.status_code == 302
    assert "Bộ tiêu chí này đã có, nội dung không đổi." in text(client.get(again.headers["Location"]))


def test_upload_of_a_broken_file_lists_the_problems(client, make, login):
    login(make.user("committee"))
    broken = edit("max = 10", "max = 10\nstep = 3", edit('kind = "penalty"', 'kind = "x"'))
    response = upload(client, broken.encode())
    body = text(response)
    assert response.status_code == 422
    assert "Tệp tiêu chí «bo-thu-v1.toml» có 2 lỗi, chưa được nhập." in body
    assert "Những điểm cần sửa" in body
    assert "bo-thu-v1.toml: groups[0].criteria[0].step: Bước chấm step = 3 không chia hết" in body
    assert "bo-thu-v1.toml: groups[0].criteria[1].kind: «kind» phải là" in body
    assert CriteriaSet.select().count() == 0


def test_upload_of_a_non_utf8_file(client, make, login):
    login(make.user("committee"))
    response = upload(client, VALID.encode("utf-16"), name="cp.toml")
    assert response.status_code == 422
    assert "Tệp «cp.toml» không phải văn bản UTF-8. Hãy lưu lại với mã hóa UTF-8." in text(response)
    assert CriteriaSet.select().count() == 0


def test_upload_refused_when_set_in_use(client, make, login):
    make.campaign(collective_set_id=import_criteria(None, VALID, "bo-thu-v1.toml").criteria_set.id)
    login(make.user("committee"))
    response = upload(client, edit("max = 10", "max = 20").encode())
    assert response.status_code == 422 and "Hãy tăng «version» trong tệp" in text(response)


def test_upload_without_a_file(client, make, login):
    login(make.user("committee"))
    response = post(client, "/criteria/upload", {}, page="/criteria/")
    assert response.status_code == 422 and "Chọn một tệp .toml." in text(response)


def test_secretary_sees_sets_but_cannot_upload(client, make, login):
    import_criteria(None, VALID, "bo-thu-v1.toml")
    login(make.user("secretary"))
    listing = client.get("/criteria/")
    assert listing.status_code == 200 and "Bộ tiêu chí thử" in text(listing)
    assert "Nhập bộ tiêu chí từ tệp TOML" not in text(listing)
    assert upload(client, edit("version = 1", "version = 2").encode()).status_code == 403
    assert CriteriaSet.select().count() == 1
