"""Criteria sets: TOML format validation, the shipped sets, value checks, hashing."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.criteria import (
    TARGETS,
    CriteriaError,
    CriteriaSet,
    Criterion,
    Kind,
    N_,
    Problem,
    canonical_hash,
    check_value,
    format_decimal_vi,
    load_criteria,
    parse_criteria,
)

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "criteria"

HEADER = 'id = "bo-thu"\nversion = 1\ntitle = "Bộ tiêu chí thử"\ntarget = "collective"\n'
GROUP = '\n[[groups]]\ncode = "I"\ntitle = "Nhóm I"\n'
CRITERION = '\n[[groups.criteria]]\ncode = "I.1"\ntitle = "Tiêu chí một"\nmax = 10\n'
VALID = HEADER + GROUP + CRITERION


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def criterion_with(lines: str) -> str:
    """The valid document with extra lines appended to its only criterion."""
    return VALID + lines + "\n"


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(CriteriaError) as info:
        parse_criteria(text)
    return info.value.problems


C0 = "groups[0].criteria[0]"

ERROR_CASES = [
    # (case id, document, key path, message substring)
    ("syntax", edit(VALID, 'title = "Bộ tiêu chí thử"', "title = Bộ tiêu chí thử"),
     "", "Lỗi cú pháp TOML ở dòng 3, cột 9"),
    ("syntax-duplicate-key", edit(VALID, "version = 1\n", "version = 1\nversion = 2\n"), "",
     "Lỗi cú pháp TOML ở dòng 3, cột 12: Cannot overwrite a value"),
    ("syntax-at-end", VALID + 'guidance = "chưa đóng', "", "Lỗi cú pháp TOML (phát hiện ở cuối tệp)"),
    ("missing-id", edit(VALID, 'id = "bo-thu"\n', ""), "id", "Thiếu khóa bắt buộc «id»"),
    ("missing-version", edit(VALID, "version = 1\n", ""), "version", "Thiếu khóa bắt buộc «version»"),
    ("missing-target", edit(VALID, 'target = "collective"\n', ""), "target", "«target»"),
    ("missing-group-code", edit(VALID, 'code = "I"\n', ""), "groups[0].code", "Thiếu khóa bắt buộc «code»"),
    ("missing-max", edit(VALID, "max = 10\n", ""), f"{C0}.max", "Thiếu khóa bắt buộc «max»"),
    ("missing-criterion-title", edit(VALID, 'title = "Tiêu chí một"\n', ""), f"{C0}.title", "«title»"),
    ("empty-title", edit(VALID, 'title = "Bộ tiêu chí thử"', 'title = "   "'), "title", "không được để trống"),
    ("empty-group-title", edit(VALID, 'title = "Nhóm I"', 'title = ""'), "groups[0].title", "không được để trống"),
    ("string-max", edit(VALID, "max = 10", 'max = "10"'), f"{C0}.max", 'phải là số viết không có dấu ngoặc kép'),
    ("bool-version", edit(VALID, "version = 1", "version = true"), "version", "phải là số nguyên"),
    ("decimal-version", edit(VALID, "version = 1", "version = 1.5"), "version", "phải là số nguyên"),
    ("bool-max", edit(VALID, "max = 10", "max = true"), f"{C0}.max", "không phải true"),
    ("int-title", edit(VALID, 'title = "Tiêu chí một"', "title = 5"), f"{C0}.title", "phải là chuỗi"),
    ("string-bool", criterion_with('evidence_required = "có"'), f"{C0}.evidence_required", "true hoặc false"),
    ("groups-table", HEADER + '[groups]\ncode = "I"\n', "groups", "[[groups]]"),
    ("criteria-table", HEADER + GROUP + '[groups.criteria]\ncode = "I.1"\n', "groups[0].criteria",
     "[[groups.criteria]]"),
    ("bad-slug", edit(VALID, 'id = "bo-thu"', 'id = "Văn hóa công sở"'), "id", 'ví dụ "van-hoa-cong-so"'),
    ("slug-leading-dash", edit(VALID, 'id = "bo-thu"', 'id = "-bo"'), "id", "chữ thường không dấu"),
    ("bad-code", edit(VALID, 'code = "I.1"', 'code = "I 1"'), f"{C0}.code", "không có dấu cách"),
    ("bad-group-code", edit(VALID, 'code = "I"', 'code = "Nhóm I"'), "groups[0].code", "chữ cái không dấu"),
    ("long-code", edit(VALID, 'code = "I.1"', f'code = "{"A" * 41}"'), f"{C0}.code", "giới hạn 40 ký tự"),
    ("version-zero", edit(VALID, "version = 1", "version = 0"), "version", "từ 1 trở lên"),
    ("bad-target", edit(VALID, 'target = "collective"', 'target = "unit"'), "target", '"individual" (cá nhân)'),
    ("bad-kind", criterion_with('kind = "bonuss"'), f"{C0}.kind", '"penalty" (trừ điểm)'),
    ("max-zero", edit(VALID, "max = 10", "max = 0"), f"{C0}.max", "phải lớn hơn 0"),
    ("max-negative", edit(VALID, "max = 10", "max = -5"), f"{C0}.max", "phải lớn hơn 0"),
    ("max-inf", edit(VALID, "max = 10", "max = inf"), f"{C0}.max", "số hữu hạn"),
    ("max-nan", edit(VALID, "max = 10", "max = nan"), f"{C0}.max", "số hữu hạn"),
    ("step-zero", criterion_with("step = 0"), f"{C0}.step", "phải lớn hơn 0"),
    ("step-negative", criterion_with("step = -0.5"), f"{C0}.step", "phải lớn hơn 0"),
    ("max-4-decimals", edit(VALID, "max = 10", "max = 10.0005"), f"{C0}.max", "quá 3 chữ số thập phân"),
    ("step-4-decimals", criterion_with("step = 0.0005"), f"{C0}.step", "quá 3 chữ số thập phân"),
    ("step-not-dividing", criterion_with("step = 3"), f"{C0}.step", "không chia hết điểm tối đa max = 10"),
    ("step-above-max", criterion_with("step = 20"), f"{C0}.step", "ví dụ step = 10"),
    ("duplicate-criterion", VALID + edit(CRITERION, "Tiêu chí một", "Tiêu chí hai"), "groups[0].criteria[1].code",
     f"trùng với tiêu chí ở {C0}.code"),
    ("duplicate-criterion-other-group-case",
     VALID + edit(GROUP, '"I"', '"II"') + edit(CRITERION, '"I.1"', '"i.1"'), "groups[1].criteria[0].code",
     f"trùng với tiêu chí ở {C0}.code"),
    ("duplicate-group", VALID + edit(GROUP, "Nhóm I", "Nhóm khác") + edit(CRITERION, "I.1", "I.2"),
     "groups[1].code", "trùng với nhóm ở groups[0].code"),
    ("no-groups", HEADER, "groups", "chưa có nhóm nào"),
    ("empty-groups-list", HEADER + "groups = []\n", "groups", "chưa có nhóm nào"),
    ("empty-group", VALID + GROUP.replace('"I"', '"II"'), "groups[1].criteria", "Nhóm «II» chưa có tiêu chí nào"),
    ("unknown-top-key", edit(VALID, "title =", 'descripton = "x"\ntitle ='), "descripton",
     "Có phải ý bạn là «description»?"),
    ("unknown-group-key", edit(VALID, 'title = "Nhóm I"', 'title = "Nhóm I"\nweight = 2'), "groups[0].weight",
     "Các khóa hợp lệ ở đây: code, title, criteria"),
    ("unknown-criterion-key", criterion_with("maxx = 5"), f"{C0}.maxx", "Có phải ý bạn là «max»?"),
    ("unknown-criterion-key-typo", criterion_with("evidence_requird = true"), f"{C0}.evidence_requird",
     "«evidence_required»"),
    ("evidence-without-hint", criterion_with("evidence_required = true"), f"{C0}.evidence_hint",
     "chưa có evidence_hint"),
    ("evidence-blank-hint", criterion_with('evidence_required = true\nevidence_hint = " "'),
     f"{C0}.evidence_hint", "chưa có evidence_hint"),
    ("disqualifying-on-score", criterion_with("disqualifying = true"), f"{C0}.disqualifying",
     'có kind = "score"'),
    ("disqualifying-on-bonus", criterion_with('kind = "bonus"\ndisqualifying = true'), f"{C0}.disqualifying",
     'đổi kind thành "penalty"'),
    ("only-penalties", criterion_with('kind = "penalty"'), "", "tổng điểm tối đa bằng 0"),
]


@pytest.mark.parametrize(("text", "path", "fragment"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_each_error_class_is_reported_at_its_key_path(text: str, path: str, fragment: str) -> None:
    problems = problems_of(text)
    assert len(problems) == 1, [p.line("t") for p in problems]
    assert problems[0].path == path
    assert fragment in problems[0].message


def test_all_problems_are_reported_not_just_the_first() -> None:
    text = (
        'id = "Sai"\nversion = 0\ntitle = ""\ntarget = "x"\nextra = 1\n'
        '[[groups]]\ncode = "I"\ntitle = "Nhóm"\n'
        '[[groups.criteria]]\ncode = "I.1"\ntitle = "A"\nmax = "10"\n'
        '[[groups.criteria]]\ncode = "I.1"\ntitle = "B"\nmax = 10\nstep = 3\n'
    )
    paths = [p.path for p in problems_of(text)]
    assert sorted(paths) == sorted([
        "extra", "id", "version", "title", "target",
        f"{C0}.max", "groups[0].criteria[1].step", "groups[0].criteria[1].code",
    ])


def test_misspelled_required_key_is_named_and_missing() -> None:
    problems = problems_of(edit(VALID, "title =", "titel ="))
    assert [(p.path, p.message) for p in problems] == [
        ("titel", "Khóa «titel» không được hỗ trợ. Có phải ý bạn là «title»?"),
        ("title", "Thiếu khóa bắt buộc «title». Hãy thêm dòng title = … vào phần này của tệp."),
    ]


def test_error_text_has_one_line_per_problem() -> None:
    with pytest.raises(CriteriaError) as info:
        parse_criteria(edit(edit(VALID, "version = 1", "version = 0"), "max = 10", "max = 0"))
    lines = str(info.value).splitlines()
    assert lines[0].startswith("<criteria>: version: «version» phải từ 1 trở lên")
    assert lines[1].startswith(f"<criteria>: {C0}.max: ")
    assert isinstance(info.value, ValueError)


def test_problem_line_omits_an_empty_path() -> None:
    problem = Problem("", N_("Lỗi {what}."), (("what", "chung"),))
    assert problem.message == "Lỗi chung."
    assert problem.line("x.toml") == "x.toml: Lỗi chung."
    assert Problem("id", "Sai.").line("x.toml") == "x.toml: id: Sai."
    assert N_("không đổi") == "không đổi"


FULL = '''
# Chú thích được bỏ qua
id = "day-du"
version = 3
title = "  Bộ đầy đủ  "
target = "individual"
description = "Mô tả"
source = "Nguồn"

[[groups]]
code = "A"
title = "Nhóm A"

[[groups.criteria]]
code = "A.1"
title = "Chấm điểm"
guidance = "Hướng dẫn"
max = 7.5
step = 0.25
evidence_required = true
evidence_hint = "Biên bản"

[[groups.criteria]]
code = "A.2"
title = "Cộng điểm"
kind = "bonus"
max = 2

[[groups]]
code = "B"
title = "Nhóm B"

[[groups.criteria]]
code = "B_1-x"
title = "Trừ điểm"
kind = "penalty"
max = 10
step = 5
disqualifying = true
'''


def test_valid_file_round_trip() -> None:
    cs = parse_criteria(FULL)
    assert (cs.id, cs.version, cs.title, cs.target) == ("day-du", 3, "Bộ đầy đủ", "individual")
    assert (cs.description, cs.source) == ("Mô tả", "Nguồn")
    assert [g.code for g in cs.groups] == ["A", "B"]
    assert [c.code for c in cs.criteria] == ["A.1", "A.2", "B_1-x"]
    assert cs.criterion("A.1") == Criterion(
        code="A.1", title="Chấm điểm", guidance="Hướng dẫn", kind=Kind.SCORE, max=Decimal("7.5"),
        step=Decimal("0.25"), evidence_required=True, evidence_hint="Biên bản", disqualifying=False,
        group_code="A",
    )
    bonus = cs.criterion("A.2")
    assert (bonus.kind, bonus.step, bonus.guidance, bonus.evidence_required) == (Kind.BONUS, Decimal("0.5"), "", False)
    penalty = cs.criterion("B_1-x")
    assert (penalty.kind, penalty.disqualifying, penalty.group_code) == (Kind.PENALTY, True, "B")
    assert cs.groups[0].max_total == Decimal("9.5")
    assert cs.groups[1].max_total == 0
    assert cs.max_total == Decimal("9.5")
    assert all(isinstance(c.max, Decimal) and isinstance(c.step, Decimal) for c in cs.criteria)
    assert hash(cs) == hash(parse_criteria(FULL))
    with pytest.raises(KeyError):
        cs.criterion("a.1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cs.title = "khác"  # type: ignore[misc]


def test_load_reads_utf8_file_with_or_without_bom(tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text(FULL, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + FULL.encode("utf-8"))
    assert load_criteria(plain) == load_criteria(str(bom)) == parse_criteria(FULL)


def test_load_refuses_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(CriteriaError) as missing:
        load_criteria(tmp_path / "khong-co.toml")
    assert missing.value.problems[0].path == ""
    assert "Không đọc được tệp" in missing.value.problems[0].message
    legacy = tmp_path / "cp1258.toml"
    legacy.write_bytes(VALID.encode("utf-8").replace("Bộ".encode("utf-8"), b"B\xd4\xf2"))
    with pytest.raises(CriteriaError) as encoding:
        load_criteria(legacy)
    assert "UTF-8" in encoding.value.problems[0].message


SHIPPED = [
    # file, id, target, max total, Σ max of score criteria
    ("hn-van-hoa-cong-so-v1.toml", "hn-van-hoa-cong-so", "collective", Decimal(105), Decimal(100)),
    ("nu-cuoi-cong-so-v1.toml", "nu-cuoi-cong-so", "individual", Decimal(105), Decimal(100)),
    ("dong-nai-chinh-quyen-than-thien-2025-v1.toml", "dong-nai-chinh-quyen-than-thien-2025", "collective",
     Decimal(100), Decimal(100)),
]


@pytest.mark.parametrize(("name", "set_id", "target", "max_total", "score_total"), SHIPPED)
def test_shipped_sets_parse(name: str, set_id: str, target: str, max_total: Decimal, score_total: Decimal) -> None:
    cs = load_criteria(CRITERIA_DIR / name)
    assert (cs.id, cs.version, cs.target) == (set_id, 1, target)
    assert name == f"{cs.id}-v{cs.version}.toml"
    assert cs.max_total == max_total
    assert sum(c.max for c in cs.criteria if c.kind is Kind.SCORE) == score_total
    assert [c.code for c in cs.criteria if c.disqualifying] and all(
        c.kind is Kind.PENALTY for c in cs.criteria if c.disqualifying)
    assert all(c.evidence_hint for c in cs.criteria if c.evidence_required)
    assert cs.target in TARGETS


def test_every_shipped_file_is_listed() -> None:
    assert sorted(p.name for p in CRITERIA_DIR.glob("*.toml")) == sorted(s[0] for s in SHIPPED)


def _criterion(max_: str = "10", step: str = "0.5", kind: Kind = Kind.SCORE) -> Criterion:
    return Criterion(code="I.2", title="Thái độ phục vụ", guidance="", kind=kind, max=Decimal(max_),
                     step=Decimal(step), evidence_required=False, evidence_hint="", disqualifying=False,
                     group_code="I")


VALUE_CASES = [
    # (max, step, kind, value, None if accepted else an expected fragment)
    ("10", "0.5", Kind.SCORE, "0", None),
    ("10", "0.5", Kind.SCORE, "10", None),
    ("10", "0.5", Kind.SCORE, "7.5", None),
    ("10", "0.5", Kind.SCORE, "7.50", None),
    ("10", "0.5", Kind.SCORE, "7.500000", None),
    ("10", "0.5", Kind.SCORE, "1E+1", None),
    ("10", "0.5", Kind.SCORE, "7.3", "Tiêu chí I.2 «Thái độ phục vụ»: điểm 7,3 không phải bội số của bước 0,5 "
                                     "(ví dụ 7 hoặc 7,5)."),
    ("10", "0.5", Kind.SCORE, "9.9", "(ví dụ 9,5 hoặc 10)."),
    ("10", "0.5", Kind.SCORE, "10.5", "Tiêu chí I.2 «Thái độ phục vụ»: điểm 10,5 vượt quá tối đa; "
                                      "điểm phải từ 0 đến 10."),
    ("10", "0.5", Kind.SCORE, "10.000001", "điểm phải từ 0 đến 10."),
    ("10", "0.5", Kind.SCORE, "-0.5", "Tiêu chí I.2 «Thái độ phục vụ»: điểm không được âm; điểm phải từ 0 đến 10."),
    ("10", "5", Kind.PENALTY, "-5", "nhập số điểm bị trừ là số dương, từ 0 đến 10"),
    ("10", "0.5", Kind.SCORE, "NaN", "Tiêu chí I.2 «Thái độ phục vụ»: điểm phải là một số hữu hạn."),
    ("10", "0.5", Kind.SCORE, "sNaN", "số hữu hạn"),
    ("10", "0.5", Kind.SCORE, "Infinity", "số hữu hạn"),
    ("10", "0.5", Kind.SCORE, "-Infinity", "số hữu hạn"),
    ("2.5", "0.125", Kind.BONUS, "1.375", None),
    ("2.5", "0.125", Kind.BONUS, "1.376", "bội số của bước 0,125 (ví dụ 1,375 hoặc 1,5)"),
    ("1", "0.001", Kind.SCORE, "0.999", None),
    ("1", "0.001", Kind.SCORE, "0.9995", "(ví dụ 0,999 hoặc 1)"),
    ("7.5", "0.25", Kind.SCORE, "7.4", "(ví dụ 7,25 hoặc 7,5)"),
    ("7.5", "2.5", Kind.SCORE, "7.4", "(ví dụ 5 hoặc 7,5)"),
]


@pytest.mark.parametrize(("max_", "step", "kind", "value", "expected"), VALUE_CASES)
def test_check_value(max_: str, step: str, kind: Kind, value: str, expected: str | None) -> None:
    message = check_value(_criterion(max_, step, kind), Decimal(value))
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message


def test_check_value_never_takes_floats() -> None:
    with pytest.raises(TypeError):
        check_value(_criterion(), 7.5)  # type: ignore[arg-type]
    assert check_value(_criterion(), 7) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "shown"), [
    ("7.50", "7,5"), ("10", "10"), ("1E+2", "100"), ("0.125", "0,125"), ("-0", "0"), ("0.000", "0"),
])
def test_format_decimal_vi(value: str, shown: str) -> None:
    assert format_decimal_vi(Decimal(value)) == shown


STEPS = st.sampled_from(["0.001", "0.01", "0.1", "0.125", "0.25", "0.5", "1", "2", "2.5", "5"]).map(Decimal)


@settings(database=None, max_examples=300)
@given(step=STEPS, count=st.integers(1, 200), data=st.data())
def test_multiples_of_step_within_bounds_are_accepted_and_nothing_else(
    step: Decimal, count: int, data: st.DataObject
) -> None:
    criterion = _criterion(str(step * count), str(step))
    index = data.draw(st.integers(0, count), label="index")
    assert check_value(criterion, step * index) is None
    thousandths = data.draw(st.integers(1, 999), label="thousandths of a step")
    off_step = step * index + step * thousandths / 1000
    message = check_value(criterion, off_step)
    assert message is not None and message.startswith("Tiêu chí I.2 «Thái độ phục vụ»: ")
    above = data.draw(st.integers(1, 50), label="steps above max")
    assert "vượt quá tối đa" in check_value(criterion, criterion.max + step * above)  # type: ignore[operator]
    assert "không được âm" in check_value(criterion, -step * above)  # type: ignore[operator]


def _hash(text: str) -> str:
    return canonical_hash(parse_criteria(text))


def test_canonical_hash_ignores_layout_and_comments() -> None:
    reformatted = (
        "# Bộ thử, viết lại\n\n"
        'target   =   "collective"   # đối tượng\n'
        'title = "Bộ tiêu chí thử"\nid = "bo-thu"\nversion = 1\n\n'
        "[[groups]]\n  title = 'Nhóm I'\n  code = \"I\"\n\n"
        "  [[groups.criteria]]\n  max = 10.0\n  step = 0.50\n  code = \"I.1\"\n  title = \"Tiêu chí một\"\n"
        '  kind = "score"\n  evidence_required = false\n'
    )
    assert _hash(reformatted) == _hash(VALID)
    assert len(_hash(VALID)) == 64 and int(_hash(VALID), 16) >= 0


@pytest.mark.parametrize(("old", "new"), [
    ('title = "Tiêu chí một"', 'title = "Tiêu chí 1"'),
    ("max = 10", "max = 10.5"),
    ("version = 1", "version = 2"),
    ('code = "I.1"', 'code = "I.01"'),
    ("max = 10", 'max = 10\nkind = "bonus"'),
    ("max = 10", "max = 10\nstep = 1"),
    ("max = 10", 'max = 10\nguidance = "Mới"'),
])
def test_canonical_hash_changes_with_content(old: str, new: str) -> None:
    assert _hash(edit(VALID, old, new)) != _hash(VALID)


def test_criteria_set_is_plain_data() -> None:
    cs = parse_criteria(VALID)
    assert isinstance(cs, CriteriaSet)
    assert dataclasses.replace(cs, title="Khác").criteria == cs.criteria
