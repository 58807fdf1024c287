"""`bcbook figures`: every figure of every language as SVG and PNG under build/figures/, for review by eye,
with its key (the words of the numbered callouts) beside it as <figure>-key.txt.

Requires the build's gather step and, for PNG, rsvg-convert (Debian
librsvg2-bin, which `make` installs). Guarantees: files are written
atomically; a missing rasteriser is a clear error, never a silent skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from lxml import etree

from .. import inline
from ..model import Figure
from .render import key_groups, render


def figures_of(book):
    for chapter in book.chapters:
        for block in chapter.blocks:
            if isinstance(block, Figure):
                yield block


def svg_bytes(block: Figure, book) -> bytes:
    """The figure's drawing as a standalone SVG file (numerals only; its key is in the XHTML)."""
    element, _ = render_block(block, book)
    return etree.tostring(element, xml_declaration=True, encoding="utf-8")


def render_block(block: Figure, book):
    """(svg element, [KeyEntry]) for a figure block of a translated book."""
    return render(block.panel, book.lang, book.direction, inline.plain_text(block.alt.inlines))


def key_words(block: Figure, book) -> dict:
    """{label key: Phrase} for the figure key: the figure's labels plus the interface words that head groups."""
    return {**book.labels, **dict(block.labels)}


def key_text(block: Figure, book) -> str:
    """The figure key as plain text: a heading line per group, then "number words" lines."""
    words = {key: inline.plain_text(phrase.inlines) for key, phrase in key_words(block, book).items()}
    lines = []
    for heading, entries in key_groups(render_block(block, book)[1]):
        lines.append(words[heading])
        lines += [f"{entry.number} {words[entry.label]}" for entry in entries]
    return "\n".join(lines) + "\n"


def export(editions, out_dir: Path, write, width: int = 1440) -> list[Path]:
    """Write <out>/<lang>/<figure>.svg and .png; return the PNG paths."""
    converter = shutil.which("rsvg-convert")
    if converter is None:
        raise FileNotFoundError("rsvg-convert not found: run `make` as root, or install librsvg2-bin")
    written = []
    for edition in editions:
        for block in figures_of(edition.book):
            svg_path = out_dir / edition.book.lang / f"{block.panel.id}.svg"
            write(svg_path, svg_bytes(block, edition.book))
            png = subprocess.run([converter, "--width", str(width), "--background-color", "white", str(svg_path)],
                                 capture_output=True, check=True).stdout
            write(svg_path.with_suffix(".png"), png)
            write(svg_path.with_name(f"{block.panel.id}-key.txt"), key_text(block, edition.book).encode("utf-8"))
            written.append(svg_path.with_suffix(".png"))
    return written
