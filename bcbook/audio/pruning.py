"""The chapter and speech caches keep what the outputs were made from, and nothing older.

Requires only the standard library (the build's process calls `prune`
after publishing, and must not load numpy for it). Guarantees: `record(folder,
name, files)` says, atomically, which entry files of the cache in
`folder` the last narration of `name` (a language, or a language and engine) used; `prune(folder)`
removes every other entry file (chapters as they were before an edit,
files a stopped build left half written), keeping those that any record
names, and returns the bytes it freed. A cache with no records is left as
it is. With `only_recorded` (the speech cache, whose entries may have cost
an online service's time), only entries that some record once named are
removed, never one of unknown origin (a cache from before records, or
another language not narrated since). Prune only while no job writes to
the cache: after a build is published.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..jobs import write_atomically

RECORDS = "in-use"  # one JSON list of file names per language, beside the entries' folders
ONCE_RECORDED = "recorded.json"  # what the records named when the cache was last pruned (`only_recorded`)


def record(folder: Path, name: str, files: Iterable[Path]) -> None:
    write_atomically(Path(folder) / RECORDS / f"{name}.json",
                     json.dumps(sorted({Path(file).name for file in files}), indent=0).encode("utf-8"))


def prune(folder: Path, only_recorded: bool = False) -> int:
    """Remove the entry files that no record names (`only_recorded`: of those a record named when this cache
    was last pruned); the bytes freed."""
    folder = Path(folder)
    records = sorted((folder / RECORDS).glob("*.json"))
    if not records:
        return 0
    kept = {name for path in records for name in json.loads(path.read_text(encoding="utf-8"))}
    once = _names(folder / ONCE_RECORDED) if only_recorded else None
    freed = 0
    for path in folder.glob("??/*"):  # entries live in folders named by their key's first two digits
        unfinished = path.suffix == ".part"  # a file a stopped build left half written
        if path.name not in kept and (once is None or path.name in once or unfinished) and path.is_file():
            freed += path.stat().st_size
            path.unlink()
    if only_recorded:
        write_atomically(folder / ONCE_RECORDED, json.dumps(sorted(kept), indent=0).encode("utf-8"))
    return freed


def _names(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()
