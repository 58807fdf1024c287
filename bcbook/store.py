"""Outputs and the shared speech cache in a store named by an fsspec URL (s3://bucket/books, gs://...).

Requires fsspec, and the store's own package (s3fs for s3://, gcsfs for
gs://), both imported only when a URL names a store; credentials and
endpoints come from that package's usual settings (for S3 the AWS_*
environment variables). Guarantees, for a store with no atomic rename:
- a job's files are uploaded under the temporary prefix
  `.bcbook-staging/` of the URL, and the record of its key and hashes
  after them, so a stopped build resumes from the jobs it finished, as
  in a folder (bcbook.jobs.Staging);
- publishing copies each staged object to its final key, then writes the
  manifest (`bcbook-manifest.json`, one PUT, which such stores make
  atomic), and only then removes the staging prefix: the manifest never
  names a file that is not in place with its hash, so a reader who goes
  by the manifest never sees a half set;
- each machine works in a local folder of its own, `build/remote/<hash of
  the URL>` in the project: its caches (chapters, page maps, font
  subsets) and the jobs' scratch files. The speech cache has a second,
  shared tier in the store (`cache/tts/`), so every worker takes a
  sentence from the same samples, as on one machine.
A store that cannot be used (no package for its protocol, no such bucket,
no credentials, no write access) is one StoreError naming the URL, raised
while planning, before any job runs. A path or file:// URL is a folder,
handled by bcbook.jobs as before.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .jobs import MANIFEST, STAGING, Manifest, Staging, writing_atomically


def is_url(out) -> bool:
    """True when `out` names a store by URL rather than a folder."""
    text = str(out)
    return "://" in text and not text.startswith("file://")


def output_option(text: str):
    """--out's value: a store's URL as given, or a folder's Path (file:///srv/books is /srv/books)."""
    if is_url(text):
        return text.rstrip("/")
    return Path(text.removeprefix("file://"))


class StoreError(RuntimeError):
    """A store named by URL could not be used: no package for it, or it could not be reached."""


class Store:
    """One fsspec location: objects under relative keys. Pickles as its URL (each process connects anew)."""

    def __init__(self, url: str):
        self.url, self._fs, self._root = url.rstrip("/"), None, ""

    def __getstate__(self):
        return {"url": self.url, "_fs": None, "_root": ""}

    def under(self, prefix: str) -> "Store":
        return Store(f"{self.url}/{prefix}")

    @property
    def fs(self):
        if self._fs is None:
            import fsspec
            try:
                self._fs, self._root = fsspec.core.url_to_fs(self.url)
            except (ImportError, ValueError) as error:  # fsspec says which package to install
                raise StoreError(f"--out {self.url}: {error}") from error
        return self._fs

    def key(self, relative: str) -> str:
        self.fs  # noqa: B018 (connects, which finds the root)
        return f"{self._root}/{relative}"

    def read(self, relative: str) -> bytes | None:
        try:
            return self.fs.cat_file(self.key(relative))
        except FileNotFoundError:
            return None

    def write(self, relative: str, data: bytes) -> None:
        self.fs.pipe_file(self.key(relative), data)

    def upload(self, local: Path, relative: str) -> None:
        self.fs.put_file(str(local), self.key(relative))

    def download(self, relative: str, local: Path) -> bool:
        """Copy an object to a local file, atomically; False when the store has no such object."""
        try:
            with self.fs.open(self.key(relative), "rb") as source, writing_atomically(local) as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except FileNotFoundError:
            return False
        return True

    def copy(self, source: str, target: str) -> None:
        self.fs.copy(self.key(source), self.key(target))

    def remove(self, prefix: str) -> None:
        try:
            self.fs.rm(self.key(prefix), recursive=True)
        except FileNotFoundError:
            pass

    def listing(self) -> dict[str, dict]:
        """{relative key: fsspec info} of every object in the store, as it is now."""
        self.fs.invalidate_cache()
        try:
            found = self.fs.find(self.key("").rstrip("/"), detail=True)
        except FileNotFoundError:
            return {}
        return {name[len(self._root) + 1:]: info for name, info in found.items() if info.get("type") != "directory"}

    def sha256(self, relative: str) -> str:
        digest = hashlib.sha256()
        with self.fs.open(self.key(relative), "rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()


def version(info: dict) -> list:
    """An object's size and the store's mark of its version (S3's ETag, else its time), to note in the
    manifest's stat note as a folder's size and mtime are."""
    mark = info.get("ETag") or info.get("etag") or info.get("LastModified") or info.get("mtime") or ""
    return [int(info.get("size") or 0), str(mark)]


class RemoteManifest(Manifest):
    """The manifest of a store: read from and written to its `bcbook-manifest.json`; a file is checked
    against one listing of the store (its size and version as noted, else its hash, read from the store)."""

    def __init__(self, work_dir: Path, store: Store, force: bool = False):
        super().__init__(work_dir, force)
        self.remote, self._objects = store, None
        try:
            text = store.read(MANIFEST)  # the first contact with the store
        except StoreError:
            raise
        except Exception as error:  # the store's own errors: credentials, endpoint, permissions
            raise StoreError(f"--out {store.url}: cannot read {MANIFEST} there: {error}") from error
        try:
            self.jobs = json.loads(text or b"{}").get("jobs", {})
        except ValueError:
            self.jobs = {}

    def stat_of(self, relative: str) -> list | None:
        if self._objects is None:
            self._objects = self.remote.listing()
        info = self._objects.get(relative)
        return version(info) if info else None

    def hash_of(self, relative: str) -> str:
        return self.remote.sha256(relative)

    def stamp(self) -> bool:
        self._objects = None  # published since the last listing
        return super().stamp()

    def save(self) -> None:
        self.remote.write(MANIFEST, self.text().encode("utf-8"))


class RemoteStaging(Staging):
    """Finished jobs of a build not yet published, under the store's `.bcbook-staging/` prefix; scratch
    files stay in the local work folder."""

    def __init__(self, work_dir: Path, store: Store):
        super().__init__(work_dir)
        self.remote = store

    def _staged_key(self, final: Path) -> str:
        return f"{STAGING}/{final.relative_to(self.out_dir).as_posix()}"

    def _record_key(self, job) -> str:
        return f"{STAGING}/jobs/{job.name.replace('/', '--')}.json"

    def put(self, final: Path, data: "bytes | Path") -> None:
        if isinstance(data, Path):
            self.remote.upload(data, self._staged_key(final))
        else:
            self.remote.write(self._staged_key(final), data)

    def save_record(self, job, record: bytes) -> None:
        self.remote.write(self._record_key(job), record)

    def load_record(self, job) -> bytes | None:
        return self.remote.read(self._record_key(job))

    def is_staged(self, final: Path) -> bool:
        return self.remote.fs.exists(self.remote.key(self._staged_key(final)))

    def publish(self, finals) -> None:
        for final in finals:
            self.remote.copy(self._staged_key(final), final.relative_to(self.out_dir).as_posix())

    def forget(self) -> None:
        self.remote.remove(STAGING)
        super().forget()


def work_folder(out, project) -> Path:
    """The folder on this machine that a build into `out` (a folder, or a store's URL) works in."""
    if not is_url(out):
        return Path(out)
    return project.build / "remote" / hashlib.sha256(str(out).rstrip("/").encode("utf-8")).hexdigest()[:16]


def place(out, project, force: bool = False) -> tuple[Path, Manifest, Staging, Store | None]:
    """Where a book's build works and publishes: (the folder jobs write under, its manifest, its staging,
    the store or None). `out` is a folder, or a store's URL."""
    if not is_url(out):
        return Path(out), Manifest(Path(out), force), Staging(Path(out)), None
    store = Store(str(out))
    work = work_folder(out, project)
    manifest = RemoteManifest(work, store, force)
    try:  # before any job runs: a missing bucket or a read-only key is found now, not after minutes of work
        store.write(f"{STAGING}/writable", b"")
    except Exception as error:
        raise StoreError(f"--out {store.url}: cannot write there: {error}") from error
    return work, manifest, RemoteStaging(work, store), store
