"""Mastered chapters kept between builds, so an edit re-masters only the chapter it touches.

Requires numpy and soundfile. Guarantees: an entry's key covers the speech-cache keys of
the chapter's sentences in order, their pauses and the code of the
mastering (master.py and this module), so a changed sentence, pause or
mastering rule misses; an entry
holds the mastered samples (16-bit FLAC: `put` returns them as stored, so
a first build and a rebuild from the cache use the same samples), the MP3
and each sentence's (start, end) sample; beside it, the chapter as
levelled for the audiobook's AAC under a given target and ceiling (16-bit
PCM, kept losslessly as FLAC: what the M4B encoder gets), so an edit
re-levels one chapter of the audiobook too; entries are written atomically
(a temporary file renamed), so an interrupted build leaves only whole ones.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import cache
from pathlib import Path

import numpy as np
import soundfile

from ..jobs import write_atomically
from .master import CHUNK, RATE


@cache
def _code() -> str:
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in ("master.py", "chapters.py"))).hexdigest()


def chapter_key(sentence_keys: list[str], pauses: list[float]) -> str:
    fields = [_code(), sentence_keys, [round(pause, 6) for pause in pauses]]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


class ChapterCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def get(self, key: str) -> tuple[np.ndarray, bytes, list[tuple[int, int]]] | None:
        """(samples, MP3 bytes, timings) of a stored chapter, or None."""
        try:
            with np.load(self._path(key)) as entry:
                samples, _ = soundfile.read(io.BytesIO(entry["flac"].tobytes()), dtype="float32")
                return samples, entry["mp3"].tobytes(), [tuple(map(int, pair)) for pair in entry["timings"]]
        except (FileNotFoundError, ValueError, KeyError, OSError, soundfile.LibsndfileError):
            return None

    def put(self, key: str, samples: np.ndarray, mp3: bytes, timings) -> np.ndarray:
        """Store a mastered chapter; return its samples as stored."""
        flac = io.BytesIO()
        with soundfile.SoundFile(flac, "w", RATE, 1, "PCM_16", format="FLAC") as stream:
            for start in range(0, len(samples), CHUNK):  # no second copy of the chapter
                stream.write(np.clip(samples[start:start + CHUNK], -1, 1))
        buffer = io.BytesIO()
        np.savez(buffer, flac=np.frombuffer(flac.getvalue(), dtype=np.uint8), mp3=np.frombuffer(mp3, dtype=np.uint8),
                 timings=np.asarray(list(timings), dtype=np.int64).reshape(-1, 2))
        write_atomically(self._path(key), buffer.getvalue())
        stored, _ = soundfile.read(io.BytesIO(flac.getvalue()), dtype="float32")
        return stored

    def _levelled_path(self, key: str, target: float, ceiling: float) -> Path:
        name = hashlib.sha256(f"{key} levelled {target:.6f} {ceiling:.6f}".encode()).hexdigest()
        return self.folder / name[:2] / f"{name}.flac"

    def levelled(self, key: str, target: float, ceiling: float, make) -> bytes:
        """The chapter `key` levelled to (target LUFS, ceiling dB) as 16-bit PCM: stored, or made by
        `make()` (int16 samples) and stored."""
        path = self._levelled_path(key, target, ceiling)
        try:
            samples, _ = soundfile.read(path, dtype="int16")
            return samples.astype("<i2").tobytes()
        except (FileNotFoundError, OSError, soundfile.LibsndfileError):
            pass
        samples = make()
        flac = io.BytesIO()
        soundfile.write(flac, samples, RATE, format="FLAC", subtype="PCM_16")
        write_atomically(path, flac.getvalue())
        return samples.astype("<i2").tobytes()

