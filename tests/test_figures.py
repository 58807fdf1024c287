"""The stage figures: accessible by construction, drawn to their spec, deterministic."""

from __future__ import annotations

from itertools import combinations

import pytest
from lxml import etree

from bcbook import build as builder
from bcbook.figures import palette, spec
from bcbook.figures.anatomy import FILLED
from bcbook.figures.sideview import DUCT_LIGHT
from bcbook.figures.export import figures_of, key_text, svg_bytes
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
        assert etree.QName(svg[0]).localname == "title", figure_id
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == svg[0].get("id")
        assert 20 < len(svg[0].text) <= spec.MAX_ALT
        assert svg.get("aria-describedby") is None and not svg.xpath("//s:desc", namespaces=SVG), figure_id
        assert svg.get("direction") == "ltr", figure_id


def test_the_drawing_holds_numerals_only(editions):
    """Words live in the HTML key (shaped by any engine, enlarged with the reader's font); the SVG draws numerals."""
    for lang, book in editions.items():
        for block in figures_of(book):
            svg = etree.fromstring(svg_bytes(block, book))
            numerals = [text.text for text in svg.xpath("//s:text", namespaces=SVG)]
            assert numerals == [str(n) for n in range(1, len(numerals) + 1)], (lang, block.panel.id)
            assert len(numerals) >= 20


def test_stage_0_cells_are_not_drawn_as_tumor(drawn):
    cells = drawn["stage-0"].xpath("//s:g[@id='fig-stage-0-in-situ']/s:ellipse", namespaces=SVG)
    assert len(cells) == 9
    assert all(cell.get("fill") == palette.CELLS for cell in cells)
    assert not drawn["stage-0"].xpath("//s:g[@id='fig-stage-0-in-situ']//*[contains(@fill, 'hatch')]",
                                      namespaces=SVG)
    assert palette.CELLS not in {fill for fill, _, _ in palette.CATEGORIES.values()}


def test_leader_lines_end_without_a_dot(drawn):
    """A dot at the end of a leader would look like the key's "tiny clusters" dot."""
    for figure_id, svg in drawn.items():
        leaders = svg.xpath(f"//s:g[@id='fig-{figure_id}-leaders']/*", namespaces=SVG)
        assert leaders and {etree.QName(line).localname for line in leaders} == {"path"}, figure_id
        assert all(line.get("d").count("L") == 1 and "marker-end" not in line.attrib for line in leaders)
        dots = [e for e in svg.xpath("//s:ellipse", namespaces=SVG) if float(e.get("rx")) <= 3]
        owners = {dot.getparent().get("id").removeprefix(f"fig-{figure_id}-") for dot in dots}
        assert owners <= {"axillary", "internal-mammary", "infraclavicular", "supraclavicular", "legend"}, owners


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
    assert palette.contrast(palette.TEXT, palette.CALLOUT) >= 4.5
    assert palette.contrast(palette.LEADER, palette.CASING) >= 3
    for name, (fill, _, _) in palette.CATEGORIES.items():
        background = palette.BACKGROUNDS[name]
        edge = max(palette.contrast(fill, background), palette.contrast(palette.OUTLINE, background))
        assert edge >= 3, name
    for name in ("tumor", "node_cancer", "spread"):
        assert palette.contrast(palette.CATEGORIES[name][0], palette.BACKGROUNDS[name]) >= 3, name
    assert max(palette.contrast(palette.CELLS, DUCT_LIGHT), palette.contrast(palette.TEXT, DUCT_LIGHT)) >= 3


def test_shapes_on_the_page_keep_contrast_in_day_and_night_mode():
    for page_name, page in palette.PAGES.items():
        for shape, (fill, edge) in palette.ON_PAGE.items():
            assert max(palette.contrast(fill, page), palette.contrast(edge, page)) >= 3, (shape, page_name)


def test_figures_have_no_background_of_their_own(drawn):
    for figure_id, svg in drawn.items():
        x, y, width, height = (float(v) for v in svg.get("viewBox").split())
        full = [r for r in svg.xpath("//s:rect", namespaces=SVG)
                if float(r.get("width", 0)) >= width and float(r.get("height", 0)) >= height]
        assert not full, figure_id


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


def test_right_to_left_mirrors_the_art_but_not_the_numerals(editions):
    from dataclasses import replace
    book = replace(editions["en"], direction="rtl")
    block = next(b for b in figures_of(book) if b.panel.id == "stage-iia-nodes")
    ltr = etree.fromstring(svg_bytes(block, editions["en"]))
    rtl = etree.fromstring(svg_bytes(block, book))
    left, _, width, _ = (float(v) for v in rtl.get("viewBox").split())
    mirror = 2 * left + width
    assert rtl.xpath("//s:g[@id='fig-stage-iia-nodes-art']/@transform", namespaces=SVG) == [
        f"matrix(-1 0 0 1 {mirror:g} 0)"]
    assert not rtl.xpath("//s:g[@id='fig-stage-iia-nodes-callouts']/@transform", namespaces=SVG)
    for one, other in zip(ltr.xpath("//s:text", namespaces=SVG), rtl.xpath("//s:text", namespaces=SVG)):
        assert float(other.get("x")) == mirror - float(one.get("x")) and one.text == other.text
    assert rtl.get("direction") == "ltr"


def test_review_export_carries_the_key(editions):
    block = next(b for b in figures_of(editions["en"]) if b.panel.id == "stage-iv")
    lines = key_text(block, editions["en"]).splitlines()
    assert lines[0] == "Front view" and "5 Brain" in lines and "Size key" in lines and "Symbols" in lines
    assert lines[-1].startswith("26 ")


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


@pytest.fixture(scope="module")
def english_epub(tmp_path_factory):
    out = tmp_path_factory.mktemp("epub")
    builder.build(builder.Project(ROOT), languages=["en"], formats=["epub"], out_dir=out)
    return out / "en" / "invasive-breast-cancer.epub"


def test_epub_figures_link_their_long_description(english_epub):
    stages = epub_file(english_epub, "EPUB/stages-in-pictures.xhtml")
    figures = stages.xpath("//x:figure", namespaces=NS)
    assert len(figures) == 13
    for figure in figures:
        details = stages.xpath("//*[@id=$i]", i=figure.get("aria-details"), namespaces=NS)
        assert details and details[0].xpath(".//x:li", namespaces=NS)
        heading = details[0].xpath("x:h3", namespaces=NS)
        assert heading and " ".join(heading[0].itertext()) == "What the picture shows"
        assert figure.xpath("x:figcaption", namespaces=NS)
        assert not figure.xpath(".//*[@aria-describedby] | .//s:desc", namespaces=NS)
    opf = epub_file(english_epub, "EPUB/content.opf")
    assert opf.xpath("//opf:item[@href='stages-in-pictures.xhtml']/@properties", namespaces=NS) == ["svg"]
    features = opf.xpath("//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS)
    assert "longDescription" in features


def test_figure_key_gives_each_numeral_its_words(english_epub):
    stages = epub_file(english_epub, "EPUB/stages-in-pictures.xhtml")
    figure = stages.xpath("//x:figure[.//s:title[@id='fig-stage-iv-title']]", namespaces=NS)[0]
    numerals = figure.xpath(".//s:text/text()", namespaces=NS)
    items = [" ".join("".join(li.itertext()).split()) for li in figure.xpath(".//x:ol[@class='figure-key-list']/x:li",
                                                                             namespaces=NS)]
    assert [item.split()[0] for item in items] == numerals == [str(n) for n in range(1, len(numerals) + 1)]
    assert "5 Brain" in items and "19 Pea, 1 cm" in items and "22 Tumor (hatched)" in items
    headings = figure.xpath(".//x:p[@class='figure-key-heading']/text()", namespaces=NS)
    assert headings == ["Front view", "Side view, cut through the breast", "Size key", "Symbols"]


def test_spec_errors_name_file_and_key(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bad.toml").write_text('[[figure]]\nid = "x"\ntitle = "X"\nalt = "Y"\naxillary = "lots"\n')
    with pytest.raises(spec.FigureSpecError, match=r"source/figures/bad.toml:2: axillary must be one of"):
        spec.load(tmp_path)
    (tmp_path / "figures" / "bad.toml").write_text(f'[[figure]]\nid = "x"\ntitle = "X"\nalt = "{"a" * 251}"\n')
    with pytest.raises(spec.FigureSpecError, match="longer than 250 characters"):
        spec.load(tmp_path)
