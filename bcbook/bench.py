"""Benchmark: the build's scenarios on a scratch copy of the project, with anchors beside them (`make bench`).

Requires the library, Linux's /proc, and for the anchors pandoc and
espeak-ng on PATH (`make bench` installs them as root; a missing one is
reported, not faked). Guarantees: the project (source/ and locales/) and
bcbook's own code are copied to a temporary folder, so the real build/
is untouched and editing the code while it runs changes nothing; each
scenario runs `bcbook` as a child process, so wall time includes
start-up, and peak RSS is that of the scenario's largest process (the
main one, a worker or ffmpeg: each one's high-water mark, looked at ten
times a second); the scenarios are a cold build (empty speech and
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
from collections.abc import Iterator
from pathlib import Path

BCBOOK = [sys.executable, "-c", "import sys\nfrom bcbook.cli import main\nsys.exit(main(sys.argv[1:]))"]


def _children() -> dict[int, list[int]]:
    """{parent pid: child pids} of every process (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                parent = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _high_water_mb(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), in MB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree(root: int) -> list[int]:
    children, found, todo = _children(), [root], [root]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _run(argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of its largest process) of one command: the command and every process it
    starts (workers, ffmpeg) are looked at ten times a second, and each one's high-water mark kept."""
    start, peak = time.perf_counter(), 0.0
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        while process.poll() is None:
            peak = max([peak, *map(_high_water_mb, _tree(process.pid))])
            time.sleep(0.1)
        wall = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"bench: {' '.join(argv[-6:])} failed:\n{errors.read().decode('utf-8', 'replace')}")
    return wall, peak


def _anchor(name: str, argv: list[str], cwd: Path) -> str:
    if shutil.which(argv[0]) is None:
        return f"{name}: {argv[0]} not installed (make bench installs it as root)"
    wall, _ = _run(argv, cwd)
    return f"{name} {wall:.2f} s"


def _scratch(project: Path, folder: Path) -> Path:
    """The project's source and locales, and this bcbook's code (first on PYTHONPATH for the scenarios)."""
    copy = folder / "project"
    for part in ("source", "locales"):
        shutil.copytree(project / part, copy / part)
    shutil.copytree(Path(__file__).parent, folder / "code" / "bcbook", ignore=shutil.ignore_patterns("__pycache__"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder / "code"), os.environ.get("PYTHONPATH")]))
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
                      _anchor("weasyprint PDF", [sys.executable, "-m", "weasyprint", str(html), str(out / "weasy.pdf")], copy),
                      _anchor("espeak-ng chapter 1", ["espeak-ng", "-v", "en-us", "-f", chapters[0], "-w",
                                                      str(out / "espeak.wav")], copy)])


LANGUAGES = ["en", "es", "zh-Hans", "vi", "ar"]  # the languages of the table in issue 15


def scenarios(project: Path, long: bool, languages: list[str]) -> Iterator[tuple[str, float, float, str]]:
    """(name, wall seconds, peak RSS in MB, anchors) of each scenario, as each one ends. Every command runs in
    the temporary folder: `python -c` puts its working folder first on sys.path, which must not hold the
    bcbook being edited."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        copy, out = _scratch(project, folder), folder / "build"
        base = [*BCBOOK, "--project", str(copy), "build", "--strict", "--tts", "espeak", "--out", str(out)]
        build = [*base, *[part for lang in languages for part in ("--lang", lang)]]
        yield (f"cold build, {len(languages)} languages, every format", *_run(build, folder), _anchors(copy, folder))
        yield ("nothing changed", *_run(build, folder), "")
        _edit_one_sentence(copy)
        yield ("one English sentence changed (--lang en)", *_run([*base, "--lang", "en"], folder), "")
        yield ("bcbook --help", *_run([*BCBOOK, "--help"], folder), "")
        yield ("bcbook stats", *_run([*BCBOOK, "--project", str(copy), "stats"], folder), "")
        if long:
            yield ("a book 10x as long (en, every format)", *_run(_long_book(copy, folder), folder), "")


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
    # the code copy may keep its bytecode (in the temporary folder), as an installed bcbook does
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"{'scenario':<44} {'wall':>9} {'peak RSS':>10}  anchors (the same work by other tools)")
    for name, wall, rss, anchors in scenarios(args.project.resolve(), args.long, args.lang or LANGUAGES):
        print(f"{name:<44} {wall:8.2f}s {rss:8.0f} MB  {anchors}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
