"""The language table (bcbook/languages.toml): one row per language, true for every engine and font it names."""

from __future__ import annotations

import re

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


def test_korean_print_breaks_lines_between_words_only(book_project, tmp_path):
    """Korean (a draft catalog, not yet published) in the Letter PDF: every printed line holds whole words."""
    import subprocess

    from bcbook.i18n import po
    toml = book_project.source / "book.toml"
    toml.write_text(re.sub(r'^languages = \[(.*)\]', r'languages = [\1, "ko"]', toml.read_text(encoding="utf-8"),
                           flags=re.M), encoding="utf-8")
    book = builder.gather(book_project, ["ko"])[0].book
    from bcbook.pdf import render
    pdf = tmp_path / "ko.pdf"
    pdf.write_bytes(render.render_edition(book, "letter", builder.build_time(book)))
    catalog = po.read(ROOT / "locales" / "ko" / "LC_MESSAGES" / "bcbook.po")
    words = {word for entry in catalog.entries.values() for word in _hangul_words(entry.msgstr)}
    printed = subprocess.run(["pdftotext", "-f", "3", "-l", "8", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
    pieces = {word for line in printed.splitlines() for word in _hangul_words(line)}
    assert len(pieces) > 100 and pieces - words == set()  # a word cut at a line end leaves a piece no text has


def _hangul_words(text: str) -> list[str]:
    return re.findall(r"[\uac00-\ud7a3]+", text)
