"""Repair the structure tree WeasyPrint 70 writes: one element per HTML element, one Link per link.

Requires pikepdf and a PDF rendered inside `fixups.tagging()` (every
structure element made for an HTML element carries /BcbookNode and
/BcbookTag). Guarantees, after `repair(pdf, link_titles)`:
- an element that a page break split into fragments (WeasyPrint issue
  #2903: a section, a paragraph, a list item) is one structure element
  again; its marked content on later pages is kept as /MCR references;
- a link is one /Link element: links nested in links (a link's printed
  address, `a::after`) are spliced into the outer link, and a Link with no
  text left is removed with its annotation;
- a glossary (<dl>) is an L whose LI each hold the term as Lbl and the
  definition as LBody;
- the ParentTree is rebuilt from the tree, so every MCID and annotation
  points at the element that owns it; the private keys are removed;
- every link annotation is printable (/F Print) and its /Contents says where
  it goes: `link_titles` maps an internal target (an id) to its title;
- a Figure's /BBox is in PDF points on its page (WeasyPrint writes CSS px).
"""

from __future__ import annotations

import pikepdf

_PRIVATE = ("/BcbookNode", "/BcbookTag")


def _is_element(node) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _moved(kid, source, target):
    """A kid of `source` as it must be written under `target` (MCIDs keep their page)."""
    if isinstance(kid, int):
        if "/Pg" in source and ("/Pg" not in target or source.Pg.objgen != target.Pg.objgen):
            return pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=source.Pg, MCID=int(kid))
        return int(kid)
    if _is_element(kid):
        kid.P = target
    return kid


def _merge_fragments(parent) -> None:
    """Join siblings that are fragments of one HTML element, then do the same inside each."""
    kept, first = [], {}
    for kid in _kids(parent):
        if _is_element(kid) and "/BcbookNode" in kid:
            key = (int(kid.BcbookNode), str(kid.S))
            if key in first:
                target = first[key]
                target.K = pikepdf.Array(_kids(target) + [_moved(k, kid, target) for k in _kids(kid)])
                continue
            first[key] = kid
        kept.append(kid)
    parent.K = pikepdf.Array(kept)
    for kid in kept:
        if _is_element(kid):
            _merge_fragments(kid)


def _flatten_links(parent, in_link: bool = False) -> None:
    """Splice every Link found inside a Link into its parent."""
    out = []
    for kid in _kids(parent):
        if _is_element(kid) and in_link and str(kid.S) == "/Link":
            _flatten_links(kid, True)
            out.extend(_moved(k, kid, parent) for k in _kids(kid))
            continue
        if _is_element(kid):
            _flatten_links(kid, in_link or str(kid.S) == "/Link")
        out.append(kid)
    parent.K = pikepdf.Array(out)


def _has_content(element) -> bool:
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            continue
        if not _is_element(kid) or _has_content(kid):
            return True
    return False


def _drop_empty_links(pdf: pikepdf.Pdf, parent) -> int:
    out, dropped = [], 0
    for kid in _kids(parent):
        if _is_element(kid) and str(kid.S) == "/Link" and not _has_content(kid):
            _remove_annotations(pdf, kid)
            dropped += 1
            continue
        if _is_element(kid):
            dropped += _drop_empty_links(pdf, kid)
        out.append(kid)
    parent.K = pikepdf.Array(out)
    return dropped


def _remove_annotations(pdf: pikepdf.Pdf, link) -> None:
    gone = {kid.Obj.objgen for kid in _kids(link) if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid}
    for page in pdf.pages:
        if "/Annots" in page:
            page.Annots = pikepdf.Array([a for a in page.Annots if a.objgen not in gone])


def _tag(element) -> str:
    return str(element.get("/BcbookTag", ""))


def _glossary_pairs(parent) -> None:
    """In an L made from <dl>: LI(dt) + LI(dd) -> one LI with Lbl (the term) and LBody (the definition)."""
    for kid in _kids(parent):
        if _is_element(kid):
            _glossary_pairs(kid)
    if not (str(parent.get("/S")) == "/L" and _tag(parent) == "dl"):
        return
    out, term = [], None
    for item in _kids(parent):
        if _is_element(item) and _tag(item) == "dt":
            for body in _kids(item):
                if _is_element(body) and str(body.S) == "/LBody":
                    body.S = pikepdf.Name.Lbl
            term = item
            out.append(item)
        elif _is_element(item) and _tag(item) == "dd" and term is not None:
            term.K = pikepdf.Array(_kids(term) + [_moved(k, item, term) for k in _kids(item)])
            term = None
        else:
            out.append(item)
    parent.K = pikepdf.Array(out)


def _owners(pdf: pikepdf.Pdf, root):
    """(page index, MCID) -> element and StructParent -> element, read from the tree."""
    page_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
    marks, objects, stack = {}, {}, list(_kids(root))
    while stack:
        element = stack.pop()
        if not _is_element(element):
            continue
        page = page_of.get(element.Pg.objgen) if "/Pg" in element else None
        for kid in _kids(element):
            if _is_element(kid):
                stack.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                marks[(page_of[kid.Pg.objgen], int(kid.MCID))] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                objects[int(kid.Obj.StructParent)] = element
            elif not isinstance(kid, pikepdf.Dictionary):
                marks[(page, int(kid))] = element
    return marks, objects


def _rebuild_parent_tree(pdf: pikepdf.Pdf) -> None:
    root = pdf.Root.StructTreeRoot
    marks, objects = _owners(pdf, root)
    nums = root.ParentTree.Nums
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if isinstance(value, pikepdf.Array):
            nums[index + 1] = pikepdf.Array([marks.get((key, mcid), None)
                                             for mcid in range(len(value))])
        else:  # an annotation: its Link, or nothing if the link was dropped as empty
            nums[index + 1] = objects.get(key)


def _strip_private(root) -> None:
    stack = list(_kids(root))
    while stack:
        element = stack.pop()
        if _is_element(element):
            for key in _PRIVATE:
                if key in element:
                    del element[key]
            stack.extend(_kids(element))


def _annotations(pdf: pikepdf.Pdf, link_titles: dict[str, str]) -> None:
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            annotation.F = int(annotation.get("/F", 0)) | 4  # Print
            target = str(annotation.get("/Contents", ""))
            if target in link_titles:
                annotation.Contents = pikepdf.String(link_titles[target])


def _figure_boxes(pdf: pikepdf.Pdf, root) -> None:
    """WeasyPrint writes a Figure's /BBox in CSS px from the page's top; rewrite it in PDF points."""
    stack = list(_kids(root))
    while stack:
        element = stack.pop()
        if not _is_element(element):
            continue
        stack.extend(_kids(element))
        if str(element.S) == "/Figure" and "/A" in element and "/BBox" in element.A and "/Pg" in element:
            height = float(element.Pg.MediaBox[3])
            x1, y1, x2, y2 = (float(value) * 0.75 for value in element.A.BBox)
            element.A.BBox = pikepdf.Array([round(x1, 2), round(height - y2, 2), round(x2, 2), round(height - y1, 2)])


def repair(pdf: pikepdf.Pdf, link_titles: dict[str, str]) -> None:
    """Apply every repair listed in the module docstring."""
    document = pdf.Root.StructTreeRoot.K[0]
    _merge_fragments(document)
    _flatten_links(document)
    _drop_empty_links(pdf, document)
    _glossary_pairs(document)
    _figure_boxes(pdf, document)
    _rebuild_parent_tree(pdf)
    _strip_private(document)
    _annotations(pdf, link_titles)
