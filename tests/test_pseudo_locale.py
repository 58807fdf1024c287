"""en-XA, a made-up locale whose every msgstr is the upper-cased msgid: shows what went through the catalog."""

from __future__ import annotations

import re

from bcbook import build as builder
from bcbook.cli import main
from bcbook.audio.voices import narrator
from bcbook.lang import EMBEDDED_FONTS, FONT_LICENCE, native_name
from conftest import LANGUAGES, PSEUDO, epub_documents, upper_case_catalog

TEXT_TAGS = {"h1", "h2", "h3", "p", "li", "dfn", "dd", "title", "span", "a", "strong", "em", "figcaption", "desc", "tspan"}


def _enable_pseudo_locale(project):
    book = project.source / "book.toml"
    text, count = re.subn(r'^languages = \[(.*)\]$', rf'languages = [\1, "{PSEUDO}"]', book.read_text(), flags=re.M)
    assert count == 1
    book.write_text(text)
    assert main(["--project", str(project.root), "extract"], *_streams()) == 0
    upper_case_catalog(project.locales / "bcbook.pot", project.locales / "en_XA" / "LC_MESSAGES" / "bcbook.po")


def _streams():
    import io
    return io.StringIO(), io.StringIO()


def test_every_block_and_interface_word_goes_through_the_catalog(book_project, tmp_path):
    _enable_pseudo_locale(book_project)
    editions = builder.build(book_project, languages=[PSEUDO], formats=["epub"], out_dir=tmp_path / "out", strict=True)
    report = editions[0].report
    assert report.translated == report.total > 100
    path = tmp_path / "out" / PSEUDO / "invasive-breast-cancer.epub"
    lower_case = []
    for name, root in epub_documents(path).items():
        for element in root.iter():
            if element.xpath("ancestor-or-self::*[@lang='en']"):
                continue  # marked English on purpose (the colophon's source titles); fallbacks fail the count above
            local = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
            for text in (element.text if local in TEXT_TAGS else None, element.tail if element.getparent() is not None
                         and element.getparent().tag.split("}")[-1] in TEXT_TAGS else None):
                if text and _has_lower_case(text):
                    lower_case.append((name, text))
    assert lower_case == []


def _has_lower_case(text: str) -> bool:
    """Lower-case letters other than values filled in by Babel or the book (a date, a list's "and", a name)."""
    values = ["bcbook Patient Education", ", and ", *(native_name(code) for code in LANGUAGES),
              *EMBEDDED_FONTS.values(), FONT_LICENCE, narrator({}, "en")]
    cleaned = re.sub("|".join(map(re.escape, values)), "", text)
    cleaned = re.sub(r"\b[A-Z][a-z]+ \d{1,2}, \d{4}\b", "", cleaned)  # dates Babel writes out (source, edition)
    return any(char.islower() for char in cleaned)


def test_pseudo_locale_covers_the_svg_cover_and_nav(book_project, tmp_path):
    _enable_pseudo_locale(book_project)
    builder.build(book_project, languages=[PSEUDO], formats=["epub"], out_dir=tmp_path / "out")
    documents = epub_documents(tmp_path / "out" / PSEUDO / "invasive-breast-cancer.epub")
    nav_text = " ".join(documents["EPUB/nav.xhtml"].itertext())
    assert "CONTENTS" in nav_text and "LANDMARKS" in nav_text and "START OF THE BOOK" in nav_text
