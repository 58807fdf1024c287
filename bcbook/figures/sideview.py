"""The side view: a cut through the breast from the chest wall to the nipple, plus the size key.

Requires the Canvas (draw), the palette and the front view's shared shapes.
Guarantees: ducts run from the nipple to lobules; a tumor is drawn at
anatomy.SCALE pixels per cm, the size key at the same scale; Stage 0 shows
cells (palette.CELLS, never the tumor hatch) inside an intact duct and no
tumor; skin and chest-wall involvement
are drawn where the panel says.
"""

from __future__ import annotations

from . import palette
from .anatomy import LOBULES, NIPPLE, SCALE, SIDE_Y, blob
from .draw import Canvas

DUCT_DARK, DUCT_LIGHT = "#9C5545", "#F7D9CF"
TUMOR_AT = (400, SIDE_Y + 205)


def side_view(canvas: Canvas, panel) -> None:
    """Chest wall, breast outline with fatty tissue, ducts and lobules, and the panel's disease."""
    _chest_wall(canvas)
    top, bottom = SIDE_Y + 10, SIDE_Y + 420
    outline = (f"M232,{top} C330,{top + 10} 460,{top + 90} 530,{NIPPLE[1] - 40} "
               f"C542,{NIPPLE[1] - 25} 546,{NIPPLE[1] - 12} {NIPPLE[0]},{NIPPLE[1]} "
               f"C546,{NIPPLE[1] + 12} 542,{NIPPLE[1] + 25} 530,{NIPPLE[1] + 40} "
               f"C460,{bottom - 90} 330,{bottom - 10} 232,{bottom} Z")
    canvas.path(outline, fill=canvas.ref("fat"), width=3)
    canvas.path(f"M{NIPPLE[0] - 3},{NIPPLE[1] - 11} C{NIPPLE[0] + 12},{NIPPLE[1] - 9} {NIPPLE[0] + 12},"
                f"{NIPPLE[1] + 9} {NIPPLE[0] - 3},{NIPPLE[1] + 11}", fill="#E9C2B4", width=2)
    for lobule in LOBULES:
        _duct(canvas, lobule)
    if panel.in_situ:
        _in_situ(canvas)
    elif panel.tumor_cm:
        _tumor(canvas, panel)


def _chest_wall(canvas: Canvas) -> None:
    group = canvas.group("chest-wall")
    canvas.path(f"M150,{SIDE_Y} L206,{SIDE_Y} L206,{SIDE_Y + 430} L150,{SIDE_Y + 430} Z", fill=palette.MUSCLE,
                width=1.2, parent=group)
    for index in range(7):
        canvas.ellipse(176, SIDE_Y + 30 + index * 62, 16, 22, fill=palette.BONE, width=1.6, parent=group)
    canvas.path(f"M206,{SIDE_Y} C232,{SIDE_Y + 80} 236,{SIDE_Y + 340} 212,{SIDE_Y + 430} L236,{SIDE_Y + 430} "
                f"C262,{SIDE_Y + 340} 258,{SIDE_Y + 80} 232,{SIDE_Y} Z", fill=palette.MUSCLE, width=1.4, parent=group)
    for offset in (40, 120, 200, 280, 360):
        canvas.path(f"M214,{SIDE_Y + offset} q14,12 28,4", stroke="#C99A8E", width=1, parent=group)


def _duct(canvas: Canvas, lobule: tuple[int, int]) -> None:
    x, y = lobule
    d = f"M{NIPPLE[0] - 6},{NIPPLE[1]} C{NIPPLE[0] - 120},{NIPPLE[1]} {x + 80},{y} {x + 14},{y}"
    canvas.path(d, stroke=DUCT_DARK, width=7, stroke_linecap="round")
    canvas.path(d, stroke=DUCT_LIGHT, width=3.5, stroke_linecap="round")
    for dx, dy in ((0, 0), (-12, -10), (-12, 10), (-24, 0), (-4, -18), (-4, 18), (-22, -18), (-22, 18)):
        canvas.ellipse(x + dx, y + dy, 7, 7, fill=DUCT_LIGHT, stroke=DUCT_DARK, width=1.5)


def _in_situ(canvas: Canvas) -> None:
    """Stage 0: a widened stretch of one duct packed with abnormal cells; the wall is whole."""
    group = canvas.group("in-situ")
    d = f"M470,{NIPPLE[1] - 2} C440,{NIPPLE[1] - 4} 400,{NIPPLE[1] - 6} 372,{NIPPLE[1] - 8}"
    canvas.path(d, stroke=DUCT_DARK, width=26, stroke_linecap="round", parent=group)
    canvas.path(d, stroke=DUCT_LIGHT, width=20, stroke_linecap="round", parent=group)
    for index in range(9):  # cells, not the tumor hatch: Stage 0 is not a tumor
        x = 378 + index * 11
        canvas.ellipse(x, NIPPLE[1] - 6 + (3 if index % 2 else -3), 4.6, 4.6, fill=palette.CELLS,
                       stroke=palette.TEXT, width=0.8, parent=group)


def tumor_center(panel) -> tuple[float, float]:
    """Where the side view puts the tumor: on a duct, at the skin, or against the chest wall."""
    radius = panel.tumor_cm * SCALE / 2
    x, y = TUMOR_AT
    if panel.skin:
        x, y = _skin_point(0.62)
        y += radius * 0.45
    if panel.chest_wall:
        x = 236 + radius * 0.6
    return x, y


def _skin_point(t: float) -> tuple[float, float]:
    """A point on the upper skin curve of the side view (t from 0 at the chest to 1 at the nipple)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (232, SIDE_Y + 10), (330, SIDE_Y + 20), (460, SIDE_Y + 100), (530, NIPPLE[1] - 40)
    u = 1 - t
    return (u ** 3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x3,
            u ** 3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t ** 3 * y3)


def _tumor(canvas: Canvas, panel) -> None:
    group = canvas.group("tumor")
    x, y = tumor_center(panel)
    canvas.path(blob(x, y, panel.tumor_cm * SCALE / 2), fill=canvas.ref("hatch"), stroke="#1A1A1A", width=1.6,
                parent=group)
    group.set("data-diameter-cm", f"{panel.tumor_cm:g}")
    if panel.skin:  # thickened, pitted skin (peau d'orange) either side of the tumor
        for index in range(14):
            px, py = _skin_point(0.42 + index * 0.03)
            canvas.path(f"M{px - 3:.1f},{py + 3:.1f} q3,4 6,0", stroke=palette.OUTLINE, width=1.6, parent=group)


def size_key(canvas: Canvas, base: int) -> None:
    """Pea, peanut and lime circles at the side view's scale, standing on one line, each with its callout."""
    group = canvas.group("size-key")
    for name, cm, x in (("pea", 1, 118), ("peanut", 2, 196), ("lime", 5, 316)):
        radius = cm * SCALE / 2
        canvas.ellipse(x, base - radius, radius, radius, fill=palette.PAPER, width=2, parent=group)
        canvas.callout(name, x, base + 34, "size")
