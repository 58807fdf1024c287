"""The narrated audio: script rules, engines, cache, and measurements of the decoded MP3s."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from bcbook import build as builder
from bcbook.audio import master
from bcbook.audio.engine import NoVoice
from bcbook.audio.engines import choose
from bcbook.audio.espeak import EspeakEngine
from bcbook.audio.script import Lexicon, script, split_sentences
from conftest import LANGUAGES, ROOT

CHAPTERS = 8


@pytest.fixture(scope="module")
def english():
    return builder.gather(builder.Project(ROOT), ["en"])[0].book


def test_script_rules(english):
    chapters = script(english, Lexicon.load(ROOT / "source", "en"))
    assert [c.title for c in chapters][0] == "Invasive Breast Cancer"
    assert all(c.utterances[0].text == c.title for c in chapters)
    spoken = " ".join(u.text for c in chapters for u in c.utterances)
    assert "Learn about treatment" not in spoken and "Share Your Story" not in spoken
    assert "Open Font License" not in spoken  # the fonts line is about the text editions, not the audio
    assert "Underarm lymph nodes: cancer in 10 or more nodes." in spoken  # a figure's long description
    speech = " ".join(u.speech for c in chapters for u in c.utterances)
    assert "Stage three A" in speech and "her two" in speech and "HER2" not in speech
    assert "Stage IIIA" in spoken


def test_sentence_splitting():
    assert split_sentences("It is 0.2 to 2 mm. Ask your team! Then rest? yes.") == \
        ["It is 0.2 to 2 mm.", "Ask your team!", "Then rest? yes."]
    assert split_sentences("¿Qué es? El cáncer.") == ["¿Qué es?", "El cáncer."]
    assert split_sentences("乳腺癌。请问医生！") == ["乳腺癌。", "请问医生！"]


def test_engines_offline_for_english_and_spanish():
    espeak = choose("espeak", "es")
    for lang in ("en", "es"):
        speech = espeak.synthesize("Stage one breast cancer." if lang == "en" else "Cáncer de mama.", lang,
                                   espeak.voice_for(lang), 150)
        assert speech.rate == 22050 and len(speech.samples) > 11025 and np.abs(speech.samples).max() > 0.1
    assert choose("auto", "es").name == "espeak"  # no Spanish Piper voice exists
    with pytest.raises(NoVoice, match="no Piper voice is installed for 'es'"):
        choose("piper", "es")
    with pytest.raises(NoVoice, match="espeak-ng has no voice configured for 'xx'"):
        EspeakEngine().voice_for("xx")


def test_second_build_synthesizes_nothing(tiny, tmp_path, monkeypatch):
    calls = []
    original = EspeakEngine.synthesize
    monkeypatch.setattr(EspeakEngine, "synthesize", lambda self, *a: calls.append(a[0]) or original(self, *a))
    builder.build(tiny, formats=["audio"], out_dir=tmp_path, tts="espeak")
    first = len(calls)
    builder.build(tiny, formats=["audio"], out_dir=tmp_path, tts="espeak")
    assert first > 10 and len(calls) == first
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text().replace("A lead line.", "A new lead line."))
    builder.build(tiny, ["en"], formats=["audio"], out_dir=tmp_path, tts="espeak")
    assert calls[first:] == ["A new lead line."]


def chapter_files(build_dir: Path, lang: str) -> list[Path]:
    return sorted((build_dir / lang / "audio").glob("[0-9][0-9]-*.mp3"))


def _cbr(path: Path) -> set[int]:
    """Bit-rate index of every MPEG frame header after the ID3 tag."""
    data = path.read_bytes()
    position, rates = ID3(path).size, set()
    while position + 4 <= len(data) and data[position] == 0xFF and data[position + 1] & 0xE0 == 0xE0:
        header = int.from_bytes(data[position:position + 4], "big")
        index, padding = (header >> 12) & 0xF, (header >> 9) & 1
        rates.add(index)
        position += 144 * [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][index] * 1000 // \
            master.RATE + padding
    assert position >= len(data) - 4, "frames did not run to the end of the file"
    return rates


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapters_measure_right(build_dir, lang):
    files = chapter_files(build_dir, lang)
    assert len(files) == CHAPTERS
    for path in files:
        samples, rate = soundfile.read(path, dtype="float32")
        assert rate == 44100 and samples.ndim == 1
        assert len(_cbr(path)) == 1 and MP3(path).info.bitrate == 96000
        assert abs(master.loudness(samples) - master.TARGET_LUFS) <= 1.0, path.name
        assert master.true_peak_db(samples) <= -1.5, path.name
        assert len(samples) / rate > 5
        assert abs(len(samples) / rate - MP3(path).info.length) < 0.1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_transcripts_fit_their_audio(build_dir, lang):
    for path in chapter_files(build_dir, lang):
        duration = MP3(path).info.length
        vtt = path.with_suffix(".vtt").read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT\n")
        times = [tuple(_seconds(t) for t in m) for m in re.findall(r"^(\S+) --> (\S+)$", vtt, re.M)]
        assert times and all(start < end for start, end in times)
        assert all(a[1] <= b[0] for a, b in zip(times, times[1:]))
        assert times[0][0] >= master.LEAD_IN and times[-1][1] <= duration


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_first_cue_starts_where_the_voice_starts(build_dir):
    path = chapter_files(build_dir, "en")[0]
    samples, rate = soundfile.read(path, dtype="float32")
    first = re.search(r"^(\S+) -->", path.with_suffix(".vtt").read_text(), re.M).group(1)
    onset = int(np.flatnonzero(np.abs(samples) > 0.02)[0])
    assert abs(onset / rate - _seconds(first)) < 0.03


def test_tags(build_dir):
    path = chapter_files(build_dir, "es")[2]
    tags = ID3(path)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Tipos de cáncer de mama invasivo"
    assert str(tags["TALB"]) == "Cáncer de mama invasivo"
    assert str(tags["TRCK"]) == f"3/{CHAPTERS}"
    assert str(tags["TLAN"]) == "spa"
    artist = str(tags["TPE1"])
    assert "bcbook Patient Education" in artist and "sintética" in artist and "espeak" in artist
    assert tags.getall("APIC")[0].data.startswith(b"\x89PNG")
    assert "carcinoma ductal invasivo" in tags.getall("USLT")[0].text


def test_playlist_and_whole_book(build_dir):
    folder = build_dir / "en" / "audio"
    playlist = (folder / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and [line for line in playlist if line.endswith(".mp3")] == \
        [path.name for path in chapter_files(build_dir, "en")]
    book = ID3(folder / "invasive-breast-cancer.mp3")
    chapters = sorted(book.getall("CHAP"), key=lambda frame: frame.start_time)
    assert len(chapters) == CHAPTERS and chapters[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in zip(chapters, chapters[1:]))
    assert book.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]
    duration = MP3(folder / "invasive-breast-cancer.mp3").info.length
    assert abs(chapters[-1].end_time / 1000 - duration) < 0.2


def test_master_always_limits_even_when_loudness_is_already_on_target():
    rng = np.random.default_rng(1)
    speech = (rng.normal(0, 0.05, master.RATE * 20)).astype(np.float32)
    speech[master.RATE * 5] = 0.99  # one loud click
    speech *= np.float32(10 ** ((master.TARGET_LUFS - master.loudness(speech)) / 20))
    assert abs(master.loudness(speech) - master.TARGET_LUFS) < 0.05 and np.abs(speech).max() > 0.5
    mastered = master.master(speech)
    assert np.abs(mastered).max() <= 10 ** (master.CEILING_DB / 20) + 1e-6
    assert abs(master.loudness(mastered) - master.TARGET_LUFS) < 0.5
