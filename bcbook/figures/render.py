"""Compose one figure: front view, side view, numbered callouts with leader lines, size key and legend.

Requires the spec Panel, the anatomy and side-view drawings and the Canvas.
Guarantees: `render` returns the <svg> element, with <title> (the short alt
text) first, role="img", no words drawn (only callout numerals, never
mirrored), ids derived from the figure id, so the same inputs give the same
bytes; and the figure key: one KeyEntry per callout, in number order, in the
groups front, side, size, legend (KEY_GROUPS), whose words the XHTML writer
puts in an HTML list beside the drawing.
"""

from __future__ import annotations

from ..lang import css_family
from . import anatomy
from .anatomy import CX, SIDE_Y, front_view
from .draw import Canvas, KeyEntry
from .sideview import side_view, size_key, tumor_center

VIEW = (80, 560, 1300)   # left, width, height: symmetric about CX, so mirroring keeps the crop
LEFT, RIGHT = 148, 572   # callout columns either side of the front view
# Key groups in reading order, with the figure-label (stages.toml) or interface word (ui.py) that heads each.
KEY_GROUPS = {"front": "front", "side": "side", "size": "size_key", "legend": "figure-symbols"}


def render(panel, lang: str, direction: str, title: str) -> tuple:
    """(svg element, [KeyEntry]) for one panel."""
    canvas = Canvas(f"fig-{panel.id}", VIEW, direction, css_family(lang))
    front_view(canvas, panel)
    side_view(canvas, panel)
    _front_callouts(canvas, panel)
    _side_callouts(canvas, panel)
    size_key(canvas, 1170)
    _legend(canvas, 1262)
    return canvas.finish(title, lang), list(canvas.keys)


def _front_callouts(canvas: Canvas, panel) -> None:
    for key, y, target in (("supraclavicular", 112, anatomy.SUPRACLAVICULAR[0]),
                           ("infraclavicular", 180, anatomy.INFRACLAVICULAR[0]),
                           ("axillary", 262, (214, 262))):
        canvas.callout(key, LEFT, y, "front", target)
    if panel.tumor_cm and not panel.in_situ:
        canvas.callout("tumor", LEFT, 400, "front", anatomy.FRONT_TUMOR)
    right = [("collarbone", 150, (CX + 100, 163)), ("breastbone", 232, (CX + 10, 232)),
             ("internal_mammary", 390, (338, 340))]
    organ_rows = {"brain": (64, (CX + 20, 62)), "lungs": (306, (CX + 100, 300)), "liver": (462, (CX + 40, 440)),
                  "bones": (530, (CX + 60, 532))}
    right += [(organ, *organ_rows[organ]) for organ in panel.distant]
    for key, y, target in sorted(right, key=lambda row: row[1]):
        canvas.callout(key, RIGHT, y, "front", target)


def _side_callouts(canvas: Canvas, panel) -> None:
    nipple_x, nipple_y = anatomy.NIPPLE
    canvas.callout("chest_wall", 106, SIDE_Y + 100, "side", (160, SIDE_Y + 150))
    canvas.callout("skin", 584, SIDE_Y + 62, "side", (462, SIDE_Y + 118))
    if panel.in_situ:
        canvas.callout("in_situ", 584, SIDE_Y + 128, "side", (470, nipple_y - 8))
    elif panel.tumor_cm:
        canvas.callout("tumor", 584, SIDE_Y + 128, "side", tumor_center(panel))
    canvas.callout("nipple", 614, nipple_y - 26, "side", (nipple_x + 6, nipple_y - 4))
    canvas.callout("duct", 590, SIDE_Y + 292, "side", (452, nipple_y + 18))
    canvas.callout("fat", 570, SIDE_Y + 372, "side", (400, SIDE_Y + 340))
    canvas.callout("lobule", 410, SIDE_Y + 452, "side", (300, SIDE_Y + 372))


def _legend(canvas: Canvas, y: int) -> None:
    """The symbols' key, in one row: each symbol with its numbered disc beside it."""
    group = canvas.group("legend")
    rows = (("key_tumor", "tumor"), ("key_node_cancer", "cancer"), ("key_node_micro", "micro"),
            ("key_node_clear", "clear"), ("key_spread", "spread"))
    for index, (key, kind) in enumerate(rows):
        x = 100 + index * 110
        if kind in ("tumor", "spread"):
            canvas.path(anatomy.blob(x + 12, y, 12, 12), fill=canvas.ref("hatch"), stroke="#1A1A1A",
                        dashed=kind == "spread", parent=group)
        else:
            anatomy.node(canvas, x + 12, y, kind, group, size=1.3)
        canvas.callout(key, x + 56, y, "legend")


def key_groups(keys: list[KeyEntry]) -> list[tuple[str, list[KeyEntry]]]:
    """The key entries grouped in KEY_GROUPS order: [(heading's label key, entries)]."""
    return [(heading, [entry for entry in keys if entry.group == group])
            for group, heading in KEY_GROUPS.items() if any(entry.group == group for entry in keys)]
