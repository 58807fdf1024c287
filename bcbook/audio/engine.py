"""The speech-engine interface every engine implements, and the errors they raise.

Requires numpy (for the samples). Guarantees: an engine has `name`, `voice_for(lang)` (which
raises NoVoice rather than choosing another language's voice),
`available(lang)` and `synthesize(text, lang, voice, words_per_minute)`
returning Speech: float32 mono samples in -1..1 and their sample rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is loaded by the engines that make samples, not by whoever names an engine
    import numpy as np


class NoVoice(RuntimeError):
    """The chosen engine has no voice for this language."""


class SpeechServiceError(RuntimeError):
    """An online speech service failed after every retry."""


@dataclass
class Speech:
    samples: np.ndarray
    rate: int


class Engine:
    """Shared behaviour: `available(lang)` is true exactly when `voice_for(lang)` finds a voice."""

    name = "engine"
    caveat = ""  # said in the build's output whenever the engine speaks a book (licence facts)

    def voice_for(self, lang: str) -> str:
        raise NotImplementedError

    def available(self, lang: str) -> bool:
        try:
            self.voice_for(lang)
            return True
        except NoVoice:
            return False
