"""Split a list's work in two: half in this process, half in a forked one (for `bcbook stats` on many languages).

Requires os.fork (POSIX) and pickle. Guarantees: `in_two(items, work, shared)`
returns exactly `work(items)` (`work` gives one result per item, in order;
the child takes every second item, so slow items are shared out too);
`shared`, a dict that `work` adds to (a memo), ends with the child's
additions too; an error in either half is raised here as `work` raised it
(the half that failed is run again in this process, so its exception is the
real one, with the file and line it names); with fewer than MIN_ITEMS
items, one CPU, no fork, or another thread running (forking a threaded
process can deadlock), everything runs here. The child writes only to its
pipe and leaves with os._exit, so it flushes and cleans up nothing of ours.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from itertools import zip_longest

MIN_ITEMS = 4
_NONE = object()


def in_two(items: list, work: Callable[[list], list], shared: dict) -> list:
    """work(items), every second item in a forked process when that can help."""
    if len(items) < MIN_ITEMS or not hasattr(os, "fork") or threading.active_count() > 1 or cpus() < 2:
        return work(items)
    mine, theirs = items[0::2], items[1::2]
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        _answer(writing, lambda: work(theirs), shared)
    os.close(writing)
    try:
        first = work(mine)
    finally:
        with os.fdopen(reading, "rb") as pipe:
            answer = pipe.read()
        os.waitpid(child, 0)
    try:
        second, added = pickle.loads(answer)
    except Exception:  # the child failed (or could not say what it made): its half again, here
        second = work(theirs)
    else:
        shared.update(added)
    return [result for pair in zip_longest(first, second, fillvalue=_NONE) for result in pair if result is not _NONE]


def _answer(writing: int, work: Callable[[], list], shared: dict) -> None:
    """In the child: send (results, what `work` added to `shared`), or nothing if it failed; then leave."""
    try:
        known = set(shared)
        result = work()
        with os.fdopen(writing, "wb") as pipe:
            pickle.dump((result, {key: value for key, value in shared.items() if key not in known}), pipe,
                        protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def cpus() -> int:
    """The CPUs this process may use (also the build's default number of workers: bcbook.runner)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
