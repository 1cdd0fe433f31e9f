"""Shared form pieces: Vietnamese validators and field helpers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import validators

REQUIRED = validators.InputRequired(message=_l("Vui lòng nhập thông tin này."))


def length(maximum: int):
    return validators.Length(max=maximum, message=_l("Tối đa %(max)d ký tự.", max=maximum))


def apply_service_error(form, error) -> bool:
    """Attach a ServiceError to the form field it names; False when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = list(field.errors) + [error.message]
    return True


def choices(pairs) -> list:
    """(value, label) pairs as WTForms ``SelectChoice`` objects (tuples are deprecated in 3.3)."""
    from wtforms import SelectChoice
    return [SelectChoice(value, label) for value, label in pairs]
