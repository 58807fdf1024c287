"""The "about this book" slots: the other editions, the fonts carried and their licence, the narrating voice.

Requires the model, the language table (bcbook.lang: native names, fonts, list separators) and the voice
table (bcbook.audio.voices). Guarantees: each function turns one slot into a Paragraph of translated
interface text (or None when there is nothing to say); every name is an inline node put where the
message has its {placeholder}, never markup taken from a translation: a language's name is a Span in
that language, a font's, the licence's and the speech engine's are English Spans in a book not in
English, and the stylesheets keep each of them on one line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..audio.voices import narrator
from ..lang import FONT_LICENCE, embedded_font, list_separator, native_name
from ..model import Book, Paragraph, Phrase, Slot, Span, Text

if TYPE_CHECKING:
    from .translate import Translator


def fill_nodes(phrase: Phrase, name: str, nodes: list) -> Phrase:
    """Put inline nodes (not just text) where a phrase has the {name} placeholder."""
    field, out = "{" + name + "}", []
    for node in phrase.inlines:
        if isinstance(node, Text) and field in node.text:
            before, _, after = node.text.partition(field)
            out.extend(part for part in (Text(before), *nodes, Text(after)) if part != Text(""))
        else:
            out.append(node)
    return replace(phrase, inlines=tuple(out))


def _editions(slot: Slot, translator: Translator, book: Book):
    """"Also available in: ..." with each language's own name, marked with that language, separated as the
    book's language separates a list (、 in Chinese, ، in Arabic)."""
    others = [code for code in book.meta.languages if code != translator.lang]
    if not others:
        return None
    names = _listed([Span(code, (Text(native_name(code)),)) for code in others], translator.lang)
    return Paragraph(slot.id, fill_nodes(translator.interface("editions"), "languages", names), role="editions")


def _listed(items: list, lang: str) -> list:
    """Inline items separated as `lang` separates a list."""
    return [node for index, item in enumerate(items)
            for node in ([Text(list_separator(lang))] if index else []) + [item]]


def _fonts(slot: Slot, translator: Translator, book: Book):
    """The fonts carried for the book's scripts (every edition is named in its own script) and their licence.
    In a book not in English, each font's name and the licence's are English spans, each kept on one line;
    the names are separated as the message's language separates a list."""
    families = sorted({embedded_font(code) for code in book.meta.languages} - {None})
    if not families:
        return None
    phrase = translator.interface("fonts-licence")
    lang = phrase.lang or translator.lang
    phrase = fill_nodes(phrase, "fonts", _listed([_english(family, lang) for family in families], lang))
    return Paragraph(slot.id, fill_nodes(phrase, "licence", [_english(FONT_LICENCE, lang)]), role="fonts")


def _narration(slot: Slot, translator: Translator, book: Book):
    """Who reads the audio edition: the engine and voice ("espeak-ng, ar") as an English span in a book not in
    English, kept on one line (never "espeak- | ng" in right-to-left text)."""
    voice = narrator(book.meta.audio, translator.lang)
    if not voice:
        return None
    phrase = translator.interface("narration")
    lang = phrase.lang or translator.lang
    return Paragraph(slot.id, fill_nodes(phrase, "voice", [_english(voice, lang)]), role="narration")


def _english(name: str, lang: str):
    """A name kept in English (a font, a licence, a speech engine): a span of its own in text of another language."""
    return Text(name) if lang == "en" else Span("en", (Text(name),))


SLOTS = {"editions": _editions, "fonts": _fonts, "narration": _narration}
