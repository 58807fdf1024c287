"""The built EPUBs: EPUBCheck clean, accessibility metadata, nav, language on every document."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bcbook.check import check_epub
from conftest import LANGUAGES, epub_documents, epub_file

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


@pytest.fixture
def built_book(built_epubs) -> dict[str, Path]:
    """The EPUBs alone (this module needs no PDF or audio)."""
    return built_epubs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_epubcheck_reports_nothing(built_book, lang):
    result = check_epub(built_book[lang])
    assert result.messages == []
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0)


def test_epubcheck_catches_a_broken_epub(built_book, tmp_path):
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(built_book["en"]) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("types.xhtml"):
                data = data.replace(b'aria-labelledby="types-title"', b'aria-labelledby="nowhere"')
            target.writestr(item, data)
    assert not check_epub(broken).ok


def _opf(path):
    return epub_file(path, "EPUB/content.opf")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_package_metadata(built_book, lang):
    opf = _opf(built_book[lang])
    assert opf.get(XML_LANG) == lang
    assert opf.xpath("string(//dc:language)", namespaces=NS) == lang
    meta = {}
    for element in opf.xpath("//opf:meta[@property]", namespaces=NS):
        meta.setdefault(element.get("property"), []).append(element.text)
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert set(meta["schema:accessMode"]) == {"textual", "visual"}
    assert meta["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert "a11y:certifiedBy" not in meta  # the publisher cannot certify its own book
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(meta["schema:accessibilityFeature"])
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert len(meta["schema:accessibilitySummary"][0]) > 40
    assert meta["dcterms:modified"] == ["2026-12-02T00:00:00Z"]  # book.toml edition_date


def test_translated_title_and_distinct_identifiers(built_book):
    en, es = _opf(built_book["en"]), _opf(built_book["es"])
    assert en.xpath("string(//dc:title)", namespaces=NS) == "Invasive Breast Cancer"
    assert es.xpath("string(//dc:title)", namespaces=NS) == "Cáncer de mama invasivo"
    assert en.xpath("string(//dc:identifier)", namespaces=NS) != es.xpath("string(//dc:identifier)", namespaces=NS)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_nav_has_toc_and_landmarks(built_book, lang):
    nav = epub_file(built_book[lang], "EPUB/nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    assert len(toc) == 1 and toc[0].get("role") == "doc-toc"
    assert len(toc[0].xpath("x:ol/x:li/x:a", namespaces=NS)) == 8
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert set(landmarks) == {"cover", "toc", "bodymatter", "glossary"}
    pages = nav.xpath("//x:nav[@epub:type='page-list'][@hidden]//x:a", namespaces=NS)  # the US Letter pages
    assert len(pages) >= 25 and [a.text for a in pages[:3]] == ["1", "2", "3"]  # (tests/test_read_aloud.py)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_document_has_language_and_direction(built_book, lang):
    direction = "rtl" if lang == "ar" else "ltr"
    for name, root in epub_documents(built_book[lang]).items():
        assert (root.get("lang"), root.get(XML_LANG), root.get("dir")) == (lang, lang, direction), name
        assert root.find("x:body", NS).get("dir") == direction, name
    spine = epub_file(built_book[lang], "EPUB/content.opf").find("opf:spine", NS)
    assert spine.get("page-progression-direction") == ("rtl" if lang == "ar" else None)


def test_chapters_glossary_and_colophon_semantics(built_book):
    documents = epub_documents(built_book["en"])
    kinds = {name: root.xpath("//x:body/x:section/@epub:type", namespaces=NS) for name, root in documents.items()}
    assert kinds["EPUB/types.xhtml"] == ["chapter"]
    assert kinds["EPUB/glossary.xhtml"] == ["glossary"]
    assert kinds["EPUB/about-this-book.xhtml"] == ["colophon"]
    chapter = documents["EPUB/types.xhtml"].xpath("//x:section", namespaces=NS)[0]
    assert chapter.get("role") == "doc-chapter"
    glossary = documents["EPUB/glossary.xhtml"]
    assert len(glossary.xpath("//x:dl/x:dt/x:dfn", namespaces=NS)) == len(glossary.xpath("//x:dd", namespaces=NS)) > 10


def test_arabic_cover_is_right_aligned(built_book):
    with zipfile.ZipFile(built_book["ar"]) as archive:
        cover = archive.read("EPUB/images/cover.svg").decode()
    # Right-to-left lines anchor at their start (their right end); the drawn boxes: test_figure_view.py.
    assert "سرطان الثدي" in cover and 'direction="rtl" text-anchor="start"' in cover


def test_cover_carries_the_translated_title(built_book):
    with zipfile.ZipFile(built_book["es"]) as archive:
        cover = archive.read("EPUB/images/cover.svg").decode()
    assert "Cáncer de mama" in cover and "<title" in cover
    page = epub_file(built_book["es"], "EPUB/cover.xhtml")
    assert page.xpath("string(//x:img/@alt)", namespaces=NS) == "Portada del libro Cáncer de mama invasivo"


def test_colophon_says_the_spanish_translation_is_a_draft(built_book):
    colophon = epub_file(built_book["es"], "EPUB/about-this-book.xhtml")
    text = "".join(colophon.itertext())
    assert "Esta traducción es un borrador" in text
    assert "Texto de origen actualizado el 21 de diciembre de 2023" in text  # the source page's date
    assert "Esta edición: 2 de diciembre de 2026" in text  # book.toml edition_date
    assert ("Este libro también está disponible en: English, 中文 (简体), Tiếng Việt, العربية, 한국어, Filipino, Русский, "
            "Kreyòl Ayisyen, Français, Português.") in text
    english = "".join(epub_file(built_book["en"], "EPUB/about-this-book.xhtml").itertext())
    assert "draft" not in english
    assert ("This book is also available in: Español, 中文 (简体), Tiếng Việt, العربية, 한국어, Filipino, Русский, "
            "Kreyòl Ayisyen, Français, Português.") in english


def test_stylesheet_respects_reader_settings(built_book):
    with zipfile.ZipFile(built_book["en"]) as archive:
        css = archive.read("EPUB/css/book.css").decode()
    assert "px" not in css.replace("0px", "")
    assert "color:" not in css.replace("currentColor", "")
    assert "background" not in css


STAGES = ["Stage 0 (for comparison)", "Stage I", "Stage II", "Stage III", "Stage IV"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_contents_reach_every_section_heading(built_book, lang):
    """nav and toc.ncx both list, under each chapter, its h2 headings, linked to where they are."""
    documents = epub_documents(built_book[lang])
    nav = documents["EPUB/nav.xhtml"]
    chapters = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    ncx = epub_file(built_book[lang], "EPUB/toc.ncx")
    ncx_chapters = ncx.xpath("/n:ncx/n:navMap/n:navPoint", namespaces=NCX)
    assert len(chapters) == len(ncx_chapters) == 8
    assert ncx.xpath("string(//n:meta[@name='dtb:depth']/@content)", namespaces=NCX) == "2"
    for chapter, point in zip(chapters, ncx_chapters):
        target = documents["EPUB/" + chapter.xpath("string(x:a/@href)", namespaces=NS)]
        headings = target.xpath("//x:section/x:h2", namespaces=NS)
        links = chapter.xpath("x:ol/x:li/x:a", namespaces=NS)
        assert [a.get("href").split("#")[1] for a in links] == [h.get("id") for h in headings]
        assert ["".join(a.itertext()) for a in links] == ["".join(h.itertext()) for h in headings]
        ncx_links = point.xpath("n:navPoint/n:content/@src", namespaces=NCX)
        assert ncx_links == [a.get("href") for a in links]
    if lang == "en":
        stages = nav.xpath("//x:a[contains(@href, 'stages-in-pictures.xhtml#')]", namespaces=NS)
        assert [text for text in ("".join(a.itertext()) for a in stages) if text.startswith("Stage")] == STAGES
    order = [int(value) for value in ncx.xpath("//n:navPoint/@playOrder", namespaces=NCX)]
    assert order == list(range(1, len(order) + 1))


EDITION_NAMES = {"en": "English", "es": "Español", "zh-Hans": "中文 (简体)", "vi": "Tiếng Việt", "ar": "العربية",
                 "ko": "한국어", "tl": "Filipino", "ru": "Русский", "ht": "Kreyòl Ayisyen", "fr": "Français",
                 "pt": "Português"}
IN_ENGLISH = {"es": "en inglés", "zh-Hans": "英文", "vi": "tiếng Anh", "ar": "بالإنجليزية",  # the note's words
              "ko": "영어", "tl": "sa Ingles", "ru": "на английском языке", "ht": "an angle", "fr": "en anglais",
              "pt": "em inglês"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_editions_are_named_in_their_own_language(built_book, lang):
    """The colophon's list of editions marks each name with lang, xml:lang and dir (WCAG 3.1.2)."""
    colophon = epub_file(built_book[lang], "EPUB/about-this-book.xhtml")
    spans = colophon.xpath("//x:p[contains(@id, 'editions')]//x:span[@lang]", namespaces=NS)
    found = {span.get("lang"): ("".join(span.itertext()), span.get(XML_LANG), span.get("dir")) for span in spans}
    assert found == {code: (name, code, "rtl" if code == "ar" else "ltr")
                     for code, name in EDITION_NAMES.items() if code != lang}
    licence = colophon.xpath("//x:p[@class='fonts']//x:span[@lang]", namespaces=NS)
    english = ["Noto Naskh Arabic", "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK SC", "SIL Open Font License 1.1"]
    assert sorted((s.get("lang"), s.text) for s in licence) == ([] if lang == "en" else [("en", name) for name in english])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_outside_links_say_their_language(built_book, lang):
    """Every outside link has hreflang="en"; in a translation its text says "(in English)" exactly once."""
    links = [a for root in epub_documents(built_book[lang]).values()
             for a in root.xpath("//x:a[starts-with(@href, 'http')]", namespaces=NS)]
    assert {a.get("hreflang") for a in links} == {"en"}
    # the colophon's Sources list gives English titles, marked lang="en": they need no "(in English)"
    cited = [a for a in links if not a.xpath("ancestor::x:ul[contains(@id, '-sources-')]", namespaces=NS)]
    assert len(cited) == 9 and len(links) > len(cited)
    for a in cited:
        text = "".join(a.itertext())
        if lang == "en":
            assert "(" not in text, text
        else:
            assert text.count(IN_ENGLISH[lang]) == 1, text
