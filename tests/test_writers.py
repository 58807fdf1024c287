"""Every node kind has a writer; a tiny chapter's XHTML matches its golden file."""

from __future__ import annotations

from bcbook import build as builder
from bcbook import xhtml
from bcbook.model import BLOCK_KINDS, INLINE_KINDS


def test_every_node_kind_has_an_xhtml_writer():
    assert set(xhtml.BLOCK_WRITERS) == set(BLOCK_KINDS)
    assert set(xhtml.INLINE_WRITERS) == set(INLINE_KINDS)


def test_tiny_chapter_golden(tiny, golden):
    for edition in builder.gather(tiny):
        book = edition.book
        golden(f"tiny-{book.lang}.xhtml", xhtml.chapter_document(book, book.chapters[0]).decode())
