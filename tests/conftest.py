"""Shared fixtures: project copies, built books, the en-XA pseudo-locale, golden files."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bcbook import build as builder
from bcbook import config
from bcbook.audio import voices
from bcbook.i18n import po
from bcbook.inline import map_text, parse, to_markdown

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
GOLDEN = Path(__file__).resolve().parent / "golden"
PSEUDO = "en-XA"
LANGUAGES = list(config.load(ROOT / "source").meta.languages)  # the published editions (source/book.toml)
# those narrated offline (the default engine has a voice for them; Tagalog has none)
NARRATED = [lang for lang in LANGUAGES if voices.narrator({"engine": "auto"}, lang)]


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def golden(request):
    """compare(name, text): assert text equals tests/golden/name (rewritten with --regen-golden)."""
    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--regen-golden"):
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} missing: run pytest --regen-golden and review the diff"
        assert text == path.read_text(encoding="utf-8")
    return compare


def copy_project(origin: Path, target: Path) -> builder.Project:
    for name in ("source", "locales"):
        shutil.copytree(origin / name, target / name)
    if (origin / "babel.cfg").exists():
        shutil.copy(origin / "babel.cfg", target / "babel.cfg")
    return builder.Project(target)


@pytest.fixture
def tiny(tmp_path) -> builder.Project:
    """A writable copy of the tiny fixture project."""
    return copy_project(TINY, tmp_path / "tiny")


@pytest.fixture
def book_project(tmp_path) -> builder.Project:
    """A writable copy of the real book's source and catalogs."""
    return copy_project(ROOT, tmp_path / "book")


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The real book built once per session, every language and format (or BCBOOK_TEST_BUILD: a build to reuse)."""
    if os.environ.get("BCBOOK_TEST_BUILD"):
        return Path(os.environ["BCBOOK_TEST_BUILD"])
    out = tmp_path_factory.mktemp("build")
    builder.build(builder.Project(ROOT), out_dir=out)
    return out


@pytest.fixture(scope="session")
def built_book(build_dir) -> dict[str, Path]:
    """{lang: EPUB path} of the session build."""
    return {path.parent.name: path for path in build_dir.glob("*/*.epub")}


@pytest.fixture(scope="session")
def built_epubs(tmp_path_factory) -> dict[str, Path]:
    """{lang: EPUB path} of the real book built as EPUB only (seconds, not the full build)."""
    out = tmp_path_factory.mktemp("epubs")
    builder.build(builder.Project(ROOT), formats=["epub"], out_dir=out)
    return {path.parent.name: path for path in out.glob("*/*.epub")}


def upper_case_catalog(pot: Path, target: Path, lang: str = PSEUDO) -> Path:
    """Write a catalog whose every msgstr is its msgid with the words upper-cased."""
    template = po.read(pot)
    lines = [f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n']
    for (context, msgid), _ in template.entries.items():
        msgstr = to_markdown(map_text(parse(msgid), _upper_keeping_fields))
        lines.append(f"msgctxt {_quote(context)}\nmsgid {_quote(msgid)}\nmsgstr {_quote(msgstr)}\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def _upper_keeping_fields(text: str) -> str:
    parts = text.replace("{", "\0{").replace("}", "}\0").split("\0")
    return "".join(part if part.startswith("{") else part.upper() for part in parts)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """Every XHTML document of an EPUB, parsed: {name: root}."""
    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name))
                for name in archive.namelist() if name.endswith(".xhtml")}


def epub_file(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))
