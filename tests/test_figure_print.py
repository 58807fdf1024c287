"""The stage figures as printed: drawn sizes per edition, Arabic shaped and in logical order, one tagged Figure each.

Issue 9: measured on the built PDFs with pdfminer.six (each drawn
character's size in pt after every transform, so text inside the SVG
counts at the size it is printed) and pdftotext, never by reading the CSS.
"""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata

import pikepdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTFigure

from bcbook import build as builder
from bcbook import inline
from bcbook.figures.export import figures_of, render_block
from conftest import LANGUAGES, ROOT

MINIMUM_PT = {"letter": 8.5, "a4": 8.5, "large-print": 14.0}
EDITIONS = list(MINIMUM_PT)


def pdf_path(build_dir, lang: str, edition: str):
    return build_dir / lang / f"invasive-breast-cancer-{edition}.pdf"


def _chars(item, in_figure: bool = False):
    """(char, inside an SVG figure) for every drawn character under a pdfminer layout item."""
    if isinstance(item, LTChar):
        yield item, in_figure
    elif hasattr(item, "__iter__"):
        for child in item:
            yield from _chars(child, in_figure or isinstance(item, LTFigure))


def _figures(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every /Figure structure element, in no particular order."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        if element.get("/S") == "/Figure":
            found.append(element)
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
    return found


@functools.cache
def figure_pages(path) -> dict[int, list[tuple[LTChar, bool]]]:
    """{page number: its drawn characters (char, inside the SVG)} for each page holding a tagged Figure."""
    with pikepdf.open(path) as pdf:
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        numbers = sorted({index[figure.Pg.objgen] for figure in _figures(pdf)})
    return {number + 1: list(_chars(page)) for number, page in zip(numbers, extract_pages(str(path),
                                                                                         page_numbers=numbers))}


def _book(lang: str):
    return builder.gather(builder.Project(ROOT), [lang])[0].book


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_figure_pages_print_no_text_below_the_edition_minimum(build_dir, lang, edition):
    pages = figure_pages(pdf_path(build_dir, lang, edition))
    assert len(pages) == 13, sorted(pages)
    for number, chars in pages.items():
        numerals = [round(char.size, 2) for char, in_figure in chars if in_figure]
        words = [round(char.size, 2) for char, in_figure in chars if not in_figure]
        assert len(numerals) >= 20 and all(char.get_text().isdigit() for char, in_figure in chars if in_figure)
        assert min(numerals) >= MINIMUM_PT[edition], (number, min(numerals))
        assert min(words) >= MINIMUM_PT[edition], (number, min(words))


def _letters(text: str) -> str:
    """The letters only, in stored order. Word by word: pdftotext's bidi guess can move a bracketed phrase or a
    comma to another line, and marks (shadda) off their letter, in any RTL body text (issue 9 item 3, the tagged
    text's order, is the PDF writer's); a reversed or unjoined word still fails here."""
    return "".join(char for char in unicodedata.normalize("NFC", text) if unicodedata.category(char).startswith("L"))


@pytest.mark.parametrize("edition", EDITIONS)
def test_arabic_figure_words_print_shaped_and_read_in_logical_order(build_dir, edition):
    path = pdf_path(build_dir, "ar", edition)
    pages = figure_pages(path)
    assert not [char for chars in pages.values() for char, _ in chars if char.get_text() == "\u25cc"]
    book = _book("ar")
    description = inline.plain_text(book.labels["figure-description"].inlines)
    letters = ""
    for number in pages:  # from the figure to its description: the caption and the key (large print: overleaf too)
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number + 1), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        letters += _letters(text.split(description)[0])
    for block in figures_of(book):
        labels = dict(block.labels)
        for entry in render_block(block, book)[1]:
            for word in inline.plain_text(labels[entry.label].inlines).split():
                if len(_letters(word)) >= 2:
                    assert _letters(word) in letters, (block.panel.id, entry.number, word)


def test_no_dotted_circle_glyph_in_any_arabic_pdf(build_dir):
    for edition in EDITIONS:
        with pikepdf.open(pdf_path(build_dir, "ar", edition)) as pdf:
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    cmap = font.get("/ToUnicode")
                    mapped = cmap.read_bytes().decode("latin-1") if cmap is not None else ""
                    assert not re.search(r"<25[cC][cC]>", mapped), (edition, str(font.get("/BaseFont")))


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_figure_is_one_tagged_figure_with_its_alt(build_dir, edition):
    book = _book("ar")
    alts = {inline.plain_text(block.alt.inlines) for block in figures_of(book)}
    with pikepdf.open(pdf_path(build_dir, "ar", edition)) as pdf:
        found = [str(figure.get("/Alt", "")) for figure in _figures(pdf)]
    assert sorted(alt for alt in found if alt in alts) == sorted(alts)
    assert len(found) == len(alts) == 13
