"""Every stage summary admits exactly the cases of its stage (AJCC 8th edition, content-facts.md sections 1 and 9).

source/stage-summaries.toml keeps, beside the text, what each summary says as
conditions (tumor size, node groups, skin or chest wall, distant spread).
These tests check (1) that the conditions admit every case of the stage and
no case of another stage, case by case over a grid of findings staged with
the TNM rules of content-facts.md section 1, and (2) that the conditions are
what the English words say: the numbers in the sentence are the bounds of
the conditions, and the exclusions are written out.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib

import pytest

from bcbook import inline, reader
from bcbook.figures import spec as figure_spec
from bcbook.model import Figure, phrases_of
from conftest import ROOT

SOURCE = ROOT / "source"
SUMMARIES = tomllib.loads((SOURCE / "stage-summaries.toml").read_text(encoding="utf-8"))["summary"]
STAGES = ("0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IV")
AXILLARY = ("none", "micro", "1-3", "4-9", "10+")
NODE_RANGES = {"1-3": (1, 3), "4-9": (4, 9), "10+": (10, math.inf)}
SIZES = (None, 0.1, 1.0, 2.0, 2.1, 3.5, 5.0, 5.1, 8.0)  # cm; None = no tumor found (T0); bounds of T1-T3 included

# content-facts.md section 1b: anatomic stage groups (T, N, M) -> stage. "N1" there includes N1mi except for
# T0 and T1 (the AJCC footnote: T0/T1 with micrometastases only are Stage IB).
STAGE_GROUPS = {
    "0": {("Tis", "N0")},
    "IA": {("T1", "N0")},
    "IB": {("T0", "N1mi"), ("T1", "N1mi")},
    "IIA": {("T0", "N1"), ("T1", "N1"), ("T2", "N0")},
    "IIB": {("T2", "N1"), ("T2", "N1mi"), ("T3", "N0")},
    "IIIA": {("T0", "N2"), ("T1", "N2"), ("T2", "N2"), ("T3", "N1"), ("T3", "N1mi"), ("T3", "N2")},
    "IIIB": {("T4", "N0"), ("T4", "N1mi"), ("T4", "N1"), ("T4", "N2")},
    "IIIC": {(t, "N3") for t in ("T0", "T1", "T2", "T3", "T4")},
}


def t_category(case: dict) -> str:
    """Section 1a: T1 up to 2 cm, T2 more than 2 up to 5 cm, T3 more than 5 cm, T4 skin or chest wall."""
    if case["in_situ"]:
        return "Tis"
    if case["skin_or_chest_wall"]:
        return "T4"
    size = case["tumor_cm"]
    return "T0" if size is None else "T1" if size <= 2 else "T2" if size <= 5 else "T3"


def n_category(case: dict) -> str | None:
    """Section 1a; None for combinations that section does not settle (left out of the grid)."""
    axillary, breastbone, collarbone = case["axillary"], case["breastbone"], case["collarbone"]
    if collarbone != "none" or axillary == "10+":
        return "N3"
    if breastbone == "scan":
        return {"none": "N2", "micro": None}.get(axillary, "N3")
    if breastbone == "sentinel" and axillary not in ("none", "1-3"):
        return None
    if axillary == "4-9":
        return "N2"
    if axillary == "1-3" or breastbone == "sentinel":
        return "N1"
    return "N1mi" if axillary == "micro" else "N0"


def stage_of(case: dict) -> str | None:
    if case["distant"]:
        return "IV"
    t, n = t_category(case), n_category(case)
    return next((stage for stage, groups in STAGE_GROUPS.items() if (t, n) in groups), None)


def grid() -> list[dict]:
    """Every combination of findings that section 1 stages (no T0 N0 M0: no cancer found)."""
    cases = [dict(in_situ=True, tumor_cm=None, skin_or_chest_wall=False, axillary="none", breastbone="none",
                  collarbone="none", distant=False)]
    for size, skin, axillary, breastbone, collarbone, distant in itertools.product(
            SIZES, (False, True), AXILLARY, ("none", "sentinel", "scan"), ("none", "below", "above", "both"),
            (False, True)):
        case = dict(in_situ=False, tumor_cm=size, skin_or_chest_wall=skin, axillary=axillary,
                    breastbone=breastbone, collarbone=collarbone, distant=distant)
        if (size is None and skin) or n_category(case) is None:
            continue
        if stage_of(case) is not None:
            cases.append(case)
    return cases


GRID = grid()


def admits(route: dict, case: dict) -> bool:
    if route.get("in_situ", False) != case["in_situ"]:
        return False
    if "tumor_cm" in route and not case["in_situ"]:
        low, high = route["tumor_cm"]
        size = case["tumor_cm"]
        if size is None and not route.get("no_tumor", False):
            return False
        if size is not None and not low < size <= high:
            return False
    return all(case[key] in route[key] if isinstance(route[key], list) else case[key] == route[key]
               for key in ("skin_or_chest_wall", "axillary", "breastbone", "collarbone", "distant") if key in route)


def admitted(summary: dict) -> list[dict]:
    return [case for case in GRID if any(admits(route, case) for route in summary["route"])]


def describe(case: dict) -> str:
    return f"{t_category(case)} {n_category(case)} {'M1' if case['distant'] else 'M0'} {case} -> {stage_of(case)}"


def name(summary: dict) -> str:
    return summary.get("figure") or f"{summary['file']}: {summary['starts']}"


@pytest.mark.parametrize("summary", SUMMARIES, ids=name)
def test_summary_admits_no_case_of_another_stage(summary):
    cases = admitted(summary)
    assert cases, "the conditions admit no case at all"
    wrong = [describe(case) for case in cases if stage_of(case) not in summary["stages"]]
    assert wrong == []


@pytest.mark.parametrize("summary", [s for s in SUMMARIES if s["covers"] == "all"], ids=name)
def test_full_summary_admits_every_case_of_its_stages(summary):
    """Nodes by the breastbone found only by a sentinel biopsy are a detail the summaries may leave out."""
    cases = admitted(summary)
    missing = [describe(case) for case in GRID if stage_of(case) in summary["stages"]
               and case["breastbone"] != "sentinel" and case not in cases]
    assert missing == []


def test_every_tnm_group_of_content_facts_is_in_the_grid():
    """The grid reaches every T-N combination of the section 1b table, and Stage IV."""
    reached = {(t_category(case), n_category(case)) for case in GRID if not case["distant"]}
    assert set().union(*STAGE_GROUPS.values()) <= reached
    assert {stage_of(case) for case in GRID} == set(STAGES)


def english_text(summary: dict) -> str:
    if "figure" in summary:
        panel = figure_spec.load(SOURCE).panels[summary["figure"]]
        return inline.plain_text(panel.alt.inlines)
    chapter = reader.read_chapter(SOURCE, summary["file"], "chapter", set(), figure_spec.load(SOURCE))
    texts = [inline.plain_text(p.inlines) for block in chapter.blocks if not isinstance(block, Figure)
             for p in phrases_of(block)]
    found = [text for text in texts if text.startswith(summary["starts"])]
    assert len(found) == 1, f"{summary['file']}: no single block starts with {summary['starts']!r}"
    return found[0]


_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s+(?:to|and)\s+(\d+(?:\.\d+)?))?(?:\s*(cm|mm)\b)?")


def stated_numbers(text: str) -> dict[str, set[float]]:
    """Numbers in the sentence by unit: 'cm' (tumor), 'mm' (tiny clusters), '' (count of lymph nodes)."""
    found: dict[str, set[float]] = {"cm": set(), "mm": set(), "": set()}
    text = re.sub(r"\b(Stage 0|example \d)\b", "", text)  # names, not quantities
    for match in _NUMBER.finditer(text):
        found[match.group(3) or ""].update(float(n) for n in match.group(1, 2) if n)
    return found


def node_bounds(allowed: list[str]) -> set[float]:
    """The counts a text must state for these underarm groups: 1-3 -> {1, 3}; up to 9 -> {9}; 4 or more -> {4}."""
    ranges = [NODE_RANGES[group] for group in AXILLARY if group in allowed and group in NODE_RANGES]
    if not ranges:
        return set()
    low, high = ranges[0][0], ranges[-1][1]
    low = 0 if "none" in allowed else low
    return {n for n in (low, high) if n not in (0, math.inf) and not (n == 1 and high == math.inf)}


@pytest.mark.parametrize("summary", SUMMARIES, ids=name)
def test_numbers_in_the_words_are_the_bounds_of_the_conditions(summary):
    text = english_text(summary)
    stated = stated_numbers(text)
    routes = summary["route"]
    sizes = {n for r in routes for n in r.get("tumor_cm", ()) if n not in (0, math.inf)}
    nodes = set().union(*(node_bounds(r["axillary"]) for r in routes if "axillary" in r))
    assert stated["cm"] == sizes, text
    assert stated[""] == nodes, text
    micro = any("micro" in r.get("axillary", ()) for r in routes)
    assert stated["mm"] <= ({0.2, 2.0} if micro else set()), text


@pytest.mark.parametrize("summary", SUMMARIES, ids=name)
def test_conditions_are_written_out_in_the_words(summary):
    text = english_text(summary).lower()
    for route in summary["route"]:
        if route.get("skin_or_chest_wall") is False or route.get("distant") is False:
            assert " not " in text or " no " in text, text
        if route.get("skin_or_chest_wall") is False:
            assert "skin" in text and "chest wall" in text, text
        if route.get("skin_or_chest_wall") is True:
            assert "skin" in text or "chest wall" in text, text
        if route.get("distant") is False:
            assert "distant" in text, text
        if route.get("distant") is True:
            assert "spread" in text, text
            if "figure" in summary:  # the picture shows possible places, never all of them at once
                assert "one or more" in text, text
        if "micro" in route.get("axillary", ()) and "none" not in route["axillary"]:
            assert "tiny clusters" in text, text
        if set(route.get("breastbone", ["none"])) - {"none"}:
            assert "breastbone" in text, text
        if "scan" in route.get("breastbone", ()):
            assert "scan" in text and "exam" in text, text
        if set(route.get("collarbone", ["none"])) - {"none"}:
            assert "collarbone" in text, text
        if route.get("no_tumor") and route.get("tumor_cm", [0, math.inf]) != [0, math.inf]:
            assert "none found" in text or "none is found" in text or "cannot be found" in text, text
        if route.get("in_situ"):
            assert "milk duct" in text, text
