"""Print page numbers for the e-books: where each page of the US Letter handout begins.

Requires WeasyPrint (imported only when a page map has to be laid out) and
lxml. Guarantees: `letter_pages(book)` maps each page number of the US
Letter handout, as WeasyPrint laid it out from the same print HTML as the
PDF, to the id of the first element that starts on that page (a sentence
span, heading, paragraph, figure, the title page or the contents), in
document order; a page on which nothing with an id starts (a paragraph
running on from the page before to the page's end) has no entry. The map
is computed once per book: the PDF writer records the one it laid out
(`record`), in the process and in the build folder's cache
(bcbook.diskcache), so the e-books add no second layout to a build.
`insert_markers` puts an empty `<span epub:type="pagebreak"
role="doc-pagebreak" id="page-N" aria-label="N">` right before each of
those elements in an XHTML document, and `page_list` makes the hidden
page-list nav that links to them.
"""

from __future__ import annotations

import json

from lxml import etree

from .xhtml import E, EPUB_TYPE

EDITION = "letter"
# ids of the print HTML that the e-book has under another name (the contents page is the nav's toc)
EPUB_IDS = {"contents": "toc"}
_MAPS: dict[str, dict[int, str]] = {}


def _key(book) -> str:
    from .jobs import book_digest
    return book_digest(book)


def first_ids(html_text: str, anchors_per_page: list) -> dict[int, str]:
    """{page number: the first id, in document order, among the anchors laid out on that page}."""
    tree = etree.fromstring(html_text.encode("utf-8"), etree.HTMLParser())
    order = {element.get("id"): index for index, element in enumerate(tree.iter()) if element.get("id")}
    pages, seen = {}, set()
    for number, anchors in enumerate(anchors_per_page, start=1):
        starting = [anchor for anchor in anchors if anchor in order and anchor not in seen]  # not run on
        seen.update(anchors)
        if starting:
            first = min(starting, key=order.get)
            pages[number] = EPUB_IDS.get(first, first)
    return pages


def record(book, pages: dict[int, str]) -> None:
    """Keep the page map of the US Letter handout just laid out by the PDF writer (in this process, and
    between builds in the build folder's cache, so e-book jobs in other processes need no layout)."""
    from . import diskcache
    from .jobs import code_version
    key = _key(book)
    _MAPS[key] = pages
    diskcache.remembered("pages", diskcache.key(key, code_version("pdf")),
                         lambda: json.dumps(pages, sort_keys=True).encode("utf-8"))


def letter_pages(book) -> dict[int, str]:
    """The page map of the book's US Letter handout (laid out here unless the PDF writer recorded it)."""
    key = _key(book)
    if key not in _MAPS:
        from . import diskcache
        from .jobs import code_version
        stored = diskcache.remembered("pages", diskcache.key(key, code_version("pdf")), lambda: _lay_out(book, key))
        _MAPS[key] = {int(number): target for number, target in json.loads(stored).items()}
    return _MAPS[key]


def _lay_out(book, key: str) -> bytes:
    from .pdf import render
    render.lay_out(book, EDITION)  # records the map
    if key not in _MAPS:
        raise RuntimeError("the US Letter layout recorded no page map")
    return json.dumps(_MAPS[key], sort_keys=True).encode("utf-8")


def insert_markers(content: bytes, pages: dict[int, str]) -> bytes:
    """The XHTML document with a page-break marker before each element that starts a page."""
    root = etree.fromstring(content)
    found = {element.get("id"): element for element in root.iter() if element.get("id")}
    marked = False
    for number, target in sorted(pages.items()):
        element = found.get(target)
        if element is None:
            continue
        marker = E("span", {EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "id": f"page-{number}",
                            "aria-label": str(number)})
        element.addprevious(marker)
        marked = True
    if not marked:
        return content
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def page_list(pages: dict[int, str], file_of: dict[str, str]) -> etree._Element:
    """The hidden page-list nav: one link per page to its marker, in page order."""
    entries = [E("li", None, E("a", {"href": f"{file_of[target]}#page-{number}"}, str(number)))
               for number, target in sorted(pages.items()) if target in file_of]
    return E("nav", {EPUB_TYPE: "page-list", "hidden": "hidden"}, E("ol", None, *entries))

