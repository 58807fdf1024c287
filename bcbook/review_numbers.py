"""Numbers and units in a source text and its translation: which ones differ.

Requires the unit spellings in bcbook.lang. Guarantees: `tokens(text)`
finds each number (in ASCII, Arabic-Indic or other Unicode decimal digits,
not the digit inside a word such as "HER2") with the unit written after it,
as (start, end, canonical) where canonical is the number in ASCII digits
with its separators as written ("0,2" stays "0,2": a decimal comma in a
translation for US readers is worth a look), except that in a language whose
numbers Babel writes with a decimal comma (French, Russian: `lang`) "0,2"
is read as "0.2", plus the unit's canonical
name, in any letter case ("2 cm", "2 CM" and "2 厘米" are all "2 cm"); `differences(source,
translation)` returns the canonical tokens found only in the source and
only in the translation (as multisets, so a number dropped once counts).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from .lang import UNIT_SPELLINGS, format_locale_of

def _patterns() -> tuple[dict, re.Pattern]:
    """({spelling: unit}, the number-and-unit pattern), from the language table as it is now (a project may add rows)."""
    spelling = {name.lower(): unit for unit, names in UNIT_SPELLINGS.items() for name in names}
    return spelling, _compiled(tuple(sorted(spelling, key=len, reverse=True)))


@functools.cache
def _compiled(spellings: tuple[str, ...]) -> re.Pattern:
    unit = "|".join(re.escape(s) + (r"(?![^\W\d_])" if s[-1].isascii() and s[-1].isalpha() else "") for s in spellings)
    return re.compile(rf"(?<![A-Za-z0-9.,])(\d+(?:[.,\u066b]\d+)*)(?:\s?({unit}))?", re.IGNORECASE)


def tokens(text: str, lang: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, canonical) for each number in `text` (written in `lang`), with its unit when one follows."""
    comma = lang is not None and _decimal_symbol(lang) == ","
    spelling, pattern = _patterns()
    found = []
    for match in pattern.finditer(text):
        number = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in match.group(1))
        number = number.replace("\u066b", ".")
        if comma and re.fullmatch(r"\d+,\d+", number):
            number = number.replace(",", ".")
        unit = spelling.get((match.group(2) or "").lower(), "")
        found.append((match.start(), match.end(), f"{number} {unit}".strip()))
    return found


def differences(source: str, translation: str, lang: str | None = None) -> tuple[Counter, Counter]:
    """(tokens only in the source, tokens only in the translation into `lang`), each a Counter of canonical forms."""
    ours = Counter(canonical for _, _, canonical in tokens(source))
    theirs = Counter(canonical for _, _, canonical in tokens(translation, lang))
    return ours - theirs, theirs - ours


def _decimal_symbol(lang: str) -> str:
    from babel.numbers import get_decimal_symbol
    return get_decimal_symbol(format_locale_of(lang))
