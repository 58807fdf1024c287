"""The stage figures and the cover as a reader's browser draws them (Chromium headless), in all five languages.

Issue 10: callouts inside the drawing and apart, numerals and key words at
least 12 CSS px on a 400 px screen, key words that grow with the reader's
font, the right-to-left cover inside its 600x900 box.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from bcbook import build as builder
from bcbook import front
from browser import CHROMIUM, measure, svg_text_boxes
from conftest import LANGUAGES, ROOT

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (make installs it)")
CHAPTER = "stages-in-pictures.xhtml"
MIN_PX = 12


@pytest.fixture(scope="module")
def epubs(tmp_path_factory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("epubs")
    builder.build(builder.Project(ROOT), languages=LANGUAGES, formats=["epub"], out_dir=out)
    return {lang: out / lang / "invasive-breast-cancer.epub" for lang in LANGUAGES}


def _inside(inner, outer, slack: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_callouts_lie_inside_the_drawing_and_apart_on_a_phone(epubs, lang):
    figures = measure(epubs[lang], CHAPTER, width=400)
    assert len(figures) == 13
    for figure in figures:
        discs = figure["discs"]
        assert discs and len(discs) == len(figure["items"]) == len(figure["texts"]), figure["id"]
        for disc, numeral in zip(discs, figure["texts"]):
            assert _inside(disc["box"], figure["svg"]), (figure["id"], disc["id"])
            assert _inside(numeral["box"], disc["box"], slack=1), (figure["id"], numeral["text"])
            assert numeral["px"] >= MIN_PX, (figure["id"], numeral["px"])
        for first, second in combinations(discs, 2):
            assert not _overlap(first["box"], second["box"]), (figure["id"], first["id"], second["id"])
        for number, item in enumerate(figure["items"], start=1):
            number_text, words = item["text"].split(maxsplit=1)
            assert number_text == str(number) and words.strip(), (figure["id"], item["text"])
            assert item["px"] >= MIN_PX
            assert _inside(item["box"], figure["page"]), (figure["id"], item["text"])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_key_words_grow_with_the_readers_font(epubs, lang):
    normal = measure(epubs[lang], CHAPTER, width=400)
    large = measure(epubs[lang], CHAPTER, width=400, font_scale=200)
    for small_figure, large_figure in zip(normal, large):
        for small_item, large_item in zip(small_figure["items"], large_figure["items"]):
            assert large_item["px"] >= 2 * small_item["px"] - 0.1
        assert min(numeral["px"] for numeral in large_figure["texts"]) >= MIN_PX
        assert all(_inside(disc["box"], large_figure["svg"]) for disc in large_figure["discs"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cover_text_stays_on_the_cover(lang):
    book = builder.gather(builder.Project(ROOT), [lang])[0].book
    drawn = svg_text_boxes(front.cover_svg(book), book.direction)
    assert drawn["viewBox"] == [0, 0, 600, 900]
    for text in drawn["texts"]:
        assert _inside(text["box"], [60, 0, 540, 900], slack=1), (lang, text)
    edge = 2 if book.direction == "rtl" else 0
    assert all(abs(text["box"][edge] - (540 if edge else 60)) < 1 for text in drawn["texts"]), lang
