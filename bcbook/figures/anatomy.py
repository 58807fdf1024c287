"""The drawing grammar: the same front view and side view on every page, shaded by a Panel.

Requires the Canvas (draw) and the palette. Guarantees: all three regional
node groups are always drawn, filled only where the panel says; distant
organs appear only when the panel has distant spread; tumors are drawn to
the side view's scale (SCALE px per cm), the same scale as the size key.
Every group that a test may look for has an id: <figure>-axillary,
-internal-mammary, -infraclavicular, -supraclavicular, -tumor, -in-situ,
-organs, -spread.
"""

from __future__ import annotations

import math

from . import palette
from .draw import Canvas

SCALE = 20  # px per cm in the side view and the size key
CX = 360    # centre line of the front view
AXILLARY_NODES = ((236, 232), (222, 246), (246, 252), (230, 266), (214, 262), (250, 272), (236, 286),
                  (220, 282), (244, 300), (228, 306))
FILLED = {"none": 0, "micro": 0, "1-3": 3, "4-9": 6, "10+": 10}
INTERNAL_MAMMARY = ((338, 214), (338, 256), (338, 298), (338, 340))
INFRACLAVICULAR = ((288, 192), (312, 197))
SUPRACLAVICULAR = ((296, 148), (320, 144))
BREAST = (272, 372)      # the breast with the tumor, front view
FRONT_TUMOR = (246, 376)
SIDE_Y = 600             # top of the side view
NIPPLE = (548, SIDE_Y + 215)
LOBULES = ((300, SIDE_Y + 70), (268, SIDE_Y + 140), (258, SIDE_Y + 215), (270, SIDE_Y + 292), (300, SIDE_Y + 360))


def _mirror_x(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(2 * CX - x, y) for x, y in reversed(points)]


def front_view(canvas: Canvas, panel) -> None:
    """Head, torso, breasts, collarbones, breastbone and the three node groups."""
    canvas.ellipse(CX, 72, 44, 54, fill=palette.TISSUE, width=2)
    half = [(CX - 20, 122), (CX - 22, 150), (CX - 60, 160), (CX - 128, 170), (CX - 160, 200), (CX - 168, 250),
            (CX - 170, 360), (CX - 140, 360), (CX - 136, 262), (CX - 128, 258), (CX - 124, 280), (CX - 120, 520)]
    right = _mirror_x(half)
    d = ("M" + " L".join(f"{x},{y}" for x, y in half) + f" Q{CX},560 {right[0][0]},{right[0][1]} L"
         + " L".join(f"{x},{y}" for x, y in right[1:]) + " Z")
    canvas.path(d, fill=palette.TISSUE, width=2, stroke_linejoin="round")
    if panel.distant:
        _organs(canvas, panel)
    for cx in (BREAST[0], 2 * CX - BREAST[0]):
        canvas.path(f"M{cx - 62},{BREAST[1] - 40} C{cx - 70},{BREAST[1] + 30} {cx - 30},{BREAST[1] + 62} "
                    f"{cx + 6},{BREAST[1] + 60} C{cx + 48},{BREAST[1] + 58} {cx + 66},{BREAST[1] + 20} "
                    f"{cx + 60},{BREAST[1] - 30}", width=2)
        canvas.ellipse(cx + 2, BREAST[1] + 18, 13, 13, fill="#E9C2B4", width=1.2)
        canvas.ellipse(cx + 2, BREAST[1] + 18, 5, 5, fill="#C98E7C", width=1)
    canvas.path(f"M{CX - 12},170 L{CX + 12},170 L{CX + 10},400 Q{CX},412 {CX - 10},400 Z", fill=palette.BONE)
    for side in (-1, 1):
        d = f"M{CX + side * 14},168 C{CX + side * 60},150 {CX + side * 90},172 {CX + side * 150},160"
        canvas.path(d, stroke=palette.OUTLINE, width=10, stroke_linecap="round")
        canvas.path(d, stroke=palette.BONE, width=6, stroke_linecap="round")
    _lymph_vessels(canvas)
    if panel.tumor_cm and not panel.in_situ:
        radius = max(5.0, panel.tumor_cm * 5)
        canvas.path(blob(*FRONT_TUMOR, radius), fill=canvas.ref("hatch"), stroke="#1A1A1A",
                    parent=canvas.group("front-tumor"))
    _nodes(canvas, panel)


def _lymph_vessels(canvas: Canvas) -> None:
    vessel = {"stroke": "#7E9C8C", "width": 1.2}
    canvas.path(f"M{BREAST[0] - 30},{BREAST[1] - 30} C{BREAST[0] - 40},300 240,300 236,290", **vessel)
    canvas.path(f"M{BREAST[0] + 40},{BREAST[1] - 20} C330,340 338,330 338,300", **vessel)
    canvas.path("M236,232 C250,210 280,200 300,195", **vessel)


def _nodes(canvas: Canvas, panel) -> None:
    filled = FILLED[panel.axillary]
    micro = 2 if panel.axillary == "micro" else 0
    group = canvas.group("axillary")
    for index, (x, y) in enumerate(AXILLARY_NODES):
        state = "cancer" if index < filled else "micro" if index < micro else "clear"
        node(canvas, x, y, state, group)
    for name, points, involved in (("internal-mammary", INTERNAL_MAMMARY, panel.internal_mammary),
                                   ("infraclavicular", INFRACLAVICULAR, panel.infraclavicular),
                                   ("supraclavicular", SUPRACLAVICULAR, panel.supraclavicular)):
        group = canvas.group(name)
        for x, y in points:
            node(canvas, x, y, "cancer" if involved else "clear", group)


def node(canvas: Canvas, x: float, y: float, state: str, parent, size: float = 1.0) -> None:
    """A bean-shaped lymph node: clear (outline), micro (small dot) or cancer (filled, white dot)."""
    fill = palette.CATEGORIES[f"node_{state}"][0]
    shape = canvas.ellipse(x, y, 7 * size, 10 * size, fill=fill, width=1.6, rotate=25, parent=parent)
    shape.set("class", f"node node-{state}")
    if state == "cancer":
        canvas.ellipse(x, y, 2.6 * size, 2.6 * size, fill=palette.PAPER, stroke="none", width=0, parent=parent)
    elif state == "micro":
        canvas.ellipse(x, y, 2.4 * size, 2.4 * size, fill=palette.OKABE_ITO["blue"], stroke="none", width=0,
                       parent=parent)


def blob(cx: float, cy: float, radius: float, points: int = 18) -> str:
    """An irregular, slightly spiky outline (an invasive tumor), the same for the same inputs."""
    coords = []
    for index in range(points):
        angle = 2 * math.pi * index / points
        wobble = 1 + 0.13 * math.sin(index * 2.7) + (0.12 if index % 3 == 0 else 0)
        coords.append((cx + radius * wobble * math.cos(angle), cy + radius * wobble * math.sin(angle)))
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + " Z"


def _organs(canvas: Canvas, panel) -> None:
    """Brain, lungs, liver and bones behind the front view, with spread where the panel says."""
    group = canvas.group("organs")
    style = {"fill": palette.ORGAN, "stroke": "#5E6B78", "width": 1.4, "parent": group}
    canvas.path(f"M{CX - 32},70 C{CX - 34},34 {CX + 34},34 {CX + 32},70 C{CX + 30},92 {CX - 30},92 {CX - 32},70 Z",
                **style)
    for side in (-1, 1):
        canvas.path(f"M{CX + side * 18},200 C{CX + side * 70},190 {CX + side * 118},230 {CX + side * 120},300 "
                    f"C{CX + side * 122},360 {CX + side * 110},420 {CX + side * 90},430 "
                    f"C{CX + side * 50},420 {CX + side * 24},410 {CX + side * 18},380 Z", **style)
    canvas.path(f"M{CX - 110},428 C{CX - 60},416 {CX + 40},422 {CX + 60},438 C{CX + 20},472 {CX - 80},472 "
                f"{CX - 112},456 Z", **style)
    for y in range(478, 524, 16):
        canvas.path(f"M{CX - 9},{y} h18 v12 h-18 Z", fill=palette.BONE, stroke="#5E6B78", width=1.2, parent=group)
    canvas.path(f"M{CX - 80},540 C{CX - 60},515 {CX + 60},515 {CX + 80},540 C{CX + 50},552 {CX - 50},552 "
                f"{CX - 80},540 Z", fill=palette.BONE, stroke="#5E6B78", width=1.2, parent=group)
    _spread(canvas, panel)


SPREAD_SITES = {"brain": ((CX + 10, 58),), "lungs": ((CX + 80, 300), (CX - 78, 340)),
                "liver": ((CX - 50, 446),), "bones": ((CX, 500), (CX + 40, 536))}


def _spread(canvas: Canvas, panel) -> None:
    group = canvas.group("spread")
    start = (BREAST[0] - 10, BREAST[1] - 30)
    for organ in panel.distant:
        for x, y in SPREAD_SITES[organ]:
            canvas.path(blob(x, y, 8, 12), fill=canvas.ref("hatch"), stroke="#1A1A1A", dashed=True, parent=group)
        x, y = SPREAD_SITES[organ][0]
        bend = (start[0] + x) / 2 - 40
        canvas.path(f"M{start[0]},{start[1]} Q{bend},{(start[1] + y) / 2} {x - 10},{y}",
                    stroke=palette.OKABE_ITO["vermillion"], width=2, dashed=True, parent=group,
                    marker_end=canvas.ref("arrow"))
