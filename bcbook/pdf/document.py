"""One print document per language: title page, contents with page numbers, then the EPUB's chapter sections.

Requires the XHTML writer (chapter sections are reused, not re-rendered)
and the front matter. Guarantees: the document has <html lang dir>, a
<title>, author/description metadata, and a print stylesheet chosen per
edition (EDITIONS: Letter, A4, large print); each figure's drawing is an
<img> holding the SVG, its <title> the alt text; the running footer text is
the translated "Page {page} of {pages}", written into CSS as escaped
strings, so a translation cannot inject CSS.
"""

from __future__ import annotations

import base64
import re
from importlib import resources

from lxml import etree

from .. import inline, xhtml
from ..front import label
from ..model import Book
from ..figures.draw import SVG_NS
from ..xhtml import E, XML_LANG
from ..lang import css_family, keeps_words

EDITIONS = {
    "letter": {"size": "letter", "body": "11pt", "figure": "5.6in", "key": "0.85em", "figure_break": "auto", "footer": "9pt", "small": "9.5pt"},
    "a4": {"size": "A4", "body": "11pt", "figure": "6in", "key": "0.85em", "figure_break": "auto", "footer": "9pt", "small": "9.5pt"},
    "large-print": {"size": "letter", "body": "18pt", "figure": "7.6in", "key": "14pt", "figure_break": "verso", "footer": "14pt", "small": "15pt"},
}


def css_string(text: str) -> str:
    """A CSS string literal for untrusted text (quotes, backslashes and line ends escaped)."""
    escaped = "".join(ch if ch.isprintable() and ch not in '"\\<>&' else f"\\{ord(ch):06x}" for ch in text)
    return f'"{escaped}"'


def page_counter_content(book: Book) -> str:
    """CSS `content` for the translated "Page {page} of {pages}" (counters where the placeholders are)."""
    template = inline.plain_text(book.labels["page-of"].inlines)
    parts = []
    for piece in _split_fields(template):
        parts.append({"{page}": "counter(page)", "{pages}": "counter(pages)"}.get(piece) or css_string(piece))
    return " ".join(parts)


def _split_fields(template: str) -> list[str]:
    pieces, rest = [], template
    while rest:
        positions = [p for p in (rest.find("{page}"), rest.find("{pages}")) if p >= 0]
        if not positions:
            return pieces + [rest]
        start = min(positions)
        field = "{pages}" if rest.startswith("{pages}", start) else "{page}"
        pieces += [piece for piece in (rest[:start], field) if piece]
        rest = rest[start + len(field):]
    return pieces


def stylesheet(book: Book, edition: str) -> str:
    settings = EDITIONS[edition]
    base = resources.files("bcbook.pdf").joinpath("print.css").read_text(encoding="utf-8")
    title = css_string(inline.plain_text(book.meta.title.inlines))
    values = {"PAGE_SIZE": settings["size"], "BODY_SIZE": settings["body"], "FIGURE_HEIGHT": settings["figure"], "KEY_SIZE": settings["key"], "FIGURE_BREAK": settings["figure_break"],
              "FOOTER_SIZE": settings["footer"], "SMALL_SIZE": settings["small"],
              **_footer_sides(book.direction),
              "RUNNING_TITLE": title, "PAGE_COUNTER": page_counter_content(book),
              "FONT_FAMILY": css_family(book.lang)}
    return re.sub(r"\b(" + "|".join(values) + r")\b", lambda match: values[match.group(1)], base)


def _footer_sides(direction: str) -> dict[str, str]:
    """The running title at the start edge, the page number at the end edge (mirrored for RTL)."""
    start, end = ("bottom-right", "bottom-left") if direction == "rtl" else ("bottom-left", "bottom-right")
    return {"FOOTER_START": start, "FOOTER_END": end}


def contents(book: Book) -> etree._Element:
    """A contents page: each chapter title linked, with its page number from target-counter()."""
    entries = [E("li", None, *_toc_link(chapter)) for chapter in book.chapters]
    heading = E("h1", {"class": "toc-title"}, label(book, "contents"))
    return E("nav", {"id": "contents", "class": "contents", "aria-labelledby": "contents-title"},
             _with_id(heading, "contents-title"), E("ol", None, *entries))


def _toc_link(chapter) -> list:
    """The link, then its page number (placed at the entry's end edge by print.css; not a second link).
    The title is plain text: WeasyPrint 70 tags a language span inside a link as a second, unlinked
    annotation and draws it out of order (Tagalog "[locally advanced]{lang=en}" in a chapter title)."""
    link = E("a", {"href": f"#{chapter.id}"}, inline.plain_text(chapter.title.inlines))
    return [link, E("span", {"class": "toc-page", "data-target": f"#{chapter.id}"})]


def link_titles(book: Book) -> dict[str, str]:
    """Where each internal link goes, in words (a link annotation's /Contents): chapter id -> title."""
    return {chapter.id: inline.plain_text(chapter.title.inlines) for chapter in book.chapters}


def _with_id(element, value: str):
    element.set("id", value)
    return element


def title_page(book: Book) -> etree._Element:
    meta = book.meta
    return E("section", {"id": "titlepage", "class": "titlepage"},
             xhtml.phrase_element("h1", meta.title, book, {"class": "title"}),
             xhtml.phrase_element("p", meta.subtitle, book, {"class": "subtitle"}),
             E("p", {"class": "publisher"}, meta.publisher))


def html_document(book: Book, edition: str) -> bytes:
    """The complete print HTML for one language and edition."""
    meta = book.meta
    head = E("head", None, E("meta", {"charset": "utf-8"}),
             E("title", None, inline.plain_text(meta.title.inlines)),
             E("meta", {"name": "author", "content": meta.publisher}),
             E("meta", {"name": "description", "content": inline.plain_text(meta.description.inlines)}),
             E("meta", {"name": "keywords", "content": inline.plain_text(meta.subtitle.inlines)}),
             E("style", None, stylesheet(book, edition)))
    sections = [xhtml.chapter_section(book, chapter) for chapter in book.chapters]
    body = E("body", {"dir": book.direction}, title_page(book), contents(book), *sections)
    root = E("html", {"lang": book.lang, "dir": book.direction}, head, body)
    if keeps_words(book.lang):
        _join_syllables(body)
    _drawings_as_images(body)
    return etree.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>", method="html")


def _drawings_as_images(body: etree._Element) -> None:
    """Each figure's drawing as <img src="data:image/svg+xml;base64,..."> with its <title> as alt:
    WeasyPrint 70 reads an inline <svg> with its HTML parser and computes CSS for every shape in it
    (0.6-1.5 s of each edition); an image is parsed once by ElementTree and drawn the same."""
    for svg in list(body.iter(f"{{{SVG_NS}}}svg")):
        title = svg.find(f"{{{SVG_NS}}}title")
        data = base64.b64encode(etree.tostring(svg, encoding="utf-8")).decode("ascii")
        image = E("img", {"class": svg.get("class"), "alt": title.text if title is not None else "",
                          "lang": svg.get(XML_LANG),
                          "src": f"data:image/svg+xml;base64,{data}"})
        image.tail = svg.tail
        svg.getparent().replace(svg, image)


_SYLLABLES = re.compile(r"(?<=[\uac00-\ud7a3])(?=[\uac00-\ud7a3])")


def _join_syllables(body: etree._Element) -> None:
    """A word joiner (U+2060, drawn as nothing) between Hangul syllables: WeasyPrint 70 has no
    `word-break: keep-all`, and Pango would otherwise break a Korean word anywhere."""
    for element in body.iter():
        if element.text:
            element.text = _SYLLABLES.sub("\u2060", element.text)
        if element.tail:
            element.tail = _SYLLABLES.sub("\u2060", element.tail)
