"""Bad catalog entries give a clear error naming the PO file, line and msgid, and never reach the EPUB."""

from __future__ import annotations

import io
import zipfile

import pytest

from bcbook import build as builder
from bcbook.cli import main
from bcbook.i18n.po import PoSyntaxError

GOOD = 'msgstr "Un texto en **negrita** y en *cursiva* con [un enlace](https://example.org/page)."'
BAD_ENTRIES = {
    "script": ('msgstr "Un texto <script>alert(1)</script> en **negrita** y *cursiva* con '
               '[un enlace](https://example.org/page)."', "HTML markup '<script>'"),
    "unbalanced bold": ('msgstr "Un texto en **negrita y en *cursiva* con [un enlace](https://example.org/page)."',
                        "inline markup differs"),
    "changed link": ('msgstr "Un texto en **negrita** y en *cursiva* con [un enlace](https://evil.example/x)."',
                     "link target changed to 'https://evil.example/x'"),
    "dropped link": ('msgstr "Un texto en **negrita** y en *cursiva* con un enlace."', "inline markup differs"),
    "image": ('msgstr "Un texto en **negrita** y en *cursiva* con [un enlace](https://example.org/page). '
              '![x](https://evil.example/x.png)"', "image is not allowed"),
}


def _po(project):
    return project.locales / "es" / "LC_MESSAGES" / "bcbook.po"


def _replace(project, old: str, new: str) -> int:
    path = _po(project)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n")  # 0-based line of msgstr; msgid is the line before


def _epub_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("EPUB/tiny.xhtml").decode()


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_unsafe_translation_is_reported_and_falls_back_to_english(tiny, tmp_path, case):
    new, reason = BAD_ENTRIES[case]
    msgid_line = _replace(tiny, GOOD, new)
    editions = builder.build(tiny, languages=["es"], out_dir=tmp_path)
    problems = editions[0].report.problems
    assert len(problems) == 1
    assert problems[0].startswith(f"locales/es/LC_MESSAGES/bcbook.po:{msgid_line}: msgid 'Some **bold**")
    assert reason in problems[0]
    xhtml = _epub_text(tmp_path / "es" / "tiny.epub")
    assert "<script" not in xhtml and "evil.example" not in xhtml
    assert '<p id="tiny-p-2" lang="en" xml:lang="en" dir="ltr"><span id="tiny-p-2-s1">Some <strong>bold</strong>' in xhtml


def test_strict_build_fails_on_unsafe_translation_and_writes_nothing(tiny, tmp_path):
    _replace(tiny, GOOD, BAD_ENTRIES["script"][0])
    with pytest.raises(builder.BuildError, match="1 unsafe"):
        builder.build(tiny, languages=["es"], out_dir=tmp_path, strict=True)
    assert not any(tmp_path.rglob("*.epub"))


def test_wrong_placeholder_is_rejected(tiny, tmp_path):
    _replace(tiny, 'msgstr "Texto de origen actualizado el {date}"', 'msgstr "Texto de origen actualizado el {fecha}"')
    editions = builder.build(tiny, languages=["es"], out_dir=tmp_path)
    assert "placeholders differ: expected ['date'], found ['fecha']" in editions[0].report.problems[0]
    assert "Source text updated December 21, 2023" in _epub_text(tmp_path / "es" / "tiny.epub")


def test_fuzzy_entries_never_ship(tiny, tmp_path):
    _replace(tiny, 'msgctxt "heading"\nmsgid "A section"', '#, fuzzy\nmsgctxt "heading"\nmsgid "A section"')
    editions = builder.build(tiny, languages=["es"], out_dir=tmp_path)
    assert editions[0].report.fuzzy == 1
    assert '<h2 id="a-section" lang="en" xml:lang="en" dir="ltr"><span id="a-section-s1">A section</span></h2>' in _epub_text(tmp_path / "es" / "tiny.epub")


@pytest.mark.parametrize("broken, message", [
    ('msgstr "Una sección', "unterminated string"),
    ('msgstr Una sección"', "expected msgctxt, msgid, msgstr"),
    ('msgstr "Una \\q sección"', "unknown escape"),
    ('msgstr "Una" "sección"', "unescaped quote inside a string"),
])
def test_po_syntax_error_names_file_and_line(tiny, tmp_path, broken, message):
    line = _replace(tiny, 'msgstr "Una sección"', broken) + 1
    with pytest.raises(PoSyntaxError) as caught:
        builder.build(tiny, languages=["es"], out_dir=tmp_path)
    assert str(caught.value).startswith(f"locales/es/LC_MESSAGES/bcbook.po:{line}: {message}")
    assert not any(tmp_path.rglob("*.epub"))


def test_cli_reports_unsafe_translation_on_stderr(tiny, tmp_path):
    _replace(tiny, GOOD, BAD_ENTRIES["changed link"][0])
    out, err = io.StringIO(), io.StringIO()
    assert main(["--project", str(tiny.root), "build", "--lang", "es", "--out", str(tmp_path)], out, err) == 0
    assert "error: locales/es/LC_MESSAGES/bcbook.po:" in err.getvalue()
    assert "link target changed" in err.getvalue()
    assert main(["--project", str(tiny.root), "build", "--strict", "--out", str(tmp_path / "strict")], out, err) == 1
    assert "--strict: incomplete or unsafe translations" in err.getvalue()
