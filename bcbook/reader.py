"""Reader: source/book.toml + Markdown chapters -> Book (English).

Requires markdown-it-py with mdit-py-plugins (definition lists). Guarantees:
every block gets a stable id derived from the English source (the same in
every language); every Phrase knows its file and line; anything the model
cannot hold (raw HTML, code, tables, nested lists, a chapter without a
level-1 heading) raises SourceError naming the file and line.

Directives are HTML comments: `<!-- Translators: ... -->` becomes the
translator note of the next phrase, `<!-- bcbook:lead -->` marks the next
paragraph as an opening line, `<!-- bcbook:NAME -->` with NAME in
SLOT_NAMES leaves a named Slot, and `<!-- bcbook:figure ID -->` places the
illustration ID from source/figures/*.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import config, inline
from .figures import spec as figure_spec
from .figures.spec import FigureSet
from .model import (
    SLOT_NAMES, Book, Chapter, Definitions, Figure, Heading, ItemList, Note, Origin, Paragraph, Phrase, Slot,
)

_COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->$", re.S)


@cache
def _block_parser():
    """markdown-it, made when a source is first read (`bcbook --help` reads none)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    return MarkdownIt("commonmark", {"html": True}).use(deflist_plugin)


class SourceError(ValueError):
    """A problem in the source text, with the place it was found."""

    def __init__(self, origin: Origin, message: str):
        super().__init__(f"{origin}: {message}")
        self.origin = origin


@dataclass
class _Node:
    type: str
    token: object
    children: list["_Node"] = field(default_factory=list)


@dataclass
class _State:
    path: str
    chapter_id: str
    used_ids: set[str]
    counters: dict[str, int] = field(default_factory=dict)
    note: str = ""
    lead: bool = False
    figures: FigureSet | None = None


def read_book(source_dir: Path) -> Book:
    """Read the whole English book from `source_dir` (book.toml and chapters)."""
    settings = config.load(source_dir)
    figures = figure_spec.load(source_dir)
    used_ids: set[str] = set()
    chapters = tuple(
        read_chapter(source_dir, entry["file"], entry["kind"], used_ids, figures) for entry in settings.chapters
    )
    return Book(meta=settings.meta, chapters=chapters)


def read_chapter(source_dir: Path, relative: str, kind: str, used_ids: set[str],
                 figures: FigureSet | None = None) -> Chapter:
    """Read one Markdown chapter; its first block must be a level-1 heading."""
    text = (source_dir / relative).read_text(encoding="utf-8")
    return parse_chapter(text, relative, kind, used_ids, figures)


def parse_chapter(text: str, relative: str, kind: str, used_ids: set[str],
                  figures: FigureSet | None = None) -> Chapter:
    """Parse one chapter's Markdown; `relative` is its path under source/."""
    chapter_id = re.sub(r"^\d+-", "", Path(relative).stem)
    if chapter_id in used_ids:
        raise SourceError(Origin(f"source/{relative}", 1), f"chapter id {chapter_id!r} is used twice")
    used_ids.add(chapter_id)
    state = _State(path=f"source/{relative}", chapter_id=chapter_id, used_ids=used_ids, figures=figures)
    blocks = _blocks(_tree(_block_parser().parse(text)), state)
    first = next((b for b in blocks if not isinstance(b, Slot)), None)
    if not isinstance(first, Heading) or first.level != 1:
        raise SourceError(Origin(state.path, 1), "a chapter must start with a level-1 heading (# Title)")
    extra = [b for b in blocks[blocks.index(first) + 1:] if isinstance(b, Heading) and b.level == 1]
    if extra:
        raise SourceError(extra[0].text.origin, "a chapter has exactly one level-1 heading (use ## below it)")
    rest = tuple(b for b in blocks if b is not first)
    return Chapter(id=chapter_id, kind=kind, title=first.text, blocks=rest, origin=first.text.origin)


def _tree(tokens) -> list[_Node]:
    root = _Node("root", None)
    stack = [root]
    for token in tokens:
        if token.nesting == 1:
            node = _Node(token.type.removesuffix("_open"), token)
            stack[-1].children.append(node)
            stack.append(node)
        elif token.nesting == -1:
            stack.pop()
        else:
            stack[-1].children.append(_Node(token.type, token))
    return root.children


def _blocks(nodes: list[_Node], state: _State) -> tuple:
    blocks = []
    for node in nodes:
        block = _block(node, state)
        if block is not None:
            blocks.append(block)
    return tuple(blocks)


def _block(node: _Node, state: _State):
    origin = _origin(node, state)
    if node.type == "html_block":
        return _directive(node.token.content.strip(), origin, state)
    if node.type == "heading":
        level = int(node.token.tag[1])
        phrase = _phrase(node.children[0], "heading", state)
        return Heading(_heading_id(phrase, state), level, phrase)
    if node.type == "paragraph":
        role, state.lead = ("lead" if state.lead else ""), False
        return Paragraph(_next_id("p", state), _phrase(node.children[0], "paragraph", state), role)
    if node.type in ("bullet_list", "ordered_list"):
        items = tuple(_list_item(item, state) for item in node.children)
        return ItemList(_next_id("list", state), items, ordered=node.type == "ordered_list")
    if node.type == "blockquote":
        return Note(_next_id("note", state), _blocks(node.children, state))
    if node.type == "dl":
        return Definitions(_next_id("glossary", state), _definitions(node, state))
    raise SourceError(origin, f"{node.type.replace('_', ' ')} is not supported in bcbook source")


def _directive(html: str, origin: Origin, state: _State):
    match = _COMMENT.match(html)
    if not match:
        raise SourceError(origin, "raw HTML is not allowed in the source; only <!-- comments -->")
    body = match.group(1)
    if body.startswith("Translators:"):
        state.note = body.removeprefix("Translators:").strip()
        return None
    if body == "bcbook:lead":
        state.lead = True
        return None
    if body.startswith("bcbook:figure "):
        return _figure(body.removeprefix("bcbook:figure ").strip(), origin, state)
    if body.startswith("bcbook:"):
        name = body.removeprefix("bcbook:").strip()
        if name not in SLOT_NAMES:
            raise SourceError(origin, f"unknown directive {name!r}; known: lead, figure ID, {', '.join(SLOT_NAMES)}")
        return Slot(_next_id(name, state), name, origin)
    return None  # an ordinary comment for source editors


def _figure(figure_id: str, origin: Origin, state: _State) -> Figure:
    panels = state.figures.panels if state.figures else {}
    if figure_id not in panels:
        known = ", ".join(panels) or "none (add source/figures/*.toml)"
        raise SourceError(origin, f"unknown figure {figure_id!r}; known: {known}")
    panel = panels[figure_id]
    block_id = f"fig-{figure_id}"
    if block_id in state.used_ids:
        raise SourceError(origin, f"figure {figure_id!r} is placed twice")
    state.used_ids.add(block_id)
    sentences = figure_spec.description(panel, state.figures)
    return Figure(id=block_id, panel=panel, title=panel.title, alt=panel.alt,
                  description=tuple(sentence for sentence, _ in sentences),
                  labels=tuple(state.figures.labels.items()), values=tuple(values for _, values in sentences))


def _list_item(item: _Node, state: _State) -> Phrase:
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        raise SourceError(_origin(item, state), "a list item must be one paragraph (no nested lists)")
    return _phrase(item.children[0].children[0], "list-item", state)


def _definitions(node: _Node, state: _State) -> tuple:
    terms = [c for c in node.children if c.type == "dt"]
    details = [c for c in node.children if c.type == "dd"]
    if len(terms) != len(details):
        raise SourceError(_origin(node, state), "each glossary term needs exactly one definition")
    entries = []
    for term, detail in zip(terms, details):
        paragraphs = [c for c in detail.children if c.type == "paragraph"]
        if len(paragraphs) != 1 or len(detail.children) != 1:
            raise SourceError(_origin(detail, state), "a definition must be one paragraph")
        entries.append((_phrase(term.children[0], "glossary-term", state),
                        _phrase(paragraphs[0].children[0], "glossary-definition", state)))
    return tuple(entries)


def _phrase(inline_node: _Node, kind: str, state: _State) -> Phrase:
    origin = _origin(inline_node, state)
    if any(child.type == "html_inline" for child in inline_node.token.children or []):
        raise SourceError(origin, "raw HTML is not allowed in the source; use Markdown (**bold**, *italic*, [link](url))")
    try:
        nodes = inline.parse(inline_node.token.content)
    except inline.InlineError as error:
        raise SourceError(origin, str(error)) from None
    note, state.note = state.note, ""
    return Phrase(kind=kind, inlines=nodes, origin=origin, note=note)


def _origin(node: _Node, state: _State) -> Origin:
    line_map = getattr(node.token, "map", None)
    return Origin(state.path, line_map[0] + 1 if line_map else 1)


def _heading_id(phrase: Phrase, state: _State) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", inline.plain_text(phrase.inlines).lower()).strip("-")[:48] or "h"
    candidate, suffix = base, 2
    while candidate in state.used_ids:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    state.used_ids.add(candidate)
    return candidate


def _next_id(kind: str, state: _State) -> str:
    state.counters[kind] = state.counters.get(kind, 0) + 1
    block_id = f"{state.chapter_id}-{kind}-{state.counters[kind]}"
    state.used_ids.add(block_id)
    return block_id
