"""Google voices online through gTTS: one request per sentence, throttled, retried, with timeouts.

Requires gtts and soundfile (which decodes gTTS's MP3 to PCM). Guarantees:
a sentence is sent whole (gTTS would otherwise split it at every comma;
only a sentence over gTTS's 100-character limit is cut, at spaces); there
is a delay between requests; 429, 5xx and connection errors are retried
with exponential backoff; every request has a timeout; each returned part
is decoded to PCM (MP3 bytes are never joined); a reply without audio or a
final failure raises SpeechServiceError naming the sentence.
"""

from __future__ import annotations

import io
import time
import warnings

import numpy as np
import soundfile

from ..lang import by_language
from . import voices
from .engine import Engine, NoVoice, Speech, SpeechServiceError

LANGUAGES = voices.VOICES["gtts"]


class GttsEngine(Engine):
    """gTTS (Google Translate voices): natural, needs the network."""

    name = "gtts"

    def __init__(self, delay: float = 0.6, retries: int = 4, backoff: float = 1.0, timeout: float = 20.0,
                 sleep=time.sleep):
        self.delay, self.retries, self.backoff, self.timeout, self.sleep = delay, retries, backoff, timeout, sleep
        self.requests = 0

    def voice_for(self, lang: str) -> str:
        code = by_language(LANGUAGES, lang)
        if code is None:
            raise NoVoice(f"gTTS has no voice configured for {lang!r}; add it to its row in bcbook/languages.toml")
        return code

    def synthesize(self, text: str, lang: str, voice: str, words_per_minute: int) -> Speech:
        from gtts import gTTS
        with warnings.catch_warnings():
            # gTTS 2.5 lower-cases the tag before its deprecation check, so the valid "zh-CN" warns
            # that it falls back to "zh-CN" itself; nothing changes, so that one warning is silenced.
            warnings.filterwarnings("ignore", message=r"'zh-(CN|TW)' has been deprecated", category=DeprecationWarning)
            tts = gTTS(text, lang=voice, slow=words_per_minute < 120, timeout=self.timeout,
                       tokenizer_func=lambda whole: [whole])
        parts = [self._decode(part, text) for part in self._parts(tts, text)]
        if not parts:
            raise SpeechServiceError(f"gTTS returned no audio for {text[:60]!r}")
        rate = parts[0][1]
        return Speech(np.concatenate([samples for samples, _ in parts]).astype(np.float32), rate)

    def _parts(self, tts, text: str):
        """Every MP3 part of one sentence, each request retried on its own."""
        from gtts.tts import gTTSError
        for attempt in range(self.retries + 1):
            if self.requests:
                self.sleep(self.delay)
            self.requests += 1
            try:
                return list(tts.stream())
            except gTTSError as error:
                status = getattr(getattr(error, "rsp", None), "status_code", None)
                retryable = status is None and "Failed to connect" in str(error) or status in (429,) or \
                    (status is not None and status >= 500)
                if not retryable or attempt == self.retries:
                    raise SpeechServiceError(f"gTTS failed for {text[:60]!r}: {error}") from None
                self.sleep(self.backoff * 2 ** attempt)
        return []

    @staticmethod
    def _decode(mp3: bytes, text: str) -> tuple[np.ndarray, int]:
        try:
            samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float32")
        except soundfile.LibsndfileError as error:
            raise SpeechServiceError(f"gTTS sent audio that does not decode for {text[:60]!r}: {error}") from None
        return (samples if samples.ndim == 1 else samples.mean(axis=1)), rate
