"""Gettext catalogs for French and Dutch, and the aiogram I18n built on them.

The ``.po`` files are the source; the ``.mo`` files are compiled from them by the install,
the tests and, when missing or stale, at start-up (aiogram refuses a ``.po`` without ``.mo``).
"""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOG_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
LOCALES = ("fr", "nl")
DEFAULT_LOCALE = "fr"
BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE"}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def po_path(locale: str) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(*, force: bool = False) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return what was written."""
    written = []
    for locale in LOCALES:
        po = po_path(locale)
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        try:
            with mo.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
        except OSError:
            if mo.exists():  # an installed, read-only package compiled at build time
                continue
            raise
        written.append(mo)
    return written


def create_i18n() -> I18n:
    compile_catalogs()
    return I18n(path=CATALOG_DIR, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


def pick_locale(saved: str | None, language_code: str | None) -> str | None:
    """The person's saved choice, else Telegram's language (fr*, nl*), else unknown."""
    if saved in LOCALES:
        return saved
    code = (language_code or "").lower()
    for locale in LOCALES:
        if code == locale or code.startswith(locale + "-") or code.startswith(locale + "_"):
            return locale
    return None
