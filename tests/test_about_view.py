"""The "about this book" page: its names as the book marks them, and as a reader's browser lays them out at 400 px.

Names kept in another language (the other editions' names, the fonts, their licence, the narrating voice)
are spans of that language, each on one line ("espeak-" at the end of one Arabic line and "ng, ar" at the
start of the next was seen), and nothing on the page reaches past the screen's edge.
"""

from __future__ import annotations

import pytest

from bcbook.audio.voices import narrator
from browser import CHROMIUM, lines_of
from conftest import LANGUAGES, NARRATED, epub_file

NS = {"x": "http://www.w3.org/1999/xhtml"}
PAGE = "about-this-book.xhtml"
NAMES = "p.editions span[lang], p.fonts span[lang], p.narration span[lang]"


@pytest.mark.parametrize("lang", NARRATED)
def test_the_narrating_voice_is_named_in_english(built_epubs, lang):
    about = epub_file(built_epubs[lang], f"EPUB/{PAGE}")
    spans = about.xpath("//x:p[@class='narration']//x:span[@lang]", namespaces=NS)
    voice = narrator({"engine": "auto"}, lang)
    assert voice in "".join(about.xpath("//x:p[@class='narration']", namespaces=NS)[0].itertext())
    assert [(span.get("lang"), span.get("dir"), span.text) for span in spans] == (
        [] if lang == "en" else [("en", "ltr", voice)])


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (make installs it)")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_names_stay_on_one_line_and_the_page_in_the_screen(built_epubs, lang):
    laid_out = lines_of(built_epubs[lang], PAGE, NAMES, width=400)
    names = laid_out["elements"]
    assert len(names) >= (0 if lang == "en" else len(LANGUAGES) - 1)
    assert [name["text"] for name in names if name["lines"] != 1] == []
    (left, right), (first, last) = laid_out["page"], laid_out["drawn"]
    assert left - 0.5 <= first and last <= right + 0.5, f"drawn from {first} to {last} on a page {left}-{right}"
