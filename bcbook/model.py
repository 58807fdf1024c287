"""The one fixed document model every reader produces and every writer consumes.

Requires nothing but the standard library. Guarantees: every node is an
immutable dataclass; the set of node kinds is closed (INLINE_KINDS and
BLOCK_KINDS list them all), so a writer can prove it handles each one.

A `Phrase` is one translatable unit: a heading, a paragraph, a list item,
a glossary term or definition. Its `kind` is the gettext msgctxt, `origin`
names the source file and line, and `lang` is set only when the phrase is
in another language than the book around it (an English fallback).
"""

from __future__ import annotations

from dataclasses import dataclass, field


# -- inline nodes -----------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Emph:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Link:
    target: str
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Span:
    """Words in another language than the text around them (a language name, a term kept in English)."""

    lang: str  # BCP 47, e.g. "en", "zh-Hans"
    children: tuple["Inline", ...]


Inline = Text | Strong | Emph | Link | Span
INLINE_KINDS = (Text, Strong, Emph, Link, Span)


# -- translatable units -----------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """Where a piece of text came from: a file and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Phrase:
    kind: str
    inlines: tuple[Inline, ...]
    origin: Origin
    note: str = ""
    lang: str | None = None


# -- block nodes --------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    id: str
    level: int
    text: Phrase


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: Phrase
    role: str = ""  # "" for body text, "lead" for an opening line


@dataclass(frozen=True)
class ItemList:
    id: str
    items: tuple[Phrase, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Note:
    """A boxed aside (a callout): a few blocks read together."""

    id: str
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class Definitions:
    """Glossary entries: (term, definition) pairs."""

    id: str
    entries: tuple[tuple[Phrase, Phrase], ...]


@dataclass(frozen=True)
class Slot:
    """A named place that the translation step fills in.

    `name` is one of SLOT_NAMES. `updated` becomes the translated
    "Source text updated {date}" line (the source web page's date);
    `edition` the "This edition: {date}" line (book.toml edition_date); `translation-status` says whether a medical
    translator reviewed the catalog; `editions` lists the other languages;
    `fonts` names the embedded fonts and their licence; `narration` names
    the synthetic voice that reads the audio edition; `credits` names the
    authors and medical reviewers, `sources` lists the book's sources and
    `contact` gives the publisher's (or clinic's) contact.
    """

    id: str
    name: str
    origin: Origin


SLOT_NAMES = ("updated", "edition", "editions", "translation-status", "fonts", "narration", "pages", "credits",
              "sources", "contact")


@dataclass(frozen=True)
class Figure:
    """An illustration drawn from a spec panel, with every word it needs.

    `description` is the long description, one sentence per phrase, in a
    fixed order; `values` holds, per sentence, the values for its
    {placeholders} (a number, or organ-name Phrases) until translation
    fills them in; `labels` are the words drawn in the picture.
    """

    id: str
    panel: object
    title: Phrase
    alt: Phrase
    description: tuple[Phrase, ...]
    labels: tuple[tuple[str, Phrase], ...]
    values: tuple[tuple, ...] = ()


Block = Heading | Paragraph | ItemList | Note | Definitions | Figure | Slot
BLOCK_KINDS = (Heading, Paragraph, ItemList, Note, Definitions, Figure, Slot)

CHAPTER_KINDS = ("chapter", "glossary", "colophon")


@dataclass(frozen=True)
class Chapter:
    id: str
    kind: str
    title: Phrase
    blocks: tuple[Block, ...]
    origin: Origin


@dataclass(frozen=True)
class Person:
    """Someone credited: an author, or a reviewer with the ISO date of the review."""

    name: str
    date: str = ""


@dataclass(frozen=True)
class Source:
    """One entry of the book's list of sources (a title, and an address if it has one)."""

    title: str
    url: str = ""


@dataclass(frozen=True)
class Contact:
    """Who a reader can call or visit: printed on the handout's back page."""

    name: str
    phone: str
    web: str


@dataclass(frozen=True)
class Meta:
    """Book-level facts from source/book.toml (translated fields are Phrases)."""

    slug: str
    title: Phrase
    subtitle: Phrase
    description: Phrase
    accessibility_summary: Phrase
    publisher: str
    source_url: str
    updated: str  # ISO date of the source web page
    edition_date: str  # ISO date of this edition (book.toml edition_date), never the build clock
    identifier: str
    languages: tuple[str, ...]
    allowed_link_hosts: tuple[str, ...] = ()
    audio: dict = field(default_factory=dict)  # [audio] of book.toml: engine, words_per_minute, engines
    authors: tuple[Person, ...] = ()
    medical_reviewers: tuple[Person, ...] = ()  # reviewers of the English text, with dates
    contact: Contact | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Book:
    meta: Meta
    chapters: tuple[Chapter, ...]
    lang: str = "en"
    direction: str = "ltr"
    labels: dict[str, Phrase] = field(default_factory=dict)  # translated interface words
    translation_reviewers: tuple[Person, ...] = ()  # set only when every entry of the catalog is reviewed


def phrases_of(block: Block):
    """Yield every Phrase inside one block, in reading order."""
    if isinstance(block, Heading | Paragraph):
        yield block.text
    elif isinstance(block, ItemList):
        yield from block.items
    elif isinstance(block, Note):
        for inner in block.blocks:
            yield from phrases_of(inner)
    elif isinstance(block, Definitions):
        for term, definition in block.entries:
            yield term
            yield definition
    elif isinstance(block, Figure):
        yield block.title
        yield block.alt
        yield from block.description
        yield from (phrase for _, phrase in block.labels)


def book_phrases(book: Book):
    """Yield every Phrase of the book, metadata first, in reading order."""
    yield book.meta.title
    yield book.meta.subtitle
    yield book.meta.description
    yield book.meta.accessibility_summary
    for chapter in book.chapters:
        yield chapter.title
        for block in chapter.blocks:
            yield from phrases_of(block)
