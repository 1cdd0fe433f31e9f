"""Languages (Vietnamese first, English second) and Vietnamese formatting of numbers and dates."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from ..extensions import babel

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def languages() -> list[str]:
    return current_app.config["LANGUAGES"].split(",")


def select_locale() -> str:
    """The session's choice, else the user's saved language, else Vietnamese (also outside requests)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    langs = languages()
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in langs and getattr(current_user, "is_authenticated", False):
        return user_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_translations() -> None:
    """Compile each ``messages.po`` to ``.mo`` when the ``.mo`` is missing or older."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as src:
            catalog = read_po(src)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as out:
            write_mo(out, catalog)
        tmp.replace(mo)


def vn_number(value, places: int | None = None) -> str:
    """1234.5 → '1.234,5' in Vietnamese; ``places`` fixes the decimals shown."""
    if value is None or value == "":
        return "—"
    if places is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-places))
        fmt = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=fmt)
    return format_decimal(value)


def vn_datetime(value: dt.datetime | None, fmt: str = "dd/MM/yyyy HH:mm") -> str:
    return format_datetime(value, fmt) if value else "—"


def vn_date(value: dt.date | None, fmt: str = "dd/MM/yyyy") -> str:
    return format_date(value, fmt) if value else "—"


def init_i18n(app: Flask) -> None:
    compile_translations()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(number=vn_number, datetime=vn_datetime, date=vn_date)
    app.jinja_env.globals.update(get_locale=get_locale, languages=languages)

    @app.context_processor
    def _request_globals():
        roles = current_user.roles() if getattr(current_user, "is_authenticated", False) else set()
        return {"request_path": request.full_path.rstrip("?") if request else "/", "user_roles": roles}
