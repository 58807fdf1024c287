"""Language codes -> Babel locales, catalog folders, native names, and the one table of languages.

Requires Babel. Guarantees: bcbook/languages.toml holds one row per
language (fonts, embedded EPUB font, number region, list separator, ISO
639-2 code, a voice per speech engine, unit spellings, sample letters) and
this module is its only reader; `use_project(source)` adds a project's own
rows (source/languages.toml, same format), so a publisher adds a language
without touching bcbook; FONT_STACKS, EMBEDDED_FONTS, FORMAT_REGIONS,
LIST_SEPARATORS, ISO_639_2, UNIT_SPELLINGS and `voices_of(engine)` are
views of it. One place decides how a BCP 47 code from
book.toml ("es", "zh-Hans", "en-XA") maps to a Babel Locale (pseudo-locales
such as en-XA fall back to their base language) and to a folder name
under locales/ ("zh_Hans"), and to the fonts that draw its script
(FONT_STACKS, and EMBEDDED_FONTS for the family an EPUB carries for text
in that language), which region's conventions format its numbers and
dates (FORMAT_REGIONS), and the comma that separates a list of names
(LIST_SEPARATORS); an unknown code raises UnknownLocaleError. UNIT_SPELLINGS
lists how each published language writes the units the book uses, so the
review document can tell "2 cm" and "2 厘米" apart from a changed number.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

PSEUDO_REGIONS = ("XA", "XB")  # pseudo-locales for testing (en-XA: every message upper-cased)

__all__ = ["LANGUAGES", "UnknownLocaleError", "by_language", "catalog_dir_name", "css_family", "embedded_font",
           "format_locale_of", "keeps_words", "language_name", "list_separator", "locale_of", "native_name", "stack_for", "voices_of"]

PROJECT_FILE = "languages.toml"  # in a project's source/: rows for languages this table lacks, or changed rows
ROW_KEYS = ("fonts", "embed", "region", "list_separator", "iso_639_2", "voices", "units", "sample")
FONT_LICENCE = "SIL Open Font License 1.1"  # the licence of every family in the table


def _read(path: Path) -> dict:
    with path.open("rb") as stream:
        return tomllib.load(stream)


_BASE = _read(Path(__file__).parent / "languages.toml")
FALLBACK_FONTS: tuple[str, ...] = tuple(_BASE["fallback"]["fonts"])
# The table and its views, by language code (bcbook.lang.by_language also finds a base language's row).
# They are filled by _fill (updated in place, so a module that imported one sees a project's rows too).
LANGUAGES: dict[str, dict] = {}  # one row per language: bcbook/languages.toml, then the project's
FONT_PACKAGES: dict[str, str] = {}
FONT_STACKS: dict[str, tuple[str, ...]] = {}  # every stack ends with the other scripts (the colophon names each
EMBEDDED_FONTS: dict[str, str] = {}           # edition in its own script)
FORMAT_REGIONS: dict[str, str] = {}
LIST_SEPARATORS: dict[str, str] = {}
ISO_639_2: dict[str, str] = {}
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {}  # unit -> its spellings in every language, longest match wins
_VOICES: dict[str, dict[str, str]] = {}  # engine -> {language: voice}


def _fill(rows: dict, packages: dict) -> None:
    views = [
        (LANGUAGES, rows), (FONT_PACKAGES, packages),
        (FONT_STACKS, {"default": FALLBACK_FONTS, **{code: tuple(dict.fromkeys((*row["fonts"], *FALLBACK_FONTS)))
                                                    for code, row in rows.items()}}),
        (EMBEDDED_FONTS, {code: row["embed"] for code, row in rows.items() if row["embed"]}),
        (FORMAT_REGIONS, {code: row["region"] for code, row in rows.items() if row["region"]}),
        (LIST_SEPARATORS, {"default": ", ", **{code: row["list_separator"] for code, row in rows.items()}}),
        (ISO_639_2, {code: row["iso_639_2"] for code, row in rows.items()}),
        (UNIT_SPELLINGS, {unit: tuple(dict.fromkeys(spelling for row in rows.values()
                                                    for spelling in [unit] + row["units"].get(unit, [])))
                          for unit in ("cm", "mm", "inch", "%")}),
    ]
    for view, content in views:
        view.clear()
        view.update(content)
    for engine, table in _VOICES.items():
        table.clear()
        table.update(_voices(engine))


def use_project(source_dir: Path) -> None:
    """The package's rows plus those of `source_dir`/languages.toml (a publisher's own languages); a row that
    lacks a key of ROW_KEYS raises ValueError naming the file and the row."""
    path = Path(source_dir) / PROJECT_FILE
    extra = _read(path) if path.is_file() else {}
    for code, row in extra.get("languages", {}).items():
        if missing := [key for key in ROW_KEYS if key not in row]:
            raise ValueError(f"[languages.{code}] lacks {', '.join(missing)} (see bcbook/languages.toml)")
    _fill({**_BASE["languages"], **extra.get("languages", {})}, {**_BASE["packages"], **extra.get("packages", {})})


def keeps_words(lang: str) -> bool:
    """True for a language whose lines break only between words, though its script allows more (Korean)."""
    row = by_language(LANGUAGES, lang)
    return bool(row and row.get("keep_words"))


def voices_of(engine: str) -> dict[str, str]:
    """{language code: voice} for one speech engine (the same dict each time, kept up to date)."""
    if engine not in _VOICES:
        _VOICES[engine] = _voices(engine)
    return _VOICES[engine]


def _voices(engine: str) -> dict[str, str]:
    return {code: row["voices"][engine] for code, row in LANGUAGES.items() if engine in row["voices"]}


def by_language(table: dict, lang: str):
    """The entry for a language code, else for its base language ("zh-Hans" -> "zh"), else None."""
    return table.get(lang) or table.get(lang.split("-")[0])


def stack_for(lang: str) -> tuple[str, ...]:
    """The font families for a language, in order (print embeds them; the EPUB and SVG name them)."""
    return by_language(FONT_STACKS, lang) or FONT_STACKS["default"]


def embedded_font(lang: str) -> str | None:
    """The font family an EPUB carries for text in this language, or None (the reader's font)."""
    return by_language(EMBEDDED_FONTS, lang)


def css_family(lang: str) -> str:
    return ", ".join(f'"{family}"' for family in stack_for(lang)) + ", sans-serif"


def locale_of(lang: str) -> Locale:
    """Babel's locale for a language code; pseudo-locales use their base language."""
    code = lang.replace("-", "_")
    try:
        return Locale.parse(code)
    except UnknownLocaleError:
        if "_" in code and code.split("_")[-1] in PSEUDO_REGIONS:
            return Locale.parse(code.split("_")[0])
        raise


def format_locale_of(lang: str) -> Locale:
    """The locale that formats numbers and dates for a language's readers (es -> es_US)."""
    locale = locale_of(lang)
    region = by_language(FORMAT_REGIONS, lang)
    return Locale(locale.language, region, script=locale.script) if region and not locale.territory else locale


def list_separator(lang: str) -> str:
    return by_language(LIST_SEPARATORS, lang) or LIST_SEPARATORS["default"]


def catalog_dir_name(lang: str) -> str:
    """The folder under locales/ for a language code (zh-Hans -> zh_Hans)."""
    return lang.replace("-", "_")


@cache
def language_name(code: str, in_lang: str | None = None) -> str:
    """A language's name in `in_lang` (default: in itself), with a region only where the code names one
    (Babel reads "tl" as fil_PH: "Filipino", not "Filipino (Pilipinas)")."""
    locale = locale_of(code)
    if "-" not in code and "_" not in code:
        locale = Locale(locale.language)
    return locale.get_display_name(locale_of(in_lang) if in_lang else locale) or code


def native_name(code: str) -> str:
    """A language's name in that language, capitalised as a list entry ("Español")."""
    name = language_name(code)
    return name[:1].upper() + name[1:]


_fill(_BASE["languages"], _BASE["packages"])
