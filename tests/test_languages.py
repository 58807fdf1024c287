"""The language table (bcbook/languages.toml): one row per language, true for every engine and font it names."""

from __future__ import annotations

import pytest
from gtts.lang import tts_langs

from bcbook import build as builder
from bcbook import lang
from bcbook.audio import espeak
from bcbook.pdf import fonts
from conftest import LANGUAGES, ROOT


def test_every_published_language_has_a_row_a_catalog_and_a_lexicon():
    published = builder.gather(builder.Project(ROOT), ["en"])[0].book.meta.languages
    assert set(published) <= set(lang.LANGUAGES)
    for code in published:
        assert (ROOT / "source" / "lexicon" / f"{code}.toml").is_file(), code
        if code != published[0]:
            assert (ROOT / "locales" / lang.catalog_dir_name(code) / "LC_MESSAGES" / "bcbook.po").is_file(), code


def test_every_font_a_row_names_has_a_package():
    for code, row in lang.LANGUAGES.items():
        for family in [*row["fonts"], *([row["embed"]] if row["embed"] else []), *lang.FALLBACK_FONTS]:
            assert family in lang.FONT_PACKAGES, (code, family)


@pytest.mark.parametrize("code", sorted(lang.LANGUAGES))
def test_every_voice_a_row_names_exists_in_its_engine(code):
    voices = lang.LANGUAGES[code]["voices"]
    if "espeak" in voices:
        assert espeak.phonemes("1", voices["espeak"]).strip()  # NoVoice when espeak-ng lacks it
    if "gtts" in voices:
        assert voices["gtts"] in tts_langs()


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_fonts_of_a_row_draw_its_whole_book(code):
    fonts.check_coverage(builder.gather(builder.Project(ROOT), [code])[0].book)  # MissingGlyph names what is not
