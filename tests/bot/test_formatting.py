"""Dates, times and numbers per locale, and callback data that Telegram accepts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import formatting
from bot.callbacks import LanguageCb
from bot.i18n import pick_locale

BRUSSELS = "Europe/Brussels"


def test_kilograms_per_locale():
    assert formatting.kg(1234.5, "fr") == "1\u202f234,5 kg"
    assert formatting.kg(1234.5, "nl") == "1.234,5 kg"
    assert formatting.kg(18.0, "fr") == "18 kg"
    assert formatting.kg(0.25, "nl") == "0,2 kg"


def test_day_and_hour_in_brussels_time():
    winter = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # 18:30 in Brussels (UTC+1)
    summer = datetime(2026, 7, 10, 16, 30, tzinfo=UTC)  # 18:30 in Brussels (UTC+2)
    assert formatting.day(winter, "fr", BRUSSELS) == "mardi 10 mars 2026"
    assert formatting.day(winter, "nl", BRUSSELS) == "dinsdag 10 maart 2026"
    assert formatting.hour(winter, "fr", BRUSSELS) == "18:30"
    assert formatting.hour(summer, "nl", BRUSSELS) == "18:30"


def test_locale_from_saved_choice_then_telegram():
    assert pick_locale("nl", "fr") == "nl"
    assert pick_locale(None, "fr-BE") == "fr"
    assert pick_locale(None, "nl") == "nl"
    assert pick_locale(None, "de") is None
    assert pick_locale(None, None) is None
    assert pick_locale(None, "fry") is None


def test_longest_callback_data_fits_telegram():
    for code in ("fr", "nl"):
        assert len(LanguageCb(code=code).pack().encode()) <= 64
