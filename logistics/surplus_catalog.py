"""Fuzzy matching of words against the category catalogue (names and synonyms, FR and NL)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from logistics.surplus_model import CatalogEntry
from logistics.surplus_text import (
    APOSTROPHES,
    DASHES,
    SEPARATOR_WORDS,
    Token,
    normalise,
    strip_plural,
)

# Minimum fuzz.ratio for a match: words of 3 letters or less must be exact ("ei", "ijs", "kip"),
# others may have a letter missing, extra or changed ("brod", "yahourt", "poison").
MULTI_WORD_THRESHOLD = 85.0
SHORT_THRESHOLD = 85.0
LONG_THRESHOLD = 85.0
MAX_CANDIDATE_CHARS = 60
_NON_ALNUM = re.compile(r"[\W_]+")


def phrase_norm(text: str) -> str:
    """``"Kant-en-klaarmaaltijden"`` → ``"kant en klaarmaaltijden"``."""
    return _NON_ALNUM.sub(" ", normalise(text)).strip()


def _stripped(phrase: str) -> str:
    return " ".join(strip_plural(w) for w in phrase.split())


def threshold(candidate: str, phrase: str) -> float:
    if " " in candidate:
        return MULTI_WORD_THRESHOLD
    shortest = min(len(candidate), len(phrase))
    if shortest <= 3:
        return 100.0  # "asap" is not "sap"
    return SHORT_THRESHOLD if shortest <= 5 else LONG_THRESHOLD


class CategoryMatcher:
    def __init__(self, catalog: Sequence[CatalogEntry]) -> None:
        self.entries = tuple(catalog)
        seen: set[tuple[str, int]] = set()
        self._phrases: list[str] = []
        self._owners: list[int] = []
        for index, entry in enumerate(self.entries):
            names = (entry.name_fr, entry.name_nl, *entry.synonyms_fr, *entry.synonyms_nl)
            for name in (*names, entry.key):
                phrase = phrase_norm(name)
                if phrase and (phrase, index) not in seen:
                    seen.add((phrase, index))
                    self._phrases.append(phrase)
                    self._owners.append(index)
        self._stripped = [_stripped(p) for p in self._phrases]
        # Phrases with "et"/"en" inside ("fruits et légumes") must not be split as two items.
        self.guarded = tuple(
            tuple(p.split()) for p in self._phrases if SEPARATOR_WORDS & set(p.split())
        )
        self._cache: dict[str, tuple[int, float] | None] = {}

    def match(self, candidate: str) -> tuple[int, float] | None:
        """(catalogue index, score) of the best phrase for a normalised candidate, if good."""
        if candidate in self._cache:
            return self._cache[candidate]
        found = None
        if self._phrases and 0 < len(candidate) <= MAX_CANDIDATE_CHARS:
            raw = process.extractOne(candidate, self._phrases, scorer=fuzz.ratio)
            bare = process.extractOne(_stripped(candidate), self._stripped, scorer=fuzz.ratio)
            best, phrases = (bare, self._stripped) if bare[1] > raw[1] else (raw, self._phrases)
            if best[1] >= threshold(candidate, phrases[best[2]]):
                found = (self._owners[best[2]], float(best[1]))
        self._cache[candidate] = found
        return found

    def protected(self, tokens: Sequence[Token]) -> set[int]:
        """Indices of separator words that sit inside a catalogue phrase."""
        keep: set[int] = set()
        for i, tok in enumerate(tokens):
            if tok.kind != "word":
                continue
            for phrase in self.guarded:
                positions = word_positions(tokens, i, len(phrase))
                if len(positions) == len(phrase) and all(
                    _same_word(tokens[p].norm, w) for p, w in zip(positions, phrase, strict=True)
                ):
                    keep.update(p for p in positions if tokens[p].norm in SEPARATOR_WORDS)
        return keep


def _same_word(written: str, word: str) -> bool:
    if word in SEPARATOR_WORDS or len(word) <= 3:
        return written == word
    return fuzz.ratio(strip_plural(written), strip_plural(word)) >= SHORT_THRESHOLD


def word_positions(tokens: Sequence[Token], i: int, count: int, end: int | None = None):
    """Up to ``count`` word tokens from ``i``, joined by spaces or by one glued dash/apostrophe."""
    end = len(tokens) if end is None else end
    positions = [i]
    while len(positions) < count:
        nxt = positions[-1] + 1
        if nxt < end and tokens[nxt].kind == "punct" and tokens[nxt].glued:
            if tokens[nxt].text not in DASHES and tokens[nxt].text not in APOSTROPHES:
                break
            nxt += 1
            if nxt >= end or not tokens[nxt].glued:
                break
        if nxt >= end or tokens[nxt].kind != "word":
            break
        positions.append(nxt)
    return positions
