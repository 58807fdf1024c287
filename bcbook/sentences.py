"""Sentences: one splitter for the narration and the text, so every spoken sentence has its own span.

Requires the inline model only. Guarantees: `split_text(text)` gives the
sentences the narration speaks (split after . ! ? … ؟ and any closing
quotes or brackets, when the next word does not start in lower case; in
Chinese after 。！？), whitespace normalised; `split_inlines(nodes)` cuts an
inline tree at the same places, each piece keeping its marks (strong,
emphasis, links, language spans), with the text between pieces (spaces)
returned too, so that joining pieces and gaps gives back the phrase and
`[normalised plain_text(piece)] == split_text(plain_text(nodes))` except
that a sentence boundary inside a link is dropped (a link is never cut);
`SentenceIds(owner)` numbers the sentences of one block, `owner-s1`,
`owner-s2`, ..., identically in the XHTML writer and the narration script.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .inline import plain_text
from .model import Link, Text

_NO_SPACE_SCRIPTS = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_CJK_END = re.compile(r"[。！？][”’」』）)]*")
_END = re.compile(r"(?<!\b[A-Z])[.!?…؟][\"”’»)]*(?=\s+[^a-zà-ÿ\s])")  # not after an initial ("Susan G.")


def spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, outer whitespace excluded."""
    ends = [match.end() for match in (_CJK_END if _NO_SPACE_SCRIPTS.search(text) else _END).finditer(text)]
    found, start = [], 0
    for end in ends + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            found.append((start + lead, start + len(piece.rstrip())))
        start = end
    return found


def split_text(text: str) -> list[str]:
    """The sentences of a text, each with its whitespace normalised."""
    return [" ".join(text[start:end].split()) for start, end in spans(text)]


def _cut(nodes: tuple, start: int, end: int) -> tuple:
    """The part of an inline tree between two offsets of its plain text, marks kept."""
    out, position = [], 0
    for node in nodes:
        length = len(plain_text((node,)))
        low, high = max(start, position), min(end, position + length)
        if low < high:
            if isinstance(node, Text):
                out.append(Text(node.text[low - position:high - position]))
            else:
                out.append(replace(node, children=_cut(node.children, low - position, high - position)))
        position += length
    return tuple(out)


def _link_ranges(nodes: tuple, position: int = 0) -> list[tuple[int, int]]:
    found = []
    for node in nodes:
        length = len(plain_text((node,)))
        if isinstance(node, Link):
            found.append((position, position + length))
        elif not isinstance(node, Text):
            found += _link_ranges(node.children, position)
        position += length
    return found


def _keep_links_whole(found: list[tuple[int, int]], links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join two sentences whose boundary falls inside a link: a link is never cut in two."""
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and any(low < merged[-1][1] and start < high for low, high in links):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def split_inlines(nodes: tuple) -> tuple[list[tuple], list[str]]:
    """(pieces, gaps): one inline tuple per sentence (a link stays within one), and the plain text
    before, between and after them (len(gaps) == len(pieces) + 1); no sentences gives ([], [text])."""
    text = plain_text(nodes)
    found = _keep_links_whole(spans(text), _link_ranges(nodes))
    pieces = [_cut(nodes, start, end) for start, end in found]
    bounds = [0] + [offset for span in found for offset in span] + [len(text)]
    gaps = [text[bounds[index]:bounds[index + 1]] for index in range(0, len(bounds), 2)]
    return pieces, gaps


class SentenceIds:
    """Ids for the sentences of one block, in reading order: `<owner>-s1`, `<owner>-s2`, ..."""

    def __init__(self, owner: str):
        self.owner, self.count = owner, 0

    def next(self) -> str:
        self.count += 1
        return f"{self.owner}-s{self.count}"
