"""What the build shows while it runs: each job's state, a total with the time left, and a summary.

Requires nothing beyond the standard library. Guarantees: `BuildProgress`
prints one line per job state ("queued", "skipped" with "unchanged since
the last build", "resumed" from a stopped build, "running", "done" with
its seconds, "unspoken" for audio a language has no voice for), a total line
"[done/all] ... about M:SS left" estimated from the jobs done so far (per
format, divided among the workers), and `summary()` the jobs built and
kept and the seconds per format; on a terminal the total is redrawn in
place, otherwise (CI logs) every line is plain; `quiet` prints nothing.
`SpeechProgress` is the sentence counter of the audio writer (one bar on a
terminal, a line per quarter otherwise).
"""

from __future__ import annotations

import time
from collections import defaultdict


class BuildProgress:
    def __init__(self, stream, workers: int = 1, quiet: bool = False):
        self.stream, self.workers, self.quiet = stream, max(1, workers), quiet
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.queued: dict[str, str] = {}  # job name -> format, not yet done
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.skipped, self.total, self.start = 0, 0, time.perf_counter()
        self.kept: set[str] = set()  # job names kept from the last build or taken from a stopped one
        self.unspoken: dict[str, str] = {}  # [book label +] language -> why it has no audio (no voice for it)

    def __call__(self, state: str, task, seconds: float, detail: str = "") -> None:
        if state == "unspoken":
            self.unspoken[f"{task.label}{task.book.lang}"] = detail
            self._line(f"{task.name}: {detail}")
        elif state == "queued":
            self.queued[task.name], self.total = task.format, self.total + 1
        elif state == "skipped":
            self.skipped += 1
            self.kept.add(task.name)
            self._line(f"{task.name}: unchanged since the last build, kept")
        elif state == "resumed":
            self.skipped += 1
            self.kept.add(task.name)
            self._line(f"{task.name}: finished by the interrupted build, taken from it")
        elif state == "running":
            self._line(f"{task.name}: running")
        elif state == "done":
            self.queued.pop(task.name, None)
            self.seconds[task.format].append(seconds)
            self._line(f"{task.name}: done in {seconds:.1f} s")
            self._total()

    def _line(self, text: str) -> None:
        if not self.quiet:
            print(("\r\033[K" if self.tty else "") + text, file=self.stream, flush=True)

    def _total(self) -> None:
        done = self.total - len(self.queued)
        filled = round(30 * done / self.total) if self.total else 30
        line = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} jobs"
        left = self.time_left()
        line += f", about {int(left // 60)}:{int(left % 60):02d} left" if left is not None and self.queued else ""
        if not self.quiet:
            print(("\r\033[K" if self.tty else "") + line, end="" if self.tty else "\n", file=self.stream, flush=True)

    def time_left(self) -> float | None:
        """Seconds, from the mean time per format so far (a format not seen yet: the mean of all)."""
        every = [value for values in self.seconds.values() for value in values]
        if not every:
            return None
        mean = sum(every) / len(every)
        guess = [sum(self.seconds[f]) / len(self.seconds[f]) if self.seconds[f] else mean for f in self.queued.values()]
        return sum(guess) / self.workers

    def summary(self) -> str:
        built = sum(len(values) for values in self.seconds.values())
        per_format = ", ".join(f"{name} {sum(values):.1f} s" for name, values in sorted(self.seconds.items()))
        wall = time.perf_counter() - self.start
        silent = "".join(f"\n{lang}: {why}" for lang, why in sorted(self.unspoken.items()))
        return (f"built {built} job{'s' * (built != 1)}, kept {self.skipped} unchanged"
                + (f"; {per_format} (work), {wall:.1f} s in all" if per_format else f"; {wall:.1f} s") + silent)


class SpeechProgress:
    """A one-line sentence counter on a terminal; a line per quarter otherwise (CI logs)."""

    def __init__(self, stream, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.shown: set = set()

    def __call__(self, lang: str, done: int, total: int) -> None:
        if self.quiet:
            return
        filled = round(30 * done / total)
        line = f"{lang}: speaking [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} sentences"
        if self.tty:
            print(f"\r\033[K{line}", end="\n" if done == total else "", file=self.stream, flush=True)
        elif (quarter := 4 * done // total) not in self.shown:
            self.shown.add(quarter)
            print(line, file=self.stream, flush=True)
