"""The engine registry and the choice of engine per language.

Requires the engines. Guarantees: ENGINES is a plain dict of factories;
`choose(name, lang)` returns the engine for "espeak", "piper" or "gtts", and
for "auto" the default offline voice (espeak-ng: the only offline voices
whose licence lets a publisher distribute what they say; Piper's English
voice is an explicit opt-in, see the README's voice table); an engine
without a voice for the language raises NoVoice, it never falls back to
another language's voice; a voice the book forbids ([audio]
forbidden_voices: "engine" or "engine:voice") is never used.
"""

from __future__ import annotations

from . import voices
from .engine import NoVoice


def _espeak():
    from .espeak import EspeakEngine
    return EspeakEngine()


def _piper():
    from .piper_engine import PiperEngine
    return PiperEngine()


def _gtts():
    from .gtts_engine import GttsEngine
    return GttsEngine()


ENGINES = {"espeak": _espeak, "piper": _piper, "gtts": _gtts}  # name -> factory (imports the engine when used)
AUTO_ORDER = (voices.AUTO,)
_instances: dict = {}


def engine(name: str):
    if name not in ENGINES:
        raise NoVoice(f"unknown speech engine {name!r}; choose auto, {', '.join(ENGINES)}")
    if name not in _instances:
        _instances[name] = ENGINES[name]()
    return _instances[name]


def choose(name: str, lang: str, forbidden: tuple[str, ...] = ()):
    """The engine to use for `lang` (checking it has a voice the book allows)."""
    if name == "auto":
        for candidate in AUTO_ORDER:
            if engine(candidate).available(lang) and not _forbidden(engine(candidate), lang, forbidden):
                return engine(candidate)
        raise NoVoice(f"no offline voice for {lang!r}")
    chosen = engine(name)
    if reason := _forbidden(chosen, lang, forbidden):
        raise NoVoice(f"the voice {reason!r} for {lang!r} is listed in source/book.toml [audio] forbidden_voices")
    return chosen


def _forbidden(chosen, lang: str, forbidden: tuple[str, ...]) -> str:
    """The forbidden_voices entry that rules out this engine's voice for `lang`, else ""."""
    voice = chosen.voice_for(lang)
    return next((entry for entry in forbidden if entry in (chosen.name, f"{chosen.name}:{voice}")), "")
