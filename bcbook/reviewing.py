"""The review workflow's two actions: write the review document, and record a sign-off.

Requires the reader, the translation layer, the review record and document,
and the build's atomic writer and PDF print path. Guarantees: both actions
read and check the source and the language's catalog first; the document
goes to build/review/<lang>/<slug>-review-<lang>.html and .pdf, written
atomically; a sign-off rewrites locales/<lang>/review.toml atomically and
signs only the entries whose translation the book uses now.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from . import reader, review
from .build import BuildError, Project, build_time, write_atomically
from .i18n.translate import SOURCE_LANGUAGE, Translator, catalog_path
from .model import Book, Person

FORMATS = ("html", "pdf")


def _open(project: Project, lang: str) -> tuple[Book, Translator]:
    source = reader.read_book(project.source)
    if lang == SOURCE_LANGUAGE or lang not in source.meta.languages:
        others = ", ".join(code for code in source.meta.languages if code != SOURCE_LANGUAGE)
        raise BuildError(f"cannot review {lang!r}: choose a translation listed in source/book.toml ({others})")
    return source, Translator.for_language(lang, project.locales, source.meta.allowed_link_hosts)


def write_document(project: Project, lang: str, out_dir: Path | None = None,
                   formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the bilingual review document; return the paths written."""
    from . import review_doc  # lxml and the layout: only for the document (not for `bcbook --help`)
    source, translator = _open(project, lang)
    label = str(catalog_path(Path("locales"), lang))
    html = review_doc.html_document(source, translator, label)
    folder = (out_dir or project.build / "review") / lang
    outputs = {"html": html}
    if "pdf" in formats:
        outputs["pdf"] = _pdf(html.decode("utf-8"), source, lang)
    paths = []
    for kind in formats:
        path = folder / f"{source.meta.slug}-review-{lang}.{kind}"
        write_atomically(path, outputs[kind])
        paths.append(path)
    return paths


def _pdf(html: str, source: Book, lang: str) -> bytes:
    """The review document through the book's print path, with page numbers as artifacts and a fixed date."""
    import pikepdf  # the print path is loaded only when a review PDF is made
    from .pdf import fixups
    from .pdf.render import weasyprint_pdf
    raw = weasyprint_pdf(html, f"review document {lang}")
    stamp = datetime.datetime(*build_time(source), tzinfo=datetime.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        fixups.artifact_page_furniture(pdf)
        fixups.repair_to_unicode(pdf)
        pdf.docinfo["/CreationDate"] = pdf.docinfo["/ModDate"] = stamp
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, static_id=False)
    return out.getvalue()


def sign(project: Project, lang: str, signer: str, date: str,
         fingerprint: str | None = None) -> tuple[int, review.State, int, str]:
    """Record a sign-off; return (entries newly signed, state after, entries not signable, document fingerprint).

    With `fingerprint` (printed on the review document), refuse if the catalog changed since that document.
    """
    from . import review_doc
    source, translator = _open(project, lang)
    now = review_doc.fingerprint(review_doc.rows(source, translator))
    if fingerprint is not None and fingerprint != now:
        raise review.ReviewError(f"--fingerprint {fingerprint}: the catalog changed since that review document "
                                 f"was made (it is {now} now); make a new one with `bcbook review {lang}`")
    entries = review.entries(source)
    current = translator.in_use(entries)
    fresh = review.sign(translator.record, entries, current, Person(signer, date))
    path = review.record_path(project.locales, lang)
    write_atomically(path, review.dump(translator.record, str(catalog_path(Path("locales"), lang))))
    unusable = sum(1 for value in current.values() if value is None)
    return fresh, review.state(entries, current, translator.record, translator.previous_keys()), unusable, now
