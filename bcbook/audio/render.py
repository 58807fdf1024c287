"""Audio writer: Book(lang) -> audio/NN-<chapter>.mp3 + .vtt, playlist.m3u8, an M4B audiobook, the read-aloud EPUB.

Requires the narration script, an engine, the caches, mastering, mutagen
(ID3v2.4), ffmpeg (M4B) and rsvg-convert (cover art from the cover SVG). Guarantees: a
sentence is synthesized only when the cache lacks it, and a chapter is
mastered only when the chapter cache (bcbook.audio.chapters) lacks it (both
caches are told what the narration used, for pruning after the build); each
chapter is mastered until its decoded MP3 meets the loudness and peak targets
(master.finish); tags carry title, artist (publisher and the
synthetic voice, engine and voice named), album, track n/N, language,
cover art and the full text; every WebVTT cue is a sentence, in order,
inside the file's duration; the whole book is one M4B (bcbook.audio.m4b)
with a chapter mark per chapter, joined from each chapter's mastered PCM
encoded as AAC on its own (read a chapter at a time from the chapter cache, so
memory holds one chapter however long the book; kept in the chapter cache,
so an edit re-encodes one chapter), each measured as decoded; the
read-aloud EPUB (bcbook.epub with bcbook.overlays) gets the same chapter
MP3s and the same sentence timings, so nothing is spoken or mastered twice:
made as a part of its own after the narration, it finds every chapter in
the chapter cache.
"""

from __future__ import annotations

import functools
import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from mutagen.id3 import APIC, ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK, USLT

from .. import front, inline, overlays
from ..lang import ISO_639_2, by_language
from ..model import Book
from . import m4b, master, meter
from .cache import SpeechCache
from .chapters import ChapterCache, chapter_key
from .engines import choose
from .script import ChapterScript, Lexicon, script



@dataclass
class AudioOptions:
    """How to speak: the engine ("auto" or a registry name), speaking rate, cache, lexicon folder, progress."""

    engine: str
    words_per_minute: int
    cache: SpeechCache
    lexicon_dir: object
    progress: object = None
    notice: object = None
    forbidden: tuple = ()
    spoken: list = field(default_factory=list)
    scratch: Path | None = None  # where the large outputs are written (default: a new temporary folder)


@dataclass
class _Chapter:
    script: ChapterScript
    length: int  # in samples
    timings: list
    mp3: Path  # in the chapter cache
    key: str  # in the chapter cache
    speech: tuple[str, ...] = ()  # its sentences' keys in the speech cache


def render(book: Book, date_time: tuple, options: AudioOptions, part: str = "") -> dict[str, "bytes | Path"]:
    """Part "narration": the MP3s, WebVTT, playlist and M4B; "read-aloud": the read-aloud EPUB; "": both
    (bcbook.build.PARTS runs the two as jobs of their own). Both speak
    and master only what the caches lack, so the read-aloud part after the narration reads its chapters."""
    engine = choose(options.engine, book.lang, options.forbidden)
    voice = engine.voice_for(book.lang)
    if engine.caveat and options.notice and part != "read-aloud":  # said once, by the narration
        options.notice(f"{book.lang}: {engine.caveat}")
    names = (book.meta.publisher,)  # a proper name: said as written, in any voice
    lexicon = Lexicon.load(options.lexicon_dir, book.lang, book.meta.languages, names)
    chapters = script(book, lexicon, lambda lang: Lexicon.load(options.lexicon_dir, lang, book.meta.languages, names))
    store = ChapterCache(options.cache.folder.parent / "chapters")
    mastered = _master_chapters(book, chapters, engine, lexicon, options, store)
    scratch, named = options.scratch or Path(tempfile.mkdtemp(prefix="bcbook-audio-")), f"{engine.name}, {voice}"
    files = {} if part == "read-aloud" else _files(book, mastered, named, store, scratch)
    if part != "read-aloud":
        store.keep(book.lang)  # every chapter and its audiobook encoding, as this narration used them
        options.cache.keep(f"{book.lang}-{engine.name}", (key for chapter in mastered for key in chapter.speech))
    if part != "narration":
        files[f"{book.meta.slug}-read-aloud.epub"] = read_aloud(book, date_time, mastered, named,
                                                                scratch / "read-aloud.epub")
    return files


def _master_chapters(book: Book, chapters: list, engine, lexicon: Lexicon, options: AudioOptions,
                     store: ChapterCache) -> list[_Chapter]:
    """Each chapter mastered and stored, or found in the chapter cache when its sentences and pauses are
    unchanged (then its speech is not even read, nor its samples: the audiobook reads them only if it
    must encode the chapter again)."""
    total, done, mastered = sum(len(chapter.utterances) for chapter in chapters), 0, []
    for chapter in chapters:
        lines = [_line(engine, book.lang, lexicon, utterance, options) for utterance in chapter.utterances]
        key = chapter_key([line[0] for line in lines], [utterance.pause for utterance in chapter.utterances])
        stored = store.get(key)
        if stored is None:
            _master_one(chapter, lines, engine, options, store, key, (book.lang, done, total))
            stored = store.get(key)
        done += len(lines)
        if options.progress:
            options.progress(book.lang, done, total)
        length, mp3, timings = stored
        mastered.append(_Chapter(chapter, length, timings, mp3, key, tuple(line[0] for line in lines)))
    return mastered


def _master_one(chapter, lines, engine, options: AudioOptions, store: ChapterCache, key: str, where) -> None:
    """Speak what the speech cache lacks, assemble (reading each sentence from the cache when it is placed,
    so no more than one is held), master and store one chapter."""
    lang, done, total = where
    sentences = []
    for (speech_key, voice, line_lang, text), utterance in zip(lines, chapter.utterances):
        _speak(engine, voice, line_lang, text, speech_key, options)
        sentences.append((functools.partial(_cached, options.cache, speech_key), utterance.pause))
        done += 1
        if options.progress:
            options.progress(lang, done, total)
    track, timings = master.assemble(sentences)
    mastered, mp3, _ = master.finish(track)
    store.put(key, mastered(), mp3, timings)  # the mastered samples, made again a chunk at a time


def _line(engine, book_lang: str, lexicon: Lexicon, utterance, options: AudioOptions) -> tuple[str, str, str, str]:
    """(speech-cache key, voice, language, text) of one utterance as the engine will say it."""
    lang = utterance.lang or book_lang
    text = lexicon.for_engine(engine.name, utterance.speech) if not utterance.lang else utterance.speech
    voice = engine.voice_for(lang)
    settings = {"words_per_minute": options.words_per_minute}
    return SpeechCache.key(engine.name, voice, settings, lang, text), voice, lang, text


def _speak(engine, voice: str, lang: str, text: str, key: str, options: AudioOptions) -> None:
    """Synthesize the sentence into the speech cache, unless it is there."""
    if not options.cache.has(key):
        options.cache.put(key, engine.synthesize(text, lang, voice, options.words_per_minute))
        options.spoken.append(text)


def _cached(cache: SpeechCache, key: str):
    speech = cache.get(key)
    if speech is None:
        raise RuntimeError(f"the speech cache lost a sentence while a chapter was made: {cache.folder}")
    return speech


def _files(book: Book, chapters: list[_Chapter], voice: str, store: ChapterCache,
           scratch: Path) -> dict[str, "bytes | Path"]:
    """{file name: its bytes, or the file written in `scratch` for the large ones (MP3s, M4B), so no more
    than one chapter's audio is held at a time, however long the book}."""
    cover = cover_png(book)
    artist = inline.plain_text(book.labels["audio-artist"].inlines).format_map(
        {"publisher": book.meta.publisher, "voice": voice})
    files, playlist = {}, ["#EXTM3U", f"#PLAYLIST:{_one_line(inline.plain_text(book.meta.title.inlines))}"]
    for chapter in chapters:
        name = file_stem(chapter)
        files[f"audio/{name}.mp3"] = tag(chapter.mp3, scratch / f"{name}.mp3", book, chapter, len(chapters),
                                         artist, cover)
        files[f"audio/{name}.vtt"] = webvtt(chapter).encode("utf-8")
        playlist += [f"#EXTINF:{round(chapter.length / master.RATE)},{_one_line(chapter.script.title)}",
                     f"{name}.mp3"]
    files["audio/playlist.m3u8"] = ("\n".join(playlist) + "\n").encode("utf-8")
    files[f"audio/{book.meta.slug}.m4b"] = audiobook(book, chapters, artist, voice, cover, store,
                                                    scratch / "book.m4b")
    return files


def read_aloud(book: Book, date_time: tuple, chapters: list[_Chapter], voice: str, target: Path) -> Path:
    """The read-aloud EPUB: the e-book with this narration's chapter MP3s and sentence timings."""
    from .. import epub
    epub.render(book, date_time, narration(chapters, voice), target=target)
    return target


def file_stem(chapter: _Chapter) -> str:
    return f"{chapter.script.number:02d}-{chapter.script.id}"


def narration(chapters: list[_Chapter], voice: str) -> overlays.Narration:
    """What the read-aloud EPUB needs: each chapter's MP3 and when each sentence is heard in it."""
    def seconds(samples: int) -> float:
        return (samples + master.ENCODER_DELAY) / master.RATE  # as decoders play it (module docstring)

    return overlays.Narration(voice, tuple(
        overlays.ChapterAudio(chapter.script.id, f"audio/{file_stem(chapter)}.mp3", chapter.mp3,
                              seconds(chapter.length),
                              tuple(overlays.Clip(utterance.ref, seconds(start), seconds(end), utterance.role)
                                    for utterance, (start, end) in zip(chapter.script.utterances, chapter.timings)))
        for chapter in chapters))


def audiobook(book: Book, chapters: list[_Chapter], artist: str, voice: str, cover: bytes,
              store: ChapterCache, target: Path) -> Path:
    """The whole book as one M4B with chapter marks, joined from each chapter encoded as AAC on its own.

    Each chapter is levelled and encoded until its decoded AAC meets the targets (master.finish with
    AAC), or taken from the chapter cache; the book's loudness is that of its chapters' decoded streams
    one after another. In the rare case that misses the target, every chapter aims again with the error
    corrected (at most master.MAX_PASSES times)."""
    tags = m4b.Tags(inline.plain_text(book.meta.title.inlines), artist, voice,
                    (by_language(ISO_639_2, book.lang) or "und"))
    offset = 0.0
    for _ in range(master.MAX_PASSES):
        encoded = [store.aac(chapter.key, offset, lambda: _encode_for_book(store.samples(chapter.key), offset))
                   for chapter in chapters]
        error = meter.integrated_loudness(np.concatenate([part.sums for part in encoded])) - master.TARGET_LUFS
        if math.isinf(error) or abs(error) <= master.LOUDNESS_TOLERANCE:
            break  # each chapter's peaks were met by finish
        offset -= error
    marks = [(chapter.script.title, part.length) for chapter, part in zip(chapters, encoded)]
    m4b.write_m4b(marks, (part.stream() for part in encoded), tags, cover, target)
    return target


_AAC = master.Codec(m4b.encode_aac, m4b.hear, m4b.AAC_LOSS_DB, m4b.CEILING_DB, overshoot_step=1.0,
                    lowest_ceiling_db=m4b.LOWEST_CEILING_DB)


def _encode_for_book(samples: np.ndarray, offset_db: float) -> tuple[bytes, int, meter.Meter]:
    """One chapter's mastered samples, their room-tone tail shortened to whole AAC frames, finished as AAC:
    first with only the gain from the MP3's loudness loss to the AAC's (they were mastered under both
    ceilings: master.CEILING_DB), searched again only if the decoded AAC misses."""
    fed = m4b.fed_length(len(samples))
    gain = _AAC.loss_db - master.MP3.loss_db + offset_db
    _, stream, heard = master.finish(samples[:fed], _AAC, offset_db, gain_db=gain)
    return stream, m4b.heard_length(fed), heard


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cover_png(book: Book) -> bytes:
    """The cover drawn 600 px wide, kept between builds (bcbook.diskcache) under its SVG and the converter's
    version: an edit does not run rsvg-convert again (about 0.35 s)."""
    from .. import diskcache
    converter = shutil.which("rsvg-convert")
    if converter is None:
        raise FileNotFoundError("rsvg-convert not found (cover art): run `make` as root, or install librsvg2-bin")
    svg = front.cover_svg(book)
    version = subprocess.run([converter, "--version"], capture_output=True, check=True).stdout
    return diskcache.remembered("covers", diskcache.key(svg, version), lambda: subprocess.run(
        [converter, "--width", "600", "--format", "png"], input=svg, capture_output=True, check=True).stdout)


def _common_tags(book: Book, artist: str, cover: bytes) -> ID3:
    tags = ID3()
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=inline.plain_text(book.meta.title.inlines)))
    tags.add(TLAN(encoding=3, text=(by_language(ISO_639_2, book.lang) or "und")))
    tags.add(TCON(encoding=3, text="Audiobook"))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=cover))
    return tags


def tag(mp3: Path, target: Path, book: Book, chapter: _Chapter, count: int, artist: str, cover: bytes) -> Path:
    """The chapter's MP3 copied to `target` with its tags (mutagen moves the audio along a block at a time)."""
    tags = _common_tags(book, artist, cover)
    tags.add(TIT2(encoding=3, text=chapter.script.title))
    tags.add(TRCK(encoding=3, text=f"{chapter.script.number}/{count}"))
    lyrics = "\n".join(utterance.text for utterance in chapter.script.utterances)
    tags.add(USLT(encoding=3, lang=(by_language(ISO_639_2, book.lang) or "und"), desc="", text=lyrics))
    shutil.copyfile(mp3, target)
    tags.save(target, v2_version=4)
    return target


def _clock(samples: int) -> str:
    millis = round(samples * 1000 / master.RATE)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(chapter: _Chapter) -> str:
    """One cue per sentence, escaped as WebVTT text."""
    lines = ["WEBVTT", ""]
    for number, (utterance, (start, end)) in enumerate(zip(chapter.script.utterances, chapter.timings), start=1):
        text = utterance.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        delay = master.ENCODER_DELAY
        lines += [str(number), f"{_clock(start + delay)} --> {_clock(end + delay)}", text, ""]
    return "\n".join(lines)
