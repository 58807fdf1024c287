"""The table of contents, nested to the section headings, for the EPUB 3 nav and the EPUB 2 NCX.

Requires lxml and bcbook.xhtml. Guarantees: `entries(book)` is the one
outline both navigation documents are written from: every chapter, and
under it every level-2 heading (so Stage 0 ... Stage IV are one step from
the contents); `nav_list` renders it as nested <ol> with the language of
any entry that fell back to another language; `ncx` renders the same
outline as toc.ncx with its real depth, unique ids and play order, and
the same bytes for the same book.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import inline
from .model import Book, Chapter, Heading, Phrase
from .xhtml import XML_LANG, E, phrase_element

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
DEPTH = 2  # chapters, then their h2 sections


@dataclass(frozen=True)
class Entry:
    title: Phrase
    href: str
    children: tuple["Entry", ...] = ()


def chapter_file(chapter: Chapter) -> str:
    return f"{chapter.id}.xhtml"


def entries(book: Book) -> tuple[Entry, ...]:
    """Chapters in reading order, each with its level-2 headings."""
    outline = []
    for chapter in book.chapters:
        file_name = chapter_file(chapter)
        sections = tuple(Entry(block.text, f"{file_name}#{block.id}") for block in chapter.blocks
                         if isinstance(block, Heading) and block.level == 2)
        outline.append(Entry(chapter.title, file_name, sections))
    return tuple(outline)


def nav_list(book: Book, outline: tuple[Entry, ...]) -> etree._Element:
    """The outline as the nested <ol> of an EPUB 3 toc nav."""
    items = []
    for entry in outline:
        link = E("a", {"href": entry.href})
        link.append(phrase_element("span", entry.title, book))
        item = E("li", None, link)
        if entry.children:
            item.append(nav_list(book, entry.children))
        items.append(item)
    return E("ol", None, *items)


def ncx(book: Book, identifier: str, outline: tuple[Entry, ...]) -> bytes:
    """toc.ncx (for EPUB 2 reading systems) with the same outline as the nav."""
    root = etree.Element(f"{{{NCX_NS}}}ncx", nsmap={None: NCX_NS}, version="2005-1")
    root.set(XML_LANG, book.lang)
    head = etree.SubElement(root, f"{{{NCX_NS}}}head")
    depth = DEPTH if any(entry.children for entry in outline) else 1
    for name, content in (("dtb:uid", identifier), ("dtb:depth", str(depth)),
                          ("dtb:totalPageCount", "0"), ("dtb:maxPageNumber", "0")):
        etree.SubElement(head, f"{{{NCX_NS}}}meta", name=name, content=content)
    title = etree.SubElement(root, f"{{{NCX_NS}}}docTitle")
    etree.SubElement(title, f"{{{NCX_NS}}}text").text = inline.plain_text(book.meta.title.inlines)
    nav_map = etree.SubElement(root, f"{{{NCX_NS}}}navMap")
    _nav_points(nav_map, outline, [0])
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _nav_points(parent: etree._Element, outline: tuple[Entry, ...], counter: list[int]) -> None:
    for entry in outline:
        counter[0] += 1
        point = etree.SubElement(parent, f"{{{NCX_NS}}}navPoint", id=f"navpoint-{counter[0]}",
                                 playOrder=str(counter[0]))
        label = etree.SubElement(point, f"{{{NCX_NS}}}navLabel")
        etree.SubElement(label, f"{{{NCX_NS}}}text").text = inline.plain_text(entry.title.inlines)
        etree.SubElement(point, f"{{{NCX_NS}}}content", src=entry.href)
        _nav_points(point, entry.children, counter)
