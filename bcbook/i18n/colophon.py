"""The colophon's facts: translation review status, credits, sources and contact.

Requires the model, the review record's State (on the translator's report),
Babel (dates and lists per language). Guarantees: each function turns one
colophon slot into blocks using only book.toml and the review record; the
translation is called "reviewed" (with the reviewers' names, never their
e-mail addresses, and the last review date) only when every entry the book
uses is reviewed, otherwise the draft wording; names and dates are values
put into translated interface sentences as plain text, never markup; source
titles stay in English and are marked lang="en".
"""

from __future__ import annotations

import datetime

from babel.dates import format_date
from babel.lists import format_list

from .. import review
from ..lang import locale_of
from ..model import Book, Heading, ItemList, Link, Paragraph, Phrase, Slot, Text

SOURCE_LANGUAGE = "en"


def _status(slot: Slot, translator, book: Book):
    state = translator.report.review
    if state is None:
        return None
    if state.complete:
        names = [review.display_name(person.name) for person in state.reviewers]
        text = translator.interface("status-reviewed", reviewer=_names(names),
                                    date=_long_date(max(person.date for person in state.reviewers)))
        return Paragraph(slot.id, text, role="status")
    return Paragraph(slot.id, translator.interface("status-draft"), role="status")


def _names(names: list[str]):
    """A list of names joined the way the message's language joins lists ("A and B", "A y B")."""
    return lambda in_lang: format_list(names, locale=locale_of(in_lang))


def _long_date(iso: str):
    return lambda in_lang: format_date(datetime.date.fromisoformat(iso), "long", locale=locale_of(in_lang))


def _credits(slot: Slot, translator, book: Book) -> list:
    meta, blocks = book.meta, []
    if meta.authors:
        text = translator.interface("credits-authors", authors=_names([p.name for p in meta.authors]))
        blocks.append(Paragraph(f"{slot.id}-authors", text, role="credits"))
    if meta.medical_reviewers:
        people = meta.medical_reviewers
        text = translator.interface("credits-reviewed", reviewers=_names([p.name for p in people]),
                                    date=_long_date(max(p.date for p in people)))
    else:
        text = translator.interface("credits-not-reviewed")
    return blocks + [Paragraph(f"{slot.id}-reviewers", text, role="credits")]


def _sources(slot: Slot, translator, book: Book) -> list:
    """A "Sources" heading and one list item per source; titles stay in English (lang="en")."""
    if not book.meta.sources:
        return []
    items = tuple(Phrase("source", (Link(s.url, (Text(s.title),)),) if s.url else (Text(s.title),),
                         slot.origin, lang=SOURCE_LANGUAGE) for s in book.meta.sources)
    return [Heading(f"{slot.id}-title", 2, translator.interface("sources")), ItemList(slot.id, items)]


def _contact(slot: Slot, translator, book: Book):
    contact = book.meta.contact
    if contact is None:
        return None
    details = ", ".join(part for part in (contact.phone, contact.web) if part)
    return Paragraph(slot.id, translator.interface("contact", name=contact.name, details=details), role="contact")


# slot name -> function(slot, translator, English book) -> a block, a list of blocks, or None
SLOTS = {"translation-status": _status, "credits": _credits, "sources": _sources, "contact": _contact}
