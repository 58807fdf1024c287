"""The chapter cache keeps what the outputs were made from, and nothing older.

Requires only the standard library (the build's process calls `prune`
after publishing, and must not load numpy for it). Guarantees: `record(folder,
name, files)` says, atomically, which entry files of the chapter cache in
`folder` the last narration of `name` (a language) used; `prune(folder)`
removes every other entry file (chapters as they were before an edit,
files a stopped build left half written), keeping those that any record
names, and returns the bytes it freed. A cache with no records is left as
it is. Prune only while no job writes to the cache: after a build is
published.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..jobs import write_atomically

RECORDS = "in-use"  # one JSON list of file names per language, beside the entries' folders


def record(folder: Path, name: str, files: Iterable[Path]) -> None:
    write_atomically(Path(folder) / RECORDS / f"{name}.json",
                     json.dumps(sorted({Path(file).name for file in files}), indent=0).encode("utf-8"))


def prune(folder: Path) -> int:
    """Remove the entry files that no record names; the bytes freed."""
    records = sorted((Path(folder) / RECORDS).glob("*.json"))
    if not records:
        return 0
    kept = {name for path in records for name in json.loads(path.read_text(encoding="utf-8"))}
    freed = 0
    for path in Path(folder).glob("??/*"):  # entries live in folders named by their key's first two digits
        if path.name not in kept and path.is_file():
            freed += path.stat().st_size
            path.unlink()
    return freed
