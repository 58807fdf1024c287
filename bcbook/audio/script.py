"""Narration script: Book(lang) -> chapters of utterances (what to say, what to show, how long to pause).

Requires the model and a pronunciation Lexicon (bcbook.audio.pronounce). Guarantees:
each chapter starts with its title; figures are read as their caption and
long description; link-only lines ("Learn more about ...") and the
colophon's fonts line (true of the text editions only) are skipped;
text is split into sentences per language; `speech` has the lexicon
applied (HER2 -> "her two", Stage IIIA -> "stage three A", "0.2 cm" ->
"0 point two centimeters") while `text` keeps the book's words for
transcripts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import inline
from ..model import Book, Definitions, Figure, Heading, ItemList, Link, Note, Paragraph, Slot, Text
from ..sentences import SentenceIds, split_inlines, split_text
from .pronounce import Lexicon

__all__ = ["ChapterScript", "Lexicon", "Utterance", "script", "split_sentences"]

_NOT_NARRATED = ("fonts", "narration", "pages")  # colophon lines about the text editions, and the voice's own name
PAUSES = {"heading": 0.9, "sentence": 0.45, "paragraph": 0.8}


@dataclass(frozen=True)
class Utterance:
    text: str     # as printed (for transcripts)
    speech: str   # as spoken (lexicon applied)
    pause: float  # seconds of silence after it
    lang: str = ""  # set when the words are in another language than the book's: that language's voice says them
    ref: str = ""   # the id of the sentence's <span> in the chapter's XHTML (bcbook.sentences)
    role: str = ""  # skippable or escapable structure it is in (bcbook.overlays.Clip.role)


@dataclass(frozen=True)
class ChapterScript:
    number: int
    id: str
    title: str
    utterances: tuple[Utterance, ...]


def split_sentences(text: str) -> list[str]:
    """Sentences: split after . ! ? … (and CJK 。！？) when the next word does not start in lower case."""
    return split_text(text)


def _link_only(inlines) -> bool:
    rest = [node for node in inlines if not (isinstance(node, Text) and not node.text.strip(" .:;"))]
    return len(rest) == 1 and isinstance(rest[0], Link)


class _Builder:
    def __init__(self, lexicon: Lexicon, other: Callable[[str], Lexicon]):
        self.lexicon, self.other, self.items, self.note = lexicon, other, [], False

    def say(self, phrase, last_pause: str, ids: SentenceIds, role: str = "") -> None:
        """Each sentence of a phrase; a phrase in another language (an English title, a fallback) keeps it."""
        lang = phrase.lang if phrase.lang and phrase.lang != self.lexicon.lang else ""
        lexicon = self.other(lang) if lang else self.lexicon
        pieces, _ = split_inlines(phrase.inlines)
        for index, piece in enumerate(pieces):
            sentence = " ".join(inline.plain_text(piece).split())
            pause = PAUSES[last_pause] if index == len(pieces) - 1 else PAUSES["sentence"]
            self.items.append(Utterance(sentence, lexicon.apply(sentence), pause, lang, ids.next(),
                                        "note" if self.note else role))

    def block(self, block) -> None:
        ids = SentenceIds(getattr(block, "id", ""))
        if isinstance(block, Heading):
            self.say(block.text, "heading", ids)
        elif isinstance(block, Paragraph) and not _link_only(block.text.inlines) and block.role not in _NOT_NARRATED:
            self.say(block.text, "paragraph", ids)
        elif isinstance(block, ItemList):
            for item in block.items:
                self.say(item, "paragraph", ids, "list-item")
        elif isinstance(block, Note):
            self.note = True
            for inner in block.blocks:
                self.block(inner)
            self.note = False
        elif isinstance(block, Definitions):
            for term, definition in block.entries:
                self.say(term, "sentence", ids, "glossterm")
                self.say(definition, "paragraph", ids, "glossdef")
        elif isinstance(block, Figure):
            self.say(block.title, "heading", ids, f"figure:{block.id}")
            for sentence in block.description:
                self.say(sentence, "paragraph", ids, f"figure:{block.id}")
        elif not isinstance(block, Paragraph | Slot):
            raise TypeError(f"narration has no rule for {type(block).__name__}")


def script(book: Book, lexicon: Lexicon, other: Callable[[str], Lexicon] | None = None) -> list[ChapterScript]:
    """One script per chapter, in book order, numbered from 1; `other(lang)` gives the lexicon for words
    marked as another language (default: no rules)."""
    chapters = []
    for number, chapter in enumerate(book.chapters, start=1):
        builder = _Builder(lexicon, other or (lambda lang: Lexicon(lang=lang)))
        builder.say(chapter.title, "heading", SentenceIds(f"{chapter.id}-title"))
        for block in chapter.blocks:
            builder.block(block)
        chapters.append(ChapterScript(number, chapter.id, inline.plain_text(chapter.title.inlines),
                                      tuple(builder.items)))
    return chapters
