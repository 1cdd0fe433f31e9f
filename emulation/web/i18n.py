"""Languages (Vietnamese first, English second) and Vietnamese formatting of numbers and dates."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.numbers import LC_NUMERIC, get_decimal_symbol, get_group_symbol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from ..extensions import babel

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
_QUANTA = [Decimal(1).scaleb(-n) for n in range(7)]


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


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str] | None:
    """The locale's group and decimal symbols, or None when babel must do the work (quoted symbols)."""
    parsed = Locale.parse(locale)
    group, decimal = get_group_symbol(parsed), get_decimal_symbol(parsed)
    return None if "'" in group + decimal else (group, decimal)


def vn_number(value, places: int | None = None) -> str:
    """1234.5 → '1.234,5' in Vietnamese; ``places`` fixes the decimals shown.

    With ``places`` the value is rounded half-up (DESIGN §3: "display rounds to 0.01
    (ROUND_HALF_UP)": 2,345 → 2,35; -2,345 → -2,35) and written as
    babel's ``#,##0.00…`` would write it, with the locale's symbols looked up once per locale:
    a ranking page formats hundreds of numbers.
    """
    if value is None or value == "":
        return "—"
    if places is None:
        return format_decimal(value)
    shown = Decimal(value).quantize(_QUANTA[places] if places < len(_QUANTA) else Decimal(1).scaleb(-places),
                                    rounding=ROUND_HALF_UP)
    symbols = _symbols(str(get_locale() or LC_NUMERIC))
    if symbols is None:
        return format_decimal(shown, format="#,##0" + ("." + "0" * places if places else ""))
    group, decimal = symbols
    whole, _point, fraction = f"{abs(shown):f}".partition(".")
    text = f"{int(whole):,}".replace(",", group) + (decimal + fraction if places else "")
    return ("-" if shown.is_signed() else "") + text


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
