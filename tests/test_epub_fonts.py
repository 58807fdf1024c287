"""The EPUBs carry subset fonts for their scripts, and a browser with no such fonts of its own draws with them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from bcbook import build as builder
from bcbook.lang import list_separator
from conftest import LANGUAGES, ROOT, epub_documents, epub_file

OPF = {"opf": "http://www.idpf.org/2007/opf"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCRIPT_FONTS = {"zh-Hans": "Noto Sans CJK SC", "ar": "Noto Naskh Arabic", "vi": "Noto Sans", "ko": "Noto Sans CJK KR"}
# the letters of each script the embedded font must cover, and how many of them the book uses at least
SCRIPT_LETTERS = {"zh-Hans": (re.compile("[\u3400-\u9fff]"), 500),
                  "ar": (re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), 40),
                  "ko": (re.compile("[\uac00-\ud7af]"), 300)}


def _fonts(path: Path) -> dict[str, tuple[str, bytes]]:
    """{href: (media type, bytes)} of every font in the manifest."""
    opf = epub_file(path, "EPUB/content.opf")
    with zipfile.ZipFile(path) as archive:
        return {item.get("href"): (item.get("media-type"), archive.read("EPUB/" + item.get("href")))
                for item in opf.xpath("//opf:item[starts-with(@media-type, 'font/')]", namespaces=OPF)}


def _family_cmaps(path: Path) -> dict[tuple[str, str], set[int]]:
    """{(family, subfamily): code points} read from the embedded font files themselves."""
    cmaps = {}
    for media_type, data in _fonts(path).values():
        font = TTFont(io.BytesIO(data))
        cmaps[(font["name"].getDebugName(1), font["name"].getDebugName(2))] = set(font.getBestCmap())
    return cmaps


def _text_in(path: Path, lang: str) -> set[str]:
    """Every visible character whose nearest language (HTML lang or SVG xml:lang) is `lang`."""
    chars = set()
    for root in epub_documents(path).values():
        for text in root.xpath("//*[local-name()='body']//text()"):
            start = text.getparent().getparent() if text.is_tail else text.getparent()
            holder = next(e for e in (start, *start.iterancestors()) if e.get("lang") or e.get(XML_LANG))
            if (holder.get("lang") or holder.get(XML_LANG)) == lang:
                chars |= {char for char in str(text) if not char.isspace()}
    return chars


@pytest.mark.parametrize("lang", SCRIPT_LETTERS)
def test_script_fonts_cover_every_character_of_the_book(built_epubs, lang):
    path = built_epubs[lang]
    cmaps = _family_cmaps(path)
    family = SCRIPT_FONTS[lang]
    assert {(family, "Regular"), (family, "Bold")} <= set(cmaps)
    used = _text_in(path, lang)
    letters, least = SCRIPT_LETTERS[lang]
    script = used if lang == "zh-Hans" else {char for char in used if letters.match(char)}
    assert len(script) > least
    for weight in ("Regular", "Bold"):
        missing = sorted(char for char in script if ord(char) not in cmaps[(family, weight)])
        assert not missing, f"{family} {weight} lacks {missing}"
    assert len(cmaps[(family, "Regular")]) < len(used) + 120  # a subset: the book's characters, not the font


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fonts_are_declared_and_named_for_every_edition(built_epubs, lang):
    """Manifest media types are EPUB core types; @font-face points at them; :lang() puts them first."""
    fonts = _fonts(built_epubs[lang])
    assert {media for media, _ in fonts.values()} <= {"font/otf", "font/ttf"}
    with zipfile.ZipFile(built_epubs[lang]) as archive:
        css = archive.read("EPUB/css/book.css").decode()
    sources = re.findall(r'src: url\("\.\./([^"]+)"\)', css)
    assert sorted(sources) == sorted(fonts)
    # every book names every edition in its own script (the colophon), so it carries every family
    for code, family in SCRIPT_FONTS.items():
        assert re.search(rf':lang\({code}\)[^{{]*{{ font-family: "{family} \(bcbook\)"', css), code
    licence = "".join(epub_file(built_epubs[lang], "EPUB/about-this-book.xhtml").itertext())
    names = list_separator(lang).join(["Noto Naskh Arabic", "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK SC"])
    assert names in licence and "SIL Open Font License 1.1" in licence


def test_epub_with_fonts_is_byte_reproducible(built_epubs, tmp_path):
    """A second build gives the same bytes (the Chinese book has both a CFF and a TrueType subset)."""
    builder.build(builder.Project(ROOT), languages=["zh-Hans"], formats=["epub"], out_dir=tmp_path)
    for lang in ("zh-Hans",):
        assert (tmp_path / lang / built_epubs[lang].name).read_bytes() == built_epubs[lang].read_bytes()


# -- what a browser draws with no CJK or Arabic font installed -------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROBE = """<script>
document.fonts.ready.then(() => {
  const used = [];
  document.fonts.forEach(face => used.push(face.family + '|' + face.weight + '|' + face.status));
  const probe = document.createElement('pre');
  probe.id = 'font-probe';
  probe.textContent = used.sort().join('\\n');
  document.body.appendChild(probe);
});
</script>"""
FONTCONFIG = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>"""


@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("lang", SCRIPT_LETTERS)
def test_a_browser_without_script_fonts_loads_the_embedded_ones(built_epubs, lang, tmp_path):
    """Chromium with only DejaVu installed renders chapter 1 at 400 px and loads the book's regular and bold."""
    with zipfile.ZipFile(built_epubs[lang]) as archive:
        archive.extractall(tmp_path / "book")
    chapter = tmp_path / "book" / "EPUB" / "invasive-breast-cancer.xhtml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    (tmp_path / "fonts.conf").write_text(FONTCONFIG.format(cache=tmp_path / "cache"))
    env = {"FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                          "--window-size=400,2000", "--virtual-time-budget=5000", "--dump-dom", chapter.as_uri()],
                         capture_output=True, text=True, timeout=120, env=env).stdout
    probe = re.search(r'<pre id="font-probe">(.*?)</pre>', dom, re.S)
    assert probe, "the page did not finish loading its fonts"
    faces = set(probe.group(1).split("\n"))
    family = SCRIPT_FONTS[lang]
    assert {f"{family} (bcbook)|400|loaded", f"{family} (bcbook)|700|loaded"} <= faces
