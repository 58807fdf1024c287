"""What writers get besides the book (bcbook.build.Context): the project, the output folder, how to speak.

Requires the language table (bcbook.lang); audio code only when an audio
writer asks for its options. Guarantees: `settings_for` is the text of
everything a writer reads besides the book (a project's own language
rows; for audio the speech settings and the lexicons), for its job key,
and imports no audio code; `unspoken` says why a language gets no
narration (its engine has no voice for it), "" when it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .lang import PROJECT_FILE, by_language
from .model import Book


@dataclass
class Context:
    """What writers may need beyond the book: where things are, and how to speak."""

    project: object  # bcbook.build.Project
    out_dir: Path
    tts: str | None = None
    progress: Callable | None = None
    notice: Callable | None = None
    scratch: Path | None = None  # where a writer puts large outputs it returns as paths (runner: one per job)
    store: object = None  # bcbook.store.Store when the outputs go to a store by URL: its speech cache is shared

    def settings_for(self, format_name: str, book: Book) -> str:
        """What a writer reads besides the book, as text for its job key: the project's own language rows;
        for audio also the voice settings and lexicon."""
        rows = self.project.source / PROJECT_FILE
        own_rows = rows.read_text(encoding="utf-8") if rows.is_file() else ""
        if format_name != "audio":
            return own_rows
        lexicons = sorted((self.project.source / "lexicon").glob("*.toml"))
        return own_rows + repr((*self.speech_settings(book),
                                [(path.name, path.read_text(encoding="utf-8")) for path in lexicons]))

    def unspoken(self, format_name: str, book: Book) -> str:
        """Why the job makes nothing ("" when it runs): the audio of a language its engine has no voice for
        (Tagalog offline) is left out, never read in another language's voice."""
        if format_name != "audio":
            return ""
        from .audio.voices import NAMES, VOICES, engine_for, narrator
        if narrator(book.meta.audio, book.lang, self.tts):
            return ""
        engine = engine_for(book.meta.audio, book.lang, self.tts)
        others = [name for name, table in VOICES.items() if by_language(table, book.lang)]
        hint = f"; {' or '.join(others)} has one (--tts NAME, or [audio.engines] in book.toml)" if others else ""
        return f"no narration: {NAMES.get(engine, engine)} has no voice for {book.lang}{hint}"

    def speech_settings(self, book: Book) -> tuple[str, int, tuple]:
        """(engine name or "auto", words per minute, forbidden voices) for `book`; imports no audio code."""
        settings = book.meta.audio
        engine = self.tts or settings.get("engines", {}).get(book.lang) or settings.get("engine", "auto")
        return engine, settings.get("words_per_minute", 150), tuple(settings.get("forbidden_voices", ()))

    def audio_options(self, book: Book) -> "AudioOptions":
        from .audio.cache import SpeechCache
        from .audio.render import AudioOptions
        engine, words_per_minute, forbidden = self.speech_settings(book)
        cache = SpeechCache(self.out_dir / "cache" / "tts", self.store and self.store.under("cache/tts"))
        return AudioOptions(engine, words_per_minute, cache, self.project.source, self.progress, self.notice,
                            forbidden, scratch=self.scratch)
