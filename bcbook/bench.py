"""Benchmark: the build's scenarios on a scratch copy of the project, with anchors beside them (`make bench`).

Requires the library, and for the anchors pandoc, weasyprint and
espeak-ng on PATH (a missing one is reported, not faked). Guarantees:
the project is copied to a temporary folder (source/ and locales/; the
real build/ is untouched) and each scenario runs `bcbook` as a child
process, so wall time includes start-up and peak RSS is the largest
process of the scenario (getrusage in a small wrapper process per
scenario: a worker's, or the main process's); the scenarios are a cold build (empty speech and
chapter caches) of the five languages of issue 15's table (en, es,
zh-Hans, vi, ar; `--lang` to choose others), nothing changed, one English
sentence changed (`--lang en`), commands that render nothing (`--help`,
`stats`), and, with --long, a generated book ten times as long (English,
every format) for memory. Timings are
printed, never asserted: a test never times anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BCBOOK = [sys.executable, "-c", "import sys\nfrom bcbook.cli import main\nsys.exit(main(sys.argv[1:]))"]


# Runs one command and prints the peak RSS (kB) of its largest process, that command's alone.
_MEASURE = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def _run(argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of its largest process) of one command."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], cwd=cwd, check=True, capture_output=True,
                          text=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def _anchor(name: str, argv: list[str], cwd: Path) -> str:
    if shutil.which(argv[0]) is None:
        return f"{name}: {argv[0]} not installed"
    wall, _ = _run(argv, cwd)
    return f"{name} {wall:.2f} s"


def _scratch(project: Path, folder: Path) -> Path:
    copy = folder / "project"
    for part in ("source", "locales"):
        shutil.copytree(project / part, copy / part)
    return copy


def _edit_one_sentence(copy: Path) -> None:
    chapter = sorted((copy / "source" / "chapters").glob("*.md"))[0]
    lines = chapter.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line and not line.startswith(("#", "<", "[", "-", ">")))
    lines[index] = lines[index].rstrip(".") + ", as the source says."
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _anchors(copy: Path, out: Path) -> str:
    chapters = sorted(str(path) for path in (copy / "source" / "chapters").glob("*.md"))
    html = out / "en-letter.html"
    from . import build as builder
    from .pdf import document
    html.write_bytes(document.html_document(builder.gather(builder.Project(copy), ["en"])[0].book, "letter"))
    return "; ".join([_anchor("pandoc EPUB", ["pandoc", *chapters, "-o", str(out / "pandoc.epub")], copy),
                      _anchor("weasyprint PDF", ["weasyprint", str(html), str(out / "weasy.pdf")], copy),
                      _anchor("espeak-ng chapter 1", ["espeak-ng", "-v", "en-us", "-f", chapters[0], "-w",
                                                      str(out / "espeak.wav")], copy)])


LANGUAGES = ["en", "es", "zh-Hans", "vi", "ar"]  # the languages of the table in issue 15


def scenarios(project: Path, long: bool, languages: list[str]) -> list[tuple[str, float, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        copy, out = _scratch(project, Path(folder)), Path(folder) / "build"
        base = [*BCBOOK, "--project", str(copy), "build", "--strict", "--tts", "espeak", "--out", str(out)]
        build = [*base, *[part for lang in languages for part in ("--lang", lang)]]
        rows.append((f"cold build, {len(languages)} languages, every format", *_run(build),
                     _anchors(copy, Path(folder))))
        rows.append(("nothing changed", *_run(build), ""))
        _edit_one_sentence(copy)
        rows.append(("one English sentence changed (--lang en)", *_run([*base, "--lang", "en"]), ""))
        rows.append(("bcbook --help", *_run([*BCBOOK, "--help"]), ""))
        rows.append(("bcbook stats", *_run([*BCBOOK, "--project", str(copy), "stats"]), ""))
        if long:
            rows.append(("a book 10x as long (en, every format)", *_run(_long_book(copy, Path(folder))), ""))
    return rows


def _long_book(copy: Path, folder: Path) -> list[str]:
    """The book with every chapter but the colophon nine more times (headings numbered, figures once), English
    only."""
    chapters = copy / "source" / "chapters"
    toml = copy / "source" / "book.toml"
    originals = sorted(chapters.glob("0[1-6]-*.md"))
    for number in range(1, 10):
        for chapter in originals:
            text = "\n".join(f"{line} (copy {'abcdefghi'[number - 1]})" if line.startswith("#") else line
                             for line in chapter.read_text(encoding="utf-8").splitlines()
                             if not line.startswith("<!-- bcbook:figure"))  # a figure is placed once
            name = f"{chapter.stem}-copy-{'abcdefghi'[number - 1]}.md"
            (chapters / name).write_text(text + "\n", encoding="utf-8")
            with toml.open("a", encoding="utf-8") as stream:
                stream.write(f'\n[[chapters]]\nfile = "chapters/{name}"\nkind = "chapter"\n')
    return [*BCBOOK, "--project", str(copy), "build", "--lang", "en", "--tts", "espeak", "--out", str(folder / "long")]


def main(argv=None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--project", type=Path, default=Path("."))
    options.add_argument("--long", action="store_true", help="also build a book ten times as long (slow)")
    options.add_argument("--lang", action="append", help=f"a language to build (repeatable; default: "
                         f"{' '.join(LANGUAGES)}, as in issue 15)")
    args = options.parse_args(argv)
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    print(f"{'scenario':<44} {'wall':>9} {'peak RSS':>10}  anchors (the same work by other tools)")
    for name, wall, rss, anchors in scenarios(args.project.resolve(), args.long, args.lang or LANGUAGES):
        print(f"{name:<44} {wall:8.2f}s {rss:8.0f} MB  {anchors}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
