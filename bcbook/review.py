"""Medical review of a translation: which catalog entries a reviewer signed, and whether they changed since.

Requires the model, the interface words and the standard library (hashlib,
tomllib). Guarantees:
- `entries(book)` lists every message the English book looks up, once
  each, in book order: the book's title fields, then each chapter (its
  title, blocks, figures with their labels and organ names, and the
  interface words its slots use), then the remaining interface words;
- the review record lives in `locales/<lang>/review.toml`, beside (not
  inside) the catalog, so `msgmerge` and translators' editors never touch
  it. Per entry it keeps a hash of msgctxt + msgid (the key) and a hash of
  msgctxt + msgid + msgstr (what was reviewed), and which sign-off it came
  from (reviewer and date);
- `state` compares the record with the translations in use: an entry is
  reviewed only if its current msgid and msgstr hash to what was signed;
  any later edit (or a fuzzy entry after `msgmerge`) makes it "changed";
- `sign` records a new sign-off for every entry whose translation is in
  use; entries that did not change keep their earlier sign-off;
- `dump` writes the record deterministically (same record, same bytes).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import inline, ui
from .lang import catalog_dir_name
from .model import Book, Figure, Origin, Person, Phrase, Slot, Text, phrases_of

RECORD_FILE = "review.toml"
SIGNER = re.compile(r"[^<>\n\"\\]+ <[^<>\s@\"\\]+@[^<>\s@\"\\]+>")
# interface words that each colophon slot may print
SLOT_MESSAGES = {
    "updated": ("updated",),
    "editions": ("editions",),
    "translation-status": ("status-draft", "status-reviewed"),
    "credits": ("credits-authors", "credits-reviewed", "credits-not-reviewed"),
    "sources": ("sources",),
    "contact": ("contact",),
}


class ReviewError(ValueError):
    """A review record or a sign-off request is malformed (names the file or the option)."""


@dataclass(frozen=True)
class Entry:
    """One message as the reviewer sees it: the English phrase, where it is, the figure it belongs to."""

    phrase: Phrase
    chapter: str
    figure: Figure | None = None

    @property
    def context(self) -> str:
        return self.phrase.kind

    @cached_property
    def msgid(self) -> str:
        return inline.to_markdown(self.phrase.inlines)

    @cached_property
    def key(self) -> str:
        return entry_key(self.context, self.msgid)


@dataclass
class Record:
    """The review record of one language: sign-offs, and per entry key -> (text hash, sign-off number)."""

    signoffs: list[Person] = field(default_factory=list)
    entries: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class State:
    """How much of a language's catalog is reviewed, as the book uses it now."""

    total: int
    reviewed: int
    changed: int  # signed once, but the msgid or msgstr changed since (or it is fuzzy now)
    reviewers: tuple[Person, ...]  # the sign-offs that cover the reviewed entries, oldest first

    @property
    def unreviewed(self) -> int:
        return self.total - self.reviewed - self.changed

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.reviewed == self.total

    @property
    def label(self) -> str:
        return "reviewed" if self.complete else "partly reviewed" if self.reviewed else "not reviewed"


def entry_key(context: str | None, msgid: str) -> str:
    return _digest(f"{context or ''}\x04{msgid}")


def text_hash(context: str | None, msgid: str, msgstr: str) -> str:
    return _digest(f"{context or ''}\x04{msgid}\x00{msgstr}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def interface_phrase(key: str) -> Phrase:
    """The English Phrase of an interface word, as the translator looks it up."""
    message, note = ui.MESSAGES[key]
    return Phrase(ui.CONTEXT, (Text(message),), Origin("bcbook/ui.py", 1), note)


_LAST: list = [None, ()]  # the last book asked for and its entries: every language asks for the same source


def entries(book: Book) -> tuple[Entry, ...]:
    """Every message of the book, once, in book order (see the module docstring)."""
    if _LAST[0] is not book:
        _LAST[:] = book, _entries(book)
    return _LAST[1]


def _entries(book: Book) -> tuple[Entry, ...]:
    found: dict[str, Entry] = {}

    def add(phrase: Phrase, chapter: str, figure: Figure | None = None) -> None:
        entry = Entry(phrase, chapter, figure)
        found.setdefault(entry.key, entry)

    meta = book.meta
    for phrase in (meta.title, meta.subtitle, meta.description, meta.accessibility_summary):
        add(phrase, "Book information")
    for chapter in book.chapters:
        name = inline.plain_text(chapter.title.inlines)
        add(chapter.title, name)
        for block in chapter.blocks:
            for phrase, figure in _block_phrases(block):
                add(phrase, name, figure)
    for key in ui.MESSAGES:
        add(interface_phrase(key), "Interface words")
    return tuple(found.values())


def _block_phrases(block):
    """(phrase, figure or None) pairs of one block, organ names after the sentence that lists them."""
    if isinstance(block, Slot):
        yield from ((interface_phrase(key), None) for key in SLOT_MESSAGES.get(block.name, ()))
    elif isinstance(block, Figure):
        yield block.title, block
        yield block.alt, block
        values = block.values or tuple(() for _ in block.description)
        for sentence, pairs in zip(block.description, values):
            yield sentence, block
            for _, value in pairs:
                yield from ((organ, block) for organ in (value if isinstance(value, tuple) else ()))
        yield from ((phrase, block) for _, phrase in block.labels)
    else:
        yield from ((phrase, None) for phrase in phrases_of(block))


def record_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / catalog_dir_name(lang) / RECORD_FILE


def state(book_entries: tuple[Entry, ...], current: dict[str, str | None], record: Record,
          previous: dict[str, str] | None = None) -> State:
    """Compare the record with `current` (entry key -> the msgid+msgstr hash in use, or None if unusable).

    `previous` maps an entry's key to the key it had before msgmerge changed its msgid (from "#|"),
    so an entry reviewed under its old wording counts as changed, not as never reviewed.
    """
    reviewed = changed = 0
    used: set[int] = set()
    for entry in book_entries:
        signed = record.entries.get(entry.key) or record.entries.get((previous or {}).get(entry.key, ""))
        if signed and signed[0] == current.get(entry.key):
            reviewed += 1
            used.add(signed[1])
        elif signed:
            changed += 1
    reviewers = tuple(record.signoffs[number - 1] for number in sorted(used))
    return State(len(book_entries), reviewed, changed, reviewers)


def sign(record: Record, book_entries: tuple[Entry, ...], current: dict[str, str | None], signer: Person) -> int:
    """Record `signer` for every entry in use; unchanged entries keep their sign-off. Returns how many are new."""
    if not SIGNER.fullmatch(signer.name):
        raise ReviewError(f'--sign {signer.name!r}: write it as "Name <email>"')
    _check_date(signer.date, "--date")
    kept: dict[str, tuple[str, Person]] = {}
    fresh = 0
    for entry in book_entries:
        now, before = current.get(entry.key), record.entries.get(entry.key)
        if now is None:
            continue
        if before and before[0] == now:
            kept[entry.key] = (now, record.signoffs[before[1] - 1])
        else:
            kept[entry.key] = (now, signer)
            fresh += 1
    people = sorted({person for _, person in kept.values()}, key=lambda p: (p.date, p.name))
    number = {person: index for index, person in enumerate(people, start=1)}
    record.signoffs = people
    record.entries = {key: (text, number[person]) for key, (text, person) in kept.items()}
    return fresh


def _check_date(value: str, where: str) -> None:
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ReviewError(f"{where} {value!r}: write the date as YYYY-MM-DD") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ReviewError(f"{where} {value!r}: write the date as YYYY-MM-DD")


def load(path: Path, label: str | None = None) -> Record:
    """Read a review record; a missing file is an empty record; anything malformed names the file."""
    if not path.is_file():
        return Record()
    name = label or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ReviewError(f"{name}: {error}") from None
    signoffs = []
    for index, table in enumerate(data.get("signoffs", []), start=1):
        if not isinstance(table, dict) or not isinstance(table.get("reviewer"), str) \
                or not isinstance(table.get("date"), datetime.date):
            raise ReviewError(f"{name}: signoffs[{index}] needs reviewer = \"Name <email>\" and date = YYYY-MM-DD")
        signoffs.append(Person(table["reviewer"], table["date"].isoformat()))
    entries = {}
    for key, value in data.get("entries", {}).items():
        if not isinstance(value, dict) or not isinstance(value.get("text"), str) \
                or value.get("signoff") not in range(1, len(signoffs) + 1):
            raise ReviewError(f"{name}: entry {key!r} needs text = \"hash\" and signoff = 1..{len(signoffs)}")
        entries[key] = (value["text"], value["signoff"])
    return Record(signoffs, entries)


def dump(record: Record, catalog_label: str) -> bytes:
    """The record as TOML text, sorted, with a header that says what it is."""
    lines = [f"# Medical review record for {catalog_label}.",
             "# Written by `bcbook review LANG --sign`; do not edit by hand. Each entry maps a hash of",
             "# msgctxt + msgid to a hash of msgctxt + msgid + msgstr as reviewed, and the sign-off that",
             "# reviewed it. An entry whose text has changed since no longer matches: not reviewed.", ""]
    for person in record.signoffs:
        lines += ["[[signoffs]]", f"reviewer = {_quote(person.name)}", f"date = {person.date}", ""]
    lines.append("[entries]")
    for key in sorted(record.entries):
        text, number = record.entries[key]
        lines.append(f'"{key}" = {{ text = "{text}", signoff = {number} }}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def display_name(signer: str) -> str:
    """The name to print ("Ana Ruiz, MD <ana@example.org>" -> "Ana Ruiz, MD"): addresses stay in the record."""
    return signer.split("<", 1)[0].strip()
