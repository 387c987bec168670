"""Fuzzy matching of words against the category catalogue (names and synonyms, FR and NL)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from logistics.announcements.parsing.lexicon import EVERYDAY_WORDS
from logistics.announcements.parsing.model import CatalogEntry
from logistics.announcements.parsing.text import (
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
# Besides the ratio, one slip (a letter changed, missing, extra, or two swapped: "pian", "broot")
# in a word of 4 letters or more, its first letter right, is a typo of that word, unless the
# word is a common word of its own that merely looks like a food ("laat" is not "lait").
TYPO_MIN_CHARS = 4
COMPOUND_TAIL_CHARS = 5  # Dutch compounds: "kerstomaten" is tomaten, "roomboter" boter
NOT_FOOD_WORDS = frozenset(
    "laat main mais bien rien rond dans sont voor door deze soit merci plus pour peut"
    " tout zijn meer maar voir ook kan aub svp slt ciao groetjes groeten".split()
)
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
        self._phrases: list[str] = []
        self._owners: list[int] = []
        owner: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            names = (entry.name_fr, entry.name_nl, *entry.synonyms_fr, *entry.synonyms_nl)
            self._add(owner, index, (*names, entry.key))
        for index, entry in enumerate(self.entries):  # the catalogue's own words come first
            self._add(owner, index, EVERYDAY_WORDS.get(entry.key, ()), only_new=True)
        self._stripped = [_stripped(p) for p in self._phrases]
        # Phrases with "et"/"en" inside ("fruits et légumes") must not be split as two items.
        self.guarded = tuple(
            tuple(p.split()) for p in self._phrases if SEPARATOR_WORDS & set(p.split())
        )
        self._cache: dict[str, tuple[int, float] | None] = {}

    def _add(self, owner: dict[str, int], index: int, names, *, only_new: bool = False) -> None:
        for name in names:
            phrase = phrase_norm(name)
            if not phrase or owner.get(phrase) == index or (only_new and phrase in owner):
                continue
            owner.setdefault(phrase, index)
            self._phrases.append(phrase)
            self._owners.append(index)

    def match(self, candidate: str) -> tuple[int, float] | None:
        """(catalogue index, score) of the best phrase for a normalised candidate, if good."""
        if candidate in self._cache:
            return self._cache[candidate]
        found = None
        if candidate in NOT_FOOD_WORDS:
            pass
        elif self._phrases and 0 < len(candidate) <= MAX_CANDIDATE_CHARS:
            raw = process.extractOne(candidate, self._phrases, scorer=fuzz.ratio)
            bare = process.extractOne(_stripped(candidate), self._stripped, scorer=fuzz.ratio)
            best, phrases = (bare, self._stripped) if bare[1] > raw[1] else (raw, self._phrases)
            if best[1] >= threshold(candidate, phrases[best[2]]):
                found = (self._owners[best[2]], float(best[1]))
            else:
                found = self._typo(candidate)
        self._cache[candidate] = found
        return found

    def _typo(self, candidate: str) -> tuple[int, float] | None:
        """One slip in a single word (``pian`` → pain, ``broot`` → brood), or a compound that
        ends with a word of 5 letters or more (``kerstomaten``, ``roomboter``); the score is
        the ratio of the two, always below 100."""
        if " " in candidate or len(candidate) < TYPO_MIN_CHARS:
            return None
        best = None
        for index, phrase in enumerate(self._phrases):
            if " " in phrase or len(phrase) < TYPO_MIN_CHARS:
                continue
            slip = (
                phrase[0] == candidate[0] and OSA.distance(candidate, phrase, score_cutoff=1) <= 1
            )
            compound = len(phrase) >= COMPOUND_TAIL_CHARS and _compound_of(candidate, phrase)
            if slip or compound:
                score = min(fuzz.ratio(candidate, phrase), 99.0)
                if best is None or score > best[1]:
                    best = (self._owners[index], float(score))
        return best

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


def _compound_of(candidate: str, word: str) -> bool:
    """``kerstomaten`` ends with ``tomaten`` after a head of 3 letters or more."""
    return len(candidate) >= len(word) + 3 and strip_plural(candidate).endswith(strip_plural(word))


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
