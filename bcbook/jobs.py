"""Incremental builds: one job per language x format, keyed by everything it reads; unchanged jobs are skipped.

Requires nothing beyond the standard library. Guarantees: a job's key is
the SHA-256 of the translated book it renders (every block, every catalog
entry it used, the book's settings), the format, the build time, the
writer's settings (speech engine, rate, forbidden voices and the
pronunciation lexicon for audio) and the code of bcbook that its writer
runs (code_version); the
manifest (`bcbook-manifest.json` in the output folder) records each job's
key and the SHA-256 of every file it wrote (the size and modification time
each file had once published go to `cache/outputs-stat.json`, a local note
that is not part of the reproducible outputs); a job is fresh, and
skipped, only when its key matches and every recorded file is on disk with
that hash (a file whose size and time are as noted is not read again, so
a build with nothing to do reads no output). Each finished job's files are staged (`Staging`) and published
(renamed into place) only when every job of the build has succeeded, then
the manifest is written, atomically; a build that stops leaves the last
good outputs untouched, and the next one takes the staged jobs whose keys
still match instead of running them again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = "bcbook-manifest.json"
STAGING = ".bcbook-staging"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Job:
    lang: str
    format: str
    key: str
    part: str = ""  # one of a format's parts that run as jobs of their own (a PDF edition), or ""

    @property
    def name(self) -> str:
        return f"{self.lang}/{self.format}" + (f"/{self.part}" if self.part else "")


# bcbook's files that no writer runs (the command line, progress, workers, checks, review documents, bench),
# and per format the folders and modules its writer never loads; tests/test_build.py runs each writer and
# checks that none of these is loaded. Everything else is the code version of a job.
NOT_WRITERS = ("cli.py", "bench.py", "progress.py", "runner.py", "check.py", "review_doc.py", "reviewing.py",
               "review_numbers.py", "i18n/extract.py", "__main__.py")
_SPEECH = tuple(f"audio/{name}.py" for name in ("cache", "engine", "engines", "espeak", "gtts_engine", "m4b", "master",
                                                 "piper_engine", "pronounce", "render", "script"))  # not voices.py:
NOT_WRITER_OF = {"pdf": (*_SPEECH, "epub.py", "epub_compat.py", "epub_fonts.py", "overlays.py"),  # the colophon
                 "epub": _SPEECH, "audio": ()}                                                     # names the voice


@cache
def code_version(format_name: str = "") -> str:
    """A hash of the code and assets of bcbook that the writer of `format_name` runs: an edit to the command
    line leaves every job fresh, an edit to the audio leaves the PDFs fresh."""
    return _digest(NOT_WRITERS + NOT_WRITER_OF.get(format_name, ()))


def package_version() -> str:
    """A hash of all of bcbook's code and assets."""
    return _digest(())


@cache
def _digest(skipped: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in package_files(skipped):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_files(skipped: tuple[str, ...] = ()) -> list[Path]:
    """bcbook's code and assets, in order (those under the relative paths `skipped` left out)."""
    return [path for path in sorted(_PACKAGE.rglob("*"))
            if path.is_file() and path.suffix in {".py", ".css", ".toml", ".json", ".xml"}
            and not (relative := path.relative_to(_PACKAGE).as_posix()).startswith(skipped)
            and "__pycache__" not in relative]


def job_key(book_sha: str, format_name: str, date_time: tuple, settings: str) -> str:
    """The key of rendering a book (its book_digest) as `format_name`: the same inputs always give the same
    key."""
    digest = hashlib.sha256()
    for part in (code_version(format_name), format_name, repr(date_time), settings, book_sha):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def book_digest(book) -> str:
    """The SHA-256 of everything in a translated book (its repr: every block, entry and setting)."""
    return hashlib.sha256(repr(book).encode("utf-8")).hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_hash(path: Path) -> str:
    """file_hash of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Manifest:
    """What the last builds wrote: {job name: {"key": ..., "files": {relative path: sha256}}}; with
    `force`, no job counts as fresh (records of jobs this build does not run are kept)."""

    def __init__(self, out_dir: Path, force: bool = False):
        self.out_dir, self.path, self.force = out_dir, out_dir / MANIFEST, force
        self.checked: set[str] = set()  # jobs whose files this build wrote or found unchanged
        self.stat_path = out_dir / "cache" / "outputs-stat.json"
        try:
            self.stats = json.loads(self.stat_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.stats = {}
        try:
            self.jobs = json.loads(self.path.read_text(encoding="utf-8")).get("jobs", {})
        except (FileNotFoundError, ValueError):
            self.jobs = {}

    def fresh(self, job: Job) -> bool:
        """True when the job's key is recorded and every file it wrote is still there, unchanged."""
        record = self.jobs.get(job.name)
        if self.force or not record or record.get("key") != job.key:
            return False
        stats = self.stats.get(job.name, {})
        for relative, digest in record.get("files", {}).items():
            now = self.stat_of(relative)
            if now is None or (now != stats.get(relative) and self.hash_of(relative) != digest):
                return False
        self.checked.add(job.name)
        return True

    def stat_of(self, relative: str) -> list | None:
        """A published file's size and time, None when it is missing."""
        path = self.out_dir / relative
        return _stat(path) if path.is_file() else None

    def hash_of(self, relative: str) -> str:
        return path_hash(self.out_dir / relative)

    def record(self, job: Job, files: dict[Path, str]) -> None:
        """The job's key and the hash of each file it wrote ({final path: sha256})."""
        hashes = {path.relative_to(self.out_dir).as_posix(): digest for path, digest in files.items()}
        for name, other in list(self.jobs.items()):  # a job that wrote these files before, under another name
            if name != job.name and hashes.keys() & other.get("files", {}).keys():
                del self.jobs[name]
        self.jobs[job.name] = {"key": job.key, "files": dict(sorted(hashes.items()))}
        self.checked.add(job.name)

    def stamp(self) -> bool:
        """Note the size and time of the files of the jobs this build wrote or found fresh, as they are now
        (call after publishing); True when that changed the manifest."""
        changed = False
        for name in sorted(self.checked):
            stats = {relative: self.stat_of(relative) for relative in sorted(self.jobs[name].get("files", {}))}
            changed, self.stats[name] = changed or stats != self.stats.get(name), stats
        if changed:
            write_atomically(self.stat_path, json.dumps(self.stats, indent=1, sort_keys=True).encode("utf-8"))
        return changed

    def text(self) -> str:
        return json.dumps({"jobs": dict(sorted(self.jobs.items()))}, indent=1, sort_keys=True) + "\n"

    def save(self) -> None:
        write_atomically(self.path, self.text().encode("utf-8"))


class Staging:
    """Finished jobs of a build not yet published, under <out>/.bcbook-staging/: their files at the
    paths they will have, and per job a record of its key and file hashes, written last. A build
    that stops keeps them, and the next build with the same keys takes them instead of running the
    jobs again; `publish` renames every staged file into place."""

    def __init__(self, out_dir: Path):
        self.out_dir, self.root = out_dir, out_dir / STAGING

    def _record(self, job: Job) -> Path:
        return self.root / "jobs" / f"{job.name.replace('/', '--')}.json"

    def staged(self, final: Path) -> Path:
        return self.root / final.relative_to(self.out_dir)

    @contextlib.contextmanager
    def scratch(self):
        """A folder of its own for one job's large outputs (moved in by `store`), removed afterwards."""
        (self.root / "scratch").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.root / "scratch") as folder:
            yield Path(folder)

    def store(self, job: Job, files: "dict[Path, bytes | Path]") -> dict[Path, str]:
        """Stage a finished job's files ({final path: its bytes, or a file the writer made, which is moved
        here without being read into memory}); return {final path: sha256}."""
        hashes = {}
        for final, data in files.items():
            hashes[final] = path_hash(data) if isinstance(data, Path) else file_hash(data)
            self.put(final, data)
        record = {"key": job.key, "files": {final.relative_to(self.out_dir).as_posix(): digest
                                            for final, digest in hashes.items()}}
        self.save_record(job, json.dumps(record, sort_keys=True).encode("utf-8"))
        return hashes

    def put(self, final: Path, data: "bytes | Path") -> None:
        """Stage one file: its bytes, or a file the writer made (moved: a rename within the scratch's file system)."""
        staged = self.staged(final)
        if isinstance(data, Path):
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(data, staged)
        else:
            write_atomically(staged, data)

    def save_record(self, job: Job, record: bytes) -> None:
        write_atomically(self._record(job), record)

    def load_record(self, job: Job) -> bytes | None:
        try:
            return self._record(job).read_bytes()
        except FileNotFoundError:
            return None

    def is_staged(self, final: Path) -> bool:
        return self.staged(final).is_file()

    def finished(self, job: Job) -> dict[Path, str] | None:
        """{final path: sha256} of a job an earlier, stopped build finished with the same key, else None."""
        try:
            record = json.loads(self.load_record(job) or b"{}")
        except ValueError:
            return None
        files = {self.out_dir / relative: digest for relative, digest in record.get("files", {}).items()}
        if record.get("key") != job.key or not all(self.is_staged(path) for path in files):
            return None
        return files

    def publish(self, finals) -> None:
        """Move the staged files into place (then save the manifest, and `forget` the staging area)."""
        for final in finals:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staged(final), final)

    def forget(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _stat(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    with writing_atomically(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def writing_atomically(path: Path):
    """A binary file to write to: a temporary file beside `path`, renamed into place when the block ends
    without error (and removed if it raises), so a reader never sees a half-written `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
