"""Translate the tree, not the output: Book (English) + catalog -> Book(lang).

Requires the strict PO reader, the safety checks and Babel (dates, language
names, text direction). Guarantees: every Phrase is looked up by
(msgctxt, msgid); a missing, fuzzy, empty or unsafe translation falls back
to the English phrase (marked lang="en") and is counted in the Report; a
safe one is re-parsed with the same inline parser as the source. Slots
become paragraphs: the date lines here, the other editions, the fonts'
licence and the narrating voice in bcbook.i18n.about, credits, sources and
contact from book.toml in bcbook.i18n.colophon. The translation
status comes from the review record (bcbook.review): "reviewed" only when
every entry the book uses matches what a medical translator signed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from .. import inline, review, ui
from ..lang import catalog_dir_name, format_locale_of, locale_of
from ..model import (
    Book, Chapter, Definitions, Figure, Heading, ItemList, Note, Origin, Paragraph, Phrase, Slot, Text,
)
from . import about, colophon, po, safety

SOURCE_LANGUAGE = "en"
DOMAIN = "bcbook"
LEGACY_REVIEW_HEADER = "X-Medical-Review"  # no longer read: reviews are recorded in review.toml


@dataclass
class Report:
    """How complete and how safe one language's catalog is for this book."""

    lang: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)
    review: review.State | None = None  # None for the source language
    notes: list[str] = field(default_factory=list)  # worth saying, but not a failure

    @property
    def fallbacks(self) -> int:
        return self.fuzzy + self.missing + self.invalid

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / catalog_dir_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


class Translator:
    """Looks phrases up in one language's catalog and keeps the Report."""

    def __init__(self, lang: str, catalog: po.PoFile | None, allowed_hosts: tuple[str, ...],
                 record: review.Record | None = None, checked: dict | None = None):
        self.lang, self.catalog, self.allowed_hosts = lang, catalog, allowed_hosts
        self.record = record or review.Record()
        self.report = Report(lang)
        self._found: dict[tuple[str, str], tuple] = {}  # (context, msgid) -> _lookup's answer, checked once
        self.checked = {} if checked is None else checked  # safety.check's answers: see _checked

    @classmethod
    def for_language(cls, lang: str, locales_dir: Path, allowed_hosts: tuple[str, ...],
                     checked: dict | None = None) -> "Translator":
        if lang == SOURCE_LANGUAGE:
            return cls(lang, None, allowed_hosts, checked=checked)
        path = catalog_path(locales_dir, lang)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: no catalog for language {lang!r}; create it with `bcbook update --init {lang}`"
            )
        record, catalog = review.record_path(locales_dir, lang), po.read(path, _label(path, locales_dir))
        translator = cls(lang, catalog, allowed_hosts, review.load(record, _label(record, locales_dir)), checked)
        if LEGACY_REVIEW_HEADER in catalog.headers:
            translator.report.notes.append(
                f"{catalog.path}: the {LEGACY_REVIEW_HEADER} header is not read any more; record the review "
                f"with `bcbook review {lang} --sign \"Name <email>\" --date YYYY-MM-DD`, then remove the header")
        return translator

    def phrase(self, source: Phrase) -> Phrase:
        """The translated phrase, or the English one marked lang="en"."""
        msgid = inline.to_markdown(source.inlines)
        key = (source.kind, msgid)
        if key not in self._found:
            self._found[key] = outcome, nodes, problem = self._lookup(source, msgid)
            self.report.total += 1
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
            if problem:
                self.report.problems.append(problem)
        outcome, nodes, problem = self._found[key]
        if nodes is None:
            return replace(source, lang=SOURCE_LANGUAGE) if self.catalog else source
        return replace(source, inlines=nodes)

    def _lookup(self, source: Phrase, msgid: str):
        """(outcome, safe nodes or None, problem text) for one phrase."""
        if self.catalog is None:
            return "translated", None, ""
        entry = self.catalog.entries.get((source.kind, msgid))
        if entry is None or not entry.msgstr:
            return "missing", None, ""
        if entry.fuzzy:
            return "fuzzy", None, ""
        nodes, error = self._checked(source, msgid, entry.msgstr)
        if error:
            return "invalid", None, f"{self.catalog.path}:{entry.line}: msgid {_short(msgid)}: {error}"
        return "translated", nodes, ""

    def _checked(self, source: Phrase, msgid: str, msgstr: str) -> tuple:
        """(safe nodes, "") or (None, why not): safety.check's answer, which depends only on the source's
        canonical spelling, the translation and the allowed hosts, so `checked` may keep it between
        builds (bcbook.gathered) as long as bcbook's code is the same."""
        key = (source.kind, msgid, msgstr, self.allowed_hosts)
        if key not in self.checked:
            try:
                self.checked[key] = safety.check(source.inlines, msgstr, self.allowed_hosts), ""
            except safety.UnsafeTranslation as error:
                self.checked[key] = None, str(error)
        return self.checked[key]

    def interface(self, key: str, **values) -> Phrase:
        """An interface message, translated, with {placeholders} filled in as plain text.

        A value may be a function of the language the message ended up in, so
        an English fallback gets an English date rather than a mixed line.
        """
        message, note = ui.MESSAGES[key]
        source = Phrase(ui.CONTEXT, (Text(message),), Origin("bcbook/ui.py", 1), note)
        translated = self.phrase(source)
        lang = translated.lang or self.lang
        return fill(translated, {name: value(lang) if callable(value) else value for name, value in values.items()})

    def figure_sentence(self, sentence: Phrase, values: tuple) -> Phrase:
        """A description sentence with {size} as a local number and {organs} as a local list."""
        translated = self.phrase(sentence)
        locale = format_locale_of(translated.lang or self.lang)
        filled = {}
        for name, value in values:
            if isinstance(value, tuple):
                filled[name] = format_list([inline.plain_text(self.phrase(p).inlines) for p in value], locale=locale)
            else:
                filled[name] = format_decimal(value, locale=locale)
        return fill(translated, filled)

    def in_use(self, entries: tuple[review.Entry, ...]) -> dict[str, str | None]:
        """Entry key -> hash of the msgid and msgstr the build uses (None where English is used instead)."""
        current = {}
        for entry in entries:
            used = self.phrase(entry.phrase).lang is None and self.catalog is not None
            msgstr = self.catalog.entries[(entry.context, entry.msgid)].msgstr if used else ""
            current[entry.key] = review.text_hash(entry.context, entry.msgid, msgstr) if used else None
        return current

    def review_state(self, book: Book) -> review.State | None:
        """How much of this catalog a medical translator has reviewed (None for the source language)."""
        if self.catalog is None:
            return None
        entries = review.entries(book)
        self.report.review = review.state(entries, self.in_use(entries), self.record, self.previous_keys())
        return self.report.review

    def previous_keys(self) -> dict[str, str]:
        """Entry key -> its key before msgmerge changed the msgid (fuzzy entries with "#|" lines)."""
        return {review.entry_key(context, msgid): review.entry_key(*entry.previous)
                for (context, msgid), entry in (self.catalog.entries.items() if self.catalog else ())
                if entry.previous}


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(phrase: Phrase, values: dict[str, str]) -> Phrase:
    """Put plain-text values into a phrase's {placeholders}; others stay (values never become markup)."""
    known = _KeepUnknown(values)
    return replace(phrase, inlines=inline.map_text(phrase.inlines, lambda text: text.format_map(known)))


def translate_book(book: Book, translator: Translator) -> Book:
    """Book(lang): every phrase translated or counted as a fallback; slots resolved."""
    state = translator.review_state(book)
    meta = book.meta
    meta = replace(
        meta,
        title=translator.phrase(meta.title), subtitle=translator.phrase(meta.subtitle),
        description=translator.phrase(meta.description),
        accessibility_summary=translator.phrase(meta.accessibility_summary),
    )
    chapters = tuple(_chapter(chapter, translator, book) for chapter in book.chapters)
    title = inline.plain_text(meta.title.inlines)
    labels = {key: translator.interface(key, title=title) for key in ui.MESSAGES}
    direction = locale_of(translator.lang).text_direction
    reviewers = state.reviewers if state and state.complete else ()
    return Book(meta=meta, chapters=chapters, lang=translator.lang, direction=direction, labels=labels,
                translation_reviewers=reviewers)


def report_of(book: Book, translator: Translator) -> Report:
    """What translate_book(book, translator).report is, without making the translated book (for `bcbook
    stats`): translate_book looks up exactly review.entries(book), in that order (a test compares them)."""
    if translator.review_state(book) is None:  # the source language: nothing to review, every entry counted
        for entry in review.entries(book):
            translator.phrase(entry.phrase)
    return translator.report


def _chapter(chapter: Chapter, translator: Translator, book: Book) -> Chapter:
    blocks = []
    for block in chapter.blocks:
        result = _block(block, translator, book)
        blocks.extend(result if isinstance(result, list) else [result] if result is not None else [])
    return replace(chapter, title=translator.phrase(chapter.title), blocks=tuple(blocks))


def _block(block, translator: Translator, book: Book):
    if isinstance(block, Heading | Paragraph):
        return replace(block, text=translator.phrase(block.text))
    if isinstance(block, ItemList):
        return replace(block, items=tuple(translator.phrase(item) for item in block.items))
    if isinstance(block, Note):
        return replace(block, blocks=tuple(_block(inner, translator, book) for inner in block.blocks))
    if isinstance(block, Definitions):
        entries = tuple((translator.phrase(t), translator.phrase(d)) for t, d in block.entries)
        return replace(block, entries=entries)
    if isinstance(block, Figure):
        return _figure(block, translator)
    return _slot(block, translator, book)


def _figure(block: Figure, translator: Translator) -> Figure:
    values = block.values or tuple(() for _ in block.description)
    description = tuple(translator.figure_sentence(s, v) for s, v in zip(block.description, values))
    labels = tuple((key, translator.phrase(phrase)) for key, phrase in block.labels)
    return replace(block, title=translator.phrase(block.title), alt=translator.phrase(block.alt),
                   description=description, labels=labels, values=())


def _slot(slot: Slot, translator: Translator, book: Book):
    """Resolve the slots this stage knows; leave the others for later stages."""
    if slot.name in ("updated", "edition"):
        day = datetime.date.fromisoformat(book.meta.updated if slot.name == "updated" else book.meta.edition_date)
        date = lambda in_lang: format_date(day, "long", locale=format_locale_of(in_lang))  # noqa: E731
        return Paragraph(slot.id, translator.interface(slot.name, date=date), role="date")
    if slot.name == "pages":
        return Paragraph(slot.id, translator.interface("page-source"), role="pages")
    made_by = about.SLOTS.get(slot.name) or colophon.SLOTS.get(slot.name)
    return made_by(slot, translator, book) if made_by else slot


def _label(path: Path, locales_dir: Path) -> str:
    """A path as error messages show it: relative to the project (locales/es/...)."""
    return str(path.relative_to(locales_dir.parent)) if path.is_relative_to(locales_dir.parent) else str(path)


def _short(msgid: str) -> str:
    return repr(msgid if len(msgid) <= 60 else msgid[:57] + "...")
