"""Catalog checks a medical reviewer would make first: numbers kept, alt texts short enough.

Every translation keeps the numbers of its English entry.

A medical translation may reword anything but a number: "1 to 3 nodes", "0.2 to 2 mm", "5 cm" must come
through unchanged, written with the decimal sign the readers use (bcbook.lang.format_locale_of: "0.2" in US
Spanish, "0,2" in Vietnamese).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol

from bcbook.figures.spec import MAX_ALT
from bcbook.lang import catalog_dir_name, format_locale_of
from conftest import LANGUAGES, ROOT

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_NUMBER = re.compile(r"(?<![A-Za-z\d])\d+(?:[.,]\d+)?")  # not the 2 of "HER2"


def catalog(lang: str):
    path = ROOT / "locales" / catalog_dir_name(lang) / "LC_MESSAGES" / "bcbook.po"
    with path.open("rb") as handle:
        return read_po(handle)


def numbers(text: str, decimal: str = ".") -> Counter:
    text = _LINK_TARGET.sub("]", text)
    return Counter(n.replace(decimal, ".") if decimal != "." else n for n in _NUMBER.findall(text))


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_the_numbers(lang):
    decimal = get_decimal_symbol(format_locale_of(lang))
    changed = [(message.id[:60], message.string[:60]) for message in catalog(lang)
               if message.id and message.string and numbers(message.id) != numbers(message.string, decimal)]
    assert changed == []


def test_decimal_sign_is_the_readers():
    assert numbers("de 0,2 a 2 mm", ",") == numbers("0.2 to 2 mm")
    assert numbers("de 0,2 a 2 mm") != numbers("0.2 to 2 mm")  # a Spanish "0,2" would be caught
    assert get_decimal_symbol(format_locale_of("es")) == "."


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translated_alt_texts_are_at_most_250_characters(lang):
    too_long = [(len(m.string), m.string[:40]) for m in catalog(lang)
                if m.context == "figure-alt" and len(m.string) > MAX_ALT]
    assert too_long == []
