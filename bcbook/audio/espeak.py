"""The embedded offline engine: libespeak-ng from the `espeakng-loader` wheel, called through ctypes.

Requires the PyPI wheel espeakng-loader (it bundles libespeak-ng and its
data for 100+ languages; no system package). Guarantees: `synthesize`
returns 16-bit mono PCM at the library's rate (22050 Hz) for exactly the
text given, with the voice chosen for the language; `phonemes` returns
what the same voice would say, as IPA, with its language switches marked
"(en)...(cmn)"; an unknown voice raises NoVoice; the library is
initialised once per process.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np

from ..lang import by_language
from . import voices
from .engine import Engine, NoVoice, Speech

VOICES = voices.VOICES["espeak"]
_AUDIO_OUTPUT_SYNCHRONOUS, _CHARS_UTF8, _POS_CHARACTER, _RATE, _IPA = 2, 1, 1, 1, 0x02
_PHONEME_INPUT = 0x100  # espeakPHONEMES: [[...]] in the text is read as espeak-ng phonemes (lexicon entries)
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()
_state: dict = {}


def _library():
    if "lib" not in _state:
        import espeakng_loader
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0x8000)
        if rate <= 0:
            raise NoVoice("libespeak-ng did not initialise (espeakng-loader data missing?)")
        chunks: list[np.ndarray] = []

        def collect(wav, count, events):
            if count > 0 and wav:
                chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            return 0

        callback = _CALLBACK(collect)
        lib.espeak_SetSynthCallback(callback)
        _state.update(lib=lib, rate=rate, chunks=chunks, callback=callback)
    return _state["lib"]


class EspeakEngine(Engine):
    """espeak-ng: robotic but clear, every language, offline, fast."""

    name = "espeak"

    def voice_for(self, lang: str) -> str:
        voice = by_language(VOICES, lang)
        if voice is None:
            raise NoVoice(f"espeak-ng has no voice configured for {lang!r}; add it to its row in bcbook/languages.toml")
        return voice

    def synthesize(self, text: str, lang: str, voice: str, words_per_minute: int) -> Speech:
        with _lock:
            lib = _library()
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise NoVoice(f"espeak-ng voice {voice!r} (for {lang}) is not in the bundled data")
            lib.espeak_SetParameter(_RATE, int(words_per_minute), 0)
            _state["chunks"].clear()
            data = text.encode("utf-8")
            lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _PHONEME_INPUT, None, None)
            lib.espeak_Synchronize()
            pcm = np.concatenate(_state["chunks"]) if _state["chunks"] else np.zeros(0, dtype=np.int16)
        return Speech(pcm.astype(np.float32) / 32768.0, _state["rate"])


def phonemes(text: str, voice: str) -> str:
    """The IPA the voice would speak for `text`, clause by clause; a switch to another language shows as "(en)"."""
    with _lock:
        lib = _library()
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise NoVoice(f"espeak-ng voice {voice!r} is not in the bundled data")
        buffer = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
        position = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses = []
        while position.value:
            clauses.append(lib.espeak_TextToPhonemes(ctypes.byref(position), _CHARS_UTF8, _IPA).decode("utf-8"))
        return " ".join(clauses)
