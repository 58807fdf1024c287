"""Benchmark: time each stage of the build for every language (`make bench`).

Requires the library only. Guarantees: builds into a temporary folder (the
real build/ is untouched) and prints wall-clock seconds per stage, the
median of --repeat runs, so speed is measured here and never asserted in
timed tests.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from . import build as builder
from . import jobs


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main(argv=None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--project", type=Path, default=Path("."))
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args(argv)
    project = builder.Project(args.project)
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            editions, seconds = _timed(builder.gather, project)
            timings.setdefault("read + translate (all languages)", []).append(seconds)
            for edition in editions:
                for name in builder.WRITERS:
                    context = builder.Context(project, Path(out))
                    manifest = jobs.Manifest(Path(out), force=True)
                    _, seconds = _timed(builder.render_all, [edition], [name], context, manifest)
                    timings.setdefault(f"render {name} ({edition.book.lang})", []).append(seconds)
    for stage, values in timings.items():
        print(f"{stage:<40} {statistics.median(values) * 1000:8.1f} ms  (median of {len(values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
