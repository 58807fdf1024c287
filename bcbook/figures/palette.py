"""Colours and patterns for the figures, and the WCAG contrast arithmetic that checks them.

Requires nothing. Guarantees: every meaning has one colour from the
Okabe-Ito palette (or a neutral) AND one pattern, so colour is never the
only cue; `contrast(a, b)` is the WCAG 2.x contrast ratio and `grey(c)` the
relative luminance a greyscale printer keeps. The tests hold CATEGORIES to
3:1 against the tissue they sit on, and TEXT to 4.5:1 against paper;
shapes that touch the (transparent) figure background are listed in
ON_PAGE as (fill, edge) pairs, at least one of which keeps 3:1 on every page in PAGES.
"""

from __future__ import annotations

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}

PAPER = "#FFFFFF"
TEXT = "#1A1A1A"
OUTLINE = "#4A3B35"   # skin, ducts and organ outlines
TISSUE = "#FDF3E7"    # breast and body
FAT = "#FBE7C6"       # fatty tissue in the side view
MUSCLE = "#F3D3CB"
BONE = "#F2F2EE"
ORGAN = "#E9EEF3"
LEADER = "#555555"    # leader lines, drawn over CASING so they show on light and dark pages alike
CASING = "#FFFFFF"
CALLOUT = "#FFFFFF"   # callout discs: light fill, TEXT rim and numeral
CELLS = OKABE_ITO["reddish_purple"]  # Stage 0 abnormal cells: not the tumor hatch
# Pages a figure may sit on: paper, and the dark backgrounds of e-reader night modes.
PAGES = {"paper": "#FFFFFF", "night": "#000000", "dark grey": "#121212", "sepia night": "#333333"}

# meaning -> (fill, pattern id or "", outline style). Pattern ids are defined in draw.PATTERNS.
CATEGORIES = {
    "tumor": (OKABE_ITO["vermillion"], "hatch", "solid"),
    "node_cancer": (OKABE_ITO["blue"], "dot", "solid"),
    "node_micro": (PAPER, "small-dot", "solid"),
    "node_clear": (PAPER, "", "solid"),
    "spread": (OKABE_ITO["vermillion"], "hatch", "dashed"),
}
# What each category is drawn on, for the 3:1 non-text contrast rule.
BACKGROUNDS = {"tumor": FAT, "node_cancer": TISSUE, "node_micro": TISSUE, "node_clear": TISSUE, "spread": ORGAN}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio, from 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def grey(colour: str) -> float:
    """The grey level (0 black .. 1 white) a colour becomes in greyscale print."""
    return luminance(colour)


# Shapes drawn straight on the page, as (fill, edge): one of the two must keep 3:1 on every page in PAGES.
ON_PAGE = {"body": (TISSUE, OUTLINE), "breast cut": (FAT, OUTLINE), "chest wall": (MUSCLE, OUTLINE),
           "size key": (PAPER, OUTLINE), "legend node": (PAPER, OUTLINE), "legend tumor": (CATEGORIES["tumor"][0], "#1A1A1A"),
           "leader": (CASING, LEADER), "callout": (CALLOUT, TEXT)}

