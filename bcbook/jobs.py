"""Incremental builds: one job per language x format, keyed by everything it reads; unchanged jobs are skipped.

Requires nothing beyond the standard library. Guarantees: a job's key is
the SHA-256 of the translated book it renders (every block, every catalog
entry it used, the book's settings), the format, the build time, the
writer's settings (speech engine, rate, forbidden voices and the
pronunciation lexicon for audio) and the code of bcbook itself; the
manifest (`bcbook-manifest.json` in the output folder) records each job's
key and the SHA-256 of every file it wrote; a job is fresh, and skipped,
only when its key matches and every recorded file is on disk with that
hash. The manifest is written after the outputs and atomically, so an
interrupted build redoes only the jobs it had not recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = "bcbook-manifest.json"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Job:
    lang: str
    format: str
    key: str

    @property
    def name(self) -> str:
        return f"{self.lang}/{self.format}"


@cache
def code_version() -> str:
    """A hash of bcbook's own code and assets: a change to any writer makes every job stale."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".css", ".toml", ".json", ".xml"}:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def job_key(book, format_name: str, date_time: tuple, settings: str) -> str:
    """The key of rendering `book` as `format_name`: the same inputs always give the same key."""
    digest = hashlib.sha256()
    for part in (code_version(), format_name, repr(date_time), settings, repr(book)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """What the last builds wrote: {job name: {"key": ..., "files": {relative path: sha256}}}; with
    `force`, no job counts as fresh (records of jobs this build does not run are kept)."""

    def __init__(self, out_dir: Path, force: bool = False):
        self.out_dir, self.path, self.force = out_dir, out_dir / MANIFEST, force
        try:
            self.jobs = json.loads(self.path.read_text(encoding="utf-8")).get("jobs", {})
        except (FileNotFoundError, ValueError):
            self.jobs = {}

    def fresh(self, job: Job) -> bool:
        """True when the job's key is recorded and every file it wrote is still there, unchanged."""
        record = self.jobs.get(job.name)
        if self.force or not record or record.get("key") != job.key:
            return False
        for relative, digest in record.get("files", {}).items():
            path = self.out_dir / relative
            if not path.is_file() or file_hash(path.read_bytes()) != digest:
                return False
        return True

    def record(self, job: Job, files: dict[Path, bytes]) -> None:
        hashes = {path.relative_to(self.out_dir).as_posix(): file_hash(data) for path, data in files.items()}
        self.jobs[job.name] = {"key": job.key, "files": dict(sorted(hashes.items()))}

    def text(self) -> str:
        return json.dumps({"jobs": dict(sorted(self.jobs.items()))}, indent=1, sort_keys=True) + "\n"
