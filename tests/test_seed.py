"""Every sentence of the seed page is in the English EPUB, word for word (but the two 3D-model ones)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, epub_documents

SEED = ROOT.parent / "shared" / "seed" / "invasive-breast-cancer.txt"
WEB_ONLY = ("The following is a 3D interactive model", "Click the arrows to move through the model")


def seed_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8") if SEED.is_file() else Path(__file__).with_name("seed.txt").read_text()
    sentences = []
    for line in text.replace("\u00a0", " ").splitlines():  # the web copy has stray no-break spaces
        line = line.strip().lstrip("•").strip()
        sentences.extend(s for s in re.split(r"(?<=[.?!])\s+", line) if s)
    return sentences


def english_text(path) -> str:
    text = " ".join("".join(root.itertext()) for root in epub_documents(path).values())
    return re.sub(r"\s+", " ", text)


def test_every_seed_sentence_is_in_the_english_book(built_book):
    text = english_text(built_book["en"])
    sentences = seed_sentences()
    assert len(sentences) > 30
    missing = [s for s in sentences if not s.startswith(WEB_ONLY) and s != "Updated 12/21/23" and s not in text]
    assert missing == []


def test_the_web_only_sentences_are_replaced_and_the_date_is_written_out(built_book):
    text = english_text(built_book["en"])
    assert not any(phrase in text for phrase in WEB_ONLY)
    assert "Stages of invasive breast cancer, in pictures" in text
    assert "Source text updated December 21, 2023" in text and "12/21/23" not in text
    assert "This edition: December 2, 2026" in text
