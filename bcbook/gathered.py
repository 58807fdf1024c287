"""The translated editions kept between commands, so a build with nothing to do and `stats` parse no catalog.

Requires nothing beyond the standard library (pickle). Guarantees: an
entry's key covers the bytes and names of every file under source/ and
locales/, the clinic's contact file, the languages and speech engine asked
for, all of bcbook's code and data (jobs.package_version), the Babel and
Python versions; so any change to what `build.gather` reads misses, and a
hit gives exactly what gathering again would (a test compares the two).
Entries are written atomically; a damaged or unreadable one is gathered
again; the newest KEEP entries are kept. On a miss, translations whose
safety check (bcbook.i18n.safety) was kept by an earlier gathering with
the same bcbook code are not checked again (at most CHECKED_MAX kept).
The cache lives in the build folder (`cache/editions/`) and is safe to
delete.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

KEEP = 8
CHECKED = "checked.memo"
CHECKED_MAX = 100_000
# what reading a missing, damaged or outdated entry raises
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


def key(project, languages: list[str] | None, tts: str | None) -> str:
    """Everything gathering reads, hashed."""
    import babel

    from .jobs import package_version
    digest = hashlib.sha256(repr((languages, tts, babel.__version__, sys.version, package_version())).encode())
    for path in book_files(project):
        digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path).encode())
        digest.update(b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def book_files(project) -> list[Path]:
    """Every file a book is made of, in order: its source, its catalogs and the contact file named for it."""
    files = [path for folder in (project.source, project.locales) for path in sorted(Path(folder).rglob("*"))]
    files += [Path(project.contact)] if project.contact else []
    return [path for path in files if path.is_file()]


def editions(folder: Path, project, languages: list[str] | None, tts: str | None, gather: Callable) -> list:
    """`gather(checked)`'s editions, from `folder` when nothing they are made of has changed; on a miss,
    `checked` holds the translations' safety checks kept from earlier gatherings (see `_checked`)."""
    path = Path(folder) / f"{key(project, languages, tts)}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except UNREADABLE:
        return _kept(path, gather)


def _kept(path: Path, make: Callable):
    """`make(checked)`, written atomically to `path`, with the safety checks it added kept for next time."""
    checked = _checked(path.parent)
    known = len(checked)
    made = make(checked)
    from .jobs import write_atomically
    write_atomically(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    for old in sorted(path.parent.glob("*.pickle"), key=lambda entry: entry.stat().st_mtime)[:-KEEP]:
        old.unlink(missing_ok=True)
    if len(checked) != known:
        _keep_checked(path.parent, checked)
    return made


def reports(folder: Path, project, languages: list[str] | None, compute: Callable) -> list:
    """`compute(checked)`'s Reports: those of the editions in `folder` gathered from the same files (without the
    --tts of a build), else the Reports kept there, else computed (and kept) as `editions` does."""
    entry = Path(folder) / key(project, languages, None)
    for path, take in ((entry.with_suffix(".pickle"), lambda editions: [e.report for e in editions]),
                       (entry.with_suffix(".reports.pickle"), lambda kept: kept)):
        try:
            return take(pickle.loads(path.read_bytes()))
        except UNREADABLE:
            pass
    return _kept(entry.with_suffix(".reports.pickle"), compute)


def _checked(folder: Path) -> dict:
    """The safety checks of translations kept by the last gathering (a translation, its msgid and the
    allowed hosts -> safe nodes or why not): after an edit of the English text, only the phrases that
    changed are checked again. Kept only for the same bcbook code; empty when absent or unreadable."""
    from .jobs import package_version
    try:
        version, checked = pickle.loads((folder / CHECKED).read_bytes())
    except UNREADABLE:
        return {}
    return checked if version == package_version() and isinstance(checked, dict) else {}


def _keep_checked(folder: Path, checked: dict) -> None:
    from .jobs import package_version, write_atomically
    for stale in list(checked)[:max(0, len(checked) - CHECKED_MAX)]:  # the oldest go first
        del checked[stale]
    write_atomically(folder / CHECKED, pickle.dumps((package_version(), checked), protocol=pickle.HIGHEST_PROTOCOL))
