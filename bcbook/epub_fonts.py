"""Fonts the EPUB carries: subsets of the script fonts, only the characters the book draws.

Requires uharfbuzz (HarfBuzz's subsetter: a few milliseconds a font, where
fontTools took 0.2-1 s; the same glyphs, features and names), lxml,
fontconfig's `fc-match` to find the installed Noto fonts, and the per-language choice in
bcbook.lang.EMBEDDED_FONTS. Guarantees:
- `characters(documents, lang)` follows CSS inheritance the way the
  stylesheet below sets fonts: text takes the embedded family of the
  nearest `lang` (HTML or SVG) that has one, so a Latin word inside a
  Chinese sentence is counted for the Chinese font, and the colophon's
  "العربية" in the English book for the Arabic font.
- `embed` subsets each needed family (regular and bold) to exactly those
  characters, keeping the OpenType layout features (Arabic joining,
  marks) and the licence in the name table; bytes depend only on the
  installed font and the characters (no timestamps), so builds repeat.
- `stylesheet` gives @font-face rules and `:lang()` rules that put the
  embedded family first; as CSS rules they also win over the SVG figures'
  font-family attributes, so figure labels use the embedded fonts too.
- A family that is not installed raises FontMissing naming the package.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .lang import EMBEDDED_FONTS, FONT_PACKAGES, embedded_font, stack_for

FONT_DIR = "fonts"
WEIGHTS = ("Regular", "Bold")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SKIPPED = {"{http://www.w3.org/1999/xhtml}head"}


class FontMissing(RuntimeError):
    """A font the EPUB must carry is not installed."""


@dataclass(frozen=True)
class Font:
    family: str
    weight: str
    file_name: str  # inside the EPUB folder, e.g. fonts/noto-sans-cjk-sc-regular.otf
    media_type: str
    data: bytes
    langs: tuple[str, ...]  # the languages whose text uses it


def characters(documents: list[bytes], book_lang: str) -> dict[str, set[str]]:
    """{embedded family: characters drawn with it} over every document's body."""
    found: dict[str, set[str]] = {}
    for content in documents:
        _walk(etree.fromstring(content), embedded_font(book_lang), found)
    return {family: chars for family, chars in found.items() if chars}


def _walk(element, family: str | None, found: dict[str, set[str]]) -> None:
    if element.tag in _SKIPPED or not isinstance(element.tag, str):
        return
    lang = element.get(_XML_LANG) or element.get("lang")
    if lang:
        family = embedded_font(lang) or family
    if family:
        found.setdefault(family, set()).update(_visible(element.text))
    for child in element:
        _walk(child, family, found)
        if family:
            found[family].update(_visible(child.tail))


def _visible(text: str | None) -> set[str]:
    return {char for char in text or "" if not char.isspace()}


def embed(documents: list[bytes], book_lang: str) -> list[Font]:
    """The subset fonts for the text in these documents (regular and bold of each family)."""
    fonts = []
    for family, chars in sorted(characters(documents, book_lang).items()):
        langs = tuple(lang for lang, name in EMBEDDED_FONTS.items() if name == family)
        for weight in WEIGHTS:
            data, extension = _subset(family, weight, "".join(sorted(chars)))
            name = f"{FONT_DIR}/{family.lower().replace(' ', '-')}-{weight.lower()}.{extension}"
            fonts.append(Font(family, weight, name, f"font/{extension}", data, langs))
    return fonts


def _subset(family: str, weight: str, text: str) -> tuple[bytes, str]:
    """The subset of an installed font for `text`, and its extension; kept between builds (bcbook.diskcache)
    under the font file's path, size and time, the text, HarfBuzz's version and this module's code."""
    import uharfbuzz

    from . import diskcache
    path, index = installed(family, weight)
    status = Path(path).stat()
    entry = diskcache.key(path, str(index), str(status.st_size), str(status.st_mtime_ns), text,
                          uharfbuzz.version_string(), Path(__file__).read_bytes())
    data = diskcache.remembered("fonts", entry, lambda: _make_subset(path, index, text))
    return data, ("otf" if data[:4] == b"OTTO" else "ttf")


def _make_subset(path: str, index: int, text: str) -> bytes:
    """The font cut to the glyphs `text` needs, with everything its layout reaches (Arabic joining forms,
    marks, CJK vertical and locale forms): every layout feature, every name and name language (the
    copyright and the OFL 1.1 licence stay with the font), and an outline for .notdef."""
    import uharfbuzz as hb
    wanted = hb.SubsetInput()
    wanted.sets(hb.SubsetInputSets.UNICODE).update(map(ord, text))
    for everything in (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.NAME_ID,
                       hb.SubsetInputSets.NAME_LANG_ID):
        wanted.sets(everything).clear()  # HarfBuzz starts these with its defaults: empty, inverted, is all
        wanted.sets(everything).invert()
    wanted.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    return hb.subset(hb.Face(hb.Blob.from_file_path(path), index), wanted).blob.data


@functools.lru_cache(maxsize=None)
def installed(family: str, weight: str) -> tuple[str, int]:
    if not shutil.which("fc-match"):
        raise FontMissing("fc-match not found: install fontconfig (make does this as root)")
    found = subprocess.run(["fc-match", "-f", "%{family}|%{style}|%{file}|%{index}", f"{family}:style={weight}"],
                           capture_output=True, text=True, check=False).stdout
    names, styles, path, index = (found.split("|") + ["", "", "", "0"])[:4]
    if family not in names.split(",") or weight not in styles.split(","):
        package = FONT_PACKAGES.get(family, "the package that provides it")
        raise FontMissing(f"font {family!r} {weight} is not installed: install {package} (make does this as root)")
    return path, int(index or 0)


def face_name(family: str) -> str:
    """The CSS family name of an embedded subset (distinct, so it never hides a complete installed font)."""
    return f"{family} (bcbook)"


def stylesheet(fonts: list[Font], stylesheet_dir: str = "css") -> bytes:
    """@font-face for every embedded font, then a :lang() rule putting each family first."""
    up = "../" * len(stylesheet_dir.strip("/").split("/"))
    rules = ["/* Fonts carried by this book (subsets), SIL Open Font License 1.1. */"]
    for font in fonts:
        rules.append(f'@font-face {{ font-family: "{face_name(font.family)}"; '
                     f'font-weight: {700 if font.weight == "Bold" else 400}; font-style: normal; '
                     f'src: url("{up}{font.file_name}") format("{_format(font.media_type)}"); }}')
    for family, langs in sorted({(font.family, font.langs) for font in fonts}):
        selector = ", ".join(f":lang({lang})" for lang in langs)
        fallbacks = ", ".join(f'"{name}"' for name in stack_for(langs[0]))
        rules.append(f'{selector} {{ font-family: "{face_name(family)}", {fallbacks}, sans-serif; }}')
    return ("\n".join(rules) + "\n").encode()


def _format(media_type: str) -> str:
    return "opentype" if media_type == "font/otf" else "truetype"
