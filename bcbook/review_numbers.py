"""Numbers and units in a source text and its translation: which ones differ.

Requires the unit spellings in bcbook.lang. Guarantees: `tokens(text)`
finds each number (in ASCII, Arabic-Indic or other Unicode decimal digits,
not the digit inside a word such as "HER2") with the unit written after it,
as (start, end, canonical) where canonical is the number in ASCII digits
with its separators as written ("0,2" stays "0,2": a decimal comma in a
translation for US readers is worth a look) plus the unit's canonical
name, in any letter case ("2 cm", "2 CM" and "2 厘米" are all "2 cm"); `differences(source,
translation)` returns the canonical tokens found only in the source and
only in the translation (as multisets, so a number dropped once counts).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .lang import UNIT_SPELLINGS

_SPELLING = {spelling.lower(): unit for unit, spellings in UNIT_SPELLINGS.items() for spelling in spellings}
_UNIT = "|".join(re.escape(s) + (r"(?![^\W\d_])" if s[-1].isascii() and s[-1].isalpha() else "")
                 for s in sorted(_SPELLING, key=len, reverse=True))
_NUMBER = re.compile(rf"(?<![A-Za-z0-9.,])(\d+(?:[.,\u066b]\d+)*)(?:\s?({_UNIT}))?", re.IGNORECASE)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical) for each number in `text`, with its unit when one follows."""
    found = []
    for match in _NUMBER.finditer(text):
        number = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in match.group(1))
        number = number.replace("\u066b", ".")
        unit = _SPELLING.get((match.group(2) or "").lower(), "")
        found.append((match.start(), match.end(), f"{number} {unit}".strip()))
    return found


def differences(source: str, translation: str) -> tuple[Counter, Counter]:
    """(tokens only in the source, tokens only in the translation), each a Counter of canonical forms."""
    ours = Counter(canonical for _, _, canonical in tokens(source))
    theirs = Counter(canonical for _, _, canonical in tokens(translation))
    return ours - theirs, theirs - ours
