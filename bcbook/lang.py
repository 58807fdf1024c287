"""Language codes -> Babel locales, catalog folders and native names.

Requires Babel. Guarantees: one place decides how a BCP 47 code from
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

from babel import Locale, UnknownLocaleError

PSEUDO_REGIONS = ("XA", "XB")  # pseudo-locales for testing (en-XA: every message upper-cased)

__all__ = ["UnknownLocaleError", "by_language", "catalog_dir_name", "css_family", "embedded_font", "format_locale_of",
           "list_separator", "locale_of", "native_name", "stack_for"]

# Every stack ends with the other scripts we publish: the colophon names each edition in its own script.
FONT_STACKS = {
    "default": ("Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic"),
    "zh-Hans": ("Noto Sans CJK SC", "Noto Sans", "Noto Naskh Arabic"),
    "zh": ("Noto Sans CJK SC", "Noto Sans", "Noto Naskh Arabic"),
    "ar": ("Noto Naskh Arabic", "Noto Sans", "Noto Sans CJK SC"),
}


# The family an EPUB embeds (subset to the characters used) for text in a language, where a reader's
# own fonts may lack the script: no e-reader is sure to have CJK or Arabic, nor Vietnamese's stacked
# tone marks (ế, ộ), where a missing glyph falls back letter by letter. Other Latin-script languages
# use the reader's font, which the reader chose.
EMBEDDED_FONTS = {
    "zh-Hans": "Noto Sans CJK SC",
    "ar": "Noto Naskh Arabic",
    "vi": "Noto Sans",
}
# Where the embedded families come from: the Debian package that installs each one (for error messages).
FONT_PACKAGES = {"Noto Sans": "fonts-noto-core", "Noto Naskh Arabic": "fonts-noto-core",
                 "Noto Sans CJK SC": "fonts-noto-cjk"}
FONT_LICENCE = "SIL Open Font License 1.1"  # the licence of every family above

# The readers are in the US: Spanish decimals take a point ("0.2", read "cero punto dos"), as in es_US.
FORMAT_REGIONS = {"es": "US"}

# Between the names of a list: Chinese uses the enumeration comma, Arabic its own comma.
LIST_SEPARATORS = {"default": ", ", "zh": "、", "ar": "، "}

# unit -> its spellings in the published languages (en, es, zh-Hans, vi, ar), longest match wins
UNIT_SPELLINGS = {
    "cm": ("cm", "centimeters", "centimeter", "centímetros", "centímetro", "厘米", "公分", "xen-ti-mét",
           "xentimét", "سم", "سنتيمتر", "سنتيمترات"),
    "mm": ("mm", "millimeters", "millimeter", "milímetros", "milímetro", "毫米", "mi-li-mét", "milimét", "مم",
           "ملم", "مليمتر"),
    "inch": ("inches", "inch", "pulgadas", "pulgada", "英寸", "inch", "بوصة", "بوصات"),
    "%": ("%", "٪", "percent", "por ciento", "phần trăm", "في المائة"),
}


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


def native_name(code: str) -> str:
    """A language's name in that language, capitalised as a list entry ("Español")."""
    locale = locale_of(code)
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]
