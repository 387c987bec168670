"""Tokens and vocabulary of the surplus parser: normalisation, units, fillers, separators.

A token is a run of ASCII digits, a run of letters (with their combining marks), or one other
non-space character. Every fragment the parser hands back is a slice of the input between token
boundaries, so that nothing is ever cut in the middle of a word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

DIGITS = frozenset("0123456789")
APOSTROPHES = frozenset("'’`´")


@dataclass(frozen=True)
class Token:
    kind: str  # "num" | "word" | "punct"
    text: str
    start: int
    end: int
    norm: str  # casefolded, accents stripped
    glued: bool  # no space between this token and the previous one
    newline: bool  # a line break between this token and the previous one


def normalise(text: str) -> str:
    """Casefold, strip accents and combining marks, spell out ligatures: ``Œufs`` → ``oeufs``."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    if char in DIGITS:
        return "num"
    if (char.isalnum() and char != "_") or unicodedata.category(char)[0] == "M":
        return "word"
    return "punct"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    glued, newline = True, False
    while i < n:
        kind = _kind(text[i])
        if kind == "space":
            glued = False
            newline = newline or text[i] in "\n\r\u2028\u2029\x0b\x0c\x85"
            i += 1
            continue
        j = i + 1
        if kind != "punct":
            while j < n and _kind(text[j]) == kind:
                j += 1
        piece = text[i:j]
        norm = "'" if piece in APOSTROPHES else normalise(piece)
        tokens.append(Token(kind, piece, i, j, norm, glued, newline))
        glued, newline = True, False
        i = j
    return tokens


def token_boundary(text: str, limit: int) -> int:
    """The largest token boundary at or before ``limit`` (0 when the first token is longer)."""
    if limit >= len(text):
        return len(text)
    cut = limit
    while cut > 0 and not _is_boundary(text, cut):
        cut -= 1
    return cut


def _is_boundary(text: str, i: int) -> bool:
    left, right = _kind(text[i - 1]), _kind(text[i])
    return left != right or left in ("space", "punct")


def strip_plural(word: str) -> str:
    """A rough singular for matching: ``yaourts`` → ``yaourt``, ``gâteaux`` → ``gateau``."""
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        return word[:-1]
    return word


def _words(spaced: str, value):
    return dict.fromkeys(spaced.split(), value)


# Units, normalised spelling → (unit, divisor to that unit): grams are kg / 1000.
UNIT_WORDS: dict[str, tuple[str, float]] = {
    **_words("kg kgs kilo kilos kilogramme kilogrammes kilogram kilograms", ("kg", 1.0)),
    **_words("g gr grs gramme grammes gram grams", ("kg", 1000.0)),
    **_words("caisse caisses bac bacs cageot cageots cagette cagettes", ("crate", 1.0)),
    **_words("bak bakken krat kratten kist kisten", ("crate", 1.0)),
    **_words("piece pieces pc pcs pce pces stuk stuks st stk", ("piece", 1.0)),
    # Units of sale, counted as pieces: bottles, pots, trays, portions, packets, boxes.
    **_words("bouteille bouteilles pot pots barquette barquettes portion portions", ("piece", 1.0)),
    **_words(
        "paquet paquets boite boites fles flessen flesjes potje potjes bakje bakjes", ("piece", 1.0)
    ),
    **_words(
        "portie porties pak pakken pakje pakjes doos dozen doosje doosjes potten", ("piece", 1.0)
    ),
    **_words("palette palettes pallet pallets pal", ("pallet", 1.0)),
    **_words("l lt ltr litre litres liter liters", ("litre", 1.0)),
    "cl": ("litre", 100.0),
    "ml": ("litre", 1000.0),
}
# Long unit spellings that may be matched with a typo ("caises", "palletes").
FUZZY_UNIT_WORDS = tuple(w for w in UNIT_WORDS if len(w) >= 5)
TIMES_MARKS = frozenset(("x", "×", "*"))  # "3x", "x3": pieces

NUMBER_WORDS: dict[str, float] = {
    **_words("un une een", 1.0),
    **_words("deux twee", 2.0),
    **_words("trois drie", 3.0),
    **_words("quatre vier", 4.0),
    **_words("cinq vijf", 5.0),
    **_words("six zes", 6.0),
    **_words("sept zeven", 7.0),
    **_words("huit acht", 8.0),
    **_words("neuf negen", 9.0),
    **_words("dix tien", 10.0),
    **_words("douze douzaine twaalf dozijn", 12.0),
    **_words("demi demie half halve", 0.5),
    "1⁄2": 0.5,  # ½, ¼, ¾ once normalised
    "1⁄4": 0.25,
    "3⁄4": 0.75,
}
HALF_WORDS = frozenset(("demi", "demie", "half", "halve"))
NOT_A_NUMBER_WORDS = frozenset(("nan", "inf", "infinity", "infini", "oneindig"))

COLD_CHAIN_WORDS: dict[str, str] = {
    **_words("frais fraiche fraiches refrigere refrigeree refrigeres refrigerees", "chilled"),
    **_words("koel gekoeld gekoelde", "chilled"),
    **_words("surgele surgelee surgeles surgelees congele congelee congeles congelees", "frozen"),
    **_words("diepvries diepgevroren bevroren", "frozen"),
    **_words("sec secs seche seches ambiant ambiante ambiants ambiantes droog droge", "ambient"),
}

# Words and signs understood but carrying nothing: articles, "about", brackets, apostrophes.
FILLER_WORDS = frozenset(
    _words("de d du des la le les l van het pour voor met avec", True)
    | _words("environ env approx ca circa ongeveer ong", True)
)
FILLER_PUNCT = frozenset("()[]{}\"'’`´«»~±≈:")
OPENING_PUNCT = frozenset("([{«\"'’~±≈")  # may start an item: "(3 kg pain)", "~20 kg"
CLOSING_PUNCT = frozenset(")]}»\"'’.")  # may end one

SEPARATOR_WORDS = frozenset(("et", "en", "plus"))
SEPARATOR_PUNCT = frozenset(",;+&/|•·.")
DASHES = frozenset("-–—")
MINUS = frozenset("-−")
