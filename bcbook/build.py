"""The build: gather and check everything, then write every output atomically.

Requires the gathered editions (bcbook.editions) and the writers registered in
WRITERS (a plain dict: format name -> function returning {file name: bytes, or a file it wrote
in its scratch folder (Context.scratch), for large ones}).
Guarantees: the source and every catalog are read and checked before any
file is touched; with `strict`, any fallback or unsafe translation stops
the build before writing; each job's outputs are staged as it finishes
(bcbook.jobs.Staging) and renamed into place only when every job has
succeeded, so an interrupted or failed build never leaves a half-written
file, never damages the last good output, and the next build resumes
from the jobs it finished. One build at a time works in an output folder
(bcbook.lock): a second one stops at once with lock.Busy, naming the first.
Time comes from SOURCE_DATE_EPOCH (default: the edition's date), so
the same inputs give the same bytes. With `require_review`, a translation
that a medical translator has not reviewed entry by entry stops the build
before writing, like `strict` does for incomplete ones.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import jobs
from .editions import (  # noqa: F401 (part of this module's interface)
    BuildError, Edition, Project, StrictError, check_review, check_strict, gather, reports,
)
from .jobs import write_atomically  # noqa: F401 (part of this module's interface)
from .model import Book

if TYPE_CHECKING:
    from . import runner
    from .context import Context


# Writers import their engines when they run, so a command that renders nothing loads no WeasyPrint or SciPy.
def _epub(book: Book, date_time: tuple, context: Context, part: str = "") -> dict[str, bytes]:
    from . import epub
    return {f"{book.meta.slug}.epub": epub.render(book, date_time)}


def _pdf(book: Book, date_time: tuple, context: Context, part: str = "") -> dict[str, bytes]:
    from .pdf import render as pdf_render
    return pdf_render.render(book, date_time, [part] if part else None)


def _audio(book: Book, date_time: tuple, context: Context, part: str = "") -> dict[str, "bytes | Path"]:
    from .audio import render as audio_render
    return audio_render.render(book, date_time, context.audio_options(book), part)


# format name -> function(Book(lang), time, Context, part) -> {file name under build/<lang>/: bytes or Path}
# The audio jobs write the read-aloud EPUB too, since it carries the narration; RUN_ORDER decides the order.
WRITERS = {
    "pdf": _pdf,
    "epub": _epub,
    "audio": _audio,
}

# A format whose parts are jobs of their own, so the two cores share them: each PDF edition
# (bcbook.pdf.document.EDITIONS) lays out alone. A format not named here is one job per language.
# Audio is two: the narration (MP3s, WebVTT, M4B) and the read-aloud EPUB (bcbook.audio.render.render's part).
PARTS = {"pdf": ("letter", "a4", "large-print"), "audio": ("narration", "read-aloud")}

# (format, part) -> the (format, part) jobs of the same language whose by-products it reads, so it runs after
# them when they are in the same build rather than redo their work on the other core: the EPUBs' page lists
# come from the US Letter layout (bcbook.pages), the read-aloud EPUB's audio from the chapter cache.
READS_FROM = {("epub", ""): (("pdf", "letter"),),  # bcbook.pages.EDITION (a test checks they agree)
              ("audio", "read-aloud"): (("pdf", "letter"), ("audio", "narration"))}


def build_time(book: Book) -> tuple:
    """The timestamp every output carries: SOURCE_DATE_EPOCH, else the edition's date (book.toml edition_date)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    else:
        moment = datetime.datetime.fromisoformat(book.meta.edition_date)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


# Longest first, so worker processes finish together: the narration, then the PDFs (those another job reads
# from first), then the jobs of a second or so that wait for others (READS_FROM): the EPUB and the read-aloud
# EPUB, which is made from the narration's chapter cache. Keyed by "format/part", or by format for every part.
RUN_ORDER = {"audio/narration": 0, "pdf": 1, "epub": 2, "audio/read-aloud": 2}


def run_order(task: runner.Task, read_from: set[str]) -> tuple:
    """Where a task goes in the run (runner.run starts the first ready one)."""
    rank = RUN_ORDER.get(f"{task.format}/{task.job.part}", RUN_ORDER.get(task.format))
    return rank, task.name not in read_from


@dataclass
class Plan:
    """One book's part of a build: its editions, where they go, the jobs to run and those already done."""

    editions: list[Edition]
    context: Context
    manifest: jobs.Manifest
    staging: jobs.Staging
    tasks: list[runner.Task]
    finished: dict  # {Job: {final path: sha256}} of jobs a stopped build finished
    lock: IO[str] | None = None  # bcbook.lock.hold of its output folder, held until it is published


def plan(project: Project, languages: list[str] | None, formats: list[str], out: Path | str, tts: str | None = None,
         checks: tuple[Callable, ...] = (), force: bool = False, report: Callable | None = None,
         label: str = "", **callbacks) -> Plan:
    """Gather and check one book, then sort its jobs: unspoken (no voice), fresh in the manifest (kept),
    finished by a stopped build (taken) or to run. `report(state, task, seconds, detail="")` hears of
    each (bcbook.progress); `label` starts the job names when several books build together. `out`: a folder,
    or a store's URL (bcbook.store)."""
    from . import lock, runner, store
    from .context import Context
    report = report or (lambda state, task, seconds, detail="": None)
    editions = gather(project, languages, tts, cache=project.build / "cache" / "editions")  # as stats: a
    # build refused by a check leaves no --out folder behind
    for check in checks:
        check(editions)
    held = lock.hold(store.work_folder(out, project))  # before the manifest and staging area are read
    try:
        out_dir, manifest, staging, shared = store.place(out, project, force)
    except BaseException:
        held.close()
        raise
    context = Context(project, out_dir, tts, callbacks.get("progress"), callbacks.get("notice"), store=shared)
    result = Plan(editions, context, manifest, staging, [], {}, held)
    for edition in editions:
        book, book_sha = edition.book, jobs.book_digest(edition.book)  # once, however many formats
        for name, part in ((name, part) for name in formats for part in PARTS.get(name, ("",))):
            stamp = build_time(book)
            settings = context.settings_for(name, book) + (f" part={part}" if part else "")
            job = jobs.Job(book.lang, name, jobs.job_key(book_sha, name, stamp, settings), part)
            task = runner.Task(job, book, stamp, context, staging, label)
            if reason := context.unspoken(name, book):
                report("unspoken", task, 0.0, reason)
            elif manifest.fresh(job):
                report("skipped", task, 0.0)
            elif not force and (staged := staging.finished(job)) is not None:
                report("resumed", task, 0.0)
                result.finished[job] = staged
            else:
                report("queued", task, 0.0)
                result.tasks.append(task)
    result.tasks = _after_what_they_read(result.tasks)
    return result


def _after_what_they_read(tasks: list[runner.Task]) -> list[runner.Task]:
    """Each task with `after` naming the tasks it reads from (READS_FROM) that run too."""
    names = {(task.book.lang, task.format, task.job.part): task.name for task in tasks}

    def with_after(task: runner.Task) -> runner.Task:
        sources = READS_FROM.get((task.format, task.job.part), ())
        after = tuple(names[key] for key in ((task.book.lang, *source) for source in sources) if key in names)
        return replace(task, after=after) if after else task
    return [with_after(task) for task in tasks]


def publish(book: Plan, results: dict[str, dict[Path, str]]) -> None:
    """Every job succeeded: record each in the manifest, put the staged files in place, at once, write the
    manifest, and only then forget the staging area (a build stopped before that resumes from it)."""
    from .audio import pruning
    finished = {**book.finished, **{task.job: results[task.name] for task in book.tasks}}
    outputs: dict[Path, str] = {}
    for job, files in finished.items():
        outputs.update(files)
        book.manifest.record(job, files)
    book.staging.publish(outputs)
    if outputs:
        book.manifest.save()
    book.staging.forget()
    book.manifest.stamp()
    if finished:  # a job ran (or resumed): a narration may have recorded what it used
        pruning.prune(book.context.out_dir / "cache" / "chapters")  # chapters as they were before an edit
        pruning.prune(book.context.out_dir / "cache" / "tts", only_recorded=True)  # sentences no longer said


def build_books(projects: list[Project], languages: list[str] | None = None, formats: list[str] | None = None,
                strict: bool = False, out_dir: Path | str | None = None, tts: str | None = None,
                progress: Callable | None = None, notice: Callable | None = None, force: bool = False,
                require_review: bool = False, workers: int | None = None, report: Callable | None = None,
                scheduler: str | None = None) -> list[list[Edition]]:
    """Build several books in one job graph: every book is gathered and checked before any job runs, the
    jobs of all run together, longest first, in `workers` processes (default: one per CPU) or on the Dask
    cluster at `scheduler` (default: $BCBOOK_SCHEDULER), and every book is published only when every job
    of every book has succeeded. Each book goes to its own build/ folder, or with `out_dir` (a folder, or a
    store's URL: bcbook.store) to `out_dir`/<its folder name> (one book: `out_dir` itself). Returns each book's
    editions."""
    from . import runner
    formats = formats or list(WRITERS)
    if unknown := [name for name in formats if name not in WRITERS]:
        raise BuildError(f"unknown format {', '.join(unknown)}; known: {', '.join(WRITERS)}")
    names = [project.root.resolve().name for project in projects]
    if len(set(names)) < len(names):
        raise BuildError(f"two books have the same folder name ({', '.join(sorted(names))}): their jobs and "
                         "outputs would share names; rename one folder")
    many = len(projects) > 1
    checks = ((check_strict,) if strict else ()) + ((check_review,) if require_review else ())
    workers = runner.default_workers() if workers is None else workers
    scheduler = scheduler or os.environ.get("BCBOOK_SCHEDULER")
    outs = [_book_out(out_dir, name) if many and out_dir else out_dir or project.build
            for project, name in zip(projects, names)]
    if force or not all(_unchanged_since_built(out, project) for out, project in zip(outs, projects)):
        runner.warm_up(workers, scheduler)  # jobs will likely run: their libraries load while this process plans
    plans: list[Plan] = []
    try:
        for project, name, out in zip(projects, names, outs):
            plans.append(plan(project, languages, formats, out, tts, checks, force, report,
                              f"{name}/" if many else "", progress=progress, notice=notice))
        tasks = [task for book in plans for task in book.tasks]
        read_from = {name for task in tasks for name in task.after}
        tasks.sort(key=lambda task: run_order(task, read_from))
        results = runner.run(tasks, workers, report or (lambda *_: None), scheduler)
        for book in plans:
            publish(book, results)
    finally:
        for book in plans:
            if book.lock:
                book.lock.close()
    return [book.editions for book in plans]


def _unchanged_since_built(out: Path | str, project: Project) -> bool:
    """Whether a build into `out` has published a manifest there (seen from this machine) and no file of the
    book (gathered.book_files) or of bcbook's code (jobs.package_files) is newer than it: a guess, for
    starting the workers early (the job keys decide what runs); a few milliseconds for a hundred files."""
    from . import gathered, store
    try:
        built = (store.work_folder(out, project) / jobs.MANIFEST).stat().st_mtime
    except OSError:
        return False
    return all(path.stat().st_mtime <= built for path in [*gathered.book_files(project), *jobs.package_files()])


def _book_out(out: Path | str, name: str) -> Path | str:
    """One book's place in the output folder or store of several."""
    from . import store
    return f"{out}/{name}" if store.is_url(out) else Path(out) / name


def build(project: Project, languages: list[str] | None = None, formats: list[str] | None = None,
          strict: bool = False, out_dir: Path | str | None = None, tts: str | None = None,
          progress: Callable | None = None, notice: Callable | None = None, force: bool = False,
          require_review: bool = False, workers: int | None = None, report: Callable | None = None,
          scheduler: str | None = None) -> list[Edition]:
    """Gather, check, render what changed (everything with `force`), then publish one book (build_books).
    Returns its editions."""
    return build_books([project], languages, formats, strict, out_dir, tts, progress, notice, force,
                       require_review, workers, report, scheduler)[0]
