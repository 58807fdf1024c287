"""PDF writer: Book(lang) -> three tagged PDF/UA-1 handouts (Letter, A4, large print).

Requires WeasyPrint 70, pikepdf and the fix-ups. Guarantees: any ERROR that
WeasyPrint logs (a missing lang or alt, an unknown option) fails the build
with the messages, instead of shipping a file that claims PDF/UA; page
furniture is marked as artifacts, structure elements carry /Lang,
right-to-left runs carry /ActualText in reading order, and the tag tree
is repaired (`structure.repair`: one element per HTML element, one Link
per link, glossary pairs, printable titled link annotations); the
document info and XMP carry title, language, publisher and subject; the
same Book and time give the same bytes.
"""

from __future__ import annotations

import datetime
import io
import logging

import pikepdf
from weasyprint import HTML

from .. import pages
from ..model import Book
from . import document, fixups, fonts, structure

VARIANT = "pdf/ua-1"
FILE_NAMES = {"letter": "{slug}-letter.pdf", "a4": "{slug}-a4.pdf", "large-print": "{slug}-large-print.pdf"}


class PdfError(RuntimeError):
    """WeasyPrint reported an error while making a PDF."""


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_edition(book: Book, edition: str, date_time: tuple) -> bytes:
    """One handout as PDF bytes; raises PdfError on anything WeasyPrint logs as an error. The US Letter
    layout's page map is recorded for the e-books' page lists (bcbook.pages)."""
    return _post_process(lay_out(book, edition, write=True), book, date_time)


def lay_out(book: Book, edition: str, write: bool = False) -> bytes:
    """Lay out one handout (and with `write`, return WeasyPrint's PDF); US Letter records its page map."""
    html_text = document.html_document(book, edition).decode("utf-8")

    def on_layout(laid_out) -> None:
        if edition == pages.EDITION:
            pages.record(book, pages.first_ids(html_text, [set(page.anchors) for page in laid_out.pages]))

    return weasyprint_pdf(html_text, f"{book.lang} {edition}", on_layout, write)


def weasyprint_pdf(html_text: str, what: str, on_layout=None, write: bool = True) -> bytes:
    """The print path every PDF takes: tagged PDF/UA-1 with /Lang fix-ups; any logged error raises PdfError.
    `on_layout(document)` sees the laid-out pages before the PDF is written."""
    html = HTML(string=html_text, base_url=".")
    collector, logger = _Collect(), logging.getLogger("weasyprint")
    logger.addHandler(collector)
    options = {"pdf_variant": VARIANT, "custom_metadata": True}
    try:
        with fixups.tagging():
            laid_out = html.render(**options)
            if on_layout:
                on_layout(laid_out)
            raw = laid_out.write_pdf(**options) if write else b""
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise PdfError(f"{what}: WeasyPrint reported: " + "; ".join(collector.messages))
    return raw


def _post_process(raw: bytes, book: Book, date_time: tuple) -> bytes:
    stamp = datetime.datetime(*date_time, tzinfo=datetime.timezone.utc)
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        fixups.mark_content(pdf)  # page furniture as artifacts, /ActualText onto the structure
        fixups.repair_to_unicode(pdf)
        structure.repair(pdf, document.link_titles(book))
        fixups.document_metadata(pdf, book, stamp)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, static_id=False)
    return out.getvalue()


def render(book: Book, date_time: tuple, editions: list[str] | None = None) -> dict[str, bytes]:
    """The print editions of one language (default: every one): {file name: bytes}."""
    fonts.check_coverage(book)
    slug = book.meta.slug
    return {FILE_NAMES[edition].format(slug=slug): render_edition(book, edition, date_time)
            for edition in editions or document.EDITIONS}
