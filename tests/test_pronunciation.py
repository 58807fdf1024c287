"""Hearing the narration through the speech engine's phonemes, and the pronunciation rules behind it.

Every utterance of the book, in every language, goes through espeak-ng's own
text-to-phoneme function (what Piper voices use too). A language-switch
marker such as "(en)" means the voice gave up on a word (胸 -> "(en)kʃəŋwˈɒn");
a letter outside the language's alphabet is spelled out as a character name;
a symbol such as "/" is read aloud. Spellings the lexicon says as Latin
letters on purpose ([voice] letters) are allowed to switch. A language with
no espeak-ng voice (Tagalog, read only by Google's voice) is checked for
letters and symbols only, since no offline engine can show its phonemes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bcbook import build as builder
from bcbook.audio import espeak
from bcbook.audio.pronounce import PHONEME_INPUT, Lexicon
from bcbook.audio.script import script
from bcbook.lang import by_language
from conftest import LANGUAGES, ROOT

SWITCH = re.compile(r"\(([a-z]{2,3}(?:-[a-z]+)?)\)")


def findings(book, lexicon: Lexicon) -> list[str]:
    """Every place where the narration would not be heard as words of the book's language."""
    found = []
    for chapter in script(book, lexicon, lambda lang: lexicon_of(lang, book)):
        for utterance in chapter.utterances:
            said_by = lexicon_of(utterance.lang, book) if utterance.lang else lexicon
            voice = by_language(espeak.VOICES, said_by.lang)
            speech = said_by.for_engine("espeak", utterance.speech)
            problems = said_by.problems(speech) + _switches(speech, voice, said_by)
            found += [f"{book.lang} chapter {chapter.number:02d}: {problem}: {utterance.text!r} -> "
                      f"{utterance.speech!r}" for problem in problems]
    return found


def _switches(speech: str, voice: str | None, lexicon: Lexicon) -> list[str]:
    if voice is None:
        return []
    parts = PHONEME_INPUT.split(speech)  # phonemes given on purpose are said as given
    for spelling in sorted(lexicon.letters, key=len, reverse=True):
        parts = [piece for part in parts for piece in part.split(spelling)]
    found = []
    for part in parts:
        if part.strip(" ,.;:!?()،。，、"):
            said = espeak.phonemes(part, voice)
            found += [f"switches to ({lang}) in {said!r}" for lang in SWITCH.findall(said)
                      if not voice.startswith(lang)]
    return found


@pytest.fixture(scope="module")
def books():
    return {edition.book.lang: edition.book for edition in builder.gather(builder.Project(ROOT), LANGUAGES)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_is_spoken_as_a_word(books, lang):
    found = findings(books[lang], lexicon_of(lang, books[lang]))
    assert not found, f"{len(found)} findings:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_lexicon_has_voice_rules(lang):
    path = ROOT / "source" / "lexicon" / f"{lang}.toml"
    lexicon = Lexicon.load(ROOT / "source", lang)
    assert path.is_file() and lexicon.scripts and lexicon.decimal_word, f"{path} lacks [voice] or [numbers]"


def lexicon_of(lang: str, book=None) -> Lexicon:
    """As the narration loads it: the book's editions named, the publisher's name said as written."""
    names = (book.meta.publisher,) if book else ()
    return Lexicon.load(ROOT / "source", lang, tuple(LANGUAGES), names)


@pytest.mark.parametrize("lang, written, spoken", [
    ("en", "0.2 cm", "0 point two centimeters"),
    ("en", "1 cm and/or 5 cm", "1 centimeter or 5 centimeters"),
    ("es", "0.2 cm y/o 1,5 mm", "0 punto dos centímetros o 1 punto cinco milímetros"),
    ("zh-Hans", "0.2厘米和/或1.5厘米", "0点二厘米或1点五厘米"),
    ("vi", "0.2 cm và/hoặc 2 cm", "0 phẩy hai xăng-ti-mét hoặc 2 xăng-ti-mét"),
    ("ar", "0.2 سم و/أو 2 مم", "0 فاصلة اثنان سَنْتِيمِتْر أو 2 مِلِّيمِتْر"),
    ("ko", "IIIB기 종양 0.2 cm 및/또는 HER2", "삼비기 종양 0 점 이 센티미터 또는 허투"),
    ("tl", "Stage IIIB, 0.2 cm at/o HER2", "Stage tatlo B, 0 punto dalawa sentimetro o her tu"),
    ("ru", "стадия IIIB, 0,2 см и/или HER2", "стадия три бэ, 0 запятая два сантиметра или хер два"),
    ("ht", "Etap IIIB, 0,2 cm ak/oswa HER2", "Etap twa be, 0 vigil de santimèt oswa her de"),
    ("fr", "stade IIIB, 0,2 cm et/ou 1 cm", "stade trois bé, 0 virgule deux centimètres ou 1 centimètre"),
    ("pt", "estágio IIIB, 0,2 cm e/ou 1 mm", "estágio três bê, 0 vírgula dois centímetros ou 1 milímetro"),
])
def test_numbers_units_and_or(lang, written, spoken):
    assert lexicon_of(lang).apply(written) == spoken


def test_a_word_matches_only_whole_words_of_its_script():
    arabic = lexicon_of("ar")
    assert arabic.apply("الجسم") == "الجسم"  # "body" keeps its letters: سم is not a unit here
    assert arabic.apply("ورم 2 سم") == "ورم 2 سَنْتِيمِتْر"
    chinese = lexicon_of("zh-Hans")
    assert chinese.apply("胸壁") == "胸壁" and chinese.for_engine("espeak", "胸壁") == "[[S;j'ong55]]壁"


def test_other_editions_are_named_in_the_narrators_language():
    english = lexicon_of("en").apply("Also in: Español, 中文 (简体), Tiếng Việt, العربية.")
    assert english == "Also in: Spanish, Chinese (Simplified), Vietnamese, Arabic."
    assert lexicon_of("en").problems(english) == []


def test_problems_name_letters_and_symbols():
    english = lexicon_of("en")
    assert english.problems("a/b 中") == [
        "symbol '/' would be read aloud", "letter '中' (CJK UNIFIED IDEOGRAPH-4E2D) is not in the voice's alphabet"]
    assert lexicon_of("zh-Hans").problems("E R 阳性") == []  # said as Latin letters on purpose


def test_phonemes_show_a_language_switch():
    assert "(en)" in espeak.phonemes("胸", "cmn")
    assert "(en)" not in espeak.phonemes("乳房", "cmn")


def test_the_phoneme_check_finds_what_a_listener_would_hear(books):
    bare = Lexicon(lang="ar", scripts=("Arabic",))
    found = findings(books["ar"], bare)
    assert any("HER2" in line and "(en)" in line for line in found)
    assert any("'/'" in line for line in found) or any("و/أو" in line for line in found)
