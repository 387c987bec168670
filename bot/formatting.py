"""Dates, times and numbers as a Belgian reader expects them (Babel, fr_BE / nl_BE)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal

from bot.i18n import BABEL_LOCALES, DEFAULT_LOCALE


def _babel(locale: str) -> str:
    return BABEL_LOCALES.get(locale, BABEL_LOCALES[DEFAULT_LOCALE])


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def day(instant: datetime, locale: str, tz: str) -> str:
    """``mardi 10 mars 2026`` / ``dinsdag 10 maart 2026``."""
    return format_date(local(instant, tz), format="full", locale=_babel(locale))


def hour(instant: datetime, locale: str, tz: str) -> str:
    """``18:30`` in both languages (Babel's short time for Belgium)."""
    return format_time(local(instant, tz), format="short", locale=_babel(locale))


def kg(value: float, locale: str) -> str:
    """``1 234,5 kg`` / ``1.234,5 kg``: at most one decimal, grouped thousands."""
    number = format_decimal(round(value, 1), format="#,##0.#", locale=_babel(locale))
    return f"{number} kg"


def short_day(instant: datetime, locale: str, tz: str) -> str:
    """``mardi 10 mars`` / ``dinsdag 10 maart``."""
    return format_date(local(instant, tz), format="EEEE d MMMM", locale=_babel(locale))


def day_month(day: date, locale: str) -> str:
    """``10 mars`` / ``10 maart``: a date printed on food."""
    return format_date(day, format="d MMMM", locale=_babel(locale))


def abbreviated_day(instant: datetime, locale: str, tz: str) -> str:
    """``mar. 10 mars`` / ``di 10 mrt.``."""
    return format_date(local(instant, tz), format="EEE d MMM", locale=_babel(locale))


def number(value: float, locale: str) -> str:
    return format_decimal(round(value, 1), format="#,##0.#", locale=_babel(locale))


def weekday(index: int, locale: str) -> str:
    """``lundi`` / ``maandag`` for 0 (Monday)."""
    return get_day_names("wide", locale=_babel(locale))[index]


def quote(text: str, locale: str) -> str:
    """« text » in French (narrow no-break spaces inside), “text” in Dutch."""
    if locale == "nl":
        return f"“{text}”"
    return f"«\u202f{text}\u202f»"
