"""The checks of an award rule before it is saved (emulation.domain.award_rules)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from emulation.domain.award_rules import RuleDraft, check_rule

BANDS = ["Xuất sắc", "Tốt", "Khá", "Đạt", "Không đạt"]
GOOD = RuleDraft(title="Bằng khen của Chủ tịch UBND Thành phố", form="bang-khen", target="collective",
                 min_band="Xuất sắc", min_score="85,5", quota_kind="count", quota_value=3, per_cluster=False,
                 precedence=1)


def check(draft: RuleDraft, targets=("collective", "individual"), taken=()):
    return check_rule(draft, bands=BANDS, targets=targets, taken=taken)


def test_a_good_rule_is_checked_with_its_numbers():
    rule, problems = check(GOOD)
    assert problems == {}
    assert rule.min_score == Decimal("85.5") and rule.quota_value == 3 and rule.precedence == 1
    assert rule.title == GOOD.title and rule.min_band == "Xuất sắc"


@pytest.mark.parametrize("change, field, words", [
    ({"title": "   "}, "title", "Nhập tên hình thức"),
    ({"title": "B" * 301}, "title", "tối đa 300"),
    ({"form": "huan-chuong"}, "form", "bằng khen hoặc giấy khen"),
    ({"target": "team"}, "target", "tập thể hoặc cá nhân"),
    ({"min_band": "Giỏi"}, "min_band", "«Giỏi» không có"),
    ({"min_score": "-1"}, "min_score", "từ 0 trở lên"),
    ({"min_score": "8,5555"}, "min_score", "3 chữ số thập phân"),
    ({"min_score": "tám"}, "min_score", "từ 0 trở lên"),
    ({"quota_kind": "ratio"}, "quota_kind", "số lượng hoặc tỷ lệ"),
    ({"quota_value": None}, "quota_value", "từ 1 trở lên"),
    ({"quota_value": 0}, "quota_value", "từ 1 trở lên"),
    ({"quota_kind": "percent", "quota_value": 101}, "quota_value", "không quá 100%"),
    ({"precedence": None}, "precedence", "Thứ tự xét"),
    ({"precedence": 0}, "precedence", "Thứ tự xét"),
])
def test_each_refusal_names_its_field(change, field, words):
    rule, problems = check(replace(GOOD, **change))
    assert rule is None and set(problems) == {field}
    assert words in problems[field].message


def test_every_problem_is_reported_at_once():
    rule, problems = check(replace(GOOD, title="", form="x", quota_value=0, precedence=2), taken={2})
    assert rule is None and set(problems) == {"title", "form", "quota_value", "precedence"}
    assert "Thứ tự xét 2 đã dùng" in problems["precedence"].message


@pytest.mark.parametrize("draft_change, ok", [
    ({"target": "individual"}, False),            # no individual criteria set in the campaign
    ({"target": "collective"}, True),
])
def test_the_target_must_be_scored_by_the_campaign(draft_change, ok):
    rule, problems = check(replace(GOOD, **draft_change), targets=("collective",))
    assert (rule is not None) is ok
    if not ok:
        assert "không có bộ tiêu chí cá nhân" in problems["target"].message


@pytest.mark.parametrize("band", ["", "Không đạt", "Tốt"])
def test_any_band_or_one_of_the_campaign(band):
    assert check(replace(GOOD, min_band=band))[1] == {}


def test_an_empty_min_score_means_zero_and_a_percentage_of_100_is_allowed():
    rule, problems = check(replace(GOOD, min_score="", quota_kind="percent", quota_value=100))
    assert problems == {} and rule.min_score == 0 and rule.quota_value == 100
