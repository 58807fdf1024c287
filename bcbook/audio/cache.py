"""Content-addressed cache of synthesized sentences, so a rebuild speaks only what changed.

Requires soundfile (FLAC). Guarantees: the key covers engine, voice,
settings, language and text (and a format version); entries are written
atomically (a temporary file renamed), so an interrupted build leaves only
whole entries and a resumed build picks up where it stopped; `misses`
counts what had to be synthesized; `keep` records the entries a narration used, so that
pruning after the build removes the sentences it no longer says. With a shared tier (a bcbook.store.Store,
when the outputs go to a store by URL), an entry missing here is fetched
from it, and every new entry is put there too, so the workers of a cluster
take each sentence from the same samples.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import soundfile

from . import pruning
from .engine import Speech

FORMAT_VERSION = 1


class SpeechCache:
    def __init__(self, folder: Path, shared=None):
        self.folder, self.shared, self.hits, self.misses = folder, shared, 0, 0
        self._shared_names: set[str] | None = None  # one listing of the shared tier, taken when first needed

    @staticmethod
    def key(engine: str, voice: str, settings: dict, lang: str, text: str) -> str:
        fields = {"v": FORMAT_VERSION, "engine": engine, "voice": voice, "settings": settings, "lang": lang,
                  "text": text}
        return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.flac"

    def _relative(self, key: str) -> str:
        return f"{key[:2]}/{key}.flac"

    def _shared_has(self, key: str) -> bool:
        if self.shared is None:
            return False
        if self._shared_names is None:
            self._shared_names = set(self.shared.listing())
        return self._relative(key) in self._shared_names

    def keep(self, name: str, keys: Iterable[str]) -> None:
        """Record that the outputs of `name` (a language and engine) were made from the entries `keys`, so that
        pruning (bcbook.audio.pruning, after a build is published) keeps them and removes those it no longer uses."""
        pruning.record(self.folder, name, (self._path(key) for key in keys))

    def has(self, key: str) -> bool:
        return self._path(key).is_file() or self._shared_has(key)

    def get(self, key: str) -> Speech | None:
        path = self._path(key)
        if not path.is_file() and not (self._shared_has(key) and self.shared.download(self._relative(key), path)):
            return None
        samples, rate = soundfile.read(path, dtype="float32")
        self.hits += 1
        return Speech(samples, rate)

    def put(self, key: str, speech: Speech) -> Speech:
        """Store `speech`; return it as stored (16-bit), so first and later builds use the same samples."""
        self.misses += 1
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(speech.samples, -1, 1), speech.rate, format="FLAC", subtype="PCM_16")
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(buffer.getvalue())
        os.replace(temporary, path)
        if self.shared is not None:
            self.shared.write(self._relative(key), buffer.getvalue())
            if self._shared_names is not None:
                self._shared_names.add(self._relative(key))
        samples, rate = soundfile.read(io.BytesIO(buffer.getvalue()), dtype="float32")
        return Speech(samples, rate)
