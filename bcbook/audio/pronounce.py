"""Pronunciation: the words a narrator says for the book's words, per language.

Requires source/lexicon/<lang>.toml (optional; see source/lexicon/en.toml for
its tables) and Babel. Guarantees: `Lexicon.apply(text)` returns what the
voice should be given: other languages' native names ("Español", "中文 (简体)")
replaced by their names in the narration's language; Roman stage numerals,
decimals ("0.2" -> "0 point two"), units after numbers ("2 cm" -> "2
centimeters", singular after 1) and whole words (abbreviations, "and/or"
tokens) as listed; a sub-stage letter ("IIIA") as its [stages] letters say. A word matches only as a whole word of its own script
(Arabic "سم" is never matched inside "جسم"); words in scripts written without
spaces (Chinese) match anywhere. `Lexicon.problems(text)` names what a voice
would spell out or read as a symbol: a letter outside the language's
alphabet that is not one of the spellings the lexicon says as Latin letters
on purpose, or a symbol such as "/" that engines say aloud.
`for_engine(name, speech)` applies a table for one engine only (espeak-ng
phoneme input "[[...]]" for a word its dictionary lacks).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..lang import UnknownLocaleError, language_name, locale_of, native_name

ENGINE_TABLES = ("espeak",)  # [espeak]: words given to that engine only, e.g. as its phonemes "[[...]]"
PHONEME_INPUT = re.compile(r"\[\[[^\]]*\]\]")
SPOKEN_SYMBOLS = "/\\&#+=*_|~^<>@%$§{}[]"
_UNSPACED = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")  # Han, kana, full-width (Hangul is spaced)
_SCRIPT_BLOCKS = {  # letters of each script, for whole-word boundaries and alphabet checks
    "Latin": "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
    "Arabic": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",
    "Han": "\u3400-\u4dbf\u4e00-\u9fff",
    "Cyrillic": "\u0400-\u04ff",
    "Hangul": "\uac00-\ud7af\u1100-\u11ff",
}


@dataclass(frozen=True)
class Lexicon:
    lang: str = "en"
    words: dict = field(default_factory=dict)
    stage_words: tuple[str, ...] = ()
    numerals: dict = field(default_factory=dict)
    stage_letters: dict = field(default_factory=dict)
    decimal_marks: str = "."
    decimal_word: str = "point"
    digits: tuple[str, ...] = ()
    units: dict = field(default_factory=dict)
    letters: tuple[str, ...] = ()
    alphabet: str = ""
    scripts: tuple[str, ...] = ("Latin",)
    names: dict = field(default_factory=dict)
    engines: dict = field(default_factory=dict)

    @classmethod
    def load(cls, source_dir: Path, lang: str, languages: tuple[str, ...] = (),
             proper_names: tuple[str, ...] = ()) -> "Lexicon":
        """The lexicon of `lang` (else of its base language); `languages` are the editions it may name;
        `proper_names` (the publisher's) are said as written, in any voice."""
        data = {}
        for name in (lang, lang.split("-")[0]):
            path = Path(source_dir) / "lexicon" / f"{name}.toml"
            if path.is_file():
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                break
        stages, numbers, voice = data.get("stages", {}), data.get("numbers", {}), data.get("voice", {})
        return cls(lang, data.get("words", {}), tuple(stages.get("words", ())), stages.get("numerals", {}),
                   stages.get("letters", {}),
                   numbers.get("decimal_marks", "."), numbers.get("decimal_word", "point"),
                   tuple(numbers.get("digits", ())), data.get("units", {}),
                   tuple(voice.get("letters", ())) + tuple(proper_names), voice.get("alphabet", ""),
                   tuple(voice.get("scripts", ("Latin",))), _spoken_names(lang, languages),
                   {name: data[name] for name in ENGINE_TABLES if name in data})

    def apply(self, text: str) -> str:
        for native, spoken in self.names.items():
            text = text.replace(native, spoken)
        text = self._stages(text)
        text = self._units(text)
        text = self._decimals(text)
        for written, spoken in sorted(self.words.items(), key=lambda item: -len(item[0])):
            text = _whole_word(written).sub(spoken, text)
        return text

    def for_engine(self, engine: str, speech: str) -> str:
        """`speech` with the engine's own entries applied (espeak-ng phoneme input for words its dictionary lacks)."""
        for written, spoken in self.engines.get(engine, {}).items():
            speech = _whole_word(written).sub(spoken, speech)
        return speech

    def _stages(self, text: str) -> str:
        if not (self.stage_words and self.numerals):
            return text
        numerals = "|".join(sorted(map(re.escape, self.numerals), key=len, reverse=True))
        pattern = rf"\b({'|'.join(map(re.escape, self.stage_words))})\s+({numerals})([ABC]?)\b"
        return re.sub(pattern, lambda m: f"{m[1]} {self.numerals[m[2]]} {self.stage_letters.get(m[3], m[3])}".rstrip(),
                      text)

    def _decimals(self, text: str) -> str:
        marks = re.escape(self.decimal_marks)
        pattern = rf"(?<![\d.,])(\d+)[{marks}](\d+)(?![\d]|[.,]\d)"
        space = _space_around(self.decimal_word)
        return re.sub(pattern, lambda m: f"{m[1]}{space}{self.decimal_word}{space}{self._digits(m[2])}", text)

    def _digits(self, digits: str) -> str:
        if not self.digits:
            return " ".join(digits)
        joiner = "" if _UNSPACED.search("".join(self.digits)) else " "
        return joiner.join(self.digits[int(digit)] for digit in digits)

    def _units(self, text: str) -> str:
        """A unit after a number, in words: singular after exactly 1 where the lexicon gives two forms."""
        marks = re.escape(self.decimal_marks)
        for written, forms in self.units.items():
            singular, plural = (forms, forms) if isinstance(forms, str) else forms
            letters = _letters_of(written) or "\u0000"
            pattern = rf"(?<![\d.,])(\d+(?:[{marks}]\d+)?)[^\S\n]*{re.escape(written)}(?![{letters}])"
            space = _space_around(plural)
            text = re.sub(pattern, lambda m: f"{m[1]}{space}{singular if m[1] == '1' else plural}", text)
        return text

    def problems(self, speech: str) -> list[str]:
        """What a voice would spell out as letter names or say as a symbol, in `speech` (after apply)."""
        rest = PHONEME_INPUT.sub(" ", speech)
        for spelling in sorted(self.letters, key=len, reverse=True):
            rest = rest.replace(spelling, " ")
        found = [f"symbol {char!r} would be read aloud" for char in sorted(set(rest) & set(SPOKEN_SYMBOLS))]
        allowed = self._allowed_letters()
        strangers = sorted({char for char in rest if char.isalpha() and not allowed(char)})
        return found + [f"letter {char!r} ({unicodedata.name(char, '?')}) is not in the voice's alphabet"
                        for char in strangers]

    def _allowed_letters(self):
        scripts = "".join(_SCRIPT_BLOCKS[name] for name in self.scripts if name != "Latin")
        script_letters = re.compile(f"[{scripts}]") if scripts else None
        alphabet = set(self.alphabet.casefold()) | set("abcdefghijklmnopqrstuvwxyz" if "Latin" in self.scripts else "")
        return lambda char: char.casefold() in alphabet or bool(script_letters and script_letters.match(char))


def _spoken_names(lang: str, languages: tuple[str, ...]) -> dict:
    """{native name: name in `lang`} for the other editions ("中文 (简体)" -> "Chinese (Simplified)")."""
    try:
        locale_of(lang)
    except UnknownLocaleError:
        return {}
    return {native_name(code): language_name(code, lang) for code in languages if code != lang}


def _space_around(word: str) -> str:
    """No space around a word of a script written without spaces ("0点二厘米"), else one."""
    return "" if _UNSPACED.search(word) else " "


def _letters_of(word: str) -> str:
    """The letter class of the script a word is written in ("" for unspaced scripts: no boundary)."""
    for name, block in _SCRIPT_BLOCKS.items():
        if name != "Han" and re.search(f"[{block}]", word):
            return block + "0-9"
    return "A-Za-z0-9" if re.search(r"[0-9]", word) else ""


def _whole_word(word: str) -> re.Pattern:
    letters = _letters_of(word)
    if not letters or _UNSPACED.fullmatch(word[0]):
        return re.compile(re.escape(word))
    return re.compile(rf"(?<![{letters}_/]){re.escape(word)}(?![{letters}_/])")
