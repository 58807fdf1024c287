"""Inline Markdown subset <-> inline nodes, for source text and translations alike.

Requires markdown-it-py and mdit-py-plugins. Guarantees: raw HTML is never
recognised (it stays text, so writers escape it); only **strong**,
*emphasis*, [links](url) and language spans `[words]{lang=en}` (a span may
set `lang` to a language code and nothing else) become markup; anything else the parser finds (code, images, hard breaks)
is reported by `parse` as a problem instead of being rendered.
`to_markdown(parse(s))` is the canonical spelling of `s`: the extractor
and the builder both use it as the msgid, so the two always agree.
"""

from __future__ import annotations

import re
import string
from collections import Counter

from functools import cache

from .model import Emph, Inline, Link, Span, Strong, Text

_OPENERS = {"strong_open": Strong, "em_open": Emph, "link_open": Link, "span_open": Span}
_CLOSERS = {"strong_close", "em_close", "link_close", "span_close"}
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_SPECIAL = re.compile(r"([\\*_\[\]`<])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


class InlineError(ValueError):
    """The text uses markup this book does not allow."""


# No character that starts any inline rule of the parser (escape, code, emphasis, links and spans, autolinks and
# HTML, entities, images, line breaks; ~ in case strikethrough is on): such text is one Text node, as parsing says.
_PLAIN = re.compile(r"[^\\`*_\[\]<>&!{}~\r\n]*")


def parse(source: str) -> tuple[Inline, ...]:
    """Parse one block's inline Markdown into nodes; raise InlineError on disallowed markup."""
    text = source.strip()
    if _PLAIN.fullmatch(text):  # most sentences: no markup possible (a test compares this with the parser)
        return (Text(text),) if text else ()
    tokens = _parser().parseInline(text)[0].children or []
    nodes, rest = _build(tokens, 0)
    if rest != len(tokens):
        raise InlineError("unbalanced markup")
    return _merge_text(nodes)


@cache
def _parser():
    """markdown-it, made on first use: a command that parses no text (`bcbook stats` from its cache,
    `--help`) does not import it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).use(
        attrs_plugin, spans=True)


def _build(tokens, start: int) -> tuple[list[Inline], int]:
    nodes: list[Inline] = []
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.type in _CLOSERS:
            return nodes, index
        if token.type in ("text", "text_special"):
            nodes.append(Text(token.content))
        elif token.type == "softbreak":
            nodes.append(Text(" "))
        elif token.type in _OPENERS:
            children, index = _build(tokens, index + 1)
            nodes.append(_make(token, tuple(_merge_text(children))))
        else:
            raise InlineError(f"{token.type.replace('_', ' ')} is not allowed here")
        index += 1
    return nodes, index


def _make(token, children: tuple[Inline, ...]) -> Inline:
    if token.type == "link_open":
        if set(token.attrs) - {"href"}:
            raise InlineError("a link may not carry {attributes}")
        return Link(str(token.attrs.get("href", "")), children)
    if token.type == "span_open":
        lang = str(token.attrs.get("lang", ""))
        if set(token.attrs) != {"lang"} or not _LANGUAGE_CODE.fullmatch(lang):
            raise InlineError("a [span]{...} may only give a language code, as in [words]{lang=en}")
        return Span(lang, children)
    return _OPENERS[token.type](children)


def _merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and not node.text:
            continue
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


_SPELLED: dict[int, tuple[tuple, str]] = {}  # id(nodes) -> (nodes, their spelling): the nodes are kept alive
_SPELLED_MAX = 100_000


def to_markdown(nodes: tuple[Inline, ...]) -> str:
    """Spell nodes as canonical inline Markdown (the msgid form). Each language looks the same source
    phrases up, so a spelling is remembered for the very tuple it was made from (nodes are immutable)."""
    if type(nodes) is not tuple:  # a list may change: spell it each time
        return "".join(_node_markdown(node) for node in nodes)
    known = _SPELLED.get(id(nodes))
    if known is not None and known[0] is nodes:
        return known[1]
    spelled = "".join(_node_markdown(node) for node in nodes)
    if len(_SPELLED) >= _SPELLED_MAX:
        _SPELLED.clear()
    _SPELLED[id(nodes)] = (nodes, spelled)
    return spelled


def _node_markdown(node: Inline) -> str:
    if isinstance(node, Text):
        return _ENTITY_LIKE.sub(r"\\&", _SPECIAL.sub(r"\\\1", node.text))
    inner = to_markdown(node.children)
    if isinstance(node, Strong):
        return f"**{inner}**"
    if isinstance(node, Emph):
        return f"*{inner}*"
    if isinstance(node, Span):
        return f"[{inner}]{{lang={node.lang}}}"
    target = f"<{node.target}>" if re.search(r"[\s()<>]", node.target) else node.target
    return f"[{inner}]({target})"


def plain_text(nodes: tuple[Inline, ...]) -> str:
    """The words alone, without markup (for titles, alt text and speech)."""
    return "".join(node.text if isinstance(node, Text) else plain_text(node.children) for node in nodes)


def map_text(nodes: tuple[Inline, ...], change) -> tuple[Inline, ...]:
    """Apply `change` to every Text node's string, keeping the markup as it is."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(Text(change(node.text)))
        elif isinstance(node, Link):
            out.append(Link(node.target, map_text(node.children, change)))
        elif isinstance(node, Span):
            out.append(Span(node.lang, map_text(node.children, change)))
        else:
            out.append(type(node)(map_text(node.children, change)))
    return tuple(out)


def markup_counts(nodes: tuple[Inline, ...]) -> Counter:
    """How many strong, emphasis and link nodes the text has (language spans are free to add)."""
    counts: Counter = Counter()
    for node in nodes:
        if isinstance(node, Span):
            counts += markup_counts(node.children)
        elif not isinstance(node, Text):
            counts[type(node).__name__.lower()] += 1
            counts += markup_counts(node.children)
    return counts


def link_targets(nodes: tuple[Inline, ...]) -> list[str]:
    """Every link target, in order."""
    targets: list[str] = []
    for node in nodes:
        if isinstance(node, Link):
            targets.append(node.target)
        if not isinstance(node, Text):
            targets.extend(link_targets(node.children))
    return targets


def placeholders(text: str) -> Counter:
    """The `{name}` fields of a string; raise InlineError on stray braces."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise InlineError(f"stray brace: {error}") from None
    return Counter(fields)
