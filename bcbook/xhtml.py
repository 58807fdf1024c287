"""XHTML writer: Book(lang) -> one XHTML document per chapter (plus title page and nav).

Requires lxml. Guarantees: documents are built as element trees, so every
text is escaped and every document is well-formed XHTML5 (polyglot, for
the EPUB and, later, WeasyPrint); `lang`, `xml:lang` and `dir` are on every
<html> and <body>, on any phrase that fell back to another language and on
every Span (a run in another language); outside links carry hreflang and,
in a translation, the catalog's "(in English)";
chapters are <section epub:type="chapter" role="doc-chapter">, the glossary
a <dl> in a doc-glossary section, the colophon a doc-colophon section;
a figure is <figure aria-details> holding its caption, the drawing (numbered
callouts, <title> as alt) and the key (the callouts' words as HTML lists),
followed by its long description under an h3.
BLOCK_WRITERS and INLINE_WRITERS cover every node kind of the model.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from . import inline
from .lang import locale_of
from .sentences import SentenceIds, split_inlines
from .model import (
    Book, Chapter, Definitions, Emph, Figure, Heading, ItemList, Link, Note, Paragraph, Phrase, Slot, Span, Strong,
    Text,
)
from .figures.export import key_words, render_block as render_figure
from .figures.render import key_groups

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
STYLESHEET = "css/book.css"
SECTION_SEMANTICS = {
    "chapter": ("chapter", "doc-chapter"),
    "glossary": ("glossary", "doc-glossary"),
    "colophon": ("colophon", "doc-colophon"),
}


def E(tag: str, attrs: dict | None = None, *children) -> etree._Element:
    """Make an XHTML element; string children become text."""
    element = etree.Element(f"{{{XHTML_NS}}}{tag}", nsmap={None: XHTML_NS, "epub": EPUB_NS})
    for key, value in (attrs or {}).items():
        element.set(key, value)
    for child in children:
        _append(element, child)
    return element


def _append(parent: etree._Element, child) -> None:
    if child is None:
        return
    if isinstance(child, list):
        for item in child:
            _append(parent, item)
        return
    if isinstance(child, str):
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + child
        else:
            parent.text = (parent.text or "") + child
    else:
        parent.append(child)


def document(book: Book, title: str, body_children: list, body_class: str = "") -> bytes:
    """A complete XHTML document in the book's language and direction."""
    lang_attrs = {"lang": book.lang, XML_LANG: book.lang, "dir": book.direction}
    head = E("head", None, E("meta", {"charset": "utf-8"}), E("title", None, title),
             E("link", {"rel": "stylesheet", "type": "text/css", "href": STYLESHEET}))
    body_attrs = {"dir": book.direction, **({"class": body_class} if body_class else {})}
    root = E("html", lang_attrs, head, E("body", body_attrs, *body_children))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def chapter_document(book: Book, chapter: Chapter) -> bytes:
    """One chapter as a standalone XHTML document."""
    return document(book, inline.plain_text(chapter.title.inlines), [chapter_section(book, chapter)])


def chapter_section(book: Book, chapter: Chapter) -> etree._Element:
    epub_type, role = SECTION_SEMANTICS[chapter.kind]
    heading_id = f"{chapter.id}-title"
    section = E("section", {"id": chapter.id, EPUB_TYPE: epub_type, "role": role, "aria-labelledby": heading_id})
    section.append(phrase_element("h1", chapter.title, book, {"id": heading_id}, SentenceIds(heading_id)))
    for block in chapter.blocks:
        _append(section, block_element(block, book))
    return section


def block_element(block, book: Book):
    return BLOCK_WRITERS[type(block)](block, book)


def phrase_element(tag: str, phrase: Phrase, book: Book, attrs: dict | None = None,
                   ids: SentenceIds | None = None) -> etree._Element:
    """An element holding one phrase, marked with its language if it differs from the book's; with `ids`,
    each sentence in a <span id> (the narration reads the same sentences, bcbook.sentences)."""
    element = E(tag, attrs)
    if phrase.lang and phrase.lang != book.lang:
        element.set("lang", phrase.lang)
        element.set(XML_LANG, phrase.lang)
        element.set("dir", "ltr")
        book = replace(book, lang=phrase.lang)  # its links are read in that language: no "(in English)" note
    if ids is None:
        _append(element, [inline_element(node, book) for node in phrase.inlines])
        return element
    pieces, gaps = split_inlines(phrase.inlines)
    _append(element, gaps[0])
    for piece, gap in zip(pieces, gaps[1:]):
        _append(element, E("span", {"id": ids.next()}, [inline_element(node, book) for node in piece]))
        _append(element, gap)
    return element


def inline_element(node, book: Book | None = None):
    """The markup for one inline node; with the book, links also say the language they lead to."""
    return INLINE_WRITERS[type(node)](node, book)


def _children(tag: str, attrs: dict, node, book: Book | None) -> etree._Element:
    element = E(tag, attrs)
    for child in node.children:
        _append(element, inline_element(child, book))
    return element


def language_attributes(lang: str) -> dict:
    """lang, xml:lang and dir for a run in another language (WCAG 3.1.2)."""
    return {"lang": lang, XML_LANG: lang, "dir": locale_of(lang).text_direction}


def link_language(book: Book, target: str) -> str | None:
    """The language of the page a link leads to: outside pages are in the source language (en)."""
    return book.meta.languages[0] if target.startswith(("http://", "https://")) else None


def _link(node: Link, book: Book | None) -> etree._Element:
    """<a> with hreflang; where the page's language is not the book's, "(in English)" inside the link.

    The note is plain text in the link (one link, one tagged annotation in the PDF), and only where
    the catalog translates it: an English note inside a Spanish sentence would help no one.
    """
    target_lang = link_language(book, node.target) if book else None
    attrs = {"href": node.target, **({"hreflang": target_lang} if target_lang else {})}
    children = [inline_element(child, book) for child in node.children]
    label = book.labels.get("link-in-english") if book else None
    if target_lang != "en" or book.lang == "en" or not label or label.lang or _says_it_already(node, label):
        return E("a", attrs, children)
    before, _, after = inline.plain_text(label.inlines).partition("{link}")
    return E("a", attrs, before, children, after)


def _says_it_already(node: Link, label: Phrase) -> bool:
    """The translator wrote "(in English)" into the link text already (as the source link's did)."""
    words = inline.plain_text(label.inlines).replace("{link}", "").strip(" ()（）")
    return bool(words) and words in inline.plain_text(node.children)


INLINE_WRITERS = {
    Text: lambda node, book: node.text,
    Strong: lambda node, book: _children("strong", {}, node, book),
    Emph: lambda node, book: _children("em", {}, node, book),
    Link: _link,
    Span: lambda node, book: _children("span", language_attributes(node.lang), node, book),
}


def _heading(block: Heading, book: Book):
    return phrase_element(f"h{min(block.level, 6)}", block.text, book, {"id": block.id}, SentenceIds(block.id))


def _paragraph(block: Paragraph, book: Book):
    attrs = {"id": block.id, **({"class": block.role} if block.role else {})}
    return phrase_element("p", block.text, book, attrs, SentenceIds(block.id))


def _item_list(block: ItemList, book: Book):
    ids = SentenceIds(block.id)
    items = [phrase_element("li", item, book, None, ids) for item in block.items]
    return E("ol" if block.ordered else "ul", {"id": block.id}, *items)


def _note(block: Note, book: Book):
    return E("div", {"id": block.id, "class": "note", "role": "note"},
             *[block_element(inner, book) for inner in block.blocks])


def _definitions(block: Definitions, book: Book):
    dl, ids = E("dl", {"id": block.id}), SentenceIds(block.id)
    for term, definition in block.entries:
        dt = E("dt", None, phrase_element("dfn", term, book, None, ids))
        dl.append(dt)
        dl.append(phrase_element("dd", definition, book, None, ids))
    return dl


def _figure(block: Figure, book: Book) -> list:
    """<figure>: the caption, the drawing (numbered callouts, <title> as alt), its key as HTML lists;
    then the visible long description under its own heading, linked from the figure with aria-details."""
    svg, keys = render_figure(block, book)
    details_id, ids = f"{block.id}-description", SentenceIds(block.id)
    figure = E("figure", {"id": block.id, "class": "stage-figure", "aria-details": details_id},
               phrase_element("figcaption", block.title, book, None, ids), svg, _figure_key(block, book, keys))
    heading = phrase_element("h3", book.labels["figure-description"], book,
                             {"class": "figure-description-title", "id": f"{details_id}-title"})
    items = E("ul", None, *[phrase_element("li", sentence, book, None, ids) for sentence in block.description])
    return [figure, E("div", {"id": details_id, "class": "figure-description"}, heading, items)]


def _figure_key(block: Figure, book: Book, keys) -> etree._Element:
    """The words of the callouts: per view a heading line and an <ol> of "number words" items."""
    labels = key_words(block, book)
    key = E("div", {"class": "figure-key"})
    for heading, entries in key_groups(keys):
        key.append(phrase_element("p", labels[heading], book, {"class": "figure-key-heading"}))
        items = []
        for entry in entries:
            item = phrase_element("li", labels[entry.label], book)
            number = E("span", {"class": "figure-key-number"}, str(entry.number))
            number.tail = " " + (item.text or "")
            item.text = None
            item.insert(0, number)
            items.append(item)
        key.append(E("ol", {"class": "figure-key-list"}, *items))
    return key


def _slot(block: Slot, book: Book):
    """Slots still open at this point have no content yet (a later stage fills them)."""
    return None


BLOCK_WRITERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    ItemList: _item_list,
    Note: _note,
    Definitions: _definitions,
    Figure: _figure,
    Slot: _slot,
}
