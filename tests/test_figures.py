"""The stage figures: accessible by construction, drawn to their spec, deterministic."""

from __future__ import annotations

from itertools import combinations

import pytest
from lxml import etree

from bcbook import build as builder
from bcbook.figures import palette, spec
from bcbook.figures.anatomy import FILLED
from bcbook.figures.export import figures_of, svg_bytes
from conftest import ROOT, epub_documents, epub_file

SVG = {"s": "http://www.w3.org/2000/svg"}
NS = {"x": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg",
      "opf": "http://www.idpf.org/2007/opf"}


@pytest.fixture(scope="module")
def editions():
    return {e.book.lang: e.book for e in builder.gather(builder.Project(ROOT))}


@pytest.fixture(scope="module")
def drawn(editions):
    """{figure id: parsed SVG} for the English book."""
    book = editions["en"]
    return {block.panel.id: etree.fromstring(svg_bytes(block, book)) for block in figures_of(book)}


def test_every_stage_has_its_panels(drawn):
    assert set(drawn) == {"orientation", "stage-0", "stage-ia", "stage-ib", "stage-iia-nodes", "stage-iia-size",
                          "stage-iib-nodes", "stage-iib-size", "stage-iiia-nodes", "stage-iiia-size", "stage-iiib",
                          "stage-iiic", "stage-iv"}


def test_each_figure_is_an_accessible_image(drawn):
    for figure_id, svg in drawn.items():
        assert [etree.QName(child).localname for child in svg[:2]] == ["title", "desc"], figure_id
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == svg[0].get("id") and svg.get("aria-describedby") == svg[1].get("id")
        assert 20 < len(svg[0].text) <= spec.MAX_ALT
        assert len(svg[1].text) > 100
        assert svg.xpath("//s:text", namespaces=SVG), figure_id


def _states(svg, group: str) -> list[str]:
    nodes = svg.xpath(f"//s:g[@id=$g]/s:ellipse[contains(@class, 'node')]", g=group, namespaces=SVG)
    return [node.get("class").split()[-1].removeprefix("node-") for node in nodes]


@pytest.mark.parametrize("figure_id", ["stage-ia", "stage-ib", "stage-iia-nodes", "stage-iiia-nodes", "stage-iiic",
                                       "stage-iv", "stage-0"])
def test_drawing_matches_the_spec(drawn, editions, figure_id):
    panel = next(b.panel for b in figures_of(editions["en"]) if b.panel.id == figure_id)
    svg = drawn[figure_id]
    axillary = _states(svg, f"fig-{figure_id}-axillary")
    assert len(axillary) == 10
    assert axillary.count("cancer") == FILLED[panel.axillary]
    assert axillary.count("micro") == (2 if panel.axillary == "micro" else 0)
    for group, involved in (("internal-mammary", panel.internal_mammary), ("infraclavicular", panel.infraclavicular),
                            ("supraclavicular", panel.supraclavicular)):
        states = set(_states(svg, f"fig-{figure_id}-{group}"))
        assert states == ({"cancer"} if involved else {"clear"}), group
    organs = svg.xpath(f"//s:g[@id='fig-{figure_id}-organs']", namespaces=SVG)
    assert bool(organs) == bool(panel.distant)
    tumor = svg.xpath(f"//s:g[@id='fig-{figure_id}-tumor']", namespaces=SVG)
    assert bool(tumor) == (panel.tumor_cm > 0 and not panel.in_situ)
    if tumor:
        assert float(tumor[0].get("data-diameter-cm")) == panel.tumor_cm
    assert bool(svg.xpath(f"//s:g[@id='fig-{figure_id}-in-situ']", namespaces=SVG)) == panel.in_situ


def test_stage_specific_facts(editions):
    panels = {b.panel.id: b.panel for b in figures_of(editions["en"])}
    assert panels["stage-iiic"].axillary == "10+" and panels["stage-iiic"].supraclavicular
    assert set(panels["stage-iv"].distant) == {"bones", "lungs", "liver", "brain"}
    assert all(not p.distant for key, p in panels.items() if key != "stage-iv")
    assert all(p.tumor_cm <= 2 for key, p in panels.items() if key in ("stage-ia", "stage-ib", "stage-iia-nodes"))
    assert 2 < panels["stage-iia-size"].tumor_cm <= 5 and panels["stage-iib-size"].tumor_cm > 5


def test_palette_contrast_meets_wcag():
    assert palette.contrast(palette.TEXT, palette.PAPER) >= 4.5
    assert palette.contrast(palette.LEADER, palette.PAPER) >= 3
    for name, (fill, _, _) in palette.CATEGORIES.items():
        background = palette.BACKGROUNDS[name]
        edge = max(palette.contrast(fill, background), palette.contrast(palette.OUTLINE, background))
        assert edge >= 3, name
    for name in ("tumor", "node_cancer", "spread"):
        assert palette.contrast(palette.CATEGORIES[name][0], palette.BACKGROUNDS[name]) >= 3, name


def test_categories_stay_distinct_in_greyscale():
    for (a, (fill_a, pattern_a, line_a)), (b, (fill_b, pattern_b, line_b)) in combinations(
            palette.CATEGORIES.items(), 2):
        grey_gap = abs(palette.grey(fill_a) - palette.grey(fill_b))
        assert grey_gap >= 0.1 or pattern_a != pattern_b or line_a != line_b, (a, b)
    assert palette.contrast(palette.CATEGORIES["node_cancer"][0], palette.CATEGORIES["node_clear"][0]) >= 3


def test_same_spec_gives_the_same_bytes(editions):
    book = editions["es"]
    first = [svg_bytes(block, book) for block in figures_of(book)]
    again = [svg_bytes(block, book) for block in figures_of(builder.gather(builder.Project(ROOT), ["es"])[0].book)]
    assert first == again


def test_right_to_left_mirrors_the_art_but_not_the_words(editions):
    from dataclasses import replace
    book = replace(editions["en"], direction="rtl")
    block = next(b for b in figures_of(book) if b.panel.id == "stage-iia-nodes")
    ltr = etree.fromstring(svg_bytes(block, editions["en"]))
    rtl = etree.fromstring(svg_bytes(block, book))
    assert rtl.xpath("//s:g[@id='fig-stage-iia-nodes-art']/@transform", namespaces=SVG) == ["matrix(-1 0 0 1 720 0)"]
    assert not rtl.xpath("//s:g[@id='fig-stage-iia-nodes-labels']/@transform", namespaces=SVG)
    first_ltr, first_rtl = ltr.xpath("//s:text", namespaces=SVG)[1], rtl.xpath("//s:text", namespaces=SVG)[1]
    assert float(first_rtl.get("x")) == 720 - float(first_ltr.get("x"))
    assert {first_ltr.get("text-anchor"), first_rtl.get("text-anchor")} == {"start", "end"}


def test_figure_golden_svg(editions, golden):
    block = next(b for b in figures_of(editions["en"]) if b.panel.id == "stage-iiic")
    golden("stage-iiic-en.svg", svg_bytes(block, editions["en"]).decode())


def test_spanish_description_uses_local_numbers_and_lists(editions):
    block = next(b for b in figures_of(editions["es"]) if b.panel.id == "stage-iv")
    text = " ".join(s.inlines[0].text for s in block.description)
    assert "unos 3 cm" in text
    assert "los huesos, los pulmones, el hígado y el cerebro" in text
    block = next(b for b in figures_of(editions["es"]) if b.panel.id == "stage-ia")
    assert "unos 1.5 cm" in block.description[1].inlines[0].text  # US Spanish (content-facts.md section 9)


def test_epub_figures_link_their_long_description(built_book):
    stages = epub_file(built_book["en"], "EPUB/stages-in-pictures.xhtml")
    figures = stages.xpath("//x:figure", namespaces=NS)
    assert len(figures) == 13
    for figure in figures:
        details = stages.xpath("//*[@id=$i]", i=figure.get("aria-details"), namespaces=NS)
        assert details and details[0].xpath(".//x:li", namespaces=NS)
        assert figure.xpath("x:figcaption", namespaces=NS)
    opf = epub_file(built_book["en"], "EPUB/content.opf")
    assert opf.xpath("//opf:item[@href='stages-in-pictures.xhtml']/@properties", namespaces=NS) == ["svg"]
    features = opf.xpath("//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS)
    assert "longDescription" in features


def test_spec_errors_name_file_and_key(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bad.toml").write_text('[[figure]]\nid = "x"\ntitle = "X"\nalt = "Y"\naxillary = "lots"\n')
    with pytest.raises(spec.FigureSpecError, match=r"source/figures/bad.toml:2: axillary must be one of"):
        spec.load(tmp_path)
    (tmp_path / "figures" / "bad.toml").write_text(f'[[figure]]\nid = "x"\ntitle = "X"\nalt = "{"a" * 251}"\n')
    with pytest.raises(spec.FigureSpecError, match="longer than 250 characters"):
        spec.load(tmp_path)
