"""The ranking page's numbers read exactly as the templates' ``|number(2)`` filter writes them."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.web.i18n import vn_number
from emulation.web.ranking import _number_format

values = st.one_of(st.none(), st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False),
                   st.sampled_from([Decimal("0"), Decimal("-0.001"), Decimal("0.005"), Decimal("0.015"),
                                    Decimal("999.995"), Decimal("1234567.8"), Decimal("-1000"), Decimal("100.00")]))


@pytest.mark.parametrize("locale", ["vi", "en"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_same_text_as_the_number_filter(app, locale, value):
    with app.test_request_context(), force_locale(locale):
        assert _number_format()(value) == vn_number(value, 2)
