"""EPUB writer: Book(lang) -> EPUB 3 bytes (ebooklib), accessible by construction.

Requires ebooklib (through bcbook.epub_compat, which holds every
workaround), the XHTML writer and the front matter. Guarantees: the
package has xml:lang, schema.org accessibility metadata (sufficient access
modes that are true, no self-certification) and dcterms:conformsTo "EPUB
Accessibility 1.1 - WCAG 2.1 Level AA"; the nav has a toc nested to the h2
headings (toc.ncx the same, bcbook.toc) and landmarks; every content
document has lang and dir; a document with inline SVG declares the `svg`
property; the fonts its text needs travel with it as subsets declared in the
manifest and the stylesheet (bcbook.epub_fonts); the same Book and date
give the same bytes. Both this EPUB and the read-aloud one (`narration`
given: bcbook.overlays) carry page-break markers and a page list from the
US Letter handout's layout (bcbook.pages). Credits match the colophon: a dc:creator (role aut) per author,
a dc:contributor (role rev, MARC relators) per medical reviewer of the
English text and, once every entry is reviewed, per medical translator who
reviewed this language, each refined with the dcterms:date of the review.
Nothing is written to disk here but a `target` file when one is given (the
read-aloud EPUB, whose audio is read from files as it is written): the
builder does the rest.
"""

from __future__ import annotations

import uuid
from importlib import resources
from pathlib import Path

from ebooklib import epub

from . import epub_fonts, front, inline, overlays, pages, review, toc, xhtml
from .epub_compat import XhtmlDocument, write, write_bytes
from .model import Book, Figure

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
ACCESS_MODES = ("textual", "visual")
# Every set of access modes that alone conveys the whole book: the text does (every picture has a
# written description beside it), and so do text and pictures together. Visual alone does not.
SUFFICIENT_MODES = ("textual", "textual,visual")
FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
            "displayTransformability")
PAGE_FEATURES = ("printPageNumbers", "pageNavigation")  # the page list follows the US Letter handout


def edition_identifier(base: str, lang: str) -> str:
    """Each language edition is its own publication, with a stable identifier."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}#{lang}')}"


def render(book: Book, date_time: tuple, narration=None, target: Path | None = None) -> bytes | None:
    """The complete EPUB for one language, as bytes (or written to the file `target`, then None); with a
    Narration (bcbook.overlays), the read-aloud EPUB: the same documents plus the chapter audio (read from
    its files as the EPUB is written) and Media Overlays."""
    page_map = pages.letter_pages(book)
    package = epub.EpubBook()
    _metadata(package, book, narration)
    package.set_cover(front.COVER_FILE, front.cover_svg(book), create_page=False)
    cover = _document("cover-page", front.COVER_PAGE, front.label(book, "cover"), front.cover_page(book))
    title = _document("titlepage", front.TITLE_PAGE, inline.plain_text(book.meta.title.inlines),
                      front.title_page(book))
    chapters = [
        _document(chapter.id, toc.chapter_file(chapter), inline.plain_text(chapter.title.inlines),
                  xhtml.chapter_document(book, chapter))
        for chapter in book.chapters
    ]
    nav = epub.EpubNav(file_name=front.NAV_FILE)
    nav.content = front.nav_document(book, [pages.page_list(page_map, _files_of(page_map, [title, *chapters]))])
    for item in (title, nav, *chapters):
        item.content = pages.insert_markers(item.content, page_map)
    for item in (cover, title, nav, *chapters):
        package.add_item(item)
    _fonts_and_stylesheet(package, book, [item.content for item in (cover, title, nav, *chapters)], narration)
    if narration is not None:
        overlays.add(package, narration, {chapter.id: item for chapter, item in zip(book.chapters, chapters)})
    ncx = epub.EpubNcx()
    ncx.content = toc.ncx(book, edition_identifier(book.meta.identifier, book.lang), toc.entries(book))
    package.add_item(ncx)
    package.spine = [cover, title, nav, *chapters]
    if target is None:
        return write_bytes(package, book.lang, date_time)
    write(package, book.lang, date_time, target)
    return None


def _files_of(page_map: dict[int, str], documents: list) -> dict[str, str]:
    """{id a page starts at: the file holding it} (the nav's own toc included)."""
    found = {"toc": front.NAV_FILE}
    for document in documents:
        for target in set(page_map.values()):
            if f' id="{target}"'.encode() in document.content:
                found[target] = document.file_name
    return found


def _fonts_and_stylesheet(package: epub.EpubBook, book: Book, documents: list[bytes], narration=None) -> None:
    """The stylesheet, with @font-face for the subset fonts that the documents' text needs."""
    fonts = epub_fonts.embed(documents, book.lang)
    for number, font in enumerate(fonts, 1):
        package.add_item(epub.EpubItem(uid=f"font-{number}", file_name=font.file_name, media_type=font.media_type,
                                       content=font.data))
    css = resources.files("bcbook.assets").joinpath("book.css").read_bytes()
    css += epub_fonts.stylesheet(fonts, xhtml.STYLESHEET.rsplit("/", 1)[0])
    css += overlays.ACTIVE_CSS if narration is not None else b""
    package.add_item(epub.EpubItem(uid="css", file_name=xhtml.STYLESHEET, media_type="text/css", content=css))


def _document(uid: str, file_name: str, title: str, content: bytes) -> XhtmlDocument:
    document = XhtmlDocument(uid=uid, file_name=file_name, title=title)
    document.content = content
    if b"<svg" in content:
        document.properties.append("svg")
    return document


def _metadata(package: epub.EpubBook, book: Book, narration=None) -> None:
    meta = book.meta
    package.set_identifier(edition_identifier(meta.identifier, book.lang))
    package.set_title(inline.plain_text(meta.title.inlines))
    package.set_language(book.lang)
    if book.direction == "rtl":
        package.set_direction("rtl")
    package.add_metadata("DC", "publisher", meta.publisher)
    package.add_metadata("DC", "description", inline.plain_text(meta.description.inlines))
    package.add_metadata("DC", "source", meta.source_url)
    # The page numbers (page list, page-break markers) follow the US Letter handout of this edition.
    package.add_metadata("DC", "source", f"{edition_identifier(meta.identifier, book.lang)}:{pages.EDITION}",
                         {"id": "pagination-source"})
    package.add_metadata(None, "meta", "pagination", {"property": "source-of", "refines": "#pagination-source"})
    package.add_metadata("DC", "date", meta.edition_date)
    _credits(package, book)
    _accessibility(package, book, narration is not None)


def _credits(package: epub.EpubBook, book: Book) -> None:
    """dc:creator for authors, dc:contributor for reviewers, with MARC relator roles and review dates."""
    def person(element: str, uid: str, name: str, role: str, date: str = "") -> None:
        package.add_metadata("DC", element, name, {"id": uid})
        package.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role",
                                                  "scheme": "marc:relators"})
        if date:
            package.add_metadata(None, "meta", date, {"refines": f"#{uid}", "property": "dcterms:date"})

    for number, author in enumerate(book.meta.authors, start=1):
        person("creator", f"author-{number}", author.name, "aut")
    for number, reviewer in enumerate(book.meta.medical_reviewers, start=1):
        person("contributor", f"medical-reviewer-{number}", reviewer.name, "rev", reviewer.date)
    for number, reviewer in enumerate(book.translation_reviewers, start=1):
        person("contributor", f"translation-reviewer-{number}", review.display_name(reviewer.name), "rev",
               reviewer.date)


def _accessibility(package: epub.EpubBook, book: Book, read_aloud: bool = False) -> None:
    def meta(prop: str, value: str) -> None:
        package.add_metadata(None, "meta", value, {"property": prop})

    for mode in ACCESS_MODES + (("auditory",) if read_aloud else ()):
        meta("schema:accessMode", mode)
    for modes in SUFFICIENT_MODES + (("auditory",) if read_aloud else ()):
        meta("schema:accessModeSufficient", modes)
    has_figures = any(isinstance(block, Figure) for chapter in book.chapters for block in chapter.blocks)
    features = FEATURES + (("longDescription",) if has_figures else ()) + PAGE_FEATURES
    for feature in features + (("synchronizedAudioText",) if read_aloud else ()):
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    summary = [book.meta.accessibility_summary] + ([book.labels["read-aloud-summary"]] if read_aloud else [])
    meta("schema:accessibilitySummary", " ".join(inline.plain_text(phrase.inlines) for phrase in summary))
    meta("dcterms:conformsTo", CONFORMS_TO)
    # No a11y:certifiedBy: a conformance claim is certified by an independent evaluator, never by the
    # publisher itself; add one here when a real certifier has checked an edition.
