"""The reader: stable ids, translator notes, and errors that name the file and line."""

from __future__ import annotations

import pytest

from bcbook import reader
from bcbook.config import ConfigError
from bcbook.model import Definitions, Heading, ItemList, Note, Paragraph, Slot


def parse(text: str):
    return reader.parse_chapter(text, "chapters/01-test.md", "chapter", set())


def test_blocks_ids_kinds_and_lines():
    chapter = parse("# Title\n\n<!-- Translators: be kind -->\nA **bold** start.\n\n## Part\n\n- one\n- two\n\n"
                    "> boxed\n\n<!-- bcbook:updated -->\n\nTerm\n: Meaning.\n")
    assert chapter.id == "test" and chapter.title.origin.line == 1
    kinds = [type(block) for block in chapter.blocks]
    assert kinds == [Paragraph, Heading, ItemList, Note, Slot, Definitions]
    paragraph = chapter.blocks[0]
    assert (paragraph.id, paragraph.text.note, paragraph.text.origin.line) == ("test-p-1", "be kind", 4)
    assert chapter.blocks[1].id == "part"
    assert [item.kind for item in chapter.blocks[2].items] == ["list-item", "list-item"]
    assert chapter.blocks[5].entries[0][0].kind == "glossary-term"


def test_ids_are_stable_and_unique_across_chapters():
    used: set[str] = set()
    first = reader.parse_chapter("# A\n\n## Same\n", "chapters/01-a.md", "chapter", used)
    second = reader.parse_chapter("# B\n\n## Same\n", "chapters/02-b.md", "chapter", used)
    assert (first.blocks[0].id, second.blocks[0].id) == ("same", "same-2")


@pytest.mark.parametrize("text, line, message", [
    ("# T\n\nText\n\n<div>raw</div>\n", 5, "raw HTML is not allowed"),
    ("# T\n\n- one\n  - nested\n", 3, "a list item must be one paragraph"),
    ("Text first\n", 1, "a chapter must start with a level-1 heading"),
    ("# T\n\n# Again\n", 3, "a chapter has exactly one level-1 heading"),
    ("# T\n\n<!-- bcbook:nonsense -->\n", 3, "unknown directive 'nonsense'"),
    ("# T\n\nSome `code` here.\n", 3, "code inline is not allowed"),
    ("# T\n\n    indented code\n", 3, "code block is not supported"),
])
def test_source_errors_name_file_and_line(text, line, message):
    with pytest.raises(reader.SourceError) as caught:
        parse(text)
    assert str(caught.value).startswith(f"source/chapters/01-test.md:{line}: {message}")


def test_book_toml_errors_name_the_key(tiny):
    book = tiny.source / "book.toml"
    book.write_text(book.read_text().replace('updated = 2023-12-21', 'updated = "yesterday"'))
    with pytest.raises(ConfigError, match=r"source/book.toml:10: 'updated' should be a date"):
        reader.read_book(tiny.source)


def test_unknown_language_is_a_clear_error(tiny):
    book = tiny.source / "book.toml"
    book.write_text(book.read_text().replace('["en", "es"]', '["en", "xx-nowhere"]'))
    with pytest.raises(ConfigError, match="unknown language code 'xx-nowhere'"):
        reader.read_book(tiny.source)
