"""Every ebooklib workaround bcbook needs, in one place (ebooklib 0.20).

Requires ebooklib and lxml. Guarantees, against ebooklib's known gaps:
- XhtmlDocument writes our XHTML as is (EpubHtml.get_content re-parses it
  with lxml.html, which lowercases SVG names like viewBox and drops <head>
  children and <body> attributes); it still refuses ill-formed XML.
- BookWriter puts xml:lang on <package> (ebooklib writes none), writes the
  nav document and toc.ncx we rendered (ebooklib would build its own: its
  automatic page-list takes any element with epub:type and id, and its NCX
  says depth 0 and numbers nested entries badly), raises on I/O errors
  (write_epub swallows OSError), and makes the zip reproducible: fixed
  timestamps, `mimetype` first and stored, audio and pictures stored (already compressed).
- FileItem gives an item's content from a file when it is written, so the
  read-aloud EPUB's audio is read one chapter at a time.
- `media_duration=` is never used (it writes an invalid attribute): media
  overlay durations, when they come, must be <meta property="media:duration">.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ebooklib import epub
from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class XhtmlDocument(epub.EpubHtml):
    """An EpubHtml whose content is a complete XHTML document, written verbatim."""

    def get_content(self, default=None):
        etree.fromstring(self.content)  # fail fast on ill-formed XML
        return self.content


# Already compressed: deflating them again takes a second per 20 MB of narration and saves about 1%.
_STORED = (".mp3", ".m4a", ".png", ".jpg", ".jpeg")


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every entry with one fixed time; `mimetype` and compressed media are stored."""

    date_time = (1980, 1, 1, 0, 0, 0)

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, date_time=self.date_time)
            stored = name == "mimetype" or name.lower().endswith(_STORED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            name = info
        super().writestr(name, data, compress_type=compress_type, compresslevel=compresslevel)


class BookWriter(epub.EpubWriter):
    """EpubWriter with the fixes listed in the module docstring."""

    def __init__(self, target, book, lang: str, date_time: tuple, options=None):
        super().__init__(target, book, options)
        self.lang, self.date_time = lang, date_time

    def _write_opf_file(self, root):
        root.set(XML_LANG, self.lang)
        super()._write_opf_file(root)

    def _get_nav(self, item):
        return item.content

    def _get_ncx(self):
        return next(item for item in self.book.get_items() if isinstance(item, epub.EpubNcx)).content

    def write(self):
        self.out = _FixedTimeZip(self.file_name, "w", zipfile.ZIP_DEFLATED)
        self.out.date_time = self.date_time
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()


def write_bytes(book: epub.EpubBook, lang: str, date_time: tuple) -> bytes:
    """Serialise an EpubBook to bytes (nothing touches the disk)."""
    buffer = io.BytesIO()
    write(book, lang, date_time, buffer)
    return buffer.getvalue()


def write(book: epub.EpubBook, lang: str, date_time: tuple, target) -> None:
    """Serialise an EpubBook into `target` (a path or a binary file), an item at a time."""
    options = {"epub3_pages": False, "epub3_landmark": False, "epub2_guide": False,
               "raise_exceptions": True, "mtime": _as_datetime(date_time)}
    writer = BookWriter(target, book, lang, date_time, options)
    writer.process()
    writer.write()


class FileItem(epub.EpubItem):
    """An item whose content is a file, read only when the EPUB is written (so a book's audio is never
    held whole: ebooklib writes one item at a time)."""

    def __init__(self, uid: str, file_name: str, media_type: str, path):
        super().__init__(uid=uid, file_name=file_name, media_type=media_type)
        self.path = path

    def get_content(self, default=None):
        return Path(self.path).read_bytes()


def _as_datetime(date_time: tuple):
    import datetime
    return datetime.datetime(*date_time, tzinfo=datetime.timezone.utc)
