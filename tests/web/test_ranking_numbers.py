"""``|number(places)`` rounds half-up (DESIGN §3) and writes what babel's ``#,##0.00`` pattern writes
for the rounded value."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask_babel import force_locale, format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.web.i18n import vn_number

values = st.one_of(st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False),
                   st.sampled_from([Decimal("0"), Decimal("-0.001"), Decimal("0.005"), Decimal("0.015"),
                                    Decimal("999.995"), Decimal("1234567.8"), Decimal("-1000"), Decimal("100.00")]))


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("places", [0, 2, 3])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_same_text_as_babel(app, locale, places, value):
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with app.test_request_context(), force_locale(locale):
        expected = format_decimal(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP),
                                  format=pattern)
        assert vn_number(value, places) == expected


@pytest.mark.parametrize(("locale", "value", "text"), [
    ("vi", Decimal("1234567.891"), "1.234.567,89"),
    ("en", Decimal("1234567.891"), "1,234,567.89"),
    ("vi", Decimal("2.345"), "2,35"),             # half-up, not half-even (2,34)
    ("vi", Decimal("0.005"), "0,01"),
    ("vi", Decimal("0.015"), "0,02"),
    ("vi", Decimal("-2.345"), "-2,35"),
    ("vi", Decimal("89.995"), "90,00"),
    ("vi", None, "—"),
    ("vi", "", "—"),
])
def test_examples(app, locale, value, text):
    with app.test_request_context(), force_locale(locale):
        assert vn_number(value, 2) == text
