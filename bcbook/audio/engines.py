"""The engine registry and the choice of engine per language.

Requires the engines. Guarantees: ENGINES is a plain dict of factories;
`choose(name, lang)` returns the engine for "espeak", "piper" or "gtts", and
for "auto" the best offline voice installed for that language (Piper, else
espeak-ng); an engine without a voice for the language raises NoVoice, it
never falls back to another language's voice.
"""

from __future__ import annotations

from .engine import NoVoice
from .espeak import EspeakEngine
from .gtts_engine import GttsEngine
from .piper_engine import PiperEngine

ENGINES = {"espeak": EspeakEngine, "piper": PiperEngine, "gtts": GttsEngine}
AUTO_ORDER = ("piper", "espeak")
_instances: dict = {}


def engine(name: str):
    if name not in ENGINES:
        raise NoVoice(f"unknown speech engine {name!r}; choose auto, {', '.join(ENGINES)}")
    if name not in _instances:
        _instances[name] = ENGINES[name]()
    return _instances[name]


def choose(name: str, lang: str):
    """The engine to use for `lang` (checking it has a voice)."""
    if name == "auto":
        for candidate in AUTO_ORDER:
            if engine(candidate).available(lang):
                return engine(candidate)
        raise NoVoice(f"no offline voice for {lang!r}")
    chosen = engine(name)
    chosen.voice_for(lang)
    return chosen
