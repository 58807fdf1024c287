"""The medical review workflow: sign-offs that cannot go stale, the colophon and metadata that follow, the review document."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pikepdf
import pytest
from lxml import html as lxml_html

from bcbook import inline, reader, review
from bcbook.check import check_file
from bcbook.cli import main
from bcbook.i18n.translate import Translator
from conftest import ROOT, epub_file, upper_case_catalog

ES_PO = "locales/es/LC_MESSAGES/bcbook.po"
SIGNER = "Ana Ruiz, MD <ana@example.org>"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
CREDITS = '''languages = ["en", "es"]
authors = ["Jo Writer", "Sam Author"]
medical_reviewers = [{ name = "Dr Lee Reviewer", date = 2026-11-30 }]

[contact]
name = "Riverside Clinic"
phone = "+1 555 0100"
web = "https://clinic.example/breast-care"

[[sources]]
title = "National Cancer Institute, Breast Cancer Stages"
url = "https://www.cancer.gov/types/breast/stages"

[[sources]]
title = "A printed source without an address"
'''
COLOPHON = """# About this book

<!-- bcbook:translation-status -->

<!-- bcbook:credits -->

<!-- bcbook:sources -->

<!-- bcbook:contact -->
"""


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main([str(arg) for arg in argv], out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tiny):
    """The tiny book with credits, sources, contact, a colophon and a complete (upper-cased) Spanish catalog."""
    book = tiny.source / "book.toml"
    text = book.read_text().replace('languages = ["en", "es"]\n', CREDITS)
    book.write_text(text + '\n[[chapters]]\nfile = "chapters/03-about-this-book.md"\nkind = "colophon"\n')
    (tiny.source / "chapters" / "03-about-this-book.md").write_text(COLOPHON)
    shutil.copy(ROOT / "babel.cfg", tiny.root / "babel.cfg")
    assert run("--project", tiny.root, "extract")[0] == 0
    upper_case_catalog(tiny.locales / "bcbook.pot", tiny.root / ES_PO, lang="es")
    return tiny


def stats_line(project, lang="es"):
    status, out, _ = run("--project", project.root, "stats", "--lang", lang)
    assert status == 0
    line = next(line for line in out.splitlines() if line.startswith(lang + " "))
    total, done, fuzzy, missing, unsafe, _, reviewed, changed, *label = line.split()[1:]
    return int(total), int(reviewed), int(changed), " ".join(label)


def colophon_and_opf(project, tmp_path, name):
    assert run("--project", project.root, "build", "--lang", "es", "--format", "epub", "--out", tmp_path / name)[0] == 0
    path = tmp_path / name / "es" / "tiny.epub"
    colophon = " ".join(epub_file(path, "EPUB/about-this-book.xhtml").itertext())
    return re.sub(r"\s+", " ", colophon), epub_file(path, "EPUB/content.opf")


def edit_entry(project, msgid, new_msgstr):
    path = project.root / ES_PO
    text, count = re.subn(rf'(msgid "{re.escape(msgid)}"\nmsgstr )".*"', rf'\1"{new_msgstr}"', path.read_text())
    assert count == 1
    path.write_text(text)


def contributors(opf):
    """{name: (role, date)} of every dc:contributor, from its refinements."""
    found = {}
    for element in opf.iterfind(".//dc:contributor", OPF):
        refines = {m.get("property"): m.text for m in opf.iterfind(f".//opf:meta[@refines='#{element.get('id')}']", OPF)}
        found[element.text] = (refines.get("role"), refines.get("dcterms:date"))
    return found


def test_sign_edit_and_resign_move_the_language_between_states(project, tmp_path):
    total, reviewed, changed, label = stats_line(project)
    assert (reviewed, changed, label) == (0, 0, "not reviewed") and total > 20
    colophon, opf = colophon_and_opf(project, tmp_path, "draft")
    assert "THIS TRANSLATION IS A DRAFT" in colophon and "REVIEWED BY A MEDICAL TRANSLATOR" not in colophon

    status, out, _ = run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15")
    assert status == 0 and f"signed {total} entries" in out
    assert stats_line(project) == (total, total, 0, "reviewed")
    colophon, opf = colophon_and_opf(project, tmp_path, "signed")
    assert "REVIEWED BY A MEDICAL TRANSLATOR: Ana Ruiz, MD, 15 de enero de 2027." in colophon
    assert "ana@example.org" not in colophon and "DRAFT" not in colophon
    assert contributors(opf)["Ana Ruiz, MD"] == ("rev", "2027-01-15")

    edit_entry(project, "A thin tube.", "UN TUBO DELGADO.")
    assert stats_line(project) == (total, total - 1, 1, "partly reviewed")
    colophon, opf = colophon_and_opf(project, tmp_path, "edited")
    assert "THIS TRANSLATION IS A DRAFT" in colophon and "Ana Ruiz" not in colophon
    assert "Ana Ruiz, MD" not in contributors(opf)

    run("--project", project.root, "review", "es", "--sign", "Bo Li <bo@example.org>", "--date", "2027-02-01")
    assert stats_line(project) == (total, total, 0, "reviewed")
    record = (project.locales / "es" / "review.toml").read_text()
    assert record.count("[[signoffs]]") == 2 and record.count("signoff = 2 }") == 1  # only the edited entry
    run("--project", project.root, "review", "es", "--sign", "Bo Li <bo@example.org>", "--date", "2027-02-01")
    assert (project.locales / "es" / "review.toml").read_text() == record  # nothing changed: the same bytes
    colophon, opf = colophon_and_opf(project, tmp_path, "resigned")
    assert "REVIEWED BY A MEDICAL TRANSLATOR: Ana Ruiz, MD y Bo Li, 1 de febrero de 2027." in colophon
    assert contributors(opf)["Bo Li"] == ("rev", "2027-02-01")
    assert check_file(tmp_path / "resigned" / "es" / "tiny.epub").ok  # EPUBCheck accepts the roles and dates


def test_a_review_survives_extract_and_msgmerge_but_not_a_changed_source(project):
    run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15")
    record = (project.locales / "es" / "review.toml").read_bytes()
    assert run("--project", project.root, "extract")[0] == 0 and run("--project", project.root, "update")[0] == 0
    total, reviewed, changed, label = stats_line(project)
    assert (reviewed, label) == (total, "reviewed")
    chapter = project.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text().replace("italic* text with", "italic* words with"))
    run("--project", project.root, "extract")
    run("--project", project.root, "update")  # the entry comes back fuzzy with the new msgid
    total, reviewed, changed, label = stats_line(project)
    assert (reviewed, changed, label) == (total - 1, 1, "partly reviewed")  # known from msgmerge's "#|" lines
    assert (project.locales / "es" / "review.toml").read_bytes() == record


def test_require_review_refuses_unreviewed_languages(project, tmp_path):
    status, _, err = run("--project", project.root, "build", "--strict", "--require-review", "--format", "epub",
                         "--out", tmp_path / "out")
    assert status == 1 and "es: not reviewed (0 of" in err
    assert not (tmp_path / "out").exists()
    assert run("--project", project.root, "stats", "--require-review")[0] == 1
    run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15")
    assert run("--project", project.root, "stats", "--require-review")[0] == 0
    status, _, err = run("--project", project.root, "build", "--strict", "--require-review", "--format", "epub",
                         "--out", tmp_path / "out", "--quiet")
    assert (status, err) == (0, "")


@pytest.mark.parametrize("signer, date, message", [
    ("Ana Ruiz", "2027-01-15", 'write it as "Name <email>"'),
    (SIGNER, "15/01/2027", "write the date as YYYY-MM-DD"),
    (SIGNER, None, "--sign and --date go together"),
])
def test_a_malformed_sign_off_is_refused(project, signer, date, message):
    status, _, err = run("--project", project.root, "review", "es", "--sign", signer, *(["--date", date] if date else []))
    assert status == 2 and message in err
    assert not (project.locales / "es" / "review.toml").exists()


def test_the_old_review_header_is_not_a_second_mechanism(project):
    po = project.root / ES_PO
    po.write_text(po.read_text().replace('"Language: es\\n"', '"Language: es\\n"\n"X-Medical-Review: Dr A, 2026-01-01\\n"', 1))
    status, out, err = run("--project", project.root, "stats", "--lang", "es")
    assert status == 0 and out.rstrip().endswith("not reviewed")
    assert f"note: {ES_PO}: the X-Medical-Review header is not read any more" in err


def test_signing_refuses_a_catalog_that_changed_since_the_document(project, tmp_path):
    assert run("--project", project.root, "review", "es", "--format", "html", "--out", tmp_path)[0] == 0
    document = (tmp_path / "es" / "tiny-review-es.html").read_text()
    print_id = re.search(r"--fingerprint ([0-9a-f]{12})", document).group(1)
    edit_entry(project, "A thin tube.", "UN TUBO DELGADO.")
    status, _, err = run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15",
                         "--fingerprint", print_id)
    assert status == 2 and "the catalog changed since that review document was made" in err
    assert stats_line(project)[1] == 0
    assert run("--project", project.root, "review", "es", "--format", "html", "--out", tmp_path)[0] == 0
    print_id = re.search(r"--fingerprint ([0-9a-f]{12})", (tmp_path / "es" / "tiny-review-es.html").read_text())[1]
    status, out, _ = run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15",
                         "--fingerprint", print_id)
    assert status == 0 and f"document fingerprint {print_id}" in out


def test_a_broken_review_record_names_its_file(project):
    (project.locales / "es" / "review.toml").write_text('[entries]\n"abc" = { text = "x", signoff = 3 }\n')
    status, _, err = run("--project", project.root, "stats")
    assert status == 2 and "locales/es/review.toml: entry 'abc' needs" in err


@pytest.mark.parametrize("old, new, message", [
    ('authors = ["Jo Writer", "Sam Author"]', 'authors = "Jo Writer"', "book.toml:13: authors must be a list"),
    ("date = 2026-11-30 }", 'date = "30/11/2026" }', "medical_reviewers[1].date must be a date"),
    ('phone = "+1 555 0100"', 'phone = "call us"', "book.toml:18: contact.phone 'call us' is not a phone"),
    ('web = "https://clinic.example/breast-care"', 'web = "http://clinic.example"',
     "book.toml:19: contact.web 'http://clinic.example' must be an https:// address"),
    ('phone = "+1 555 0100"', 'fax = "+1 555 0100"', "book.toml:18: [contact] has an unknown key 'fax'"),
    ('url = "https://www.cancer.gov/types/breast/stages"', 'url = "www.cancer.gov"',
     "book.toml:21: sources[1].url 'www.cancer.gov' must be a web address"),
    ('title = "A printed source without an address"', 'name = "A book"',
     "book.toml:25: sources[2] may only have the keys title and url"),
])
def test_bad_book_toml_keys_give_clear_errors(project, old, new, message):
    book = project.source / "book.toml"
    assert old in book.read_text()
    book.write_text(book.read_text().replace(old, new))
    status, _, err = run("--project", project.root, "stats")
    assert status == 2 and message in err, err


def test_colophon_lists_credits_sources_and_the_clinic_contact(project, tmp_path):
    colophon, opf = colophon_and_opf(project, tmp_path, "book")
    assert "WRITTEN BY Jo Writer y Sam Author." in colophon
    assert "MEDICAL REVIEW OF THE ENGLISH TEXT: Dr Lee Reviewer, 30 de noviembre de 2026." in colophon
    assert "SOURCES National Cancer Institute, Breast Cancer Stages A printed source without an address" in colophon
    assert colophon.endswith("CONTACT Riverside Clinic: +1 555 0100, https://clinic.example/breast-care.")
    assert [e.text for e in opf.iterfind(".//dc:creator", OPF)] == ["Jo Writer", "Sam Author"]
    assert contributors(opf) == {"Dr Lee Reviewer": ("rev", "2026-11-30")}
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[contact]\nname = "Hill Hospital"\nphone = "(555) 010-0200"\n')
    assert run("--project", project.root, "build", "--lang", "es", "--format", "epub", "--contact", clinic,
               "--out", tmp_path / "clinic")[0] == 0
    text = " ".join(epub_file(tmp_path / "clinic" / "es" / "tiny.epub", "EPUB/about-this-book.xhtml").itertext())
    assert "Hill Hospital: (555) 010-0200." in text and "Riverside" not in text


def test_the_pdf_metadata_carries_the_same_facts(project, tmp_path):
    run("--project", project.root, "review", "es", "--sign", SIGNER, "--date", "2027-01-15")
    assert run("--project", project.root, "build", "--lang", "es", "--format", "pdf", "--out", tmp_path)[0] == 0
    with pikepdf.open(tmp_path / "es" / "tiny-letter.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:creator"] == ["Jo Writer", "Sam Author"]
        assert set(meta["dc:contributor"]) == {"Dr Lee Reviewer (medical review of the English text, 2026-11-30)",
                                               "Ana Ruiz, MD (medical review of the translation, 2027-01-15)"}
        assert str(pdf.docinfo["/Author"]) == "Jo Writer; Sam Author"
    assert check_file(tmp_path / "es" / "tiny-letter.pdf").ok  # PDF/UA-1 checker and qpdf
    text = subprocess.run(["pdftotext", tmp_path / "es" / "tiny-letter.pdf", "-"], capture_output=True, text=True).stdout
    assert "Ana Ruiz, MD, 15 de enero de 2027" in re.sub(r"\s+", " ", text)


def review_rows(path):
    document = lxml_html.parse(str(path)).getroot()
    return document, document.xpath("//tr[starts-with(@id, 'entry-')]")


def test_the_review_document_has_every_entry_in_book_order(book_project, tmp_path):
    status, out, _ = run("--project", book_project.root, "review", "es", "--format", "html", "--out", tmp_path)
    assert status == 0
    document, rows = review_rows(tmp_path / "es" / "invasive-breast-cancer-review-es.html")
    source = reader.read_book(book_project.source)
    entries = review.entries(source)
    translator = Translator.for_language("es", book_project.locales, source.meta.allowed_link_hosts)
    translator.review_state(source)
    assert len(rows) == len(entries) == translator.report.total > 200  # the same messages the build looks up
    english = [_words(row.xpath("string(td[1]/span[1])")) for row in rows]
    assert english == [_words(inline.plain_text(entry.phrase.inlines)) for entry in entries]
    assert english[4] == _words(inline.plain_text(source.chapters[0].title.inlines))  # after the 4 title fields
    assert "heading · source/chapters/01-invasive-breast-cancer.md:1" in rows[4].xpath("string(td[1])")
    figures = [entry.figure.id for entry in entries if entry.figure is not None]
    drawn = document.xpath("//tr[@class='figure-row']/td/figure[svg]/@id")
    assert sorted(drawn) == sorted(set(figures)) and len(drawn) >= 5
    for row in rows:  # each figure is drawn before its first entry
        if (figure := entries[int(row.get("id")[6:]) - 1].figure) is not None:
            assert row.xpath(f"preceding::tr[@class='figure-row']/td/figure[@id='{figure.id}']"), figure.id
    assert document.xpath("//section[@class='signoff']//dt/text()")[:2] == ["Reviewer (name and credential)", "E-mail"]


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


def test_the_review_document_marks_numbers_that_differ_and_never_renders_markup(project, tmp_path):
    chapter = project.source / "chapters" / "03-about-this-book.md"
    chapter.write_text(chapter.read_text().replace(
        "# About this book\n", "# About this book\n\nClusters of 0.2 mm to 2 mm, in 1 to 3 nodes, 2 cm or less.\n"))
    run("--project", project.root, "extract")
    upper_case_catalog(project.locales / "bcbook.pot", project.root / ES_PO, lang="es")
    edit_entry(project, "Clusters of 0.2 mm to 2 mm, in 1 to 3 nodes, 2 cm or less.",
               "GRUPOS DE 0,2 MM A 2 MILÍMETROS, EN 1 A 4 GANGLIOS, 2 厘米 O MENOS.")
    edit_entry(project, "A thin tube.", "UN TUBO <b>DELGADO</b>.")
    po = project.root / ES_PO
    po.write_text(po.read_text().replace('msgctxt "heading"\nmsgid "Words"', '# Check: "palabras" or "términos"?\n'
                                                                         'msgctxt "heading"\nmsgid "Words"'))
    assert run("--project", project.root, "review", "es", "--out", tmp_path)[0] == 0
    document, rows = review_rows(tmp_path / "es" / "tiny-review-es.html")
    row = next(r for r in rows if "Clusters of" in r.xpath("string(td[1])"))
    assert row.xpath("td[1]//mark/text()") == ["0.2 mm", "3"]
    assert row.xpath("td[2]//mark/text()") == ["0,2 MM", "4"]  # 2 MILÍMETROS and 2 厘米 are the same as 2 mm, 2 cm
    assert "Numbers differ: English 0.2 mm, 3; translation 0,2 mm, 4" in row.xpath("string(td[3])")
    unsafe = next(r for r in rows if r.xpath("string(td[1])").startswith("A thin tube."))
    assert not unsafe.xpath(".//b") and "UN TUBO <b>DELGADO</b>." in unsafe.xpath("string(td[2])")
    assert "unsafe, not used" in unsafe.xpath("string(td[2])")
    words = next(r for r in rows if r.xpath("string(td[1])").startswith("Words"))
    assert "Translator's comment: Check: \"palabras\" or \"términos\"?" in words.xpath("string(td[3])")
    pdf_text = subprocess.run(["pdftotext", "-layout", tmp_path / "es" / "tiny-review-es.pdf", "-"],
                              capture_output=True, text=True).stdout
    assert "Sign-off by the medical translator" in pdf_text and "GRUPOS DE 0,2 MM" in pdf_text
    first = {path.name: path.read_bytes() for path in (tmp_path / "es").iterdir()}
    assert run("--project", project.root, "review", "es", "--out", tmp_path / "again")[0] == 0
    assert {path.name: path.read_bytes() for path in (tmp_path / "again" / "es").iterdir()} == first  # reproducible


@pytest.mark.parametrize("lang, english, translation, only_english, only_translation", [
    ("zh-Hans", "A tumor 2 cm or smaller, HER2-positive", "肿瘤小于或等于2厘米，HER2阳性", [], []),
    ("ar", "1 to 3 lymph nodes", "من ١ إلى ٣ عقد لمفاوية", [], []),
    ("es", "0.2 mm to 2 mm", "0,2 mm a 2 mm", ["0.2 mm"], ["0,2 mm"]),  # US Spanish writes 0.2
    ("vi", "about 15 in 100", "khoảng 15 phần trăm", ["100", "15"], ["15 %"]),
    ("fr", "0.2 mm to 2 mm", "0,2 mm à 2 mm", [], []),  # French writes a decimal comma
    ("ru", "0.2 to 2 mm, 1,000 cells", "от 0,2 до 2 мм, 1000 клеток", ["1,000"], ["1000"]),
])
def test_numbers_and_units_compare_across_scripts(lang, english, translation, only_english, only_translation):
    from bcbook.review_numbers import differences
    ours, theirs = differences(english, translation, lang)
    assert (sorted(ours.elements()), sorted(theirs.elements())) == (only_english, only_translation)
