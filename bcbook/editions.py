"""Gathering: read a book's source and translate it into each language, and check the editions.

Requires the reader, the translation layer (bcbook.i18n) and, for its
cache, bcbook.gathered; no writer. Guarantees: `gather` returns one
Edition (translated Book + Report) per language asked for, in the order
of book.toml, or raises (SourceError, PoSyntaxError, BuildError) naming
the file and line before any output is touched; `reports` gives exactly
the Reports `gather` would, without making the translated books (for
`bcbook stats`); `check_strict` and `check_review` refuse editions as
--strict and --require-review say. A command that only gathers (stats)
imports no writer and no job runner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import config, reader
from .i18n.translate import Report, Translator, report_of, translate_book
from .lang import use_project
from .model import Book


class BuildError(RuntimeError):
    """The build stopped before writing anything; the message says why."""


class StrictError(BuildError):
    """--strict refused a language that is incomplete or unsafe."""


@dataclass(frozen=True)
class Project:
    root: Path
    contact: Path | None = None  # a clinic's [contact] file replacing book.toml's

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def build(self) -> Path:
        return self.root / "build"


@dataclass
class Edition:
    book: Book
    report: Report


def gather(project: Project, languages: list[str] | None = None, tts: str | None = None,
           cache: Path | None = None, checked: dict | None = None) -> list[Edition]:
    """Read the source and translate it into each language (no output written); `tts` overrides the
    speech engine of book.toml, so the colophon names the voice that really reads the audio. With a
    `cache` folder, editions gathered before from the same files are taken from it, and translations
    checked before are not checked again (bcbook.gathered)."""
    if cache is not None:
        from . import gathered
        editions = gathered.editions(cache, project, languages, tts,
                                     lambda checked: gather(project, languages, tts, checked=checked))
        use_project(project.source)  # as reading book.toml does: this process knows the project's own rows
        return editions
    source, wanted = _source(project, languages, tts)
    return [Edition(translate_book(source, translator), translator.report)
            for translator in (_translator(project, source, lang, checked) for lang in wanted)]


def reports(project: Project, languages: list[str] | None = None, cache: Path | None = None,
            checked: dict | None = None) -> list[Report]:
    """Each language's Report, as `gather` would give it (from its cache when it has the editions); many
    languages are counted in two processes (bcbook.halves)."""
    if cache is not None:
        from . import gathered
        return gathered.reports(cache, project, languages, lambda checked: reports(project, languages,
                                                                                    checked=checked))
    from .halves import in_two
    source, wanted, checked = *_source(project, languages, None), {} if checked is None else checked
    return in_two(wanted, lambda some: [report_of(source, _translator(project, source, lang, checked))
                                        for lang in some], checked)


def _source(project: Project, languages: list[str] | None, tts: str | None) -> tuple[Book, list[str]]:
    """The English book as book.toml and the options make it, and the languages asked for (checked)."""
    source = reader.read_book(project.source)
    if tts:
        audio = {**source.meta.audio, "engine": tts, "engines": {}}
        source = replace(source, meta=replace(source.meta, audio=audio))
    if project.contact:
        source = replace(source, meta=replace(source.meta, contact=config.load_contact(project.contact)))
    wanted = languages or list(source.meta.languages)
    unknown = [lang for lang in wanted if lang not in source.meta.languages]
    if unknown:
        raise BuildError(
            f"unknown language {', '.join(unknown)}: source/book.toml lists {', '.join(source.meta.languages)}"
        )
    return source, wanted


def _translator(project: Project, source: Book, lang: str, checked: dict | None) -> Translator:
    return Translator.for_language(lang, project.locales, source.meta.allowed_link_hosts, checked)


def check_strict(editions: list[Edition]) -> None:
    """With --strict: refuse to publish a language that needed any fallback."""
    failing = [e.report for e in editions if e.report.fallbacks or e.report.problems]
    if failing:
        lines = [f"{r.lang}: {r.missing} missing, {r.fuzzy} fuzzy, {r.invalid} unsafe" for r in failing]
        raise StrictError("--strict: incomplete or unsafe translations:\n  " + "\n  ".join(lines))


def check_review(editions: list[Edition]) -> None:
    """With --require-review: refuse a translation unless every entry it uses is reviewed as it is now."""
    failing = [e.report for e in editions if e.report.review is not None and not e.report.review.complete]
    if failing:
        lines = [f"{r.lang}: {r.review.label} ({r.review.reviewed} of {r.review.total} entries reviewed, "
                 f"{r.review.changed} changed since review)" for r in failing]
        raise StrictError("--require-review: translations not reviewed by a medical translator:\n  "
                          + "\n  ".join(lines) + "\n  (see `bcbook review LANG`)")

