"""Front matter shared by the writers: cover image, cover page, title page, navigation.

Requires lxml and bcbook.xhtml. Guarantees: the cover is an SVG with the
translated title as real text (deterministic bytes, a <title> for screen
readers), every line inside a 60-unit margin, against the right margin for
right-to-left books; the nav has a toc (role doc-toc, nested to the h2
headings by bcbook.toc) and hidden landmarks, with
translated headings; every document carries the book's language and
direction like the chapters do.
"""

from __future__ import annotations

import functools

from lxml import etree

from . import inline, toc
from .lang import css_family, stack_for
from .wrapping import wrap
from .model import Book
from .toc import chapter_file
from .xhtml import EPUB_TYPE, E, document, phrase_element

SVG_NS = "http://www.w3.org/2000/svg"
COVER_FILE = "images/cover.svg"
COVER_PAGE = "cover.xhtml"
TITLE_PAGE = "titlepage.xhtml"
NAV_FILE = "nav.xhtml"
_COVER_INK, _COVER_PAPER, _COVER_ACCENT = "#ffffff", "#12355b", "#f0a3c4"


def label(book: Book, key: str) -> str:
    return inline.plain_text(book.labels[key].inlines)


def cover_svg(book: Book) -> bytes:
    """A 600x900 cover: the title (wrapped), the subtitle and the publisher, as text inside a 60-unit margin.

    Right to left: the accent bar and every line sit against the right margin. Each <text> states its own
    direction and an anchor that means the same edge in it ("start" of a right-to-left line is its right
    end), so no renderer, and no direction inherited from the page, can push a line off the cover.
    """
    title = inline.plain_text(book.meta.title.inlines)
    subtitle = inline.plain_text(book.meta.subtitle.inlines)
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    for key, value in {"viewBox": "0 0 600 900", "width": "600", "height": "900", "role": "img",
                       "aria-labelledby": "cover-title", "{http://www.w3.org/XML/1998/namespace}lang": book.lang,
                       "direction": "ltr"}.items():
        svg.set(key, value)
    etree.SubElement(svg, f"{{{SVG_NS}}}title", id="cover-title").text = label(book, "cover-alt")
    etree.SubElement(svg, f"{{{SVG_NS}}}rect", width="600", height="900", fill=_COVER_PAPER)
    rtl = book.direction == "rtl"
    etree.SubElement(svg, f"{{{SVG_NS}}}rect", x="420" if rtl else "60", y="150", width="120", height="12",
                     fill=_COVER_ACCENT)
    family = css_family(book.lang)
    y = _text_lines(svg, wrap(title, 470, advance(book.lang, 56, "Bold")), 250, (56, "bold", book.direction), rtl, family)
    _text_lines(svg, wrap(subtitle, 470, advance(book.lang, 32, "Regular")), y + 40, (32, "normal", book.direction),
                rtl, family)
    _text_lines(svg, [book.meta.publisher], 830, (24, "normal", "ltr"), rtl, family)
    return etree.tostring(svg, xml_declaration=True, encoding="utf-8")


@functools.cache
def advance(lang: str, size: int, weight: str):
    """measure(text): its width at `size` in the font that draws `lang` first (its advance widths; a
    character it lacks counts half an em), so a cover line fits inside the margins in every script."""
    from fontTools.ttLib import TTFont

    from .epub_fonts import installed
    path, index = installed(stack_for(lang)[0], weight)
    with TTFont(path, fontNumber=index, lazy=True) as font:
        metrics, em = font["hmtx"].metrics, font["head"].unitsPerEm
        widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return lambda text: sum(widths.get(ord(char), em // 2) for char in text) * size / em


def _text_lines(svg, lines: list[str], y: int, style: tuple[int, str, str], rtl: bool, family: str) -> int:
    """Lines against the right margin (x=540) when `rtl`, else the left (x=60); `style` = size, weight, direction."""
    size, weight, direction = style
    right_edge = {"rtl": "start", "ltr": "end"}[direction]
    left_edge = {"rtl": "end", "ltr": "start"}[direction]
    for line in lines:
        text = etree.SubElement(svg, f"{{{SVG_NS}}}text", x="540" if rtl else "60", y=str(y), fill=_COVER_INK)
        text.set("direction", direction)
        text.set("text-anchor", right_edge if rtl else left_edge)
        text.set("font-family", family)
        text.set("font-size", str(size))
        text.set("font-weight", weight)
        text.text = line
        y += round(size * 1.25)
    return y


def cover_page(book: Book) -> bytes:
    image = E("img", {"src": COVER_FILE, "alt": label(book, "cover-alt"), "class": "cover", "role": "doc-cover"})
    section = E("section", {EPUB_TYPE: "cover", "class": "cover"}, image)
    return document(book, label(book, "cover"), [section], body_class="cover")


def title_page(book: Book) -> bytes:
    meta = book.meta
    section = E("section", {"id": "titlepage", EPUB_TYPE: "titlepage", "class": "titlepage"},
                phrase_element("h1", meta.title, book, {"class": "title"}),
                phrase_element("p", meta.subtitle, book, {"class": "subtitle"}),
                E("p", {"class": "publisher"}, meta.publisher))
    return document(book, inline.plain_text(meta.title.inlines), [section])


def nav_document(book: Book, extra: list | None = None) -> bytes:
    """EPUB 3 navigation document: the nested table of contents, hidden landmarks, then `extra` navs
    (the page list)."""
    toc_nav = E("nav", {EPUB_TYPE: "toc", "role": "doc-toc", "id": "toc", "aria-labelledby": "toc-title"},
                E("h1", {"id": "toc-title"}, label(book, "contents")), toc.nav_list(book, toc.entries(book)))
    landmarks = E("nav", {EPUB_TYPE: "landmarks", "hidden": "hidden", "aria-labelledby": "landmarks-title"},
                  E("h2", {"id": "landmarks-title"}, label(book, "landmarks")),
                  E("ol", None, *[_landmark(*entry) for entry in landmark_entries(book)]))
    return document(book, label(book, "contents"), [toc_nav, landmarks, *(extra or [])])


def landmark_entries(book: Book) -> list[tuple[str, str, str]]:
    """(epub:type, href, title) for the cover, contents, start and glossary."""
    entries = [("cover", COVER_PAGE, label(book, "cover")), ("toc", f"{NAV_FILE}#toc", label(book, "contents"))]
    body = next(c for c in book.chapters if c.kind == "chapter")
    entries.append(("bodymatter", chapter_file(body), label(book, "start")))
    for chapter in book.chapters:
        if chapter.kind == "glossary":
            entries.append(("glossary", chapter_file(chapter), label(book, "glossary")))
    return entries


def _landmark(epub_type: str, href: str, title: str):
    link = E("a", {EPUB_TYPE: epub_type, "href": href}, title)
    return E("li", None, link)
