"""The audiobook file: each chapter encoded as AAC on its own, then joined into one M4B (AAC in MP4) with
chapter marks, cover art and tags.

Requires the ffmpeg command (Debian package ffmpeg: its native AAC encoder,
the ADTS and `ipod` muxers). Guarantees: a chapter is encoded to ADTS AAC
by `encode_aac` from a whole number of 1024-sample frames, and the encoder
primes its stream with one frame of silence, so it decodes to exactly
`heard_length` samples: silence, then the chapter, whose room-tone tail
was shortened by the same amount (`fed_length`), so chapter lengths are
kept within a frame. ADTS frames delimit themselves, so the book is the
chapters' streams one after another, copied into MP4 without decoding
or encoding again (an edit re-encodes one chapter); at each join the decoder
overlaps the end of one encode with the start of the next, and both saw
silence there (a test decodes the joins), and a chapter decodes inside the
book as it did alone (no noise substitution), so what `hear` measured of
each chapter is what a listener hears of the book. Chapter marks start exactly where
each chapter's frames start (sample time base); title, album, artist
(publisher and synthetic voice), composer (the voice), genre, language
(of the audio and of the chapter-title track) and the cover are tagged; the output is reproducible byte for byte on one
machine image (bitexact flags, no encoder or creation-time tags).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

RATE = 44100
FRAME = 1024  # samples per AAC frame; the encoder's priming is one frame
AAC_BITRATE = "64k"  # mono speech; AAC-LC
# ffmpeg's "fast" AAC coder: 3.3x faster than its default (twoloop) on this book's speech (8.6 s, not 28.4 s,
# for a 16.6-minute chapter), and closer to the source (26.5 dB signal-to-error against 20.6 dB), measured
AAC_LOSS_DB = 0.1   # measured: the fast coder lowers the integrated loudness of this book's speech by ~0.1 dB
CEILING_DB = -5.5    # limiter ceiling before AAC, which overshoots sample peaks by 1-3 dB on speech at this rate
LOWEST_CEILING_DB = -7.5  # below it the limiter cannot bring speech to -19 LUFS (measured: -20 LUFS at -10 dB)
_BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]
# No perceptual noise substitution: with it, the decoder fills those bands with noise from a generator whose state
# runs on from one chapter to the next, so a chapter decoded inside the book differed from the chapter measured alone
# (up to 0.06 in 200 s of Russian, measured; the book's sample peak once reached -2.3 dBFS where every chapter
# alone was under -3.2). Without it, the two agree within 0.0005 and encoding takes about as long.
_NO_NOISE_BANDS = ["-aac_pns", "0"]


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str
    voice: str
    language: str  # ISO 639-2, e.g. "spa"


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise FileNotFoundError("ffmpeg not found (the M4B audiobook): run `make` as root, or install ffmpeg")
    return found


@cache
def ffmpeg_version() -> str:
    """ffmpeg's version line: its encoder's bytes are part of what a cached chapter depends on."""
    return subprocess.run([ffmpeg(), "-version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]


def fed_length(length: int) -> int:
    """How many of a chapter's `length` samples to encode: whole frames, leaving room for the priming frame."""
    return max(0, (length - FRAME) // FRAME * FRAME)


def heard_length(fed: int) -> int:
    """Samples a decoder gives for `fed` samples (a whole number of frames) encoded: the priming, then them."""
    return fed + FRAME


def encode_aac(samples) -> bytes:
    """Float samples at RATE (a whole number of frames: fed_length; an array or its chunks) as an ADTS AAC-LC
    stream; the samples go to the encoder a chunk at a time, so no second copy of the chapter is made."""
    from .master import chunks, pcm16
    with tempfile.TemporaryDirectory(prefix="bcbook-aac-") as folder:
        path = Path(folder) / "chapter.aac"
        command = [ffmpeg(), "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
                   "-i", "pipe:0", "-c:a", "aac", "-aac_coder", "fast", *_NO_NOISE_BANDS, "-b:a", AAC_BITRATE,
                   *_BITEXACT, "-f", "adts", str(path)]
        with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as process:
            for chunk in chunks(samples):
                process.stdin.write(pcm16(chunk))
            process.stdin.close()
            errors = process.stderr.read().decode("utf-8", "replace")
        if process.returncode != 0:
            raise RuntimeError(f"ffmpeg could not encode AAC: {errors.strip()}")
        return path.read_bytes()


def hear(encoded: bytes):
    """What a listener hears of AAC (an ADTS stream or an M4B): a Meter, decoded by ffmpeg a second at a time."""
    from .meter import Meter
    meter = Meter()
    with tempfile.TemporaryDirectory(prefix="bcbook-aac-") as folder:
        path = Path(folder) / "audio"
        path.write_bytes(encoded)
        with subprocess.Popen(_decoder(str(path)), stdout=subprocess.PIPE) as process:
            while block := process.stdout.read(4 * RATE):
                meter.feed(np.frombuffer(block[:len(block) // 4 * 4], dtype="<f4"))
        if process.returncode != 0:
            raise RuntimeError("ffmpeg could not decode the AAC it wrote")
    return meter


def write_m4b(chapters: list[tuple[str, int]], streams: Iterable[bytes], tags: Tags, cover_png: bytes,
              target: Path) -> None:
    """The M4B, written to `target`, from (title, decoded length in samples) per chapter and each chapter's
    ADTS stream, in order (read one at a time): the streams are joined and copied into MP4, not encoded
    again, and the book is never held in memory."""
    chapters = list(chapters)
    with tempfile.TemporaryDirectory(prefix="bcbook-m4b-") as folder:
        folder = Path(folder)
        with (folder / "book.aac").open("wb") as joined:
            for stream in streams:
                joined.write(stream)
        (folder / "chapters.txt").write_text(ffmetadata(chapters, tags), encoding="utf-8")
        (folder / "cover.png").write_bytes(cover_png)
        command = [ffmpeg(), "-nostdin", "-loglevel", "error", "-f", "aac", "-i", "book.aac",
                   "-i", "chapters.txt", "-i", "cover.png",
                   "-map", "0:a", "-map", "2:v", "-map_metadata", "1", "-map_chapters", "1",
                   "-metadata:s:a:0", f"language={tags.language}",
                   "-c", "copy", "-disposition:v:0", "attached_pic", *_BITEXACT, "-flags:v", "+bitexact",
                   "-movflags", "+faststart", "-f", "ipod", "book.m4b"]
        done = subprocess.run(command, cwd=folder, capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"ffmpeg could not write the M4B: {done.stderr.decode('utf-8', 'replace').strip()}")
        tag_chapter_track(folder / "book.m4b", tags.language)
        shutil.move(folder / "book.m4b", target)


def tag_chapter_track(path: Path, language: str) -> None:
    """Give the chapter-title track the book's language. ffmpeg writes that track (the text track players
    show chapter titles from) with language code 0, which they read as English; only the two bytes of its
    media header change, in place (the file is never read whole: `moov` comes first, +faststart)."""
    packed = sum((ord(letter) - 0x60) << shift for letter, shift in zip(language, (10, 5, 0))).to_bytes(2, "big")
    with path.open("r+b") as stream:
        moov = next((start, end) for kind, start, end in _boxes_in_file(stream) if kind == b"moov")
        stream.seek(moov[0])
        data = stream.read(moov[1] - moov[0])
        for offset in _text_track_language_offsets(data):
            stream.seek(moov[0] + offset)
            stream.write(packed)


def _boxes_in_file(stream):
    """(type, body start, end) of each top-level MP4 box, read by their headers alone."""
    position = 0
    while header := stream.read(16):
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        size, body = (int.from_bytes(header[8:16], "big"), 16) if size == 1 else (size, 8)
        if size < body:  # 0: the box runs to the end of the file (only ever the last one)
            return
        yield kind, position + body, position + size
        position += size
        stream.seek(position)


def _boxes(data: bytes, start: int = 0, end: int | None = None):
    """(type, body start, end) of each MP4 box in data[start:end]."""
    end = len(data) if end is None else end
    while start + 8 <= end:
        size, kind = int.from_bytes(data[start:start + 4], "big"), data[start + 4:start + 8]
        yield kind, start + 8, start + size
        start += size


def _text_track_language_offsets(moov: bytes) -> list[int]:
    """Where in `moov` the language of each text track's media header (mdhd) is."""
    offsets = []
    for kind, start, end in _boxes(moov):
        media = next(((s, e) for k, s, e in _boxes(moov, start, end) if k == b"mdia"), None) if kind == b"trak" else None
        if media is None:
            continue
        parts = {k: s for k, s, e in _boxes(moov, *media)}
        if b"hdlr" in parts and moov[parts[b"hdlr"] + 8:parts[b"hdlr"] + 12] == b"text" and b"mdhd" in parts:
            version = moov[parts[b"mdhd"]]
            offsets.append(parts[b"mdhd"] + (32 if version == 1 else 20))
    return offsets


def ffmetadata(chapters: list[tuple[str, int]], tags: Tags) -> str:
    """ffmpeg's metadata file: book tags, then one [CHAPTER] per (title, length in samples)."""
    lines = [";FFMETADATA1", f"title={_escape(tags.title)}", f"album={_escape(tags.title)}",
             f"artist={_escape(tags.artist)}", f"composer={_escape(tags.voice)}", "genre=Audiobook"]
    start = 0
    for title, length in chapters:
        lines += ["[CHAPTER]", f"TIMEBASE=1/{RATE}", f"START={start}", f"END={start + length}",
                  f"title={_escape(title)}"]
        start += length
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """ffmetadata escapes '=', ';', '#', '\\' and newlines with a backslash."""
    text = " ".join(text.split())
    for char in "\\=;#":
        text = text.replace(char, "\\" + char)
    return text


def decode(m4b: bytes) -> np.ndarray:
    """An M4B's audio as float samples at RATE (ffmpeg), for measuring what a listener hears."""
    completed = subprocess.run(_decoder("pipe:0"), input=m4b, capture_output=True, check=True)
    return np.frombuffer(completed.stdout, dtype="<f4")


def _decoder(source: str) -> list[str]:
    """ffmpeg decoding the audio of `source` (a path or pipe:0) to mono float32 at RATE on its output."""
    return [ffmpeg(), "-nostdin", "-loglevel", "error", "-i", source, "-map", "0:a",
            "-f", "f32le", "-ac", "1", "-ar", str(RATE), "pipe:1"]
