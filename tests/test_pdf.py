"""The PDF handouts: PDF/UA-1 checks, structure tree, text, fonts, page sizes, and failures that stop the build."""

from __future__ import annotations

import re
import subprocess
from collections import Counter

import pikepdf
import pytest

from bcbook import build as builder
from bcbook import lang as lang_table
from bcbook.check import check_pdf
from bcbook.pdf import document, fonts
from bcbook.pdf.render import PdfError, render_edition
from conftest import LANGUAGES
from test_seed import WEB_ONLY, seed_sentences

SIZES = {"letter": (612, 792), "a4": (595, 842), "large-print": (612, 792)}


def pdf_path(build_dir, lang: str, edition: str):
    return build_dir / lang / f"invasive-breast-cancer-{edition}.pdf"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("edition", sorted(document.EDITIONS))
def test_pdf_ua1_checker_and_qpdf_pass(build_dir, lang, edition):
    result = check_pdf(pdf_path(build_dir, lang, edition))
    assert result.messages == [] and result.ok


@pytest.mark.parametrize("edition", sorted(document.EDITIONS))
def test_page_size_and_metadata(build_dir, edition):
    with pikepdf.open(pdf_path(build_dir, "es", edition)) as pdf:
        width, height = (round(float(v)) for v in pdf.pages[0].MediaBox[2:])
        assert (width, height) == SIZES[edition]
        assert str(pdf.Root.Lang) == "es"
        assert str(pdf.docinfo["/Title"]) == "Cáncer de mama invasivo"
        assert str(pdf.docinfo["/Author"]) == "bcbook Patient Education"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == "Cáncer de mama invasivo" and meta["pdfuaid:part"] == "1"
        assert len(pdf.Root.Outlines.First.keys()) > 0


def _font_sizes(pdf) -> Counter:
    sizes: Counter = Counter()
    for page in pdf.pages[2:6]:
        for operands, operator in pikepdf.parse_content_stream(page, "Tf"):
            sizes[round(float(operands[1]))] += 1
    return sizes


def test_large_print_body_is_at_least_18pt(build_dir):
    with pikepdf.open(pdf_path(build_dir, "en", "large-print")) as large, \
            pikepdf.open(pdf_path(build_dir, "en", "letter")) as letter:
        assert _font_sizes(large).most_common(1)[0][0] >= 18
        assert _font_sizes(letter).most_common(1)[0][0] < 18


def _structure(pdf) -> list[pikepdf.Dictionary]:
    out, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append(node)
            if "/K" in node:
                stack.append(node.K)
    return out


def test_structure_tree(build_dir):
    with pikepdf.open(pdf_path(build_dir, "en", "letter")) as pdf:
        elements = _structure(pdf)
        kinds = Counter(str(e.S) for e in elements)
        headings = [int(str(e.S)[2]) for e in elements if re.fullmatch(r"/H[1-6]", str(e.S))]
        assert kinds["/H1"] >= 8 and kinds["/H2"] >= 5 and kinds["/H3"] >= 2
        assert all(b <= a + 1 for a, b in zip(headings, headings[1:])), headings
        assert kinds["/L"] and kinds["/LI"] and kinds["/Lbl"] and kinds["/LBody"]
        figures = [e for e in elements if str(e.S) == "/Figure"]
        assert len(figures) >= 13 and all(len(str(f.get("/Alt", ""))) > 20 for f in figures)


def test_page_numbers_and_footers_are_artifacts(build_dir):
    with pikepdf.open(pdf_path(build_dir, "en", "a4")) as pdf:
        for page in pdf.pages[1:4]:
            content = page.Contents.read_bytes()
            assert content.count(b"/Artifact <<\n  /Type /Pagination\n>> BDC") + \
                content.count(b"/Artifact << /Type /Pagination >> BDC") == 2
        reachable = {e.objgen for e in _structure(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for index in range(1, len(nums), 2):
            if isinstance(nums[index], pikepdf.Array):
                assert all(not isinstance(e, pikepdf.Dictionary) or e.objgen in reachable for e in nums[index])


def _text(path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?\(https?://[^)]*\)", "", text)  # printed link addresses


def test_every_seed_sentence_is_in_the_english_pdf(build_dir):
    text = _text(pdf_path(build_dir, "en", "letter"))
    missing = [s for s in seed_sentences() if not s.startswith(WEB_ONLY) and s != "Updated 12/21/23" and s not in text]
    assert missing == []


def test_link_addresses_are_printed(build_dir):
    raw = subprocess.run(["pdftotext", str(pdf_path(build_dir, "en", "letter")), "-"], capture_output=True,
                         text=True).stdout
    source_page = "https://www.komen.org/breast-cancer/facts-statistics/what-is-breast-cancer/invasive-breast-cancer/"
    assert f"({source_page})" in re.sub(r"\s+", "", raw)




BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _to_unicode_chars(font) -> set[str]:
    """Every character a font's ToUnicode CMap can produce (bfchar and bfrange entries)."""
    data = font.ToUnicode.read_bytes().decode("latin-1")
    chars: set[str] = set()
    for dst in re.findall(r"^<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>\s*$", data, re.M):
        chars |= set(bytes.fromhex(dst).decode("utf-16-be"))
    for low, high, dst in re.findall(r"^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*$", data, re.M):
        start = int(dst, 16)
        chars |= {chr(start + offset) for offset in range(int(high, 16) - int(low, 16) + 1)}
    return chars


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_character_is_covered_by_an_embedded_font(build_dir, lang):
    path = pdf_path(build_dir, lang, "letter")
    covered: set[str] = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/DescendantFonts" in obj:
                descriptor = obj.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")  # TrueType or CFF (CJK)
                assert program is not None, f"font {descriptor.FontName} is not embedded"
                covered |= _to_unicode_chars(obj)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    missing = {char for char in text if not char.isspace() and char not in covered} - BIDI_CONTROLS
    assert missing == set()
    assert set(lang_table.LANGUAGES[lang]["sample"]) <= set(text)  # the row's sample letters, drawn as text


def test_fallback_blocks_carry_their_language(tiny, tmp_path):
    catalog = tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "Una sección"', 'msgstr ""'))
    builder.build(tiny, ["es"], formats=["pdf"], out_dir=tmp_path)
    with pikepdf.open(tmp_path / "es" / "tiny-letter.pdf") as pdf:
        langs = Counter(str(e.Lang) for e in _structure(pdf) if "/Lang" in e)
        assert langs["en"] >= 1 and str(pdf.Root.Lang) == "es"


def test_missing_glyph_stops_the_build(tiny, tmp_path):
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text().replace("A lead line.", "A lead line with \U0001D504."))
    with pytest.raises(fonts.MissingGlyph, match=r"source/chapters/01-tiny.md:4: no glyph for '.' \(U\+1D504\)"):
        builder.build(tiny, ["en"], formats=["pdf"], out_dir=tmp_path)
    assert not any(tmp_path.rglob("*.pdf"))


def test_weasyprint_errors_fail_the_build(tiny, monkeypatch):
    editions = builder.gather(tiny, ["en"])
    monkeypatch.setattr(document, "html_document", lambda book, edition: b"<html><body><img src='x.png'></body></html>")
    with pytest.raises(PdfError, match="WeasyPrint reported"):
        render_edition(editions[0].book, "letter", (2023, 12, 21, 0, 0, 0))


def test_translated_text_cannot_break_out_of_css():
    hostile = 'Title"; } body { display: none } </style><script>x</script>'
    quoted = document.css_string(hostile)
    assert quoted.count('"') == 2 and "<" not in quoted and "}" in quoted
    assert quoted.startswith('"Title\\000022; }')


def test_arabic_pdf_reads_right_to_left(build_dir):
    path = pdf_path(build_dir, "ar", "letter")
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "ar"
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                              text=True).stdout)
    # logical order: the sentence comes out in reading order, not mirrored
    assert "يحدث سرطان الثدي الغازي عندما تخرج خلايا غير طبيعية" in text
