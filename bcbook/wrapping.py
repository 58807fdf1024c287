"""Line wrapping by visible width, for text drawn in SVG (covers, figure labels).

Requires the standard library. Guarantees: lines are as wide as a given
measure allows (columns by default, or a font's advance widths: bcbook.front
measures the cover with the font that draws it); words are never split unless a
run of wide Chinese or Japanese characters must be (Korean keeps its words
and spaces), each wide character counts as two
columns, and the same text and width always give the same lines.
"""

from __future__ import annotations

import unicodedata


def wrap(text: str, width: float, measure=None) -> list[str]:
    """Greedy line wrap by visible width: `measure(line)` (default: columns, wide CJK characters count double)."""
    measure = measure or _width
    lines, current = [], ""
    for word in _words(text):
        candidate = f"{current} {word}".strip() if not _breaks_anywhere(word) else current + word
        if current and measure(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


def _words(text: str) -> list[str]:
    words: list[str] = []
    for word in text.split():
        words.extend(list(word) if _breaks_anywhere(word) else [word])
    return words


def _breaks_anywhere(word: str) -> bool:
    """Chinese and Japanese break between any two characters; Korean, written with spaces, only between words."""
    return _is_wide(word) and not any("\uac00" <= char <= "\ud7a3" for char in word)


def _is_wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(char) in "WF" for char in text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
