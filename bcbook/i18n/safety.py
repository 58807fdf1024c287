"""Translation safety: a translation is untrusted text, checked before use.

Requires bcbook.inline. Guarantees: `check` returns the parsed inline nodes
of a translation only when it keeps the source's structure: the same count
of bold, italic and links; the same {placeholders}; link targets unchanged
or https on an allowed host; no HTML-looking tags; no markup left broken.
Otherwise it raises UnsafeTranslation with a reason a translator can act on.
Even a translation that passes is rendered from nodes, never as raw text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import inline
from ..model import Inline

_TAG = re.compile(r"</?[A-Za-z!][^>]*>?")
_BROKEN = ("**", "__", "](", "[", "]")


class UnsafeTranslation(ValueError):
    """The translation would change the book's structure or inject markup."""


def check(source: tuple[Inline, ...], msgstr: str, allowed_hosts: tuple[str, ...]) -> tuple[Inline, ...]:
    """Parse `msgstr` and verify it against the source nodes; return the safe nodes."""
    msgid = inline.to_markdown(source)
    if _TAG.search(msgstr) and not _TAG.search(msgid):
        raise UnsafeTranslation(f"contains HTML markup {_TAG.search(msgstr).group(0)!r}; translations are plain text")
    try:
        nodes = inline.parse(msgstr)
    except inline.InlineError as error:
        raise UnsafeTranslation(str(error)) from None
    _same_markup(source, nodes)
    _no_broken_markup(source, nodes)
    _same_placeholders(source, nodes)
    _allowed_targets(source, nodes, allowed_hosts)
    return nodes


def _same_markup(source, nodes) -> None:
    expected, found = inline.markup_counts(source), inline.markup_counts(nodes)
    if expected != found:
        raise UnsafeTranslation(
            f"inline markup differs from the source: expected {_describe(expected)}, found {_describe(found)}"
        )


def _describe(counts) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"


def _no_broken_markup(source, nodes) -> None:
    source_text, text = inline.plain_text(source), inline.plain_text(nodes)
    for marker in _BROKEN:
        if text.count(marker) > source_text.count(marker):
            raise UnsafeTranslation(f"unbalanced markup: a literal {marker!r} is left in the text")


def _same_placeholders(source, nodes) -> None:
    try:
        expected = inline.placeholders(inline.plain_text(source))
        found = inline.placeholders(inline.plain_text(nodes))
    except inline.InlineError as error:
        raise UnsafeTranslation(str(error)) from None
    if expected != found:
        raise UnsafeTranslation(
            f"placeholders differ: expected {sorted(expected.elements())}, found {sorted(found.elements())}"
        )


def _allowed_targets(source, nodes, allowed_hosts) -> None:
    known = set(inline.link_targets(source))
    for target in inline.link_targets(nodes):
        if target in known:
            continue
        parts = urlsplit(target)
        if parts.scheme != "https" or parts.hostname not in allowed_hosts:
            raise UnsafeTranslation(
                f"link target changed to {target!r}; keep the source's address or use https on "
                f"an allowed host ({', '.join(allowed_hosts) or 'none configured'})"
            )
