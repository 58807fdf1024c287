"""A small SVG canvas: shapes in one group, real <text> labels in another, mirrored for right-to-left.

Requires lxml. Guarantees: ids are derived from the figure id (several
figures can share one XHTML document); the output has no random ids and
no timestamps; with direction "rtl" the artwork is mirrored as a whole and
every label is placed at the mirrored point with its anchor swapped, so
the words read right to left and are never drawn mirrored. Anchors are
absolute (the SVG keeps direction ltr; bidi orders the letters inside
each label), so no renderer swaps them a second time.
"""

from __future__ import annotations

from lxml import etree

from ..wrapping import wrap
from . import palette

SVG_NS = "http://www.w3.org/2000/svg"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


class Canvas:
    """Collects shapes and labels for one figure of `width` x `height` user units."""

    def __init__(self, figure_id: str, width: int, height: int, direction: str = "ltr",
                 font_family: str = "sans-serif"):
        self.id, self.width, self.height, self.rtl = figure_id, width, height, direction == "rtl"
        self.root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        self.defs = self.sub(self.root, "defs")
        self.art = self.sub(self.root, "g", id=f"{figure_id}-art")
        if self.rtl:
            self.art.set("transform", f"matrix(-1 0 0 1 {width} 0)")
        self.labels = self.sub(self.root, "g", id=f"{figure_id}-labels")
        self.labels.set("font-family", font_family)
        self._patterns()

    @staticmethod
    def sub(parent, tag: str, **attrs) -> etree._Element:
        element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
        for key, value in attrs.items():
            element.set(key.rstrip("_").replace("_", "-"), _fmt(value))
        return element

    def ref(self, name: str) -> str:
        return f"url(#{self.id}-{name})"

    def _patterns(self) -> None:
        hatch = self.sub(self.defs, "pattern", id=f"{self.id}-hatch", patternUnits="userSpaceOnUse",
                         width=7, height=7)
        self.sub(hatch, "rect", width=7, height=7, fill=palette.CATEGORIES["tumor"][0])
        self.sub(hatch, "path", d="M-1,1 l2,-2 M0,7 l7,-7 M6,8 l2,-2 M-1,6 l2,2 M0,0 l7,7 M6,-1 l2,2",
                 stroke="#000000", stroke_width=1.1)
        arrow = self.sub(self.defs, "marker", id=f"{self.id}-arrow", viewBox="0 0 10 10", refX=8, refY=5,
                         markerWidth=7, markerHeight=7, orient="auto")
        self.sub(arrow, "path", d="M0,0 L10,5 L0,10 Z", fill=palette.OKABE_ITO["vermillion"])
        fat = self.sub(self.defs, "pattern", id=f"{self.id}-fat", patternUnits="userSpaceOnUse", width=26, height=22)
        self.sub(fat, "rect", width=26, height=22, fill=palette.FAT)
        self.sub(fat, "path", d="M3,11 q5,-9 10,0 q-5,9 -10,0 M16,2 q4,-6 8,0 q-4,6 -8,0 M16,20 q4,-6 8,0",
                 fill="none", stroke="#EBCF9F", stroke_width=1)

    # -- shapes (in the mirrored art group) -------------------------------------------

    def path(self, d: str, fill: str = "none", stroke: str = palette.OUTLINE, width: float = 1.5,
             dashed: bool = False, parent=None, **extra) -> etree._Element:
        attrs = {"d": d, "fill": fill, "stroke": stroke, "stroke_width": width, **extra}
        if dashed:
            attrs["stroke_dasharray"] = "5 3"
        return self.sub(self.art if parent is None else parent, "path", **attrs)

    def ellipse(self, cx, cy, rx, ry, fill=palette.PAPER, stroke=palette.OUTLINE, width=1.3, rotate=0,
                parent=None, **extra) -> etree._Element:
        attrs = {"cx": cx, "cy": cy, "rx": rx, "ry": ry, "fill": fill, "stroke": stroke, "stroke_width": width,
                 **extra}
        if rotate:
            attrs["transform"] = f"rotate({_fmt(rotate)} {_fmt(cx)} {_fmt(cy)})"
        return self.sub(self.art if parent is None else parent, "ellipse", **attrs)

    def group(self, name: str) -> etree._Element:
        """A named group in the art, so tests can find what was drawn (for example 'axillary')."""
        return self.sub(self.art, "g", id=f"{self.id}-{name}")

    # -- labels (never mirrored) --------------------------------------------------------

    def label(self, text: str, x: float, y: float, anchor: str = "start", size: int = 15,
              target: tuple[float, float] | None = None, width: int = 26, weight: str = "normal") -> None:
        """A label at (x, y) in left-to-right coordinates, with an optional leader line to `target`."""
        if target is not None:
            self.path(f"M{_fmt(x)},{_fmt(y - 5)} L{_fmt(target[0])},{_fmt(target[1])}",
                      stroke=palette.LEADER, width=1)
            self.ellipse(target[0], target[1], 2, 2, fill=palette.LEADER, stroke="none", width=0)
        if self.rtl:
            x = self.width - x
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        lines = wrap(text, width)
        top = y - (len(lines) - 1) * size * 0.6
        node = self.sub(self.labels, "text", x=x, y=top, fill=palette.TEXT, font_size=size, text_anchor=anchor,
                        font_weight=weight)
        for index, line in enumerate(lines):
            span = self.sub(node, "tspan", x=x, dy=0 if index == 0 else round(size * 1.2, 1))
            span.text = line

    def finish(self, title: str, description: str, lang: str) -> etree._Element:
        """Add <title> and <desc> (first children, for assistive technology) and the root attributes."""
        root = self.root
        for key, value in {"viewBox": f"0 0 {self.width} {self.height}", "role": "img",
                           "aria-labelledby": f"{self.id}-title", "aria-describedby": f"{self.id}-desc",
                           "class": "figure-art"}.items():
            root.set(key, value)
        root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        desc = etree.Element(f"{{{SVG_NS}}}desc", id=f"{self.id}-desc")
        desc.text = description
        heading = etree.Element(f"{{{SVG_NS}}}title", id=f"{self.id}-title")
        heading.text = title
        root.insert(0, desc)
        root.insert(0, heading)
        return root
