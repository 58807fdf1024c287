"""A small SVG canvas: shapes in one group, numbered callouts in another, mirrored for right-to-left.

Requires lxml. Guarantees: ids are derived from the figure id (several
figures can share one XHTML document); the output has no random ids and
no timestamps; the drawing holds no words, only numerals in callout discs
(every word goes to the figure key, which the XHTML writer turns into an
HTML list, so it is shaped, reflowed and enlarged like body text). With
direction "rtl" the artwork is mirrored as a whole and each disc is placed
at the mirrored point; numerals are never mirrored. The <svg> sets
direction="ltr" explicitly, so a right-to-left page cannot flip anything
a second time. Leader lines are a dark line on a light casing and callout
discs are light with a dark rim, so both keep contrast on light and on
dark (night mode) pages; the background is transparent.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import palette

SVG_NS = "http://www.w3.org/2000/svg"
CALLOUT_RADIUS = 23   # user units; the disc around a numeral
NUMERAL_SIZE = 34     # user units; see README (EPUB, PDF) for the sizes this gives on a phone and on paper


@dataclass(frozen=True)
class KeyEntry:
    """One numbered callout: which part of the figure (front, side, size, legend), its number, and the
    figure-label key (stages.toml [labels]) whose words the key shows."""
    group: str
    number: int
    label: str


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


class Canvas:
    """Collects shapes and callouts for one figure; `left`/`width` crop the view symmetrically about the mirror line."""

    def __init__(self, figure_id: str, view: tuple[int, int, int], direction: str = "ltr",
                 font_family: str = "sans-serif"):
        self.left, self.width, self.height = view
        self.id, self.rtl, self.mirror = figure_id, direction == "rtl", 2 * self.left + self.width
        self.keys: list[KeyEntry] = []
        self.root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        self.defs = self.sub(self.root, "defs")
        self.art = self.sub(self.root, "g", id=f"{figure_id}-art")
        if self.rtl:
            self.art.set("transform", f"matrix(-1 0 0 1 {self.mirror} 0)")
        self.leaders = self.sub(self.art, "g", id=f"{figure_id}-leaders")
        self.callouts = self.sub(self.root, "g", id=f"{figure_id}-callouts", font_family=font_family,
                                 font_weight="bold", font_size=NUMERAL_SIZE, text_anchor="middle")
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

    # -- callouts (discs never mirrored, only moved) ------------------------------------

    def callout(self, label: str, x: float, y: float, group: str,
                target: tuple[float, float] | None = None) -> int:
        """A numbered disc at (x, y) in left-to-right coordinates, with an optional leader line to `target`.

        The words go to the figure key (self.keys) under the same number; the drawing shows only the numeral.
        """
        number = len(self.keys) + 1
        self.keys.append(KeyEntry(group, number, label))
        if target is not None:
            d = f"M{_fmt(x)},{_fmt(y)} L{_fmt(target[0])},{_fmt(target[1])}"
            for stroke, width in ((palette.CASING, 4.5), (palette.LEADER, 1.8)):
                self.path(d, stroke=stroke, width=width, stroke_linecap="round", parent=self.leaders)
        if self.rtl:
            x = self.mirror - x
        disc = self.sub(self.callouts, "g", id=f"{self.id}-callout-{number}", class_="callout")
        self.sub(disc, "circle", cx=x, cy=y, r=CALLOUT_RADIUS, fill=palette.CALLOUT, stroke=palette.TEXT,
                 stroke_width=2.5)
        numeral = self.sub(disc, "text", x=x, y=round(y + NUMERAL_SIZE * 0.36, 1), fill=palette.TEXT)
        numeral.text = str(number)
        return number

    def finish(self, title: str, lang: str) -> etree._Element:
        """Add <title> (the short alt, first child, for assistive technology) and the root attributes."""
        root = self.root
        for key, value in {"viewBox": f"{self.left} 0 {self.width} {self.height}", "role": "img",
                           "aria-labelledby": f"{self.id}-title", "class": "figure-art",
                           "direction": "ltr"}.items():
            root.set(key, value)
        root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        heading = etree.Element(f"{{{SVG_NS}}}title", id=f"{self.id}-title")
        heading.text = title
        root.insert(0, heading)
        return root
