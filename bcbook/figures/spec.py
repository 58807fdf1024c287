"""Figure specs: source/figures/*.toml -> Panels, with their translatable words.

Requires the standard library (tomllib) and bcbook.inline. Guarantees: every
key is checked (a wrong value raises FigureSpecError naming the file, line
and key); titles, alt texts (at most 250 characters), labels, organ names
and description sentences come back as Phrases with their line, so the
extractor and the builder see the same messages. `description(panel)` picks
the sentences for a panel in a fixed order: what is shown, breast,
underarm, breastbone, collarbone, rest of the body.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .. import inline
from ..model import Origin, Phrase

AXILLARY = ("none", "micro", "1-3", "4-9", "10+")
ORGANS = ("bones", "lungs", "liver", "brain")
MAX_ALT = 250


class FigureSpecError(ValueError):
    """A figure spec has a missing or wrong value."""


@dataclass(frozen=True)
class Panel:
    id: str
    title: Phrase
    alt: Phrase
    orientation: bool = False
    in_situ: bool = False
    tumor_cm: float = 0.0
    axillary: str = "none"
    internal_mammary: bool = False
    infraclavicular: bool = False
    supraclavicular: bool = False
    skin: bool = False
    chest_wall: bool = False
    distant: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureSet:
    panels: dict[str, Panel]
    labels: dict[str, Phrase]
    organs: dict[str, Phrase]
    sentences: dict[str, Phrase]
    files: tuple[str, ...] = field(default=())


def load(source_dir: Path) -> FigureSet:
    """Read every source/figures/*.toml (an empty set when there are none)."""
    panels, labels, organs, sentences, files = {}, {}, {}, {}, []
    for path in sorted((source_dir / "figures").glob("*.toml")):
        label = f"source/figures/{path.name}"
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise FigureSpecError(f"{label}: {error}") from None
        for entry in data.get("figure", ()):
            panel = _panel(entry, label, text)
            if panel.id in panels:
                raise FigureSpecError(f"{label}:{_line(text, panel.id)}: figure id {panel.id!r} is used twice")
            panels[panel.id] = panel
        labels.update(_phrases(data.get("labels", {}), "figure-label", label, text))
        organs.update(_phrases(data.get("organs", {}), "figure-organ", label, text))
        sentences.update(_phrases(data.get("sentences", {}), "figure-description", label, text))
        files.append(label)
    return FigureSet(panels, labels, organs, sentences, tuple(files))


_TYPES = {"orientation": bool, "in_situ": bool, "tumor_cm": (int, float), "axillary": str,
          "internal_mammary": bool, "infraclavicular": bool, "supraclavicular": bool, "skin": bool,
          "chest_wall": bool, "distant": list}


def _panel(entry: dict, label: str, text: str) -> Panel:
    panel_id = entry.get("id")
    if not isinstance(panel_id, str) or not re.fullmatch(r"[a-z0-9-]+", panel_id):
        raise FigureSpecError(f"{label}: every [[figure]] needs an id of lower-case letters, digits and -")
    where = f"{label}:{_line(text, panel_id)}"
    values = {}
    for key, value in entry.items():
        if key in ("id", "title", "alt"):
            continue
        if key not in _TYPES:
            raise FigureSpecError(f"{where}: unknown key {key!r} in figure {panel_id!r}")
        if not isinstance(value, _TYPES[key]) or isinstance(value, bool) != (_TYPES[key] is bool):
            raise FigureSpecError(f"{where}: {key!r} has the wrong type in figure {panel_id!r}")
        values[key] = tuple(value) if key == "distant" else value
    _check_values(values, where)
    title = _phrase(entry.get("title"), "figure-title", label, text, f'"{entry.get("title")}"')
    alt = _phrase(entry.get("alt"), "figure-alt", label, text, f'"{entry.get("alt")}"')
    if len(inline.plain_text(alt.inlines)) > MAX_ALT:
        raise FigureSpecError(f"{alt.origin}: alt text of {panel_id!r} is longer than {MAX_ALT} characters")
    return Panel(id=panel_id, title=title, alt=alt, **values)


def _check_values(values: dict, where: str) -> None:
    if values.get("axillary", "none") not in AXILLARY:
        raise FigureSpecError(f"{where}: axillary must be one of {', '.join(AXILLARY)}")
    unknown = set(values.get("distant", ())) - set(ORGANS)
    if unknown:
        raise FigureSpecError(f"{where}: distant organs must be among {', '.join(ORGANS)}, not {sorted(unknown)}")
    if not 0 <= values.get("tumor_cm", 0) <= 15:
        raise FigureSpecError(f"{where}: tumor_cm must be between 0 and 15")


def _phrases(table: dict, kind: str, label: str, text: str) -> dict[str, Phrase]:
    return {key: _phrase(value, kind, label, text, f'{key} =') for key, value in table.items()}


def _phrase(value, kind: str, label: str, text: str, needle: str) -> Phrase:
    if not isinstance(value, str) or not value.strip():
        raise FigureSpecError(f"{label}:{_line(text, needle)}: a {kind} must be non-empty text")
    return Phrase(kind=kind, inlines=inline.parse(value), origin=Origin(label, _line(text, needle)))


def _line(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 0


def description(panel: Panel, figures: FigureSet) -> tuple[tuple[Phrase, tuple], ...]:
    """(sentence, values) in the fixed reading order; values fill {size} and {organs}."""
    keys: list[tuple[str, tuple]] = [("shown", ())]
    if panel.orientation:
        keys += [("orientation_breast", ()), ("orientation_nodes", ())]
        return tuple((figures.sentences[key], values) for key, values in keys)
    keys += _breast(panel)
    keys.append(({"none": "axillary_none", "micro": "axillary_micro", "1-3": "axillary_1_3",
                  "4-9": "axillary_4_9", "10+": "axillary_10"}[panel.axillary], ()))
    keys.append(("internal_mammary_cancer" if panel.internal_mammary else "internal_mammary_clear", ()))
    below, above = panel.infraclavicular, panel.supraclavicular
    keys.append(({(False, False): "collarbone_clear", (True, False): "collarbone_below",
                  (False, True): "collarbone_above", (True, True): "collarbone_both"}[(below, above)], ()))
    organs = tuple(figures.organs[name] for name in panel.distant)
    keys.append(("distant", (("organs", organs),)) if organs else ("distant_none", ()))
    return tuple((figures.sentences[key], values) for key, values in keys)


def _breast(panel: Panel) -> list[tuple[str, tuple]]:
    if panel.in_situ:
        return [("in_situ", ())]
    size = panel.tumor_cm
    comparison = ("size_pea" if size <= 1 else "size_peanut" if size <= 2 else
                  "size_lime" if size <= 5 else "size_large")
    keys = [("tumor", (("size", size),)), (comparison, ())]
    keys += [("skin", ())] if panel.skin else []
    keys += [("chest_wall", ())] if panel.chest_wall else []
    return keys
