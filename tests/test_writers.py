"""Every node kind has a writer; a tiny chapter's XHTML matches its golden file."""

from __future__ import annotations

from lxml import etree

from bcbook import build as builder
from bcbook import xhtml
from bcbook.model import BLOCK_KINDS, INLINE_KINDS


def test_every_node_kind_has_an_xhtml_writer():
    assert set(xhtml.BLOCK_WRITERS) == set(BLOCK_KINDS)
    assert set(xhtml.INLINE_WRITERS) == set(INLINE_KINDS)


def test_tiny_chapter_golden(tiny, golden):
    for edition in builder.gather(tiny):
        book = edition.book
        document = etree.fromstring(xhtml.chapter_document(book, book.chapters[0]))
        for element in document.iter():  # one element per line, for a reviewable diff
            if len(element) and not (element.text or "").strip() and element.tag.split("}")[1] in BLOCKS:
                element.text = "\n"
            if (element.tail or "").strip() == "" and element.tag.split("}")[1] in BLOCKS:
                element.tail = "\n"
        golden(f"tiny-{book.lang}.xhtml", etree.tostring(document, encoding="unicode"))


BLOCKS = {"html", "head", "meta", "title", "link", "body", "section", "h1", "h2", "h3", "p", "ul", "ol", "li", "div",
          "dl", "dt", "dd", "figure", "figcaption"}
