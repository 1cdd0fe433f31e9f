"""Design metadata (certificates/<design>/meta.toml): the shipped designs parse, and every
broken file is refused with all of its problems listed in Vietnamese."""
from __future__ import annotations

from pathlib import Path

import pytest

from emulation.domain.certificate_design import CERTIFICATE_FIELDS, Design, DesignError, parse_design

DESIGNS = Path(__file__).resolve().parents[2] / "certificates"

GOOD = """
title = "Bằng khen"
paper = "A4"
orientation = "landscape"
fields = ["national", "heading", "recipient", "achievement", "qr"]
"""


def _design(extra: str = "", base: str = GOOD) -> Design:
    return parse_design("thu", base + extra)


@pytest.mark.parametrize(("name", "kind", "size"), [
    ("bang-khen", "certificate", (297.0, 210.0)), ("giay-khen", "certificate", (297.0, 210.0)),
    ("quyet-dinh", "decision", (210.0, 297.0))])
def test_the_shipped_designs_are_valid(name, kind, size):
    design = parse_design(name, (DESIGNS / name / "meta.toml").read_text(encoding="utf-8"))
    assert (design.kind, design.paper, design.page_mm) == (kind, "A4", size)
    assert (DESIGNS / name / design.template).is_file() and (DESIGNS / name / design.stylesheet).is_file()
    if kind == "certificate":
        assert {"recipient", "achievement", "qr", "decision_line", "golden_book", "number"} <= set(design.fields)
        assert "national" not in design.blank_fields and set(design.blank_fields) <= set(design.fields)
        assert design.border in ("ornate", "simple")


def test_defaults():
    design = _design()
    assert (design.kind, design.template, design.stylesheet, design.border) == (
        "certificate", "certificate.html", "style.css", "simple")
    assert design.blank_fields == ("recipient", "achievement", "qr")      # national and heading are pre-printed
    assert (design.blank_top_mm, design.blank_left_mm) == (0.0, 0.0)
    assert design.fields_for("full") == design.fields and design.fields_for("blank") == design.blank_fields


def test_offsets_and_fit():
    design = _design('[blank]\ntop_mm = 4.5\nleft_mm = -2\nfields = ["recipient"]\n'
                     '[fit]\nrecipient = [10, 20]\n')
    assert (design.blank_top_mm, design.blank_left_mm, design.blank_fields) == (4.5, -2.0, ("recipient",))
    assert [design.fit_step("recipient", "x" * n) for n in (9, 10, 19, 20, 500)] == [0, 1, 1, 2, 2]
    assert design.fit_step("achievement", "x" * 500) == 0


@pytest.mark.parametrize(("text", "expected"), [
    ('title = "x"\npaper = [', "không đọc được TOML"),
    (GOOD.replace('title = "Bằng khen"', ""), "thiếu «title»"),
    (GOOD.replace('title = "Bằng khen"', 'title = "  "'), "thiếu «title»"),
    (GOOD.replace('"A4"', '"A5"'), "khổ giấy paper = «A5»"),
    (GOOD.replace('paper = "A4"', ""), "thiếu khổ giấy"),
    (GOOD.replace('"landscape"', '"ngang"'), "hướng giấy orientation = «ngang»"),
    (GOOD + 'kind = "poster"\n', "kind = «poster»"),
    (GOOD + 'template = "../../templates/base.html"\n', "template = «../../templates/base.html»"),
    (GOOD + 'stylesheet = "css/style.css"\n', "stylesheet = «css/style.css»"),
    (GOOD.replace('fields = ["national", "heading", "recipient", "achievement", "qr"]', "fields = []"),
     "fields phải là danh sách"),
    (GOOD.replace('"qr"]', '"qr", "chu_ky"]'), "trường không có: chu_ky"),
    (GOOD.replace('"qr"]', '"qr", "qr"]'), "trường lặp lại: qr"),
    (GOOD + "colour = 'red'\n", "khóa không được hỗ trợ «colour»"),
    (GOOD + "[blank]\ntop_mn = 3\n", "khóa không được hỗ trợ «blank.top_mn»"),
    (GOOD + "[blank]\ntop_mm = 80\n", "[blank] top_mm = «80»"),
    (GOOD + '[blank]\nleft_mm = "3mm"\n', "[blank] left_mm = «3mm»"),
    (GOOD + "[blank]\nleft_mm = true\n", "[blank] left_mm = «True»"),
    (GOOD + "[blank]\ntop_mm = nan\n", "[blank] top_mm = «nan»"),
    (GOOD + '[blank]\nfields = ["golden_book"]\n', "thừa: golden_book"),
    (GOOD + 'blank = "yes"\n', "[blank] phải là một bảng TOML"),
    (GOOD + '[full]\nborder = "gold"\n', "[full] border = «gold»"),
    (GOOD + "[fit]\nrecipient = [60, 30]\n", "[fit] recipient"),
    (GOOD + "[fit]\nachievement = [0]\n", "[fit] achievement"),
    (GOOD + "[fit]\nsigner_name = [10]\n", "khóa không được hỗ trợ «fit.signer_name»"),
    (GOOD.replace('"landscape"', '"portrait"').replace("fields = [", 'kind = "decision"\nfields = ['),
     "trường không có: national, heading, recipient, achievement, qr"),
])
def test_broken_meta_is_refused_in_vietnamese(text, expected):
    with pytest.raises(DesignError) as caught:
        parse_design("thu", text)
    message = str(caught.value)
    assert message.startswith("Tệp meta.toml của mẫu «thu» không hợp lệ:")
    assert expected in message, message


def test_every_problem_is_listed_at_once():
    with pytest.raises(DesignError) as caught:
        parse_design("thu", 'paper = "Letter"\norientation = "up"\nfields = ["nope"]\n[blank]\ntop_mm = 99\n')
    assert len(caught.value.problems) == 5
    assert all(f"- {p}" in str(caught.value) for p in caught.value.problems)


def test_the_field_vocabulary_is_what_the_templates_print():
    template = (DESIGNS / "bang-khen" / "certificate.html").read_text(encoding="utf-8")
    assert all(f'"{field}" in design.fields' in template for field in CERTIFICATE_FIELDS)
