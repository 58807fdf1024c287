"""The narrated audio: script rules, engines, cache, and measurements of the decoded MP3s."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import tracemalloc

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from bcbook import build as builder
from bcbook.audio import m4b, master, meter, render
from bcbook.audio.engine import NoVoice
from bcbook.audio.engines import choose
from bcbook.audio.espeak import EspeakEngine
from bcbook.audio.script import Lexicon, script, split_sentences
from bcbook.config import ConfigError
from conftest import NARRATED, ROOT

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
    builder.build(tiny, formats=["audio"], out_dir=tmp_path, tts="espeak", workers=1)  # counted in this process
    first = len(calls)
    builder.build(tiny, formats=["audio"], out_dir=tmp_path, tts="espeak", workers=1)
    assert first > 10 and len(calls) == first
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text().replace("A lead line.", "A new lead line."))
    mastered = []
    original_finish = master.finish
    monkeypatch.setattr(master, "finish", lambda track, codec=None, *a, **k: mastered.append(
        "MP3" if codec is None else "AAC") or original_finish(track, codec, *a, **k))
    cache, speech = tmp_path / "cache" / "chapters", tmp_path / "cache" / "tts"
    before, said = {path.name for path in cache.glob("??/*")}, {path.name for path in speech.glob("??/*")}
    stray = speech / "00" / "0123.flac"  # an entry no narration ever recorded (an older cache's) is kept
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"whatever it is")
    builder.build(tiny, ["en"], formats=["audio"], out_dir=tmp_path, tts="espeak", workers=1)
    assert calls[first:] == ["A new lead line."]
    # the edited chapter, mastered for its MP3 and for the audiobook; the other is taken from the chapter cache
    assert sorted(mastered) == ["AAC", "MP3"]
    # and the chapter cache lost the chapter as it was (samples, MP3, timings, audiobook encoding): it keeps
    # what the outputs were made from, Spanish included, however often the book is edited
    after = {path.name for path in cache.glob("??/*")}
    assert len(before - after) == len(after - before) == 4 and len(after) == len(before)
    # the speech cache, too, lost the sentence no longer said and nothing else
    now = {path.name for path in speech.glob("??/*")} - {stray.name}
    assert len(said - now) == len(now - said) == 1 and len(now) == len(said) and stray.is_file()


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


def assert_heard_level(samples: np.ndarray, name: str) -> None:
    """The decoded file as a listener plays it: -19 +/- 0.3 LUFS, sample peak <= -3 dBFS, true peak <= -1.5 dBTP."""
    assert abs(meter.loudness(samples) - master.TARGET_LUFS) <= 0.3, (name, meter.loudness(samples))
    assert meter.sample_peak_db(samples) <= -3.0, (name, meter.sample_peak_db(samples))
    assert meter.true_peak_db(samples) <= -1.5, (name, meter.true_peak_db(samples))


@pytest.mark.parametrize("lang", NARRATED)
def test_audiobook_measures_right(build_dir, lang):
    assert_heard_level(m4b.decode((build_dir / lang / "audio" / "invasive-breast-cancer.m4b").read_bytes()), f"{lang} book")


@pytest.mark.parametrize("lang", NARRATED)
def test_chapters_measure_right(build_dir, lang):
    files = chapter_files(build_dir, lang)
    assert len(files) == CHAPTERS
    for path in files:
        samples, rate = soundfile.read(path, dtype="float32")
        assert rate == 44100 and samples.ndim == 1
        assert len(_cbr(path)) == 1 and MP3(path).info.bitrate == 96000
        assert_heard_level(samples, path.name)
        assert len(samples) / rate > 5
        assert abs(len(samples) / rate - MP3(path).info.length) < 0.1


@pytest.mark.parametrize("lang", NARRATED)
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


def test_playlist_and_audiobook(build_dir):
    folder = build_dir / "es" / "audio"
    playlist = (folder / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and [line for line in playlist if line.endswith(".mp3")] == \
        [path.name for path in chapter_files(build_dir, "es")]
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams", "-of", "json",
         str(folder / "invasive-breast-cancer.m4b")], capture_output=True, check=True, text=True).stdout)
    chapters, tags = probe["chapters"], probe["format"]["tags"]
    titles = [str(ID3(path)["TIT2"]) for path in chapter_files(build_dir, "es")]
    assert [chapter["tags"]["title"] for chapter in chapters] == titles  # in the book's language
    assert float(chapters[0]["start_time"]) == 0
    assert all(a["end_time"] == b["start_time"] for a, b in zip(chapters, chapters[1:]))
    lengths = [MP3(path).info.length - master.ENCODER_DELAY / master.RATE for path in chapter_files(build_dir, "es")]
    assert abs(float(chapters[-1]["end_time"]) - sum(lengths)) < 0.2
    assert tags["title"] == "Cáncer de mama invasivo" and "espeak" in tags["artist"] and tags["genre"] == "Audiobook"
    audio, cover = (next(s for s in probe["streams"] if s["codec_type"] == kind) for kind in ("audio", "video"))
    assert audio["codec_name"] == "aac" and audio["sample_rate"] == "44100" and audio["tags"]["language"] == "spa"
    assert {stream["tags"]["language"] for stream in probe["streams"] if stream["codec_type"] == "data"} == {"spa"}
    assert cover["disposition"]["attached_pic"] == 1
    assert "encoder" not in tags and "creation_time" not in tags


def test_master_always_limits_even_when_loudness_is_already_on_target():
    rng = np.random.default_rng(1)
    speech = (rng.normal(0, 0.05, master.RATE * 20)).astype(np.float32)
    speech[master.RATE * 5] = 0.99  # one loud click
    speech *= np.float32(10 ** ((master.TARGET_LUFS - meter.loudness(speech)) / 20))
    assert abs(meter.loudness(speech) - master.TARGET_LUFS) < 0.05 and np.abs(speech).max() > 0.5
    mastered = master.master(speech)
    assert np.abs(mastered).max() <= 10 ** (master.CEILING_DB / 20) + 1e-6
    assert abs(meter.loudness(mastered) - master.TARGET_LUFS) < 0.5


def test_the_streaming_meter_hears_what_the_whole_signal_measures():
    """meter.Meter, fed a signal in uneven pieces, gives pyloudnorm's loudness and the same peaks."""
    rng = np.random.default_rng(7)
    bursts = [rng.normal(0, 0.05 * (1 + index % 3), 20000 + 7919 * (index % 5)).astype(np.float32) if index % 4
              else np.zeros(25000, np.float32) for index in range(60)]
    signal = np.concatenate(bursts)
    measured = meter.Meter()
    for start in range(0, len(signal), 100003):
        measured.feed(signal[start:start + 100003])
    whole = pyloudnorm.Meter(master.RATE).integrated_loudness(signal.astype(np.float64))
    assert abs(measured.loudness() - whole) < 0.02  # pyloudnorm also counts a last partial block
    assert measured.peaks_db()[0] == pytest.approx(meter.sample_peak_db(signal))
    # the whole signal at once, by the direct form of BS.1770-4 Annex 2: y[4n + p] = sum_k phase_p[k] x[n + 6 - k]
    padded = np.concatenate([np.zeros(5), signal.astype(np.float64), np.zeros(6)])
    oversampled = max(np.abs(np.convolve(padded, meter._PHASES[phase], mode="valid")).max() for phase in range(4))
    assert abs(measured.peaks_db()[1] - 20 * np.log10(oversampled)) < 0.01


def _speech_like(seconds: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bursts = np.repeat(rng.uniform(0.02, 0.3, seconds * 4), master.RATE // 4)  # syllable-like loudness changes
    return (rng.normal(0, 1, len(bursts)) * bursts).astype(np.float32)


def test_the_limiter_a_chunk_at_a_time_gives_what_limiting_the_whole_gives():
    speech = _speech_like(5, 3)[:3 * master.CHUNK + 1234] * np.float32(3)  # peaks well over the ceiling
    width, ceiling, gain = int(0.02 * master.RATE), 10 ** (master.CEILING_DB / 20), np.float32(10 ** (6 / 20))
    louder = speech * gain
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(louder), 1e-9))
    whole = louder * np.minimum(uniform_filter1d(minimum_filter1d(needed, size=2 * width + 1), size=width + 1), needed)
    chunked = master.limit(speech, gain_db=6)
    assert np.abs(chunked - whole).max() < 1e-6 and np.abs(chunked).max() <= ceiling + 1e-6


def test_finishing_a_chapter_makes_no_copy_of_it():
    """Memory does not grow with a chapter beyond the copy given: limiting, metering, encoding and hearing
    the MP3 go a chunk at a time. Counted by tracemalloc (numpy reports to it)."""
    speech = _speech_like(150, 4)
    tracemalloc.start()
    try:
        master.finish(speech)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < speech.nbytes * 0.3, (peak / speech.nbytes)  # the MP3, chunks


def test_a_chapter_held_as_stored_is_the_chapter_held_as_made():
    """assemble reads sentences given as functions (the speech cache) once to measure and once to place, and
    gives the track it gives from the sentences held; finishing a chapter held as the 16-bit integers of its
    FLAC gives the bytes its floats give (n / 32768), in half the memory."""
    rate, rng = 22050, np.random.default_rng(5)
    spoken = [master.Speech(rng.normal(0, 0.2, rate // 2 + 997 * n).astype(np.float32), rate) for n in range(4)]
    held = master.assemble([(speech, 0.3) for speech in spoken])
    reads = []
    lazy = master.assemble([(lambda speech=speech: reads.append(1) or speech, 0.3) for speech in spoken])
    assert np.array_equal(held[0], lazy[0]) and held[1] == lazy[1] and len(reads) == 2 * len(spoken)
    flac = io.BytesIO()
    soundfile.write(flac, np.clip(_speech_like(20, 6), -1, 1), master.RATE, format="FLAC", subtype="PCM_16")
    floats, _ = soundfile.read(io.BytesIO(flac.getvalue()), dtype="float32")
    integers, _ = soundfile.read(io.BytesIO(flac.getvalue()), dtype="int16")
    assert np.array_equal(meter.floats(integers), floats)
    assert master.finish(integers)[1] == master.finish(floats)[1]


def test_finish_corrects_for_what_the_encoder_does():
    speech = _speech_like(10, 2)
    plain = master.decode_mp3(master.encode_mp3(master.master(speech)))
    assert meter.loudness(plain) < master.TARGET_LUFS - 0.3  # what measuring before encoding gave
    _, mp3, heard = master.finish(speech)
    assert_heard_level(master.decode_mp3(mp3), "finished")
    assert abs(heard.loudness() - meter.loudness(master.decode_mp3(mp3))) < 0.01


def test_a_forbidden_voice_is_never_used():
    with pytest.raises(NoVoice, match="forbidden_voices"):
        choose("espeak", "en", ("espeak:en-us",))
    with pytest.raises(NoVoice, match="no offline voice for 'es'"):
        choose("auto", "es", ("espeak",))
    assert choose("auto", "es", ("piper", "espeak:cmn")).name == "espeak"


def test_auto_is_espeak_even_where_a_piper_voice_exists():
    assert choose("auto", "en").name == "espeak"  # Piper's joe is an explicit opt-in (licence, README)


def test_forbidden_voices_are_checked_when_the_book_is_read(tiny):
    book_toml = tiny.source / "book.toml"
    book_toml.write_text(book_toml.read_text() + '\n[audio]\nforbidden_voices = ["nobody"]\n')
    with pytest.raises(ConfigError, match=r"source/book.toml:\d+: forbidden_voices must list engines"):
        builder.gather(tiny)


def _narration_line(book) -> str:
    from bcbook import inline
    from bcbook.model import Paragraph
    lines = [inline.plain_text(block.text.inlines) for chapter in book.chapters for block in chapter.blocks
             if isinstance(block, Paragraph) and block.role == "narration"]
    assert len(lines) == 1
    return lines[0]


def test_the_colophon_names_the_voice_that_reads_the_audio():
    spanish = builder.gather(builder.Project(ROOT), ["es"])[0].book
    assert _narration_line(spanish) == "La edición en audio la lee una voz sintética, no una persona: espeak-ng, es-419."
    online = builder.gather(builder.Project(ROOT), ["es"], tts="gtts")[0].book
    assert _narration_line(online).endswith(": Google Text-to-Speech (online), es.")
    assert not any(u.text.startswith("La edición en audio") for c in script(spanish, Lexicon()) for u in c.utterances)


def test_the_audiobook_joins_chapters_encoded_alone_without_a_seam(english, tmp_path):
    """Chapters encoded on their own and joined give the lengths promised, chapter marks where each starts,
    silence at the joins (the room tone, not a click) and the loudness their own measurements add up to."""
    rng = np.random.default_rng(7)
    heard, streams, lengths = [], [], []
    for seconds in (7, 5, 9):
        speech = _speech_like(seconds, int(rng.integers(100)))[:-int(rng.integers(2000))]
        quiet = np.float32(10 ** (master.ROOM_TONE_DB / 20))
        speech[:int(master.LEAD_IN * master.RATE)] *= quiet  # room tone at both ends, as assemble makes it
        speech[-int(master.TAIL * master.RATE):] *= quiet
        fed = m4b.fed_length(len(speech))
        assert len(speech) - m4b.FRAME < m4b.heard_length(fed) <= len(speech)
        _, stream, measured = master.finish(speech[:fed], render._AAC)
        streams.append(stream), heard.append(measured), lengths.append(m4b.heard_length(fed))
    tags = m4b.Tags("Title", "Artist", "voice", "spa")
    m4b.write_m4b(list(zip("abc", lengths)), streams, tags, render.cover_png(english), tmp_path / "book.m4b")
    book = (tmp_path / "book.m4b").read_bytes()
    decoded = m4b.decode(book)
    assert len(decoded) == sum(lengths)
    joins = np.cumsum(lengths)[:-1]
    assert all(np.abs(decoded[join - 2048:join + 2048]).max() < 10 ** (-55 / 20) for join in joins)
    # each chapter sounds in the book as it did when measured alone (no noise substitution, whose random state
    # ran on from chapter to chapter: once 0.06 apart, and a book's sample peak over the limit)
    alone = [m4b.decode(stream) for stream in streams]
    starts = np.concatenate([[0], joins])
    assert max(np.abs(decoded[start:start + len(part)] - part).max() for start, part in zip(starts, alone)) < 2e-3
    whole = meter.Meter()
    whole.feed(decoded)
    # 100 ms blocks restart at each join: close, not equal
    assert abs(whole.loudness() - meter.integrated_loudness(np.concatenate([m.sums for m in heard]))) < 0.05
    assert abs(whole.peaks_db()[1] - max(m.peaks_db()[1] for m in heard)) < 0.02
    assert abs(whole.peaks_db()[0] - max(m.peaks_db()[0] for m in heard)) < 0.02
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_streams", "-of", "json",
                                       "-"], input=book, capture_output=True, check=True).stdout)
    starts = [round(float(chapter["start_time"]) * master.RATE) for chapter in probe["chapters"]]
    assert starts == [0, *joins]
    # the chapter-title track (a text track) is in the book's language, as the audio is; ffmpeg tagged it "eng"
    assert [s["tags"]["language"] for s in probe["streams"] if s["codec_type"] != "video"] == ["spa", "spa"]


def test_the_chapters_are_mastered_under_the_audiobooks_ceiling_too():
    """The audiobook's AAC is made from the mastered chapter by a gain alone (render._encode_for_book):
    after the gain from the MP3's loss to the AAC's, the samples stay under the AAC's limiter ceiling."""
    assert master.CEILING_DB + render._AAC.loss_db - master.MP3.loss_db <= m4b.CEILING_DB


def test_only_mastering_imports_scipy():
    """The fork server does not load SciPy (1.3 s) for every job: the audio writer and the job runner
    import without it, and a Meter or the limiter loads it when first used."""
    code = ("import sys, bcbook.build, bcbook.runner, bcbook.audio.render; "
            "print('scipy' in sys.modules, 'pyloudnorm' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
    assert len(master.limit(np.zeros(100, np.float32))) == 100 and meter.Meter().sos.shape == (2, 6)
