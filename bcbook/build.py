"""The build: gather and check everything, then write every output atomically.

Requires the reader, the translation layer and the writers registered in
WRITERS (a plain dict: format name -> function returning {file name: bytes}).
Guarantees: the source and every catalog are read and checked before any
file is touched; with `strict`, any fallback or unsafe translation stops
the build before writing; each job's outputs are staged as it finishes
(bcbook.jobs.Staging) and renamed into place only when every job has
succeeded, so an interrupted or failed build never leaves a half-written
file, never damages the last good output, and the next build resumes
from the jobs it finished.
Time comes from SOURCE_DATE_EPOCH (default: the edition's date), so
the same inputs give the same bytes. With `require_review`, a translation
that a medical translator has not reviewed entry by entry stops the build
before writing, like `strict` does for incomplete ones.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import config, jobs, reader, runner
from .jobs import write_atomically  # noqa: F401 (part of this module's interface)
from .lang import PROJECT_FILE, by_language
from .i18n.translate import Report, Translator, translate_book
from .model import Book

@dataclass
class Context:
    """What writers may need beyond the book: where things are, and how to speak."""

    project: "Project"
    out_dir: Path
    tts: str | None = None
    progress: Callable | None = None
    notice: Callable | None = None

    def settings_for(self, format_name: str, book: Book) -> str:
        """What a writer reads besides the book, as text for its job key: the project's own language rows;
        for audio also the voice settings and lexicon."""
        rows = self.project.source / PROJECT_FILE
        own_rows = rows.read_text(encoding="utf-8") if rows.is_file() else ""
        if format_name != "audio":
            return own_rows
        options = self.audio_options(book)
        lexicons = sorted((self.project.source / "lexicon").glob("*.toml"))
        return own_rows + repr((options.engine, options.words_per_minute, options.forbidden,
                     [(path.name, path.read_text(encoding="utf-8")) for path in lexicons]))

    def unspoken(self, format_name: str, book: Book) -> str:
        """Why the job makes nothing ("" when it runs): the audio of a language its engine has no voice for
        (Tagalog offline) is left out, never read in another language's voice."""
        if format_name != "audio":
            return ""
        from .audio.voices import NAMES, VOICES, engine_for, narrator
        if narrator(book.meta.audio, book.lang, self.tts):
            return ""
        engine = engine_for(book.meta.audio, book.lang, self.tts)
        others = [name for name, table in VOICES.items() if by_language(table, book.lang)]
        hint = f"; {' or '.join(others)} has one (--tts NAME, or [audio.engines] in book.toml)" if others else ""
        return f"no narration: {NAMES.get(engine, engine)} has no voice for {book.lang}{hint}"

    def audio_options(self, book: Book) -> "AudioOptions":
        from .audio.cache import SpeechCache
        from .audio.render import AudioOptions
        settings = book.meta.audio
        engine = self.tts or settings.get("engines", {}).get(book.lang) or settings.get("engine", "auto")
        cache = SpeechCache(self.out_dir / "cache" / "tts")
        return AudioOptions(engine, settings.get("words_per_minute", 150), cache, self.project.source,
                            self.progress, self.notice, settings.get("forbidden_voices", ()))


# Writers import their engines when they run, so a command that renders nothing loads no WeasyPrint or SciPy.
def _epub(book: Book, date_time: tuple, context: Context) -> dict[str, bytes]:
    from . import epub
    return {f"{book.meta.slug}.epub": epub.render(book, date_time)}


def _pdf(book: Book, date_time: tuple, context: Context) -> dict[str, bytes]:
    from .pdf import render as pdf_render
    return pdf_render.render(book, date_time)


def _audio(book: Book, date_time: tuple, context: Context) -> dict[str, bytes]:
    from .audio import render as audio_render
    return audio_render.render(book, date_time, context.audio_options(book))


# format name -> function(Book(lang), time, Context) -> {file name under build/<lang>/: bytes}
# The audio job writes the read-aloud EPUB too, since it carries the narration; RUN_ORDER decides the order.
WRITERS = {
    "pdf": _pdf,
    "epub": _epub,
    "audio": _audio,
}


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


def gather(project: Project, languages: list[str] | None = None, tts: str | None = None) -> list[Edition]:
    """Read the source and translate it into each language (no output written); `tts` overrides the
    speech engine of book.toml, so the colophon names the voice that really reads the audio."""
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
    editions = []
    for lang in wanted:
        translator = Translator.for_language(lang, project.locales, source.meta.allowed_link_hosts)
        editions.append(Edition(translate_book(source, translator), translator.report))
    return editions


def build_time(book: Book) -> tuple:
    """The timestamp every output carries: SOURCE_DATE_EPOCH, else the edition's date (book.toml edition_date)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    else:
        moment = datetime.datetime.fromisoformat(book.meta.edition_date)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


# Longest first, so worker processes finish together: audio, then the PDFs, then the EPUBs (in one process,
# an EPUB then reuses the US Letter layout its PDF job recorded for the page list: bcbook.pages).
RUN_ORDER = {"audio": 0, "pdf": 1, "epub": 2}


def render_all(editions: list[Edition], formats: list[str], context: Context, manifest: jobs.Manifest,
               workers: int = 1, report=None, scheduler: str | None = None) -> dict[Path, str]:
    """Run every job the manifest does not show unchanged (those are skipped, their files kept) and
    take those a stopped build finished already; each job's files are staged, not yet published.
    Returns {final path: sha256} and records each job in the manifest. `report(state, task, seconds,
    detail="")` hears of each job (bcbook.progress; "unspoken": audio left out, detail says why); `workers` > 1 runs them in that many processes."""
    report = report or (lambda state, task, seconds, detail="": None)
    staging, planned, finished = jobs.Staging(context.out_dir), [], {}
    for edition in editions:
        book = edition.book
        for name in formats:
            stamp = build_time(book)
            job = jobs.Job(book.lang, name, jobs.job_key(book, name, stamp, context.settings_for(name, book)))
            task = runner.Task(job, book, stamp)
            if reason := context.unspoken(name, book):
                report("unspoken", task, 0.0, reason)
            elif manifest.fresh(job):
                report("skipped", task, 0.0)
            elif not manifest.force and (staged := staging.finished(job)) is not None:
                report("resumed", task, 0.0)
                finished[job] = staged
            else:
                report("queued", task, 0.0)
                planned.append(task)
    tasks = sorted(planned, key=lambda task: RUN_ORDER[task.format])
    results = runner.run(tasks, context, staging, workers, report, scheduler)
    finished.update({task.job: results[task.name] for task in planned})
    outputs: dict[Path, str] = {}
    for job, files in finished.items():
        outputs.update(files)
        manifest.record(job, files)
    return outputs


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


def build(project: Project, languages: list[str] | None = None, formats: list[str] | None = None,
          strict: bool = False, out_dir: Path | None = None, tts: str | None = None,
          progress: Callable | None = None, notice: Callable | None = None, force: bool = False,
          require_review: bool = False, workers: int | None = None, report: Callable | None = None,
          scheduler: str | None = None) -> list[Edition]:
    """Gather, check, render what changed (everything with `force`) in `workers` processes (default: one per
    CPU) or on the Dask cluster at `scheduler` (default: $BCBOOK_SCHEDULER), then publish. Returns the
    editions."""
    formats = formats or list(WRITERS)
    unknown = [name for name in formats if name not in WRITERS]
    if unknown:
        raise BuildError(f"unknown format {', '.join(unknown)}; known: {', '.join(WRITERS)}")
    editions = gather(project, languages, tts)
    if strict:
        check_strict(editions)
    if require_review:
        check_review(editions)
    context = Context(project, out_dir or project.build, tts, progress, notice)
    manifest = jobs.Manifest(context.out_dir, force=force)
    workers = runner.default_workers() if workers is None else workers
    scheduler = scheduler or os.environ.get("BCBOOK_SCHEDULER") or None
    outputs = render_all(editions, formats, context, manifest, workers, report, scheduler)
    jobs.Staging(context.out_dir).publish(outputs)  # every job succeeded: now the files change, at once
    if outputs:
        write_atomically(manifest.path, manifest.text().encode("utf-8"))
    manifest.stamp()
    return editions
