"""Every message the code can show exists in French and Dutch, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, po_path

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")
TAG = re.compile(r"</?[a-z\-]+")


def source_messages() -> set[str]:
    """What the code marks for translation right now (not what the .pot says)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for package in ("bot", "scheduler", "logistics"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])  # plural: singular
    return found


def catalog(locale: str):
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def test_the_code_has_messages():
    assert "Which language do you prefer?" in source_messages()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    cat = catalog(locale)

    def translated(message_id: str) -> bool:
        message = cat.get(message_id)
        if message is None:
            return False
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(strings)

    missing = sorted(m for m in source_messages() if not translated(m))
    assert not missing, f"{locale}: untranslated {missing}"
    fuzzy = sorted(m.id for m in cat if m.id and m.fuzzy)
    assert not fuzzy, f"{locale}: fuzzy {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_markup_match(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        source, translated = str(message.id), str(message.string)
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translated)), (
            f"{locale}: placeholders differ in {source!r}"
        )
        assert sorted(TAG.findall(source)) == sorted(TAG.findall(translated)), (
            f"{locale}: markup differs in {source!r}"
        )


# Messages whose French and Dutch happen to be written the same way.
SAME_IN_BOTH = {"{role} (antenna {antenna})", "antenna", "kg"}


def test_languages_differ():
    """A message pasted into the wrong catalog would pass the checks above."""
    fr, nl = catalog("fr"), catalog("nl")
    same = {m.id for m in fr if m.id and fr.get(m.id).string == nl.get(m.id).string}
    assert same <= SAME_IN_BOTH


def strings(locale: str) -> list[tuple[str, str]]:
    """(msgid, each msgstr) of a catalog, plural forms included."""
    return [
        (m.id if isinstance(m.id, str) else m.id[0], s)
        for m in catalog(locale)
        if m.id
        for s in (m.string if isinstance(m.string, tuple) else (m.string,))
    ]


def test_french_typography():
    """A narrow no-break space before : ; ! ? and inside « », never a plain space or none
    (times such as 18:00 and links aside)."""
    wrong = [
        (msgid, text)
        for msgid, text in strings("fr")
        if re.search(r"[ \u00a0][:;!?»]|«[ \u00a0]|«[^\u202f]|[^\s\u202f]»", text)
        or re.search(r"[^\W\d_)}»][;!?](\s|$)|[^\W\d_)}»]:(\s|$)", text)
    ]
    assert wrong == []


def test_dutch_quotes_and_words():
    """Dutch quotes in Dutch, and one word per concept, the glossary's: ritblad for the run
    sheet, ophaalmoment for a pickup's time slot."""
    wrong = [
        (msgid, text)
        for msgid, text in strings("nl")
        if "«" in text or "»" in text or re.search(r"ritlijst|tijdslot", text.casefold())
    ]
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_no_antenna_said_twice(locale):
    """Antennas are named "Antenne Ixelles-Etterbeek": "l'antenne {antenna}" would say it twice."""
    doubled = [text for _, text in strings(locale) if re.search(r"antenne \{antenna\}", text)]
    assert doubled == []
