"""Close WeasyPrint 70's PDF/UA gaps: per-element /Lang, <th scope>, RTL text order, page furniture; metadata.

Requires WeasyPrint 70 (pinned: `tagging()` wraps its private
`weasyprint.pdf.tags._build_box_tree` and `Stream.marked`) and pikepdf.
Guarantees:
- inside `tagging()`, every structure element whose HTML element has a
  `lang` attribute gets /Lang, every <th scope> gets /Scope, and every
  structure element made for an HTML element carries two private keys,
  /BcbookNode (the same number for every fragment of one HTML element, so
  `bcbook.pdf.structure` can join what a page break split) and /BcbookTag
  (the HTML tag); `structure.repair` removes both;
- inside `tagging()`, every run of text laid out right to left or holding
  right-to-left characters gets its characters in logical (reading) order as /ActualText in its
  marked-content properties; `mark_content(pdf)` then moves
  it onto the run's structure element, so assistive technology reading the
  tag tree gets Arabic as written, not in the visual order in which its
  glyphs are drawn, while page-based extraction (poppler's pdftotext,
  which reorders right-to-left glyphs itself) still sees the glyphs;
- `repair_to_unicode(pdf)` gives glyphs that WeasyPrint mapped to nothing
  (for example the dotted circle HarfBuzz draws for a lone Arabic mark) the
  code point their glyph name says, so no ToUnicode CMap has an empty entry,
  and gives a mirrored glyph ("parenleft" first drawn for ")" in a
  right-to-left run) back its own character, so "(" reads as "(" everywhere;
- `mark_content(pdf)` (or `artifact_page_furniture(pdf)` alone) turns the marked content of running
  footers and page numbers (tagged by WeasyPrint but linked to nothing in
  the structure tree) into /Artifact /Pagination, and empties their
  ParentTree slots, leaving every other byte of the content as it was;
- `document_metadata(pdf, book, stamp)` writes the same facts as the
  colophon and the EPUB into the document info and XMP: title, language,
  publisher, description, authors (dc:creator, /Author), the English
  text's medical reviewers and, once a translation is fully reviewed, its
  reviewers (dc:contributor, "Name (role, date)"), and the dates.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import unicodedata

import pikepdf
from fontTools import agl
from fontTools.ttLib import TTFont
import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as weasy_stream
from weasyprint.pdf import tags

from .. import inline
from ..review import display_name

_ORIGINAL = getattr(tags, "_build_box_tree", None)
_ORIGINAL_MARKED = weasy_stream.Stream.marked
_SKIP = ("html", "body")
_NODES: dict[int, int] = {}  # id(HTML element) -> its /BcbookNode number, during one render
_RTL = ("R", "AL")


def _with_lang(box, parent, pdf, *rest):
    for element in _ORIGINAL(box, parent, pdf, *rest):
        html = getattr(box, "element", None)
        if html is not None and getattr(box, "element_tag", None) not in _SKIP and element.get("P") is not None:
            _annotate(element, html, box.element_tag)
        yield element


def _annotate(element, html, tag: str) -> None:
    lang = html.get("lang")
    if lang and "Lang" not in element:
        element["Lang"] = pydyf.String(lang)
    scope = html.get("scope")
    if tag == "th" and scope in ("col", "row"):
        element["Scope"] = "/Column" if scope == "col" else "/Row"
    if "BcbookNode" not in element:
        element["BcbookNode"] = _NODES.setdefault(id(html), len(_NODES) + 1)
        element["BcbookTag"] = pydyf.String(tag)


def needs_actual_text(text: str) -> bool:
    """True when a run holds right-to-left letters (drawn in visual order, read in logical order)."""
    return any(unicodedata.bidirectional(char) in _RTL for char in text)


@contextlib.contextmanager
def _marked(self, box, tag):
    """Stream.marked, plus /ActualText (the logical text) on runs of right-to-left text.

    Runs in a right-to-left paragraph get it even without Arabic letters: their
    parentheses are drawn mirrored and in visual order too.
    """
    if self._tags is None or not isinstance(box, boxes.TextBox) or not (
            box.style["direction"] == "rtl" or needs_actual_text(box.text)):
        with _ORIGINAL_MARKED(self, box, tag):
            yield
        return
    mcid = len(self._tags)
    self._tags[box] = {"tag": tag, "mcid": mcid}
    properties = pydyf.Dictionary({"MCID": mcid, "ActualText": pydyf.String(box.text)})
    pydyf.Stream.begin_marked_content(self, tag, properties)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(self)


@contextlib.contextmanager
def tagging():
    """While active, WeasyPrint writes /Lang, /Scope, node keys and RTL /ActualText."""
    if _ORIGINAL is None:
        raise RuntimeError("this WeasyPrint has no pdf.tags._build_box_tree: bcbook needs weasyprint 70.0")
    tags._build_box_tree, weasy_stream.Stream.marked = _with_lang, _marked
    _NODES.clear()
    try:
        yield
    finally:
        tags._build_box_tree, weasy_stream.Stream.marked = _ORIGINAL, _ORIGINAL_MARKED
        _NODES.clear()


def _reachable(root) -> set[tuple[int, int]]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") not in (None, "/StructElem"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return seen


def artifact_page_furniture(pdf: pikepdf.Pdf) -> int:
    """Mark unlinked marked content (footers, page numbers) as pagination artifacts; return how many."""
    return mark_content(pdf, actual_text=False)[0]


def mark_content(pdf: pikepdf.Pdf, actual_text: bool = True) -> tuple[int, int]:
    """In one pass over each page's content stream: unlinked marked content (footers, page numbers) becomes
    a pagination artifact, and (with `actual_text`) /ActualText moves from marked-content properties onto
    the structure elements. Returns (artifacts marked, /ActualText moved)."""
    root = pdf.Root.StructTreeRoot
    reachable, nums = _reachable(root.K), root.ParentTree.Nums
    slots = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], pikepdf.Array)}
    marked = moved = 0
    for index, page in enumerate(pdf.pages):
        page_slots = slots.get(index, ())
        orphans = {mcid for mcid, element in enumerate(page_slots)
                   if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable}
        found, artifacts = _rewrite_page(pdf, page, orphans, actual_text)
        for mcid in orphans:
            page_slots[mcid] = pikepdf.Null() if hasattr(pikepdf, "Null") else None
        marked += artifacts
        for mcid, text in found.items():
            element = page_slots[mcid]
            if isinstance(element, pikepdf.Dictionary):
                page_slots[mcid] = _carrier(pdf, element, mcid)
                page_slots[mcid].ActualText = text
                moved += 1
    return marked, moved


_BDC = pikepdf.Operator("BDC")


def _rewrite_page(pdf: pikepdf.Pdf, page, orphans: set[int], actual_text: bool) -> tuple[dict, int]:
    """Rewrite one page's marked-content properties (module docstring): ({MCID: its /ActualText} of the
    runs whose text was taken off, how many runs became artifacts). The stream is written again only if
    something changed; each instruction is parsed once and copied as it was unless it is rewritten."""
    instructions, found, artifacts = [], {}, 0
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands if instruction.operator == _BDC else ()
        properties = operands[1] if len(operands) == 2 else None
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            mcid = int(properties.MCID)
            if mcid in orphans:
                instruction = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)], _BDC)
                artifacts += 1
            elif actual_text and "/ActualText" in properties:
                found[mcid] = properties.ActualText
                instruction = pikepdf.ContentStreamInstruction(
                    [operands[0], pikepdf.Dictionary(MCID=properties.MCID)], _BDC)
        instructions.append(instruction)
    if artifacts or found:
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return found, artifacts


def document_metadata(pdf: pikepdf.Pdf, book, stamp: datetime.datetime) -> None:
    """Document info and XMP for one edition (see the module docstring); no build-clock dates."""
    meta = book.meta
    title, description = inline.plain_text(meta.title.inlines), inline.plain_text(meta.description.inlines)
    authors = [person.name for person in meta.authors] or [meta.publisher]
    contributors = [f"{p.name} (medical review of the English text, {p.date})" for p in meta.medical_reviewers]
    contributors += [f"{display_name(p.name)} (medical review of the translation, {p.date})"
                     for p in book.translation_reviewers]
    info = pdf.docinfo
    info["/Title"], info["/Author"], info["/Subject"] = title, "; ".join(authors), description
    info["/Creator"] = "bcbook"
    info["/CreationDate"] = info["/ModDate"] = stamp.strftime("D:%Y%m%d%H%M%SZ")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"], xmp["dc:description"] = title, description
        xmp["dc:language"], xmp["dc:publisher"], xmp["dc:creator"] = [book.lang], [meta.publisher], authors
        if contributors:
            xmp["dc:contributor"] = contributors
        xmp["dc:date"] = [meta.updated, *sorted({p.date for p in (*meta.medical_reviewers,
                                                                   *book.translation_reviewers)})]
        xmp["xmp:CreateDate"] = xmp["xmp:ModifyDate"] = xmp["xmp:MetadataDate"] = stamp.isoformat()


def _carrier(pdf: pikepdf.Pdf, element, mcid: int):
    """The element that holds only this MCID: the element itself, or a new Span in its place (links)."""
    kids = element.K if isinstance(element.K, pikepdf.Array) else pikepdf.Array([element.K])
    if len(kids) == 1:
        return element
    span = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span, P=element,
                                                Pg=element.Pg, K=pikepdf.Array([mcid])))
    element.K = pikepdf.Array([span if isinstance(kid, int) and int(kid) == mcid else kid for kid in kids])
    return span


_ENTRY = re.compile(rb"^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>\s*$", re.M)


def repair_to_unicode(pdf: pikepdf.Pdf) -> int:
    """Make each ToUnicode entry say the glyph's own character; return how many fonts changed.

    Empty entries get the code point of their glyph name (uniXXXX) or are dropped. A
    mirrored pair is put right: HarfBuzz draws ")" in right-to-left text with the glyph
    "parenleft", and WeasyPrint maps each glyph to the first character it drew, so every
    "(" of the book would read as ")"; right-to-left runs carry /ActualText, so the glyph
    keeps the character its name says.
    """
    repaired = 0
    for font in pdf.objects:
        if not isinstance(font, pikepdf.Dictionary) or "/ToUnicode" not in font or "/DescendantFonts" not in font:
            continue
        data = font.ToUnicode.read_bytes()
        if not any(_suspect(match) for match in _ENTRY.finditer(data)):
            continue
        names = _glyph_names(font)
        fixed = _recount(_ENTRY.sub(lambda match: _entry(match, names), data))
        if fixed != data:
            font.ToUnicode = pdf.make_stream(fixed)
            repaired += 1
    return repaired


def _mapped(match) -> str:
    code = match.group(2)
    return bytes.fromhex(code.decode()).decode("utf-16-be", "replace") if len(code) % 4 == 0 else ""


def _suspect(match) -> bool:
    text = _mapped(match)
    return not text or (len(text) == 1 and unicodedata.mirrored(text))


def _glyph_names(font) -> list[str]:
    program = font.DescendantFonts[0].FontDescriptor.get("/FontFile2")
    if program is None:
        return []
    with TTFont(io.BytesIO(program.read_bytes())) as parsed:
        return parsed.getGlyphOrder()


def _entry(match, names: list[str]) -> bytes:
    if not _suspect(match):
        return match.group(0)
    gid = int(match.group(1), 16)
    own = agl.toUnicode(names[gid]) if gid < len(names) else ""
    if not match.group(2) and not own:
        return b""
    if not match.group(2) or (len(own) == 1 and unicodedata.mirrored(own) and own != _mapped(match)):
        return b"<" + match.group(1) + b"> <" + own.encode("utf-16-be").hex().upper().encode() + b">"
    return match.group(0)


def _recount(data: bytes) -> bytes:
    """Rewrite each "N beginbfchar" count to the entries that remain."""
    def count(block):
        entries = len(re.findall(rb"^<[0-9a-fA-F]+>\s*<[0-9a-fA-F]+>\s*$", block.group(2), re.M))
        return str(entries).encode() + b" beginbfchar" + block.group(2) + b"endbfchar"
    return re.sub(rb"(\d+) beginbfchar(.*?)endbfchar", count, data, flags=re.S)
