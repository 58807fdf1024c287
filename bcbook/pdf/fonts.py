"""Fonts for print: one font stack per script, and a check that it covers every character.

Requires fontconfig (`fc-match`, Debian's fontconfig) and fontTools (a
WeasyPrint dependency). Guarantees: `check_coverage(book)` raises
MissingGlyph naming the character, its code point and where it is used
(file and line) when no font of the language's stack has it, so a missing
glyph stops the build instead of printing a tofu box; a font of the stack
that is not installed is a clear error naming the Debian package.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from fontTools.ttLib import TTFont, TTLibError

from .. import inline
from ..lang import FONT_PACKAGES, stack_for
from ..model import Book, book_phrases

# font family -> the Debian package that installs it (named in the error when it is missing): the language table
PACKAGES = FONT_PACKAGES


class MissingGlyph(RuntimeError):
    """A character of the book has no glyph in the language's fonts."""


@functools.lru_cache(maxsize=None)
def _codepoints(family: str) -> frozenset[int]:
    if not shutil.which("fc-match"):
        raise MissingGlyph("fc-match not found: install fontconfig (make does this as root)")
    found = subprocess.run(["fc-match", "-f", "%{family}|%{file}", f"{family}:style=Regular"],
                           capture_output=True, text=True, check=False).stdout
    names, _, path = found.partition("|")
    if family not in names.split(","):
        package = PACKAGES.get(family, "the package that provides it")
        raise MissingGlyph(f"font {family!r} is not installed: install {package} (make does this as root)")
    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap())
    except TTLibError as error:
        raise MissingGlyph(f"{path}: cannot read font {family!r}: {error}") from None


def _texts(book: Book):
    for phrase in book_phrases(book):
        yield phrase.origin, inline.plain_text(phrase.inlines)
    for phrase in book.labels.values():
        yield phrase.origin, inline.plain_text(phrase.inlines)
    yield "source/book.toml", book.meta.publisher


def check_coverage(book: Book) -> None:
    """Every character the print edition shows has a glyph in the language's font stack."""
    covered = frozenset().union(*(_codepoints(family) for family in stack_for(book.lang)))
    for origin, text in _texts(book):
        missing = sorted({char for char in text if not char.isspace() and ord(char) not in covered})
        if missing:
            listed = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing)
            raise MissingGlyph(f"{origin}: no glyph for {listed} in {', '.join(stack_for(book.lang))} "
                               f"({book.lang}); add a font for this script to its row in bcbook/languages.toml")
