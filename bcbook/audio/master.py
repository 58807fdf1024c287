"""Mastering: sentences -> one 44.1 kHz mono chapter with exact timings, -19 LUFS, true peak under -1.5 dBTP.

Requires numpy, scipy (imported when first used, as bcbook.audio.meter does), pyloudnorm and
lameenc. Guarantees: each sentence is trimmed of silence, resampled to RATE
and placed with fixed pauses after a room-tone lead-in, and its start and end are known to the sample; the
chapter (float32, or 16-bit integers read as n / 32768: `floats`) is
gain-adjusted and held under a ceiling by a look-ahead limiter (not gain
alone), then encoded as constant bit-rate MP3; `finish` measures
the decoded MP3 (what a listener plays: LAME lowers loudness by about
0.45 dB and lets peaks overshoot) and corrects until it is TARGET_LUFS
within LOUDNESS_TOLERANCE with sample peak <= SAMPLE_PEAK_DB and true peak
<= TRUE_PEAK_DB, so usually one encode and at most MAX_PASSES. Decoders
play it ENCODER_DELAY samples late, which the transcripts add to every
time. The room tone is seeded, so output is stable.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import lameenc
import numpy as np

from .engine import Speech
from .meter import CHUNK, RATE, Meter, floats, loudness  # RATE and CHUNK are this module's too

TARGET_LUFS = -19.0
CEILING_DB = -5.2          # sample-peak ceiling before encoding: MP3 overshoot stays under SAMPLE_PEAK_DB, and
# the audiobook's AAC (bcbook.audio.m4b) needs only a gain from these samples: CEILING_DB + AAC_LOSS_DB -
# ENCODER_LOSS_DB is under its own ceiling, so the limiter is not run twice (measured on the Spanish book:
# every chapter still reaches -19 LUFS, decoded MP3 and AAC within 0.14 LU)
ENCODER_LOSS_DB = 0.45     # measured: LAME at 96 kbit/s lowers the integrated loudness of speech by ~0.45 dB
LOUDNESS_TOLERANCE = 0.2   # LU, measured as decoded (the promise is +/-0.3); at 0.1, 3 of 8 Spanish chapters were
# encoded twice for misses of 0.13-0.14 LU, as the encoder's loss varies from chapter to chapter
SAMPLE_PEAK_DB = -3.2      # decoded sample peak (promise: <= -3 dBFS), with room for the book's re-encode
TRUE_PEAK_DB = -1.7        # decoded true peak (promise: <= -1.5 dBTP)
MAX_PASSES = 4
LEAD_IN, TAIL = 0.75, 2.0  # seconds of room tone
ROOM_TONE_DB = -72.0
BITRATE_KBPS = 96          # constant bit rate, mono
ENCODER_DELAY = 1105       # samples LAME puts before the audio (lameenc writes no gapless tag), measured
SAMPLED_CHUNKS = 4         # gain_for's first estimate measures one chunk in this many


def trim(samples: np.ndarray, rate: int, threshold: float = 0.006, keep: float = 0.01) -> np.ndarray:
    first, stop = _trimmed(samples, rate, threshold, keep)
    return samples[first:stop]


def _trimmed(samples: np.ndarray, rate: int, threshold: float = 0.006, keep: float = 0.01) -> tuple[int, int]:
    """(first, stop) of `samples` without the silence at either end, keeping `keep` seconds of margin."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return 0, 0
    margin = int(keep * rate)
    return max(0, loud[0] - margin), loud[-1] + margin + 1


def to_rate(speech: Speech) -> np.ndarray:
    if speech.rate == RATE:
        return speech.samples.astype(np.float32)
    from scipy.signal import resample_poly
    divisor = math.gcd(RATE, speech.rate)
    return resample_poly(speech.samples, RATE // divisor, speech.rate // divisor).astype(np.float32)


def assemble(sentences: "list[tuple[Speech | Callable[[], Speech], float]]"
             ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Concatenate (speech, pause after) into one track; return it and each sentence's (start, end) sample.
    Each sentence is resampled straight into its place and the room tone added a chunk at a time, so the
    track is the only chapter-sized array at RATE. A sentence given as a function (reading the speech
    cache) is read twice, to measure it and to place it, so only one sentence's speech is held at a time."""
    spans = [_span(_speech(speech)) for speech, _ in sentences]  # (first, stop, length at RATE)
    gaps = [int(round(pause * RATE)) for _, pause in sentences]
    lead, tail = int(LEAD_IN * RATE), int(TAIL * RATE)
    track = np.zeros(lead + sum(span[2] for span in spans) + sum(gaps) + tail, np.float32)
    timings, position = [], lead
    for (speech, _), (first, stop, length), gap in zip(sentences, spans, gaps):
        speech = _speech(speech)
        track[position:position + length] = to_rate(Speech(speech.samples[first:stop], speech.rate))
        timings.append((position, position + length))
        position += length + gap
    noise, level = np.random.default_rng(20231221), np.float32(10 ** (ROOM_TONE_DB / 20) * math.sqrt(12))
    for start in range(0, len(track), CHUNK):  # the generator's stream, whatever the chunk size
        piece = track[start:start + CHUNK]
        # white noise at the room tone's RMS, drawn uniform (-0.5..0.5 has an RMS of 1/sqrt(12)): 0.3 s for 2064 s
        # of narration where Gaussian noise took 1.0-1.5 s (measured, this machine)
        piece += (noise.random(len(piece), dtype=np.float32) - np.float32(0.5)) * level
    return track, timings


def _speech(speech: "Speech | Callable[[], Speech]") -> Speech:
    return speech if isinstance(speech, Speech) else speech()


def _span(speech: Speech) -> tuple[int, int, int]:
    """(first, stop) of the speech without its silences, and how many samples that is at RATE."""
    first, stop = _trimmed(speech.samples, speech.rate)
    return first, stop, _length_at_rate(Speech(speech.samples[first:stop], speech.rate))


def _length_at_rate(speech: Speech) -> int:
    """len(to_rate(speech)), without resampling: resample_poly gives ceil(n * up / down) samples."""
    divisor = math.gcd(RATE, speech.rate)
    return -(-len(speech.samples) * (RATE // divisor) // (speech.rate // divisor))


def limited(samples: np.ndarray, ceiling_db: float = CEILING_DB, window: float = 0.02,
            gain_db: float = 0.0, every: int = 1) -> Iterator[np.ndarray]:
    """A look-ahead peak limiter after a gain, a chunk at a time: smooth gain reduction wherever a peak would
    pass the ceiling. Each chunk is computed with the filters' reach on both sides, so it is exactly what
    limiting the whole would give (with `every` n: only every n-th chunk, for a quick estimate)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    ceiling, gain = 10 ** (ceiling_db / 20), np.float32(10 ** (gain_db / 20))
    width = max(1, int(window * RATE))
    reach = 2 * width + 2  # the minimum filter's half width plus the smoothing's
    for start in range(0, len(samples), CHUNK * every):
        stop = min(len(samples), start + CHUNK)
        low, high = max(0, start - reach), min(len(samples), stop + reach)
        piece = floats(samples[low:high]) * gain
        if float(np.max(np.abs(piece), initial=0.0)) <= ceiling:  # nothing to limit: the gain alone
            yield piece[start - low:stop - low]
            continue
        needed = np.minimum(1.0, ceiling / np.maximum(np.abs(piece), 1e-9))
        smooth = uniform_filter1d(minimum_filter1d(needed, size=2 * width + 1), size=width + 1)
        yield (piece * np.minimum(smooth, needed))[start - low:stop - low]


def limit(samples: np.ndarray, ceiling_db: float = CEILING_DB, window: float = 0.02,
          gain_db: float = 0.0) -> np.ndarray:
    """`limited` as one array."""
    out, position = np.empty(len(samples), np.float32), 0
    for chunk in limited(samples, ceiling_db, window, gain_db):
        out[position:position + len(chunk)] = chunk
        position += len(chunk)
    return out


def gain_for(samples: np.ndarray, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DB,
             whole: bool = True) -> float:
    """The gain (dB) before the limiter that brings `samples` to `target` within 0.05 LU. Limiting lowers
    loudness by more the higher the gain, so it is found by a secant search, each try limited and measured
    a chunk at a time (nothing chapter-sized is made). A long chapter is searched first on every
    SAMPLED_CHUNKS-th chunk (a quarter of the work per try), then finished on the whole, usually in one try;
    with `whole` False that last try is left to the caller, who measures the encoded file anyway (finish)."""
    current = loudness(samples)
    if math.isinf(current):
        return 0.0  # silence
    gain, slope = target - current, 1.0
    if len(samples) > 8 * SAMPLED_CHUNKS * CHUNK:  # the chunks measured differ from the whole by `bias`
        meter = Meter(peaks=False)
        for start in range(0, len(samples), CHUNK * SAMPLED_CHUNKS):
            meter.feed(samples[start:start + CHUNK])
        bias = meter.loudness() - current
        gain, slope = _secant(samples, target + bias, ceiling_db, gain, slope, SAMPLED_CHUNKS)
        if not whole:
            return gain
    return _secant(samples, target, ceiling_db, gain, slope, 1)[0]


def _secant(samples: np.ndarray, target: float, ceiling_db: float, gain: float, slope: float,
            every: int) -> tuple[float, float]:
    """(gain within 0.05 LU of `target`, or the last one measured after 8 tries; the slope last seen),
    measuring every `every`-th chunk of the limited signal; `slope` is the first step's guess (LU per dB)."""
    tried = None
    for _ in range(8):
        meter = Meter(peaks=False)
        for chunk in limited(samples, ceiling_db, gain_db=gain, every=every):
            meter.feed(chunk)
        error = meter.loudness() - target
        if abs(error) < 0.05:
            return gain, slope
        if tried and gain != tried[0]:
            slope = (error - tried[1]) / (gain - tried[0])
        # under a low ceiling the limiter takes most of a gain step back: a small slope needs a large step
        step = -error / min(1.0, max(slope, 0.02))
        tried, gain = (gain, error), gain + max(-12.0, min(12.0, step))
    return tried[0], slope  # the last gain measured


def master(samples: np.ndarray, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """Gain, then limit, so that the limited signal is at `target` within 0.05 LU (gain_for), as one array."""
    return limit(samples, ceiling_db, gain_db=gain_for(samples, target, ceiling_db))


@dataclass(frozen=True)
class Codec:
    """How one lossy format is made and heard, and how to aim for it: `encode(mastered float samples)` gives
    the file, `hear(file)` a Meter of it decoded; its usual loudness loss, the limiter's first ceiling, how
    far the ceiling drops per dB of overshoot and the lowest ceiling at which speech still reaches the target."""

    encode: Callable[[np.ndarray], bytes]
    hear: Callable[[bytes], "Meter"]
    loss_db: float
    ceiling_db: float
    overshoot_step: float = 1.5
    lowest_ceiling_db: float = -math.inf


def finish(samples: np.ndarray, codec: "Codec | None" = None, offset_db: float = 0.0,
           gain_db: float | None = None) -> tuple[Callable[[], Iterator[np.ndarray]], bytes, "Meter"]:
    """Master and encode (default: as MP3) so that the decoded file meets the targets (the loudness target
    moved by `offset_db`). Returns the mastered samples (a function giving them again a chunk at a time),
    the file and what a listener hears of it. When no pass meets the targets in MAX_PASSES, the pass
    nearest them is kept (the tests measure what it gives). With `gain_db`, the first pass tries that
    gain instead of searching for one (samples mastered already: the gain from one codec's loss to another's).

    Holds the chapter once, as given: its mastered copy goes to the encoder, and the decoded file to the
    meter, a chunk at a time."""
    codec = codec or MP3
    target, ceiling, best = TARGET_LUFS + offset_db + codec.loss_db, codec.ceiling_db, None
    for attempt in range(MAX_PASSES):
        given = attempt == 0 and gain_db is not None
        gain = gain_db if given else gain_for(samples, target, ceiling, whole=False)
        encoded = codec.encode(limited(samples, ceiling, gain_db=gain))
        heard = codec.hear(encoded)
        error, (peak, true_peak) = heard.loudness() - TARGET_LUFS - offset_db, heard.peaks_db()
        overshoot = max(peak - SAMPLE_PEAK_DB, true_peak - TRUE_PEAK_DB)
        miss = 0.0 if math.isinf(error) else max(abs(error) - LOUDNESS_TOLERANCE, overshoot)
        if best is None or miss < best[0]:
            best = (miss, gain, ceiling, encoded, heard)
        if miss <= 0:
            break
        # an encoder's overshoot depends on the transient more than on the ceiling: step down generously,
        # but never so far that the limiter can no longer reach the loudness
        target = target - error
        ceiling = max(codec.lowest_ceiling_db, ceiling - max(0.0, codec.overshoot_step * overshoot + 0.2))
    _, gain, ceiling, encoded, heard = best
    return lambda: limited(samples, ceiling, gain_db=gain), encoded, heard


def decode_mp3(mp3: bytes) -> np.ndarray:
    import soundfile
    samples, _ = soundfile.read(io.BytesIO(mp3), dtype="float32")
    return samples


def hear_mp3(mp3: bytes) -> "Meter":
    """What a listener hears of an MP3 (Meter), decoded a chunk at a time."""
    import soundfile
    meter = Meter()
    for block in soundfile.blocks(io.BytesIO(mp3), blocksize=CHUNK, dtype="float32"):
        meter.feed(block)
    return meter


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples as 16-bit little-endian integers (clipped at full scale), a chunk at a time."""
    out = np.empty(len(samples), "<i2")
    for start in range(0, len(samples), CHUNK):
        out[start:start + CHUNK] = (np.clip(samples[start:start + CHUNK], -1, 1) * 32767).astype("<i2")
    return out


def pcm16(samples: np.ndarray) -> bytes:
    """Float samples as 16-bit little-endian PCM bytes."""
    return to_int16(samples).tobytes()


def chunks(samples: "np.ndarray | Iterable[np.ndarray]") -> Iterator[np.ndarray]:
    """A signal a chunk at a time, whether given whole (an array) or already in pieces."""
    if isinstance(samples, np.ndarray):
        return (samples[start:start + CHUNK] for start in range(0, len(samples), CHUNK))
    return iter(samples)


def encode_mp3(samples: "np.ndarray | Iterable[np.ndarray]") -> bytes:
    """Encode once, a chunk at a time: constant bit-rate MP3 (LAME). Decoders start the audio ENCODER_DELAY
    samples late."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)  # measured on this book's chapters: 2.1x faster than 5, the same loudness loss,
    # lower peaks and 25.4 dB signal-to-error against 23.1 (no psychoacoustic noise shaping: speech at 96 kbit/s)
    encoded = bytearray()
    for chunk in chunks(samples):
        encoded += encoder.encode(pcm16(chunk))
    return bytes(encoded + encoder.flush())


MP3 = Codec(encode_mp3, hear_mp3, ENCODER_LOSS_DB, CEILING_DB)  # the chapters' files (finish's default)
