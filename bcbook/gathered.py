"""The translated editions kept between commands, so a build with nothing to do and `stats` parse no catalog.

Requires nothing beyond the standard library (pickle). Guarantees: an
entry's key covers the bytes and names of every file under source/ and
locales/, the clinic's contact file, the languages and speech engine asked
for, all of bcbook's code and data (jobs.package_version), the Babel and
Python versions; so any change to what `build.gather` reads misses, and a
hit gives exactly what gathering again would (a test compares the two).
Entries are written atomically; a damaged or unreadable one is gathered
again; the newest KEEP entries are kept. The cache lives in the build
folder (`cache/editions/`) and is safe to delete.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

KEEP = 8


def key(project, languages: list[str] | None, tts: str | None) -> str:
    """Everything gathering reads, hashed."""
    import babel

    from .jobs import package_version
    digest = hashlib.sha256(repr((languages, tts, babel.__version__, sys.version, package_version())).encode())
    files = [path for folder in (project.source, project.locales) for path in sorted(Path(folder).rglob("*"))]
    files += [Path(project.contact)] if project.contact else []
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path).encode())
            digest.update(b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def editions(folder: Path, project, languages: list[str] | None, tts: str | None, gather: Callable) -> list:
    """`gather()`'s editions, from `folder` when nothing they are made of has changed."""
    path = Path(folder) / f"{key(project, languages, tts)}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    gathered = gather()
    from .jobs import write_atomically
    write_atomically(path, pickle.dumps(gathered, protocol=pickle.HIGHEST_PROTOCOL))
    for old in sorted(path.parent.glob("*.pickle"), key=lambda entry: entry.stat().st_mtime)[:-KEEP]:
        old.unlink(missing_ok=True)
    return gathered
