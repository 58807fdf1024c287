"""Mastered chapters kept between builds, so an edit re-masters only the chapter it touches.

Requires numpy and soundfile. Guarantees: an entry's key covers the speech-cache keys of
the chapter's sentences in order, their pauses and the code of the
mastering (master.py, meter.py and this module), so a changed sentence, pause or
mastering rule misses; an entry
holds the mastered samples (a 16-bit FLAC file, read back by `samples`,
so a first build and a rebuild from the cache use the same samples), the
MP3 (a file of its own, never read whole by the cache) and each
sentence's (start, end) sample; beside it, the chapter as
encoded for the audiobook (bcbook.audio.m4b: ADTS AAC, with what a listener
hears of it), keyed also by the loudness offset asked for, the code of
m4b.py and ffmpeg's version, so an edit re-encodes one chapter of the
audiobook too; entries are written atomically (a temporary file renamed),
so an interrupted build leaves only whole ones. A ChapterCache knows the
entry files it read and wrote, and `keep` records them for
bcbook.audio.pruning, which removes the others after a build.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile

from ..jobs import write_atomically, writing_atomically
from . import pruning
from .master import RATE


@cache
def _code(*names: str) -> str:
    """A hash of the named modules of this folder (default: the mastering: master.py, meter.py and this module)."""
    here = Path(__file__).parent
    files = names or ("master.py", "meter.py", "chapters.py")
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in files)).hexdigest()


def chapter_key(sentence_keys: list[str], pauses: list[float]) -> str:
    fields = [_code(), sentence_keys, [round(pause, 6) for pause in pauses]]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


class ChapterCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[Path] = set()  # the entry files read or written through this object (`keep`)

    def keep(self, name: str) -> None:
        """Record that the outputs of `name` (a language) were made from the entries used here, so that
        pruning (bcbook.audio.pruning, after a build is published) keeps them and removes older ones."""
        pruning.record(self.folder, name, self.used)

    def _entry(self, key: str) -> list[Path]:
        return [self._path(key), self._flac_path(key), self._mp3_path(key)]

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def _flac_path(self, key: str) -> Path:
        return self._path(key).with_suffix(".flac")

    def _mp3_path(self, key: str) -> Path:
        return self._path(key).with_suffix(".mp3")

    def get(self, key: str) -> tuple[int, Path, list[tuple[int, int]]] | None:
        """(length in samples, the MP3 file, timings) of a stored chapter, or None; its samples are not read."""
        try:
            length = soundfile.info(str(self._flac_path(key))).frames
            with np.load(self._path(key)) as entry:
                timings = [tuple(map(int, pair)) for pair in entry["timings"]]
        except (FileNotFoundError, ValueError, KeyError, OSError, soundfile.LibsndfileError):
            return None
        if not self._mp3_path(key).is_file():
            return None
        self.used.update(self._entry(key))
        return length, self._mp3_path(key), timings

    def samples(self, key: str) -> np.ndarray:
        """The mastered samples of a stored chapter, as the 16-bit integers of its FLAC file (no other copy:
        half the memory of floats; bcbook.audio.master reads n as n / 32768, as soundfile would)."""
        samples, _ = soundfile.read(self._flac_path(key), dtype="int16")
        return samples

    def put(self, key: str, chunks: Iterable[np.ndarray], mp3: bytes, timings) -> None:
        """Store a mastered chapter, its samples given a chunk at a time (kept as 16-bit FLAC beside the
        entry: a rebuild and a first build then use the same samples, read back with `samples`), and its MP3
        as a file of its own (read by whoever copies it, never held). The FLAC and the MP3 are written first,
        so an entry is whole when its .npz exists."""
        with writing_atomically(self._flac_path(key)) as file, \
                soundfile.SoundFile(file, "w", RATE, 1, "PCM_16", format="FLAC") as stream:
            for chunk in chunks:  # no copy of the whole chapter, nor of its FLAC
                stream.write(np.clip(chunk, -1, 1))
        write_atomically(self._mp3_path(key), mp3)
        buffer = io.BytesIO()
        np.savez(buffer, timings=np.asarray(list(timings), dtype=np.int64).reshape(-1, 2))
        write_atomically(self._path(key), buffer.getbuffer())
        self.used.update(self._entry(key))

    def _aac_path(self, key: str, offset_db: float) -> Path:
        from . import m4b
        fields = f"{key} aac {offset_db:.6f} {_code('m4b.py')} {m4b.ffmpeg_version()}"
        name = hashlib.sha256(fields.encode()).hexdigest()
        return self.folder / name[:2] / f"{name}.aac.npz"

    def aac(self, key: str, offset_db: float, make) -> "Encoded":
        """The chapter `key` as encoded for the audiobook, its loudness target moved by `offset_db`: stored,
        or made by `make()` as (ADTS bytes, decoded length in samples, Meter of the decoded stream)."""
        path = self._aac_path(key, offset_db)
        self.used.add(path)
        try:
            return Encoded.read(path)
        except (FileNotFoundError, ValueError, KeyError, OSError):
            pass
        stream, length, heard = make()
        buffer = io.BytesIO()
        np.savez(buffer, aac=np.frombuffer(stream, dtype=np.uint8), length=np.int64(length),
                 sums=np.asarray(heard.sums, dtype=np.float64), peaks=np.asarray(heard.peaks_db()))
        write_atomically(path, buffer.getvalue())
        return Encoded.read(path)


@dataclass(frozen=True)
class Encoded:
    """A chapter encoded for the audiobook, as stored: where, its decoded length, and what a listener hears
    of it (100 ms loudness sums, sample and true peak in dB); the stream itself is read only when joined."""

    path: Path
    length: int
    sums: np.ndarray
    peaks_db: tuple[float, float]

    @classmethod
    def read(cls, path: Path) -> "Encoded":
        with np.load(path) as entry:
            return cls(path, int(entry["length"]), entry["sums"], tuple(map(float, entry["peaks"])))

    def stream(self) -> bytes:
        with np.load(self.path) as entry:
            return entry["aac"].tobytes()
