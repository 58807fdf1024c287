"""The language table (bcbook/languages.toml): one row per language, true for every engine and font it names."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from gtts.lang import tts_langs
from mutagen.id3 import ID3

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


def test_korean_print_breaks_lines_between_words_only(build_dir):
    """Korean in the Letter PDF: every printed line holds whole words (WeasyPrint 70 has no keep-all)."""
    from bcbook.i18n import po
    pdf = build_dir / "ko" / "invasive-breast-cancer-letter.pdf"
    catalog = po.read(ROOT / "locales" / "ko" / "LC_MESSAGES" / "bcbook.po")
    words = {word for entry in catalog.entries.values() for word in _hangul_words(entry.msgstr)}
    printed = subprocess.run(["pdftotext", "-f", "3", "-l", "8", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
    pieces = {word for line in printed.splitlines() for word in _hangul_words(line)}
    assert len(pieces) > 100 and pieces - words == set()  # a word cut at a line end leaves a piece no text has


@pytest.mark.parametrize("edition", ["letter", "large-print"])
def test_french_punctuation_stays_with_its_word(build_dir, edition):
    """French puts a no-break space before : ; ? ! and inside « »: no printed line starts with one of them."""
    pdf = build_dir / "fr" / f"invasive-breast-cancer-{edition}.pdf"
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    assert sum(line.count(":") for line in lines) > 20
    assert [line for line in lines if line[0] in ":;?!»"] == []
    assert [line for line in lines if line.endswith("«")] == []


def test_a_twelfth_language_needs_a_row_a_catalog_a_lexicon_and_its_code(tiny, tmp_path):
    """German, which bcbook does not know: the project's source/languages.toml row, a catalog, a lexicon and
    its code in book.toml give every edition, checked like the published ones, narrated by the row's voice."""
    from bcbook.check import check_epub
    from bcbook.pdf.fonts import check_coverage
    twelfth = Path(__file__).parent / "fixtures" / "twelfth"
    shutil.copy(twelfth / "languages.toml", tiny.source / "languages.toml")
    (tiny.source / "lexicon").mkdir(exist_ok=True)
    shutil.copy(twelfth / "de.toml", tiny.source / "lexicon" / "de.toml")
    (tiny.locales / "de" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(twelfth / "de.po", tiny.locales / "de" / "LC_MESSAGES" / "bcbook.po")
    toml = tiny.source / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('languages = ["en", "es"]', 'languages = ["en", "es", "de"]'),
                    encoding="utf-8")
    try:
        edition = builder.build(tiny, ["de"], out_dir=tmp_path, workers=2)[0]
        check_coverage(edition.book)
        result = check_epub(tmp_path / "de" / "tiny.epub")
        assert (result.fatals, result.errors, result.warnings) == (0, 0, 0)
        printed = subprocess.run(["pdftotext", str(tmp_path / "de" / "tiny-letter.pdf"), "-"], capture_output=True,
                                 text=True, check=True).stdout
        assert set("öüß") <= set(printed) and "Winziges Kapitel" in printed
        assert (tmp_path / "de" / "tiny-read-aloud.epub").is_file()
        transcript = sorted((tmp_path / "de" / "audio").glob("*.vtt"))[0].read_text(encoding="utf-8")
        assert "Winziges Kapitel" in transcript
        chapter = ID3(tmp_path / "de" / "audio" / "01-tiny.mp3")
        assert chapter["TLAN"].text == ["deu"] and "espeak, de" in str(chapter["TPE1"])  # the row's code and voice
    finally:
        lang.use_project(ROOT / "source")
    assert "de" not in lang.LANGUAGES  # the row belongs to that project only


def _hangul_words(text: str) -> list[str]:
    return re.findall(r"[\uac00-\ud7a3]+", text)
