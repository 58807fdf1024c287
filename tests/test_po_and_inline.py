"""The strict PO reader and the inline Markdown subset."""

from __future__ import annotations

import pytest

from bcbook import inline
from bcbook.i18n import po
from bcbook.model import Emph, Link, Strong, Text


def test_inline_round_trip_is_canonical():
    source = "Some **bold**, *em* and [a link](https://example.org/a) with a_b * [x] \\ & <tag>."
    nodes = inline.parse(source)
    assert inline.parse(inline.to_markdown(nodes)) == nodes
    assert nodes[1] == Strong((Text("bold"),)) and nodes[3] == Emph((Text("em"),))
    assert nodes[5] == Link("https://example.org/a", (Text("a link"),))
    assert inline.plain_text(nodes).endswith("with a_b * [x] \\ & <tag>.")


def test_raw_html_stays_text():
    nodes = inline.parse("a <script>alert(1)</script> b")
    assert nodes == (Text("a <script>alert(1)</script> b"),)


def test_text_without_markup_characters_is_taken_as_the_parser_would_take_it():
    """inline.parse skips the Markdown parser for text in which no inline rule can start: checked against the
    parser on every msgid and msgstr of the book's catalogs and on random strings of the characters that matter."""
    import random

    from conftest import ROOT
    texts = [text for path in (ROOT / "locales").glob("*/LC_MESSAGES/bcbook.po")
             for entry in po.read(path, path.name).entries.values() for text in (entry.msgid, entry.msgstr)]
    alphabet, draw = " \t\u00a0a.,:;'\"()-~^$#|=+%/?@1\\`*_[]<>&!{}\r\n\u00e9\u4e2d", random.Random(15)
    texts += ["".join(draw.choice(alphabet) for _ in range(draw.randrange(12))) for _ in range(5000)]
    plain = [text for text in texts if inline._PLAIN.fullmatch(text.strip())]
    assert len(plain) > 1000 and len(plain) < len(texts)
    for text in plain:
        tokens = inline._parser().parseInline(text.strip())[0].children or []
        assert inline.parse(text) == inline._merge_text(inline._build(tokens, 0)[0]), repr(text)


def test_po_reader_reads_context_fuzzy_headers_and_lines(tmp_path):
    path = tmp_path / "x.po"
    path.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n"X-Medical-Review: Dr A, 2026-01-01\\n"\n\n'
                    '#, fuzzy\nmsgctxt "heading"\nmsgid "Hello"\nmsgstr "Hola"\n\n'
                    'msgctxt "paragraph"\nmsgid ""\n"Two "\n"lines"\nmsgstr "Dos \\"líneas\\""\n\n'
                    '#~ msgid "old"\n#~ msgstr "viejo"\n', encoding="utf-8")
    catalog = po.read(path, "x.po")
    assert catalog.headers["X-Medical-Review"] == "Dr A, 2026-01-01"
    hello = catalog.entries[("heading", "Hello")]
    assert (hello.msgstr, hello.fuzzy, hello.line) == ("Hola", True, 8)
    assert catalog.entries[("paragraph", "Two lines")].msgstr == 'Dos "líneas"'
    assert len(catalog.entries) == 2


@pytest.mark.parametrize("body, line, message", [
    ('msgid "a"\nmsgstr "b"\nmsgid "c"\nmsgstr "d"\n', 3, "msgid appears twice"),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message"),
    ('msgid "a"\n', 1, "entry needs both msgid and msgstr"),
    ('"stray"\n', 1, "a string continues nothing"),
    ('msgstr "b"\n', 1, "msgstr without msgid"),
])
def test_po_reader_refuses_broken_files(tmp_path, body, line, message):
    path = tmp_path / "x.po"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(po.PoSyntaxError) as caught:
        po.read(path, "x.po")
    assert str(caught.value).startswith(f"x.po:{line}: {message}")


def test_po_reader_refuses_non_utf8(tmp_path):
    path = tmp_path / "x.po"
    path.write_bytes(b'msgid "a"\nmsgstr "\xe9"\n')
    with pytest.raises(po.PoSyntaxError, match="not UTF-8"):
        po.read(path, "x.po")


def test_language_span_round_trips_and_may_be_added_by_a_translator():
    """A translator may mark words kept in another language: [words]{lang=en} (WCAG 3.1.2)."""
    from bcbook.i18n import safety
    from bcbook.model import Span
    nodes = inline.parse("Ask about [HER2-low]{lang=en} and [here](https://example.org/a).")
    assert nodes[1] == Span("en", (Text("HER2-low"),))
    assert inline.parse(inline.to_markdown(nodes)) == nodes
    source = inline.parse("Ask about HER2-low and [here](https://example.org/a).")
    translated = safety.check(source, "询问 [HER2-low]{lang=en} 和[这里](https://example.org/a)。", ())
    assert Span("en", (Text("HER2-low"),)) in translated
    assert inline.map_text(nodes, str.upper)[1] == Span("en", (Text("HER2-LOW"),))


@pytest.mark.parametrize("text", [
    "a [b]{lang=en title=x} c",     # only lang
    "a [b]{.warning} c",            # no classes
    "a [b]{lang=\"en><script\"} c",  # not a language code
    "a [b](https://example.org){lang=en} c",  # links carry no attributes
])
def test_spans_and_links_refuse_other_attributes(text):
    with pytest.raises(inline.InlineError):
        inline.parse(text)
