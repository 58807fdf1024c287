"""bcbook command line: build | extract | update | stats | review | figures | check.

A thin layer over the library: each command parses its options, calls one
library function and turns known errors into one clear line and exit code 2
(1 when a check or --strict fails). `main(argv, stdout, stderr)` is testable.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import build as builder
from . import reviewing
from .audio.engines import ENGINES
from .config import ConfigError
from .i18n.po import PoSyntaxError
from .i18n.translate import DOMAIN
from .review import ReviewError
from .lang import catalog_dir_name
from .reader import SourceError
from .store import output_option



def known_errors() -> tuple[type, ...]:
    """The errors that mean bad input or a missing tool: one line and exit 2 (imported only when one happens)."""
    from .audio.engine import NoVoice, SpeechServiceError
    from .check import CheckUnavailable
    from .figures.spec import FigureSpecError
    from .pdf.fonts import MissingGlyph
    from .pdf.render import PdfError
    from .lock import Busy
    from .store import StoreError
    return (Busy, StoreError, SourceError, ConfigError, PoSyntaxError, builder.BuildError, FileNotFoundError,
            CheckUnavailable, FigureSpecError, MissingGlyph, PdfError, NoVoice, SpeechServiceError, ReviewError)
POT = f"locales/{DOMAIN}.pot"


def cmd_build(args, out, err) -> int:
    """Build every language and format (or those named) into build/<lang>/, for one book or several.

    With BOOK folders (or library files listing them, one per line), every
    book is checked first, then all their jobs run in one job graph, and
    each book is published into its own build/ only when every job of
    every book has succeeded.
    """
    from .progress import BuildProgress, SpeechProgress
    from .runner import default_workers
    projects = [builder.Project(root, args.contact) for root in _books(args.books)] or \
        [builder.Project(args.project, args.contact)]
    workers = args.jobs or default_workers()
    progress = BuildProgress(err, workers, args.quiet)
    books = builder.build_books(projects, args.lang, args.format, args.strict, args.out, tts=args.tts,
                                force=args.force, progress=SpeechProgress(err, args.quiet),
                                notice=lambda text: print(f"note: {text}", file=err),
                                require_review=args.require_review, workers=workers, report=progress,
                                scheduler=args.scheduler)
    for project, editions in zip(projects, books):
        label = f"{project.root.resolve().name}/" if len(projects) > 1 else ""
        for edition in editions:
            _edition_lines(edition, label, args.format or list(builder.WRITERS), progress, out, err)
    if not args.quiet:
        print(progress.summary(), file=err)
    return 0


def _books(paths: list[Path]) -> list[Path]:
    """Book folders: each path given, or the folders a library file lists (one per line, relative to it;
    blank lines and # comments skipped)."""
    folders = []
    for path in paths:
        if path.is_file():
            lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
            folders += [path.parent / line for line in lines if line]
        else:
            folders.append(path)
    for folder in folders:
        if not (folder / "source" / "book.toml").is_file():
            raise builder.BuildError(f"{folder}: not a book folder (no source/book.toml)")
    return folders


def _edition_lines(edition, label: str, formats: list[str], progress, out, err) -> None:
    """What became of one edition: built, kept or not narrated, with its translation state."""
    for problem in edition.report.problems:
        print(f"error: {label}{problem} (English used instead)", file=err)
    for note in edition.report.notes:
        print(f"note: {label}{note}", file=err)
    report, lang = edition.report, edition.book.lang
    note = f", {report.fallbacks} in English" if report.fallbacks else ""
    made = [name for name in formats if not (name == "audio" and f"{label}{lang}" in progress.unspoken)]
    built = [name for name in made if not all(f"{label}{builder.jobs.Job(lang, name, '', part).name}" in progress.kept
                                              for part in builder.PARTS.get(name, ("",)))]  # every job of it kept
    kept = [name for name in made if name not in built]
    done = ", ".join(([f"built {', '.join(built)}"] if built else []) + ([f"kept {', '.join(kept)}"] if kept else [])
                     + (["no narration"] if len(made) < len(formats) else []))
    print(f"{label}{lang}: {done} ({report.percent:.0f}% translated{note})", file=out)


def cmd_extract(args, out, err) -> int:
    """Write locales/bcbook.pot from the source text and the interface words."""
    return _pybabel(args.project, ["extract", "-F", "babel.cfg", "-c", "Translators:", "--sort-by-file",
                                   "-w", "79", "--project", "bcbook", "--version", "1",
                                   "-o", POT, "."], out, err)


def cmd_update(args, out, err) -> int:
    """Merge locales/bcbook.pot into every catalog (GNU msgmerge --previous), or start one with --init.

    Entries whose source changed come back fuzzy, with the old msgid shown
    (#|) for the translator; the build treats fuzzy entries as untranslated,
    so a guess never ships. Review records (locales/<lang>/review.toml) are
    separate files and are not touched; a reviewed entry that comes back
    fuzzy counts as changed since review.
    """
    if args.init:
        code = catalog_dir_name(args.init)
        return _pybabel(args.project, ["init", "-D", DOMAIN, "-i", POT, "-d", "locales", "-l", code, "-w", "79"],
                        out, err)
    if not shutil.which("msgmerge"):
        raise FileNotFoundError("msgmerge not found: run `make` as root, or install the gettext package")
    status = 0
    for catalog in sorted(Path(args.project, "locales").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        relative = str(catalog.relative_to(args.project))
        command = ["msgmerge", "--quiet", "--update", "--previous", "--backup=none", "--width=79", relative, POT]
        completed = subprocess.run(command, cwd=args.project, capture_output=True, text=True)
        print(f"updated {catalog.relative_to(args.project)}", file=out)
        print(completed.stderr, end="", file=err)
        status = status or (0 if completed.returncode == 0 else 2)
    return status


def _pybabel(root: Path, arguments: list[str], out, err) -> int:
    command = [sys.executable, "-c", "from babel.messages.frontend import main; main()", *arguments]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True)
    print(completed.stdout, end="", file=out)
    print(completed.stderr, end="", file=err)
    return 0 if completed.returncode == 0 else 2


def cmd_stats(args, out, err) -> int:
    """Print how complete and reviewed each language is; --strict fails unless all are 100% and safe.

    `reviewed` counts entries whose msgid and msgstr are what a medical
    translator signed (`bcbook review LANG --sign`); `changed` counts
    entries signed once but edited (or made fuzzy) since.
    """
    project = builder.Project(args.project)
    reports = builder.reports(project, args.lang, cache=project.build / "cache" / "editions")
    print(f"{'lang':<8}{'total':>7}{'done':>7}{'fuzzy':>7}{'missing':>9}{'unsafe':>8}{'complete':>10}"
          f"{'reviewed':>10}{'changed':>9}  review", file=out)
    for r in reports:
        state = r.review
        review = f"{state.reviewed:>10}{state.changed:>9}  {state.label}" if state else f"{'-':>10}{'-':>9}  source"
        print(f"{r.lang:<8}{r.total:>7}{r.translated:>7}{r.fuzzy:>7}{r.missing:>9}{r.invalid:>8}"
              f"{r.percent:>9.1f}%{review}", file=out)
        for problem in r.problems:
            print(f"error: {problem}", file=err)
        for note in r.notes:
            print(f"note: {note}", file=err)
    incomplete = [r for r in reports if r.fallbacks]
    unreviewed = [r for r in reports if r.review and not r.review.complete]
    return 1 if (args.strict and incomplete) or (args.require_review and unreviewed) else 0


def cmd_review(args, out, err) -> int:
    """Write a bilingual review document for a medical translator, or record their sign-off.

    `bcbook review es` writes build/review/es/<slug>-review-es.html and
    .pdf: every entry in book order, English beside the translation, notes,
    figures, numbers that differ highlighted, and a sign-off box.
    `bcbook review es --sign "Ana Ruiz, MD <ana@example.org>" --date 2027-01-15`
    records the review in locales/es/review.toml: per entry, a hash of the
    text that was reviewed, so a later edit makes the language "partly
    reviewed" until that entry is signed again. Add --fingerprint with the
    code printed on the document the reviewer read, and a catalog that
    changed since is refused.
    """
    project = builder.Project(args.project)
    if args.sign or args.date:
        if not (args.sign and args.date):
            raise ReviewError("--sign and --date go together: --sign \"Name <email>\" --date YYYY-MM-DD")
        fresh, state, unusable, print_id = reviewing.sign(project, args.lang, args.sign, args.date, args.fingerprint)
        print(f"{args.lang}: signed {fresh} entries for {args.sign} on {args.date}; {state.label} "
              f"({state.reviewed} of {state.total} entries reviewed; document fingerprint {print_id})", file=out)
        if unusable:
            print(f"{args.lang}: {unusable} entries are missing, fuzzy or unsafe and stay unreviewed", file=err)
        return 0
    for path in reviewing.write_document(project, args.lang, args.out, tuple(args.format or reviewing.FORMATS)):
        print(f"wrote {path}", file=out)
    return 0


def cmd_check(args, out, err) -> int:
    """Validate built files (EPUB with EPUBCheck, PDF with a PDF/UA-1 checker and qpdf); default: all of build/."""
    build_dir = Path(args.project, "build")
    paths = args.files or sorted([*build_dir.glob("*/*.epub"), *build_dir.glob("*/*.pdf")])
    if not paths:
        raise FileNotFoundError("nothing to check: build first with `bcbook build` (or `make`)")
    from .check import check_file
    failed = 0
    for path in paths:
        result = check_file(Path(path))
        for message in result.messages:
            print(f"  {message}", file=err)
        print(f"{'ok  ' if result.ok else 'FAIL'} {path}: {result.validator}: {result.fatals} fatal, "
              f"{result.errors} errors, {result.warnings} warnings", file=out)
        failed += not result.ok
    return 1 if failed else 0


def cmd_figures(args, out, err) -> int:
    """Render every figure to SVG and PNG under build/figures/<lang>/, for review by eye."""
    from .figures.export import export as export_figures
    project = builder.Project(args.project)
    editions = builder.gather(project, args.lang)
    paths = export_figures(editions, args.out or project.build / "figures", builder.write_atomically)
    print(f"wrote {len(paths)} figures under {args.out or project.build / 'figures'}", file=out)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="bcbook", description="Build accessible, multilingual e-books from source/ and locales/.",
        epilog="Example: bcbook build --lang es --strict   (see README.md for the whole workflow)")
    top.add_argument("--project", type=Path, default=Path("."), help="project folder (default: current)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = _command(commands, "build", cmd_build)
    build.add_argument("books", nargs="*", type=Path, metavar="BOOK",
                       help="book folders (or library files listing them) to build together; default: --project")
    build.add_argument("--lang", action="append", help="language code to build (repeatable; default: all)")
    build.add_argument("--format", action="append", choices=list(builder.WRITERS),
                       help="output format (repeatable; default: all). audio also writes the read-aloud "
                            "EPUB, which carries it; epub and audio lay out the US Letter PDF for their page list")
    build.add_argument("--strict", action="store_true", help="fail on any untranslated, fuzzy or unsafe message")
    build.add_argument("--out", type=output_option, metavar="FOLDER|URL",
                       help="output folder (default: build/; with several books, one folder per book in it), or a "
                            "store's URL such as s3://bucket/books (outputs and the speech cache go there; needs s3fs "
                            "or gcsfs; see the README)")
    build.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                       help="run N jobs at once, in worker processes (default: one per CPU; 1: no workers)")
    build.add_argument("--quiet", "-q", action="store_true", help="print only the result lines and errors")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the jobs on a Dask cluster, e.g. tcp://10.0.0.5:8786 (default: $BCBOOK_SCHEDULER; "
                            "its workers need the project at the same path, and --out on a shared file system "
                            "or as a store's URL; see the README)")
    build.add_argument("--force", action="store_true", help="rebuild every output, even those the manifest "
                       "(build/bcbook-manifest.json) shows unchanged")
    build.add_argument("--tts", choices=["auto", *ENGINES], help="speech engine for the audio, overriding "
                       "book.toml (auto: espeak-ng, offline; piper: opt-in English neural voice, see the README's "
                       "licence notes; gtts needs the network). A language the engine has no voice for (Tagalog offline) "
                       "gets no narration, never another language's voice; the build says so")
    build.add_argument("--require-review", action="store_true",
                       help="fail unless every translation is reviewed, entry by entry (see bcbook review)")
    build.add_argument("--contact", type=Path, metavar="FILE",
                       help="a clinic's [contact] file (name, phone, web) to print instead of book.toml's")
    _command(commands, "extract", cmd_extract)
    update = _command(commands, "update", cmd_update)
    update.add_argument("--init", metavar="LANG", help="start a new catalog for LANG instead of updating")
    stats = _command(commands, "stats", cmd_stats)
    stats.add_argument("--lang", action="append", help="language code (repeatable; default: all)")
    stats.add_argument("--strict", action="store_true", help="exit 1 unless every language is complete")
    stats.add_argument("--require-review", action="store_true",
                       help="exit 1 unless every translation is reviewed by a medical translator")
    review = _command(commands, "review", cmd_review)
    review.add_argument("lang", help="the translation to review, e.g. es")
    review.add_argument("--format", action="append", choices=list(reviewing.FORMATS),
                        help="document format (repeatable; default: html and pdf)")
    review.add_argument("--out", type=Path, help="output folder (default: build/review/)")
    review.add_argument("--sign", metavar='"NAME <EMAIL>"', help="record a review by this medical translator")
    review.add_argument("--date", metavar="YYYY-MM-DD", help="the date of the review (with --sign)")
    review.add_argument("--fingerprint", help="with --sign: the fingerprint printed on the document the reviewer "
                        "read; refuse if the catalog changed since")
    figures = _command(commands, "figures", cmd_figures)
    figures.add_argument("--lang", action="append", help="language code (repeatable; default: all)")
    figures.add_argument("--out", type=Path, help="output folder (default: build/figures/)")
    check = _command(commands, "check", cmd_check)
    check.add_argument("files", nargs="*", type=Path, help="files to validate (default: build/*/*.epub and *.pdf)")
    return top


def _command(commands, name: str, function):
    summary = function.__doc__.splitlines()[0].replace("%", "%%")  # argparse %-formats help, not descriptions
    sub = commands.add_parser(name, help=summary, description=function.__doc__)
    sub.add_argument("--project", type=Path, default=argparse.SUPPRESS,  # also accepted after the command
                     help="project folder (default: current)")
    sub.set_defaults(run=function)
    return sub


def main(argv=None, stdout=None, stderr=None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = parser().parse_args(argv)
    try:
        return args.run(args, out, err)
    except builder.StrictError as error:
        print(f"bcbook: {error}", file=err)
        return 1
    except BrokenPipeError:  # the reader stopped early (`bcbook stats | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so closing stdout cannot fail again
        return 1
    except Exception as error:
        if not isinstance(error, known_errors()):
            raise
        print(f"bcbook: error: {error}", file=err)
        return 2


if __name__ == "__main__":
    sys.exit(main())
