"""Small results kept between builds in the build folder (`cache/derived/`): font subsets, page maps, the
audiobook's cover.

Requires nothing beyond the standard library. Guarantees: nothing is kept
until `use(folder)` names a folder (the runner does, per job: its output
folder's cache), so a writer called on its own computes everything; a
value is found only under the key it was stored with, and callers make
keys of everything the value depends on (their inputs and code);
entries are written atomically (bcbook.jobs.write_atomically), so a
stopped build leaves only whole ones; a missing or unreadable entry is
computed again. Deleting the folder is always safe. With a shared tier
(the store's `cache/derived/` when the outputs go to a store by URL:
bcbook.store), an entry missing here is taken from it and a new one is put
there too, so a worker on another machine reads the page map the US
Letter job made instead of laying the edition out again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

_FOLDER: list[Path] = []
_SHARED: list = []  # a bcbook.store.Store, or nothing


def use(folder: Path | None, shared=None) -> None:
    """Keep results under `folder` (and in the store `shared`, if given) from now on in this process (None:
    keep nothing)."""
    _FOLDER[:] = [Path(folder) / "derived"] if folder else []
    _SHARED[:] = [shared] if folder and shared is not None else []


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part.encode("utf-8") if isinstance(part, str) else part) + b"\0")
    return digest.hexdigest()


def remembered(kind: str, entry: str, make: Callable[[], bytes]) -> bytes:
    """The bytes stored as `kind`/`entry`, or `make()`'s, stored."""
    if not _FOLDER:
        return make()
    relative = f"{kind}/{entry[:2]}/{entry}"
    path = _FOLDER[0] / relative
    try:
        return path.read_bytes()
    except OSError:
        pass
    from .jobs import write_atomically
    data = _SHARED[0].read(relative) if _SHARED else None
    if data is None:
        data = make()
        if _SHARED:
            _SHARED[0].write(relative, data)
    write_atomically(path, data)
    return data
