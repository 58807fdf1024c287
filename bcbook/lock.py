"""One build at a time per output folder: an advisory lock held from planning to publishing.

Requires a POSIX system (fcntl.flock). Guarantees: `hold(folder)` takes an
exclusive lock on `folder`/cache/build.lock without waiting, and writes the
holder's process id and start time into it; while it is held, a second
`hold` on the same folder (another process, or this one) raises Busy naming
that process, so two builds never read and publish one manifest and staging
area at once. The kernel releases the lock when its holder ends, however it
ends (a killed build leaves no stale lock to remove by hand). A store's URL
is locked through its working folder on this machine: two machines writing
to one store are not locked against each other.
"""

from __future__ import annotations

import datetime
import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_FILE = Path("cache") / "build.lock"


class Busy(RuntimeError):
    """Another build is writing to the same output folder."""


def hold(folder: Path) -> IO[str]:
    """The open, locked lock file of `folder` (close it to release); raises Busy if another build holds it."""
    path = Path(folder) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise Busy(f"another build is writing to {folder} ({holder}); wait until it ends, or build into "
                   "another folder with --out") from None
    handle.seek(0)
    handle.truncate()
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    handle.write(f"bcbook build, process {os.getpid()}, started {started}")
    handle.flush()
    return handle
