"""Read a built PDF the way a reader and a screen reader do: drawn glyphs, the tag tree, links.

Requires pdfminer.six (drawn glyphs with their size in pt and their box)
and pikepdf (structure tree, annotations). Guarantees: `glyphs(path)` gives
every drawn character with its page, size, box, the marked-content id
(MCID) it belongs to and whether it is an artifact; `tag_tree(path)`
gives every structure element in reading order with the MCIDs it owns
(page, MCID), and `element_text` reads an element as assistive technology
does: the text of its marked content in structure order, with /ActualText
(on the element or on the marked content) replacing the drawn glyphs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.psparser import PSLiteral


@dataclass
class Glyph:
    page: int
    text: str
    size: float
    box: tuple[float, float, float, float]
    mcid: int | None
    artifact: bool


class _Recorder(PDFPageAggregator):
    """Keeps the stack of marked-content properties, so each glyph knows its MCID."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stack: list[tuple[str, dict]] = []
        self.glyphs: list[Glyph] = []
        self.actual: dict[int, str] = {}
        self.page_index = 0

    def begin_tag(self, tag, props=None):
        name = tag.name if isinstance(tag, PSLiteral) else str(tag)
        props = props if isinstance(props, dict) else {}
        if "MCID" in props and "ActualText" in props:
            self.actual[props["MCID"]] = _decode(props["ActualText"])
        self.stack.append((name, props))

    def end_tag(self):
        if self.stack:
            self.stack.pop()

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        width = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        item = self.cur_item._objs[-1]
        if isinstance(item, LTChar):
            mcids = [props["MCID"] for _, props in self.stack if "MCID" in props]
            artifact = any(name == "Artifact" for name, _ in self.stack)
            self.glyphs.append(Glyph(self.page_index, item.get_text(), item.size, item.bbox,
                                     mcids[-1] if mcids else None, artifact))
        return width


def _decode(value) -> str:
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff"):
            return value[2:].decode("utf-16-be")
        return value.decode("latin-1")
    return str(value)


@dataclass
class Page:
    index: int
    box: tuple[float, float, float, float]
    glyphs: list[Glyph]
    actual_text: dict[int, str]


def pages(path: Path) -> list[Page]:
    """Every page's drawn glyphs and its marked-content ActualText by MCID."""
    manager = PDFResourceManager()
    device = _Recorder(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    out = []
    with open(path, "rb") as handle:
        for index, page in enumerate(PDFPage.get_pages(handle)):
            device.page_index, device.glyphs, device.actual = index, [], {}
            interpreter.process_page(page)
            out.append(Page(index, tuple(float(v) for v in (page.attrs.get("TrimBox") or page.mediabox)),
                            device.glyphs, device.actual))
    return out


@dataclass
class Element:
    kind: str
    obj: pikepdf.Dictionary
    depth: int
    ancestors: tuple[str, ...]
    content: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID) owned directly
    actual_text: str | None = None
    lang: str | None = None


def tag_tree(pdf: pikepdf.Pdf) -> list[Element]:
    """Every structure element, depth first in reading order, with the marked content it owns."""
    page_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
    out: list[Element] = []

    def walk(node, depth, ancestors, page):
        element = Element(str(node.S)[1:], node, depth, ancestors,
                          actual_text=str(node.ActualText) if "/ActualText" in node else None,
                          lang=str(node.Lang) if "/Lang" in node else None)
        out.append(element)
        page = page_of.get(node.Pg.objgen, page) if "/Pg" in node else page
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        for kid in kids:
            if isinstance(kid, int):
                element.content.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                element.content.append((page_of.get(kid.Pg.objgen, page) if "/Pg" in kid else page, int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, depth + 1, ancestors + (element.kind,), page)

    for top in pdf.Root.StructTreeRoot.K if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array) \
            else [pdf.Root.StructTreeRoot.K]:
        walk(top, 0, (), 0)
    return out


def subtree(elements: list[Element], start: int) -> list[Element]:
    """The element at `start` and all its descendants."""
    depth, end = elements[start].depth, start + 1
    while end < len(elements) and elements[end].depth > depth:
        end += 1
    return elements[start:end]


def mcid_text(page_list: list[Page]) -> dict[tuple[int, int], str]:
    """The text a screen reader gets for each (page, MCID): its ActualText, else its glyphs in drawn order."""
    texts: dict[tuple[int, int], str] = {}
    for page in page_list:
        for glyph in page.glyphs:
            if glyph.mcid is not None:
                key = (page.index, glyph.mcid)
                texts[key] = texts.get(key, "") + glyph.text
        for mcid, text in page.actual_text.items():
            texts[(page.index, mcid)] = text
    return texts


def element_text(elements: list[Element], start: int, texts: dict[tuple[int, int], str]) -> str:
    """An element's text in structure order (its /ActualText wins over its content)."""
    parts = []
    skip_depth = None
    for element in subtree(elements, start):
        if skip_depth is not None and element.depth > skip_depth:
            continue
        skip_depth = None
        if element.actual_text is not None:
            parts.append(element.actual_text)
            skip_depth = element.depth
            continue
        parts.extend(texts.get(key, "") for key in element.content)
    return " ".join(part for part in parts if part)


def squeeze(text: str) -> str:
    """NFC, without whitespace or bidi controls: for comparing strings across line breaks."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def element_pages(elements: list[Element], start: int) -> list[int]:
    """The pages (0-based, sorted) on which an element or its descendants have marked content."""
    return sorted({page for element in subtree(elements, start) for page, _ in element.content})


def children(elements: list[Element], start: int) -> list[int]:
    """Indices of an element's direct children."""
    depth = elements[start].depth
    return [start + offset for offset, element in enumerate(subtree(elements, start)) if element.depth == depth + 1]
