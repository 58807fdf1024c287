"""Compose one figure: front view, side view, labels with leader lines, size key and legend.

Requires the spec Panel, the anatomy and side-view drawings and the Canvas.
Guarantees: `render` returns an <svg> element with <title> (the alt text)
and <desc> (the long description) first, role="img", translated <text>
labels (none of them drawn mirrored, right-to-left aware) and ids derived
from the figure id, so the same inputs give the same bytes.
"""

from __future__ import annotations

from ..lang import css_family
from . import anatomy, palette
from .anatomy import CX, SIDE_Y, front_view
from .draw import Canvas
from .sideview import side_view, size_key, tumor_center

WIDTH, HEIGHT = 720, 1340
RIGHT, LEFT = 560, 180  # label columns either side of the front view


def render(panel, labels: dict[str, str], lang: str, direction: str, title: str, description: str):
    """The complete SVG element for one panel."""
    canvas = Canvas(f"fig-{panel.id}", WIDTH, HEIGHT, direction, css_family(lang))
    canvas.sub(canvas.art, "rect", width=WIDTH, height=HEIGHT, fill=palette.PAPER)
    front_view(canvas, panel)
    side_view(canvas, panel)
    _front_labels(canvas, panel, labels)
    _side_labels(canvas, panel, labels)
    size_key(canvas, labels, 1090)
    _legend(canvas, labels, 400, 1110)
    return canvas.finish(title, description, lang)


def _front_labels(canvas: Canvas, panel, labels: dict[str, str]) -> None:
    canvas.label(labels["front"], 20, 34, size=20, weight="bold", width=16)
    canvas.label(labels["supraclavicular"], LEFT - 6, 118, anchor="end", target=anatomy.SUPRACLAVICULAR[0], width=18)
    canvas.label(labels["infraclavicular"], LEFT - 6, 196, anchor="end", target=anatomy.INFRACLAVICULAR[0], width=18)
    canvas.label(labels["axillary"], LEFT - 6, 280, anchor="end", target=(214, 262), width=18)
    canvas.label(labels["collarbone"], RIGHT, 150, target=(CX + 100, 163), width=16)
    canvas.label(labels["breastbone"], RIGHT, 232, target=(CX + 10, 232), width=16)
    canvas.label(labels["internal_mammary"], RIGHT, 390, target=(338, 340), width=16)
    if panel.tumor_cm and not panel.in_situ:
        canvas.label(labels["tumor"], LEFT - 6, 400, anchor="end", target=anatomy.FRONT_TUMOR)
    organ_rows = {"brain": (64, (CX + 20, 62)), "lungs": (300, (CX + 100, 300)), "liver": (460, (CX + 40, 440)),
                  "bones": (530, (CX + 60, 532))}
    for organ in panel.distant:
        row, target = organ_rows[organ]
        canvas.label(labels[organ], RIGHT, row, target=target, width=16)


def _side_labels(canvas: Canvas, panel, labels: dict[str, str]) -> None:
    nipple_x, nipple_y = anatomy.NIPPLE
    canvas.label(labels["side"], 20, SIDE_Y - 18, size=20, weight="bold", width=40)
    canvas.label(labels["skin"], RIGHT + 20, SIDE_Y + 70, target=(462, SIDE_Y + 118), width=14)
    canvas.label(labels["nipple"], RIGHT + 40, nipple_y - 40, target=(nipple_x + 6, nipple_y - 4), width=14)
    canvas.label(labels["duct"], RIGHT + 20, SIDE_Y + 300, target=(452, nipple_y + 18), width=14)
    canvas.label(labels["fat"], RIGHT + 20, SIDE_Y + 380, target=(400, SIDE_Y + 340), width=14)
    canvas.label(labels["lobule"], 330, SIDE_Y + 470, anchor="middle", target=(300, SIDE_Y + 372), width=14)
    canvas.label(labels["chest_wall"], 128, SIDE_Y + 120, anchor="end", target=(160, SIDE_Y + 150), width=11)
    if panel.in_situ:
        canvas.label(labels["in_situ"], RIGHT + 20, SIDE_Y + 130, target=(470, nipple_y - 8), width=16)
    elif panel.tumor_cm:
        canvas.label(labels["tumor"], RIGHT + 20, SIDE_Y + 130, target=tumor_center(panel), width=14)


def _legend(canvas: Canvas, labels: dict[str, str], x: int, top: int) -> None:
    group = canvas.group("legend")
    rows = (("key_tumor", "tumor"), ("key_node_cancer", "cancer"), ("key_node_micro", "micro"),
            ("key_node_clear", "clear"), ("key_spread", "spread"))
    for index, (key, kind) in enumerate(rows):
        y = top + index * 46
        if kind in ("tumor", "spread"):
            canvas.path(anatomy.blob(x + 12, y, 10, 12), fill=canvas.ref("hatch"), stroke="#1A1A1A",
                        dashed=kind == "spread", parent=group)
        else:
            anatomy.node(canvas, x + 12, y, kind, group)
        canvas.label(labels[key], x + 32, y + 6, size=15, width=32)
