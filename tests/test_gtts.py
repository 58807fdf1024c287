"""gTTS with its real code, over a real socket, against a local server on 127.0.0.1."""

from __future__ import annotations

import io

import pytest
import soundfile

from bcbook.audio.engine import NoVoice, SpeechServiceError
from bcbook.audio.gtts_engine import GttsEngine
from fake_translate import FakeTranslate, tone_mp3


@pytest.fixture
def local(monkeypatch):
    """Point gTTS at a fake server and keep every proxy out of the way."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)

    def start(script=None, delay=0.0):
        fake = FakeTranslate(script, delay)
        monkeypatch.setattr("gtts.tts._translate_url", lambda tld="com", path="": fake.url)
        return fake
    return start


def engine(**options) -> GttsEngine:
    waits = []
    made = GttsEngine(delay=0.05, backoff=0.01, sleep=waits.append, **options)
    made.waits = waits
    return made


def test_one_request_per_sentence_with_commas_kept(local):
    sentences = ["Cancer cells can travel, early or late, through the blood.", "Ask your care team.",
                 "El cáncer de mama invasivo ocurre cuando células anormales salen, a veces, hacia el tejido."]
    with local() as fake:
        tts = engine()
        for text in sentences:
            speech = tts.synthesize(text, "en", tts.voice_for("es" if text.startswith("El") else "en"), 150)
            assert speech.rate == soundfile.info(io.BytesIO(tone_mp3())).samplerate
            assert 0.3 < len(speech.samples) / speech.rate < 0.6 and speech.samples.max() > 0.2
    assert fake.texts() == sentences
    assert tts.waits == [0.05, 0.05]  # a pause between requests, none before the first


def test_429_then_success_is_retried_with_backoff(local):
    with local(["429", "500", "audio"]) as fake:
        tts = engine()
        tts.synthesize("Stage IV is metastatic breast cancer.", "en", "en", 150)
    assert len(fake.bodies) == 3
    assert tts.waits == [0.01, 0.05, 0.02, 0.05]  # backoff 0.01, 0.02 after failures; 0.05 before each request


def test_timeout_is_retried_then_reported(local):
    with local(["slow", "slow"], delay=1.5) as fake:
        tts = engine(timeout=0.3, retries=1)
        with pytest.raises(SpeechServiceError, match="gTTS failed for 'Lymph nodes.'.*Failed to connect"):
            tts.synthesize("Lymph nodes.", "en", "en", 150)
    assert len(fake.bodies) == 2


def test_reply_without_audio_is_an_error(local):
    with local(["no-audio"]):
        with pytest.raises(SpeechServiceError, match=r"200 \(OK\) from TTS API"):
            engine().synthesize("Lymph nodes.", "en", "en", 150)


def test_language_without_voice_is_refused():
    with pytest.raises(NoVoice, match="'xx'"):
        GttsEngine().voice_for("xx")


def test_new_editions_use_their_google_voices(local):
    sentences = {"zh-Hans": "浸润性乳腺癌。", "vi": "Ung thư vú xâm lấn.", "ar": "سرطان الثدي الغازي."}
    with local() as fake:
        tts = engine()
        voices = {lang: tts.voice_for(lang) for lang in sentences}
        for lang, text in sentences.items():
            assert len(tts.synthesize(text, lang, voices[lang], 150).samples) > 0
    assert voices == {"zh-Hans": "zh-CN", "vi": "vi", "ar": "ar"}
    assert fake.texts() == list(sentences.values())
    assert [body.count(voice) > 0 for body, voice in zip(fake.bodies, ("zh-CN", "vi", "ar"))] == [True] * 3
