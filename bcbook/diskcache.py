"""Small results kept between builds in the build folder (`cache/derived/`): font subsets, page maps.

Requires nothing beyond the standard library. Guarantees: nothing is kept
until `use(folder)` names a folder (the runner does, per job: its output
folder's cache), so a writer called on its own computes everything; a
value is found only under the key it was stored with, and callers make
keys of everything the value depends on (their inputs and code);
entries are written atomically (bcbook.jobs.write_atomically), so a
stopped build leaves only whole ones; a missing or unreadable entry is
computed again. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

_FOLDER: list[Path] = []


def use(folder: Path | None) -> None:
    """Keep results under `folder` from now on in this process (None: keep nothing)."""
    _FOLDER[:] = [Path(folder) / "derived"] if folder else []


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part.encode("utf-8") if isinstance(part, str) else part) + b"\0")
    return digest.hexdigest()


def remembered(kind: str, entry: str, make: Callable[[], bytes]) -> bytes:
    """The bytes stored as `kind`/`entry`, or `make()`'s, stored."""
    if not _FOLDER:
        return make()
    path = _FOLDER[0] / kind / entry[:2] / entry
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    from .jobs import write_atomically
    write_atomically(path, data)
    return data
