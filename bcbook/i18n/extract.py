"""Babel extractors: one message per block, msgctxt = block kind.

Requires Babel (which calls these through the `babel.extractors` entry
points named in pyproject.toml and mapped in babel.cfg) and the reader.
Guarantees: the messages are exactly the Phrases the builder will look up,
because both spell the msgid with `inline.to_markdown` over the same parse.
Source errors are raised with file and line, so `make extract` fails loudly.
"""

from __future__ import annotations

from pathlib import Path

from .. import config, inline, reader, ui


def extract_markdown(fileobj, keywords, comment_tags, options):
    """Yield (line, funcname, (msgctxt, msgid), comments) for each block of a chapter."""
    name = Path(getattr(fileobj, "name", "chapter.md"))
    relative = _relative_to_source(name)
    chapter = reader.parse_chapter(fileobj.read().decode("utf-8"), relative, "chapter", set())
    yield _message(chapter.title)
    for block in chapter.blocks:
        for phrase in _phrases(block):
            yield _message(phrase)


def extract_book_toml(fileobj, keywords, comment_tags, options):
    """Yield the translated fields of book.toml (title, subtitle, ...) and the interface words."""
    source_dir = Path(getattr(fileobj, "name", "source/book.toml")).resolve().parent
    settings = config.load(source_dir)
    meta = settings.meta
    for phrase in (meta.title, meta.subtitle, meta.description, meta.accessibility_summary):
        yield _message(phrase)
    for message, note in ui.MESSAGES.values():
        comments = ["Translators: Interface text that bcbook adds around the book.", *([note] if note else [])]
        yield 1, "pgettext", (ui.CONTEXT, message), comments


def _phrases(block):
    from ..model import phrases_of
    return phrases_of(block)


def _message(phrase):
    comments = [f"Translators: {phrase.note}"] if phrase.note else []
    return phrase.origin.line, "pgettext", (phrase.kind, inline.to_markdown(phrase.inlines)), comments


def _relative_to_source(path: Path) -> str:
    parts = path.parts
    if "source" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index("source"):])
    return path.name
