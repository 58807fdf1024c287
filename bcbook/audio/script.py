"""Narration script: Book(lang) -> chapters of utterances (what to say, what to show, how long to pause).

Requires the model and source/lexicon/<lang>.toml (optional). Guarantees:
each chapter starts with its title; figures are read as their caption and
long description; link-only lines ("Learn more about ...") and the
colophon's fonts line (true of the text editions only) are skipped;
text is split into sentences per language; `speech` has the lexicon
applied (HER2 -> "her two", Stage IIIA -> "stage three A") while `text`
keeps the book's words for transcripts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import inline
from ..model import Book, Definitions, Figure, Heading, ItemList, Link, Note, Paragraph, Slot, Text

PAUSES = {"heading": 0.9, "sentence": 0.45, "paragraph": 0.8}
_NO_SPACE_SCRIPTS = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Utterance:
    text: str     # as printed (for transcripts)
    speech: str   # as spoken (lexicon applied)
    pause: float  # seconds of silence after it


@dataclass(frozen=True)
class ChapterScript:
    number: int
    id: str
    title: str
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class Lexicon:
    words: dict
    stage_words: tuple[str, ...] = ()
    numerals: dict | None = None

    @classmethod
    def load(cls, source_dir: Path, lang: str) -> "Lexicon":
        for name in (lang, lang.split("-")[0]):
            path = source_dir / "lexicon" / f"{name}.toml"
            if path.is_file():
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                stages = data.get("stages", {})
                return cls(data.get("words", {}), tuple(stages.get("words", ())), stages.get("numerals"))
        return cls({})

    def apply(self, text: str) -> str:
        if self.stage_words and self.numerals:
            pattern = (rf"\b({'|'.join(map(re.escape, self.stage_words))})\s+"
                       rf"({'|'.join(sorted(map(re.escape, self.numerals), key=len, reverse=True))})([ABC]?)\b")
            text = re.sub(pattern, lambda m: f"{m[1]} {self.numerals[m[2]]} {m[3]}".rstrip(), text)
        for written, spoken in self.words.items():  # ASCII boundaries, so CJK text around a word still matches
            text = re.sub(rf"(?<![A-Za-z0-9_/]){re.escape(written)}(?![A-Za-z0-9_/])", spoken, text)
        return text


def split_sentences(text: str) -> list[str]:
    """Sentences: split after . ! ? … (and CJK 。！？) when the next word does not start in lower case."""
    text = re.sub(r"\s+", " ", text).strip()
    if _NO_SPACE_SCRIPTS.search(text):
        parts = re.split(r"(?<=[。！？])", text)
    else:
        parts = re.split(r"(?<=[.!?…؟])[\"”’»)]*\s+(?=[^a-zà-ÿ])", text)
    return [part.strip() for part in parts if part and part.strip()]


def _link_only(inlines) -> bool:
    rest = [node for node in inlines if not (isinstance(node, Text) and not node.text.strip(" .:;"))]
    return len(rest) == 1 and isinstance(rest[0], Link)


class _Builder:
    def __init__(self, lexicon: Lexicon):
        self.lexicon, self.items = lexicon, []

    def say(self, text: str, last_pause: str) -> None:
        sentences = split_sentences(text)
        for index, sentence in enumerate(sentences):
            pause = PAUSES[last_pause] if index == len(sentences) - 1 else PAUSES["sentence"]
            self.items.append(Utterance(sentence, self.lexicon.apply(sentence), pause))

    def block(self, block) -> None:
        if isinstance(block, Heading):
            self.say(inline.plain_text(block.text.inlines), "heading")
        elif isinstance(block, Paragraph) and not _link_only(block.text.inlines) and block.role != "fonts":
            self.say(inline.plain_text(block.text.inlines), "paragraph")
        elif isinstance(block, ItemList):
            for item in block.items:
                self.say(inline.plain_text(item.inlines), "paragraph")
        elif isinstance(block, Note):
            for inner in block.blocks:
                self.block(inner)
        elif isinstance(block, Definitions):
            for term, definition in block.entries:
                self.say(inline.plain_text(term.inlines), "sentence")
                self.say(inline.plain_text(definition.inlines), "paragraph")
        elif isinstance(block, Figure):
            self.say(inline.plain_text(block.title.inlines), "heading")
            for sentence in block.description:
                self.say(inline.plain_text(sentence.inlines), "paragraph")
        elif not isinstance(block, Paragraph | Slot):
            raise TypeError(f"narration has no rule for {type(block).__name__}")


def script(book: Book, lexicon: Lexicon) -> list[ChapterScript]:
    """One script per chapter, in book order, numbered from 1."""
    chapters = []
    for number, chapter in enumerate(book.chapters, start=1):
        builder = _Builder(lexicon)
        builder.say(inline.plain_text(chapter.title.inlines), "heading")
        for block in chapter.blocks:
            builder.block(block)
        chapters.append(ChapterScript(number, chapter.id, inline.plain_text(chapter.title.inlines),
                                      tuple(builder.items)))
    return chapters
