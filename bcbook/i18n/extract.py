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
from ..figures import spec as figure_spec
from ..model import Figure, phrases_of


def extract_markdown(fileobj, keywords, comment_tags, options):
    """Yield (line, funcname, (msgctxt, msgid), comments) for each block of a chapter.

    Figures placed in the chapter are skipped here: their words live in
    source/figures/*.toml and are extracted from there, with those lines.
    """
    name = Path(getattr(fileobj, "name", "chapter.md"))
    figures = figure_spec.load(_source_dir(name))
    chapter = reader.parse_chapter(fileobj.read().decode("utf-8"), _relative_to_source(name), "chapter", set(),
                                   figures)
    yield _message(chapter.title)
    for block in chapter.blocks:
        if not isinstance(block, Figure):
            for phrase in phrases_of(block):
                yield _message(phrase)


def extract_figures(fileobj, keywords, comment_tags, options):
    """Yield every word of a figure spec: titles, alt texts, labels, organ names, description sentences."""
    figures = figure_spec.load(_source_dir(Path(getattr(fileobj, "name", "source/figures/x.toml"))))
    own = Path(getattr(fileobj, "name", "")).name
    for panel in figures.panels.values():
        for phrase in (panel.title, panel.alt):
            if phrase.origin.path.endswith(own):
                yield _message(phrase)
    for table in (figures.labels, figures.organs, figures.sentences):
        for phrase in table.values():
            if phrase.origin.path.endswith(own):
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


def _message(phrase):
    comments = [f"Translators: {phrase.note}"] if phrase.note else []
    return phrase.origin.line, "pgettext", (phrase.kind, inline.to_markdown(phrase.inlines)), comments


def _source_dir(path: Path) -> Path:
    """The source/ folder that holds `path` (a chapter or a figure spec)."""
    for parent in path.resolve().parents:
        if parent.name == "source":
            return parent
    return path.resolve().parent


def _relative_to_source(path: Path) -> str:
    parts = path.parts
    if "source" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index("source"):])
    return path.name
