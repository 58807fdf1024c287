"""The bilingual review document a medical translator reads and signs: HTML, and PDF through the print path.

Requires the review record (bcbook.review), the translation layer, the XHTML
writer (figures), the number comparison and lxml. Guarantees: every entry
the book uses, once, in book order and grouped by chapter, as one table row
with the English beside the translation (both rendered from the same safe
inline parse the book uses; a missing, fuzzy or unsafe translation is shown
as escaped text with what is wrong), the translator notes and the
translator's own comments, the entry's review state, and numbers or units
that differ marked with <mark> on both sides; each figure is drawn (the
translated SVG, inline) before its first entry; a sign-off box ends the
document. Everything is built as an element tree, so no translation can
inject markup; the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from . import inline, review, xhtml
from .i18n import safety
from .i18n.translate import Translator, translate_book
from .lang import css_family, locale_of, native_name
from .model import Book, Emph, Figure, Link, Strong, Text
from .review_numbers import differences, tokens
from .xhtml import E

STATES = {"reviewed": "reviewed", "changed": "changed since review", "new": "not reviewed yet"}
CSS = """
@page { size: letter; margin: 0.6in 0.5in; @bottom-right { content: "Page " counter(page) " of " counter(pages);
        font-size: 8pt; } }
body { font-family: FAMILY; font-size: 9.5pt; line-height: 1.35; color: #000; }
h1 { font-size: 16pt; margin: 0 0 0.3em; } h2 { font-size: 12.5pt; margin: 1.2em 0 0.4em; break-after: avoid; }
table.entries { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.entries th, table.entries td { border: 0.6pt solid #666; padding: 3pt 4pt; vertical-align: top;
        text-align: start; overflow-wrap: break-word; }
table.entries thead th { background: #e8e8e8; }
tr { break-inside: avoid; }
col.number { width: 9%; } col.text { width: 35%; } col.notes { width: 21%; }
dl.summary { display: block; margin: 0.5em 0; } dl.summary dt { float: left; clear: left; width: 14em;
        font-weight: bold; } dl.summary dd { margin: 0 0 0.15em 14.5em; }
.where { color: #444; font-size: 8pt; display: block; margin-top: 2pt; }
.state { display: block; font-size: 7.5pt; margin-top: 2pt; }
.state-changed, .state-new { font-weight: bold; }
mark.differs { background: #ffd84d; border-bottom: 1.5pt solid #000; }
.problem { font-weight: bold; }
figure.review-figure { margin: 0; text-align: center; break-inside: avoid; }
figure.review-figure svg { height: 3.6in; width: auto; max-width: 100%; }
.signoff { border: 1.5pt solid #000; padding: 8pt 12pt; margin-top: 1.5em; break-inside: avoid; }
.signoff dt { font-weight: bold; margin-top: 0.8em; } .signoff dd { margin: 0; border-bottom: 0.8pt solid #000;
        min-height: 1.6em; }
code { font-family: "Noto Sans Mono", monospace; font-size: 8.5pt; }
"""


@dataclass(frozen=True)
class Row:
    """One entry as the reviewer sees it."""

    number: int
    entry: review.Entry
    msgstr: str
    problem: str  # "" when the translation is the one the book uses
    nodes: tuple  # the translation's safe inline nodes (empty when there is a problem)
    comments: tuple[str, ...]
    state: str  # a key of STATES


def rows(source: Book, translator: Translator) -> list[Row]:
    """Every entry of the book with its translation, problem, comments and review state."""
    entries = review.entries(source)
    current, previous = translator.in_use(entries), translator.previous_keys()
    result = []
    for number, entry in enumerate(entries, start=1):
        found = translator.catalog.entries.get((entry.context, entry.msgid))
        signed = translator.record.entries.get(entry.key) or translator.record.entries.get(previous.get(entry.key, ""))
        state = "new" if not signed else "reviewed" if signed[0] == current[entry.key] else "changed"
        problem, nodes = _checked(entry, found, translator)
        result.append(Row(number, entry, found.msgstr if found else "", problem, nodes,
                          found.comments if found else (), state))
    return result


def _checked(entry: review.Entry, found, translator: Translator) -> tuple[str, tuple]:
    """(problem, safe nodes): the same checks the build makes before it uses a translation."""
    if found is None or not found.msgstr:
        return "missing: the book uses the English", ()
    if found.fuzzy:
        return "fuzzy (needs checking): the book uses the English", ()
    try:
        return "", tuple(safety.check(entry.phrase.inlines, found.msgstr, translator.allowed_hosts))
    except safety.UnsafeTranslation as error:
        return f"unsafe, not used: {error}", ()


def fingerprint(all_rows: list[Row]) -> str:
    """A short hash of every msgid and msgstr in the document, to tell two versions apart."""
    digest = hashlib.sha256()
    for row in all_rows:
        digest.update(review.text_hash(row.entry.context, row.entry.msgid, row.msgstr).encode())
    return digest.hexdigest()[:12]


def html_document(source: Book, translator: Translator, catalog_label: str) -> bytes:
    """The complete review document for one language, as HTML bytes."""
    book = translate_book(source, translator)
    figures = {block.id: block for chapter in book.chapters for block in chapter.blocks if isinstance(block, Figure)}
    all_rows = rows(source, translator)
    state = translator.report.review
    title = f"Medical translation review: {inline.plain_text(source.meta.title.inlines)}, " \
            f"{locale_of(book.lang).get_display_name('en')} ({book.lang})"
    body = E("body", None, E("h1", None, title), _summary(book, state, all_rows, catalog_label),
             *_sections(all_rows, book, figures), _signoff(book.lang, fingerprint(all_rows)))
    head = E("head", None, E("meta", {"charset": "utf-8"}), E("title", None, title),
             E("style", None, CSS.replace("FAMILY", css_family(book.lang))))
    root = E("html", {"lang": "en", "dir": "ltr"}, head, body)
    return etree.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>", method="html")


def _summary(book: Book, state: review.State, all_rows: list[Row], catalog_label: str):
    mismatched = sum(1 for row in all_rows if any(_differences(row, book.lang)))
    problems = sum(1 for row in all_rows if row.problem)
    facts = [("Language", f"{native_name(book.lang)} ({book.lang})"), ("Catalog", catalog_label),
             ("Entries", f"{len(all_rows)}, in the order the reader meets them"),
             ("Review state", f"{state.label}: {state.reviewed} reviewed, {state.changed} changed since review, "
                              f"{state.unreviewed} not reviewed yet"),
             ("Numbers or units that differ", f"{mismatched} entries (highlighted)"),
             ("Not used by the book", f"{problems} entries (missing, fuzzy or unsafe)"),
             ("Document fingerprint", fingerprint(all_rows))]
    items = E("dl", {"class": "summary"})
    for key, value in facts:
        items.append(E("dt", None, key))
        items.append(E("dd", None, value))
    how = E("p", None, "Read each row: the English on the left, the translation beside it. Check the meaning, "
                       "the medical terms and every number; numbers or units that differ are highlighted. Write "
                       "corrections in the notes column, then fill in the sign-off box at the end.")
    return E("section", {"class": "summary", "aria-label": "Summary"}, items, how)


def _sections(all_rows: list[Row], book: Book, figures: dict) -> list:
    sections, drawn = [], set()
    groups: dict[str, list[Row]] = {}
    for row in all_rows:
        groups.setdefault(row.entry.chapter, []).append(row)
    for number, (chapter, chapter_rows) in enumerate(groups.items(), start=1):
        table = E("table", {"class": "entries"}, E("colgroup", None, E("col", {"class": "number"}),
                                                   E("col", {"class": "text"}), E("col", {"class": "text"}),
                                                   E("col", {"class": "notes"})), _head(book))
        body = E("tbody")
        for row in chapter_rows:
            figure = row.entry.figure
            if figure is not None and figure.id not in drawn and figure.id in figures:
                drawn.add(figure.id)
                body.append(_figure_row(figures[figure.id], book))
            body.append(_row(row, book))
        table.append(body)
        heading_id = f"chapter-{number}"
        sections.append(E("section", {"aria-labelledby": heading_id}, E("h2", {"id": heading_id}, chapter), table))
    return sections


def _head(book: Book):
    cells = [E("th", {"scope": "col"}, label) for label in
             ("#", "English", f"{native_name(book.lang)} ({book.lang})", "Notes")]
    return E("thead", None, E("tr", None, *cells))


def _figure_row(block: Figure, book: Book):
    figure = xhtml.block_element(block, book)[0]
    figure.set("class", "review-figure")
    figure.attrib.pop("aria-details", None)
    cell = E("td", {"colspan": "4"}, figure)
    return E("tr", {"class": "figure-row"}, cell)


def _row(row: Row, book: Book):
    entry = row.entry
    only_source, only_translation = _differences(row, book.lang)
    english = E("td", {"lang": "en"}, _text(entry.phrase.inlines, only_source),
                E("span", {"class": "where"}, f"{entry.context} · {entry.phrase.origin}"))
    direction = locale_of(book.lang).text_direction
    translated = E("td", {"lang": book.lang, "dir": direction})
    if row.problem:
        translated.append(E("span", {"class": "problem", "lang": "en", "dir": "ltr"}, row.problem))
        translated.append(E("br"))
        translated.append(_marked(row.msgstr, only_translation, book.lang))
    else:
        translated.append(_text(row.nodes, only_translation, book.lang))
    number = E("th", {"scope": "row"}, str(row.number),
               E("span", {"class": f"state state-{row.state}"}, STATES[row.state]))
    return E("tr", {"id": f"entry-{row.number}"}, number, english, translated, _notes(row, only_source,
                                                                                      only_translation))


def _differences(row: Row, lang: str):
    """Numbers and units only in the English, and only in the translation (plain text, link targets aside)."""
    translation = inline.plain_text(row.nodes) if row.nodes else row.msgstr
    return differences(inline.plain_text(row.entry.phrase.inlines), translation, lang)


def _notes(row: Row, only_source, only_translation):
    cell = E("td", {"lang": "en"})
    lines = []
    if row.entry.phrase.note:
        lines.append(f"Note for translators: {row.entry.phrase.note}")
    lines += [f"Translator's comment: {comment}" for comment in row.comments]
    if row.entry.figure is not None:
        lines.append(f"In the figure: {inline.plain_text(row.entry.figure.title.inlines)}")
    if only_source or only_translation:
        lines.append(f"Numbers differ: English {', '.join(sorted(only_source)) or 'none'}; "
                     f"translation {', '.join(sorted(only_translation)) or 'none'}")
    for index, line in enumerate(lines):
        if index:
            cell.append(E("br"))
        xhtml._append(cell, line)
    return cell


def _text(nodes, flagged, lang: str | None = None) -> etree._Element:
    """A span holding inline nodes (in `lang`; None: the English), with differing numbers marked."""
    span = E("span")
    for node in nodes:
        xhtml._append(span, _node(node, flagged, lang))
    return span


def _node(node, flagged, lang):
    if isinstance(node, Text):
        return list(_pieces(node.text, flagged, lang))
    tag = {Strong: "strong", Emph: "em", Link: "a"}[type(node)]
    element = E(tag, {"href": node.target} if isinstance(node, Link) else None)
    for child in node.children:
        xhtml._append(element, _node(child, flagged, lang))
    return element


def _marked(text: str, flagged, lang: str) -> etree._Element:
    span = E("span")
    for piece in _pieces(text, flagged, lang):
        xhtml._append(span, piece)
    return span


def _pieces(text: str, flagged, lang: str | None):
    """Plain strings and <mark> elements for the numbers whose canonical form is flagged."""
    position = 0
    for start, end, canonical in tokens(text, lang):
        if canonical in flagged:
            yield text[position:start]
            yield E("mark", {"class": "differs"}, text[start:end])
            position = end
    yield text[position:]


def _signoff(lang: str, print_id: str):
    fields = ["Reviewer (name and credential)", "E-mail", "Date reviewed (YYYY-MM-DD)", "Signature"]
    items = E("dl", None, *[part for field in fields for part in (E("dt", None, field), E("dd", None, ""))])
    return E("section", {"class": "signoff", "aria-labelledby": "signoff-title"},
             E("h2", {"id": "signoff-title"}, "Sign-off by the medical translator"),
             E("p", None, "I have checked every entry in this document against the English, for medical "
                          "accuracy and for plain language that the readers of this book can follow. The "
                          "entries I could not approve are listed, with my corrections, in the notes column."),
             E("p", None, f"Document fingerprint: {print_id}"), items,
             E("p", None, "To record this review (it stays valid only for the entries as they are now):"),
             E("p", None, E("code", None, f'bcbook review {lang} --sign "Name <email>" --date YYYY-MM-DD '
                                          f'--fingerprint {print_id}')))
