"""Every edition of every language, read as a reader and a screen reader get it.

Measured from the PDFs themselves (pdfminer.six for drawn glyphs, pikepdf for
the tag tree and annotations); the expected counts come from the print
HTML the PDF was made from (bcbook.pdf.document), never from the CSS.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from lxml import html as lxml_html

from bcbook import build as builder
from bcbook.lang import locale_of
from bcbook.pdf import document
from conftest import LANGUAGES, NARRATED, ROOT
from pdf_reading import element_pages, element_text, mcid_text, pages, squeeze, tag_tree

EDITIONS = sorted(document.EDITIONS)
RIGHT_TO_LEFT = [lang for lang in LANGUAGES if locale_of(lang).character_order == "right-to-left"]
MIN_SIZE = {"letter": 8.5, "a4": 8.5, "large-print": 14.0}  # pt, every text outside figures
BLOCKS = "//h1 | //h2 | //h3 | //p | //li | //figcaption"


def pdf_path(build_dir: Path, lang: str, edition: str) -> Path:
    return build_dir / lang / f"invasive-breast-cancer-{edition}.pdf"


@functools.lru_cache(maxsize=None)
def _book(lang: str):
    return builder.gather(builder.Project(ROOT), [lang])[0].book


@functools.lru_cache(maxsize=None)
def _html(lang: str, edition: str):
    return lxml_html.fromstring(document.html_document(_book(lang), edition))


@functools.lru_cache(maxsize=None)
def _read(path: Path):
    page_list = pages(path)
    with pikepdf.open(path) as pdf:
        elements = tag_tree(pdf)
        annotations = [({"/F": int(a.get("/F", 0)), "/Dest": "/Dest" in a, "/Contents": str(a.get("/Contents", "")),
                         "/Rect": [float(v) for v in a.Rect]}, [float(v) for v in page.MediaBox])
                       for page in pdf.pages for a in page.get("/Annots", [])]
        figure_boxes = [([float(v) for v in e.obj.A.BBox], [float(v) for v in e.obj.Pg.MediaBox])
                        for e in elements if e.kind == "Figure"]
    return page_list, elements, annotations, figure_boxes


def _figure_content(elements) -> set[tuple[int, int]]:
    return {key for e in elements if e.kind == "Figure" or "Figure" in e.ancestors for key in e.content}


def _count(tree, xpath: str) -> int:
    return len(tree.xpath(xpath))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_glyph_is_inside_the_trim_box_and_large_enough(build_dir, lang, edition):
    page_list, elements, _, figure_boxes = _read(pdf_path(build_dir, lang, edition))
    outside = [(p.index + 1, g.text) for p in page_list for g in p.glyphs
               if g.box[0] < p.box[0] - 0.5 or g.box[2] > p.box[2] + 0.5
               or g.box[1] < p.box[1] - 0.5 or g.box[3] > p.box[3] + 0.5]
    assert outside == []
    # Text drawn inside figures (the labels) is the figures' own business (bcbook.figures and its
    # tests measure label sizes); here: body, headings, captions, contents, glossary, footers.
    in_figures = _figure_content(elements)
    sizes = [g.size for p in page_list for g in p.glyphs if g.text.strip() and (p.index, g.mcid) not in in_figures]
    assert min(sizes) >= MIN_SIZE[edition] - 0.01
    for (x1, y1, x2, y2), (left, bottom, right, top) in figure_boxes:
        assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_one_structure_element_per_html_element(build_dir, lang, edition):
    _, elements, _, _ = _read(pdf_path(build_dir, lang, edition))
    html = _html(lang, edition)
    kinds = [e.kind for e in elements]
    assert kinds.count("Sect") == _count(html, "//section")
    assert kinds.count("P") == _count(html, "//p")
    assert kinds.count("LI") == _count(html, "//li") + _count(html, "//dt")  # a glossary entry is one LI
    assert kinds.count("L") == _count(html, "//ul | //ol | //dl")
    chapter_titles = [e for e in elements if e.kind == "H1" and "Sect" in e.ancestors]
    assert len(chapter_titles) == len(_book(lang).chapters) + 1  # + the title page
    assert all("Sect" in e.ancestors for e in elements if e.kind in ("H2", "H3"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_one_printable_link_per_link(build_dir, lang, edition):
    path = pdf_path(build_dir, lang, edition)
    page_list, elements, annotations, _ = _read(path)
    texts = mcid_text(page_list)
    links = [i for i, e in enumerate(elements) if e.kind == "Link"]
    assert len(links) == _count(_html(lang, edition), "//a[@href]")
    assert not any("Link" in elements[i].ancestors for i in links)
    assert all(element_text(elements, i, texts).strip() for i in links)
    titles = set(document.link_titles(_book(lang)).values())
    for annotation, (left, bottom, right, top) in annotations:
        assert annotation["/F"] & 4  # Print
        if annotation["/Dest"]:
            assert annotation["/Contents"] in titles
        x1, y1, x2, y2 = annotation["/Rect"]
        assert left <= min(x1, x2) and max(x1, x2) <= right and bottom <= min(y1, y2) and max(y1, y2) <= top


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_each_figure_is_in_view_with_its_description(build_dir, lang, edition):
    """Letter and A4: the figure, its key and its description on one page. Large print (the key alone
    fills a page at 14 pt): the figure on a verso, its description on that page or the facing recto."""
    _, elements, _, _ = _read(pdf_path(build_dir, lang, edition))
    figures = [i for i, e in enumerate(elements) if e.kind == "Figure"]
    assert len(figures) == _count(_html(lang, edition), "//figure")
    for index in figures:
        page = element_pages(elements, index)[0]
        heading = next(i for i in range(index + 1, len(elements)) if elements[i].kind == "H3")  # past the key
        description = next(i for i in range(heading + 1, len(elements)) if elements[i].kind == "L")
        if edition == "large-print":
            assert page % 2 == 1, "a figure starts a verso: an even page number"
            assert element_pages(elements, description) in ([page], [page + 1])
        else:
            assert element_pages(elements, description) == [page], "the description is on the figure's page"


def _lines(page) -> int:
    return len({round(g.box[1]) for g in page.glyphs if g.text.strip() and not g.artifact})


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_no_near_blank_pages(build_dir, lang, edition):
    """A page with fewer than 6 lines ends a chapter or the text before a figure (a figure is kept whole
    with its description, so the text before it may end short). Only large print leaves pages blank, and
    only right before a figure: the figure starts a verso."""
    page_list, elements, _, _ = _read(pdf_path(build_dir, lang, edition))
    lines = [_lines(page) for page in page_list]
    chapter_starts = {element_pages(elements, i)[0] for i, e in enumerate(elements) if e.kind == "H1"}
    figure_starts = {element_pages(elements, i)[0] for i, e in enumerate(elements) if e.kind == "Figure"}

    def next_text_page(index: int) -> int:
        following = index + 1
        while following < len(lines) and lines[following] == 0 and edition == "large-print":
            following += 1
        return following

    blank = [index + 1 for index in range(len(lines)) if lines[index] == 0
             and not (edition == "large-print" and next_text_page(index) in figure_starts)]
    short = [index + 1 for index in range(len(lines) - 1) if 0 < lines[index] < 6
             and next_text_page(index) not in chapter_starts | figure_starts]
    assert (blank, short) == ([], [])


@pytest.mark.parametrize("edition", EDITIONS)
def test_arabic_reads_in_logical_order(build_dir, edition):
    path = pdf_path(build_dir, "ar", edition)
    page_list, elements, _, _ = _read(path)
    texts = mcid_text(page_list)
    read = squeeze(" ".join(element_text(elements, i, texts) for i, e in enumerate(elements) if e.depth == 0))
    html = _html("ar", edition)
    # the colophon's Sources (English titles, lang="en") are a left-to-right list in this book: not checked here
    addresses = {squeeze(f"({link.get('href')})")
                 for link in html.xpath("//a[starts-with(@href, 'http')][not(ancestor::*[@lang='en'])]")}
    assert addresses and all(address in read for address in addresses)  # as typed, not "(/https://..."
    for address in addresses:
        read = read.replace(address, "")  # the printed address is not in the HTML block's text
    blocks = [squeeze("".join(node.itertext())) for node in html.xpath(BLOCKS)]
    missing = [block for block in blocks if block and block not in read]
    assert missing == []


def _drawn_lines(glyphs) -> list[list]:
    """The glyphs by line, top to bottom, each line left to right (a line: glyphs whose middles are within
    0.4 em, as "." and ":" may come from another font with other extents)."""
    lines: list[list] = []
    for glyph in sorted(glyphs, key=_middle, reverse=True):
        if lines and _middle(lines[-1][0]) - _middle(glyph) < 0.4 * glyph.size:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [sorted(line, key=lambda g: g.box[0]) for line in lines]


def _address_runs(page) -> list[str]:
    """The runs of Latin glyphs with a "/" in them, each read left to right as drawn on its line."""
    runs = []
    for line in _drawn_lines(g for g in page.glyphs if g.text.isascii()):
        runs.append(line[0].text)
        for before, glyph in zip(line, line[1:]):
            if glyph.box[0] - before.box[2] < 0.15 * glyph.size:  # a space is 0.26 em
                runs[-1] += glyph.text
            else:
                runs.append(glyph.text)
    return [word for run in runs for word in run.split() if "/" in word]


def _middle(glyph) -> float:
    return (glyph.box[1] + glyph.box[3]) / 2


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
def test_printed_addresses_read_left_to_right_on_every_line(build_dir, lang, edition):
    page_list, _, _, _ = _read(pdf_path(build_dir, lang, edition))
    addresses = [f"({link.get('href')})" for link in _html(lang, edition).xpath("//a[starts-with(@href, 'http')]")]
    runs = [run.strip(".,;:") for page in page_list for run in _address_runs(page)]
    assert runs and addresses
    # a wrapped address once printed its second line as ".(/what-is-breast-cancer/invasive-breast-cancer"
    assert [run for run in runs if not any(run in address for address in addresses)] == []


def _line_texts(page) -> list[str]:
    """Each line's glyphs, left to right, without spaces (NFC)."""
    return [unicodedata.normalize("NFC", "".join(g.text for g in line))
            for line in _drawn_lines(g for g in page.glyphs if g.text.strip())]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_name_in_the_other_editions_list_is_on_one_line(build_dir, lang, edition):
    page_list, _, _, _ = _read(pdf_path(build_dir, lang, edition))
    names = [unicodedata.normalize("NFC", " ".join(node.text_content().split()))
             for node in _html(lang, edition).xpath("//p[@class='editions']//span[@lang]")]
    words = {name: name.split() for name in names if len(name.split()) > 1}  # Tiếng Việt, Kreyòl Ayisyen, 中文 (简体)
    assert names
    lines = [line for page in page_list for line in _line_texts(page)]
    for name, parts in words.items():
        split = [line for line in lines if parts[0] in line and "".join(parts) not in line]
        assert split == [], f"{name} split over two lines"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])  # English text may wrap them
def test_each_font_name_in_the_fonts_paragraph_is_on_one_line(build_dir, lang, edition):
    """Noto Sans CJK KR once printed as "Noto" at one end of a line and "Sans CJK KR" at the other end of
    the next, in Arabic large print."""
    page_list, _, _, _ = _read(pdf_path(build_dir, lang, edition))
    paragraph = "".join(_html(lang, edition).xpath("//p[@class='fonts']")[0].text_content().split())
    names = ["".join(span.text_content().split()) for span in _html(lang, edition).xpath("//p[@class='fonts']//span[@lang]")]
    assert len(names) >= 5  # four fonts and the licence
    lines = [line for page in page_list for line in _line_texts(page)]
    for name in names:  # counted, as "Noto Sans" is also part of "Noto Sans CJK KR"
        assert sum(line.count(name) for line in lines) >= paragraph.count(name), f"{name} split over two lines"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", [code for code in NARRATED if code != "en"])
def test_the_narrating_voice_is_printed_on_one_line(build_dir, lang, edition):
    """"espeak-ng, ar" once wrapped at its hyphen in right-to-left text."""
    page_list, _, _, _ = _read(pdf_path(build_dir, lang, edition))
    voices = ["".join(span.text_content().split())
              for span in _html(lang, edition).xpath("//p[@class='narration']//span[@lang]")]
    assert len(voices) == 1
    assert any(voices[0] in line for page in page_list for line in _line_texts(page)), f"{voices[0]} split"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_contents_page_numbers_are_on_the_page(build_dir, lang):
    page_list, elements, _, _ = _read(pdf_path(build_dir, lang, "letter"))
    texts = mcid_text(page_list)
    titles = [squeeze(title) for title in document.link_titles(_book(lang)).values()]
    entries = [squeeze(element_text(elements, i, texts)) for i, e in enumerate(elements)
               if e.kind == "LI" and element_pages(elements, i) == [1]]
    # a screen reader gets each entry as its title, then its page number
    assert [entry.rstrip("0123456789") for entry in entries] == titles
    assert all(entry[-1].isdigit() for entry in entries)
    contents = page_list[1]
    digits = [g for g in contents.glyphs if g.text.isdigit() and not g.artifact]
    assert len(digits) >= len(_book(lang).chapters)
    width = contents.box[2] - contents.box[0]
    at_end = [g.box[0] > width / 2 for g in digits]  # page numbers at the line's end edge
    assert all(at_end) if lang != "ar" else not any(at_end)
