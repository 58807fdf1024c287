"""Tagged-PDF repairs on small handmade pages: split paragraphs, nested links, glossary pairs, /Lang, RTL text."""

from __future__ import annotations

import io

import pikepdf
import pytest

from bcbook import build as builder
from bcbook.pdf import document
from bcbook.pdf.render import render_edition
from pdf_reading import children, element_pages, element_text, mcid_text, pages, squeeze, tag_tree

LONG = " ".join(f"Sentence {n} of a paragraph that is long enough to run over a page break." for n in range(40))


def _render(tiny, monkeypatch, tmp_path, body: str, lang: str = "en", direction: str = "ltr"):
    editions = builder.gather(tiny, ["en"])
    html = (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>T</title>'
            f'<style>@page {{ size: 300pt 300pt; margin: 30pt }} body {{ font-family: "Noto Sans", '
            f'"Noto Naskh Arabic"; font-size: 10pt }}</style></head><body dir="{direction}">{body}</body></html>')
    monkeypatch.setattr(document, "html_document", lambda book, edition: html.encode("utf-8"))
    path = tmp_path / "page.pdf"
    path.write_bytes(render_edition(editions[0].book, "letter", (2023, 12, 21, 0, 0, 0)))
    return path


def _read(path):
    with pikepdf.open(path) as pdf:
        elements = tag_tree(pdf)
        annotations = [a for page in pdf.pages for a in page.get("/Annots", [])]
        flags = [int(a.get("/F", 0)) for a in annotations]
        contents = [str(a.get("/Contents", "")) for a in annotations]
    return elements, flags, contents


def test_a_paragraph_split_by_a_page_break_is_one_element(tiny, monkeypatch, tmp_path):
    path = _render(tiny, monkeypatch, tmp_path, f"<section><h1>Title</h1><p>{LONG}</p><ul><li>{LONG}</li></ul>"
                                                 "</section>")
    elements, _, _ = _read(path)
    texts = mcid_text(pages(path))
    kinds = [e.kind for e in elements]
    assert kinds.count("Sect") == 1 and kinds.count("P") == 1 and kinds.count("LI") == 1
    paragraph = kinds.index("P")
    assert len(element_pages(elements, paragraph)) >= 2  # it really was split by the page break
    assert squeeze(element_text(elements, paragraph, texts)) == squeeze(LONG)


def test_one_link_per_link_printable_and_titled(tiny, monkeypatch, tmp_path):
    body = ('<style>a[href^="http"]::after { content: " (" attr(href) ")" }</style>'
            '<p><a href="#target">Go to the target</a> and <a href="https://example.org/a/b/">a site with a long '
            'name that wraps</a>.</p><section id="target"><h1>Target</h1></section>')
    monkeypatch.setattr(document, "link_titles", lambda book: {"target": "The target chapter"})
    path = _render(tiny, monkeypatch, tmp_path, body)
    elements, flags, contents = _read(path)
    texts = mcid_text(pages(path))
    links = [i for i, e in enumerate(elements) if e.kind == "Link"]
    assert len(links) == 2
    assert not any("Link" in elements[i].ancestors for i in links)
    assert squeeze(element_text(elements, links[1], texts)) == squeeze("a site with a long name that wraps "
                                                                       "(https://example.org/a/b/)")
    assert flags and all(flag & 4 for flag in flags)
    assert "The target chapter" in contents and "target" not in contents


def test_glossary_terms_and_definitions_are_pairs(tiny, monkeypatch, tmp_path):
    body = "<dl><dt><dfn>Term one</dfn></dt><dd>First meaning.</dd><dt><dfn>Term two</dfn></dt><dd>Second.</dd></dl>"
    path = _render(tiny, monkeypatch, tmp_path, body)
    elements, _, _ = _read(path)
    texts = mcid_text(pages(path))
    items = [i for i, e in enumerate(elements) if e.kind == "LI"]
    assert len(items) == 2
    for index, (term, meaning) in zip(items, [("Term one", "First meaning."), ("Term two", "Second.")]):
        kids = children(elements, index)
        assert [elements[i].kind for i in kids] == ["Lbl", "LBody"]
        assert element_text(elements, kids[0], texts) == term
        assert element_text(elements, kids[1], texts) == meaning


def test_inline_language_gets_lang(tiny, monkeypatch, tmp_path):
    body = ('<p>Also in: <span lang="es" dir="ltr">Español</span>, <span lang="zh-Hans" dir="ltr">中文 (简体)</span>, '
            '<span lang="ar" dir="rtl">العربية</span>.</p>')
    path = _render(tiny, monkeypatch, tmp_path, body)
    elements, _, _ = _read(path)
    texts = mcid_text(pages(path))
    spans = {e.lang: element_text(elements, i, texts) for i, e in enumerate(elements) if e.kind == "Span" and e.lang}
    assert spans == {"es": "Español", "zh-Hans": "中文 (简体)", "ar": "العربية"}


@pytest.mark.parametrize("text", ["يحدث سرطان الثدي الغازي (مثال) عندما تخرج خلايا غير طبيعية.",
                                  "تعرف على المزيد: https://www.komen.org/breast-cancer/treatment/"])
def test_right_to_left_text_reads_in_logical_order(tiny, monkeypatch, tmp_path, text):
    path = _render(tiny, monkeypatch, tmp_path, f"<p>{text}</p>", lang="ar", direction="rtl")
    elements, _, _ = _read(path)
    texts = mcid_text(pages(path))
    paragraph = [e.kind for e in elements].index("P")
    assert squeeze(element_text(elements, paragraph, texts)) == squeeze(text)
