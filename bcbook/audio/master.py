"""Mastering: sentences -> one 44.1 kHz mono chapter with exact timings, -19 LUFS, true peak under -1.5 dBTP.

Requires numpy, scipy, pyloudnorm and lameenc. Guarantees: each sentence
is trimmed of silence, resampled to RATE and placed with fixed pauses after
a room-tone lead-in, and its start and end are known to the sample; the
chapter is gain-adjusted and held under a ceiling by a look-ahead limiter
(not gain alone), then encoded as constant bit-rate MP3; `finish` measures
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

import lameenc
import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly, sosfilt, tf2sos

from .engine import Speech

RATE = 44100
TARGET_LUFS = -19.0
CEILING_DB = -3.7          # sample-peak ceiling before encoding; MP3 overshoot stays under SAMPLE_PEAK_DB
ENCODER_LOSS_DB = 0.45     # measured: LAME at 96 kbit/s lowers the integrated loudness of speech by ~0.45 dB
LOUDNESS_TOLERANCE = 0.1   # LU, measured on the decoded MP3 (the promise is +/-0.3; chapters join into the book)
SAMPLE_PEAK_DB = -3.2      # decoded sample peak (promise: <= -3 dBFS), with room for the book's re-encode
TRUE_PEAK_DB = -1.7        # decoded true peak (promise: <= -1.5 dBTP)
MAX_PASSES = 4
LEAD_IN, TAIL = 0.75, 2.0  # seconds of room tone
ROOM_TONE_DB = -72.0
BITRATE_KBPS = 96          # constant bit rate, mono
ENCODER_DELAY = 1105       # samples LAME puts before the audio (lameenc writes no gapless tag), measured


def trim(samples: np.ndarray, rate: int, threshold: float = 0.006, keep: float = 0.01) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    margin = int(keep * rate)
    return samples[max(0, loud[0] - margin): loud[-1] + margin + 1]


def to_rate(speech: Speech) -> np.ndarray:
    if speech.rate == RATE:
        return speech.samples.astype(np.float32)
    divisor = math.gcd(RATE, speech.rate)
    return resample_poly(speech.samples, RATE // divisor, speech.rate // divisor).astype(np.float32)


def assemble(sentences: list[tuple[Speech, float]]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Concatenate (speech, pause after) into one track; return it and each sentence's (start, end) sample."""
    pieces, timings, position = [np.zeros(int(LEAD_IN * RATE), np.float32)], [], int(LEAD_IN * RATE)
    for speech, pause in sentences:
        voiced = to_rate(Speech(trim(speech.samples, speech.rate), speech.rate))
        timings.append((position, position + len(voiced)))
        gap = np.zeros(int(round(pause * RATE)), np.float32)
        pieces += [voiced, gap]
        position += len(voiced) + len(gap)
    pieces.append(np.zeros(int(TAIL * RATE), np.float32))
    track = np.concatenate(pieces)
    noise = np.random.default_rng(20231221).standard_normal(len(track), dtype=np.float32)
    track += noise * np.float32(10 ** (ROOM_TONE_DB / 20))
    return track, timings


def limit(samples: np.ndarray, ceiling_db: float = CEILING_DB, window: float = 0.02) -> np.ndarray:
    """A look-ahead peak limiter: smooth gain reduction wherever a peak would pass the ceiling."""
    ceiling = 10 ** (ceiling_db / 20)
    width = max(1, int(window * RATE))
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-9))
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * width + 1), size=width + 1)
    return (samples * np.minimum(gain, needed)).astype(np.float32)


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of a whole signal: Meter's, which is pyloudnorm's within 0.02 LU, faster."""
    meter = Meter(peaks=False)
    meter.feed(samples)
    return meter.loudness()


def true_peak_db(samples: np.ndarray, block: int = 1 << 20) -> float:
    """4x-oversampled peak (an ITU-R BS.1770 style true-peak estimate), in dBTP, in overlapping blocks."""
    peak, overlap = 1e-12, 64
    for start in range(0, len(samples), block):
        piece = samples[max(0, start - overlap): start + block + overlap].astype(np.float64)
        peak = max(peak, float(np.max(np.abs(resample_poly(piece, 4, 1)))))
    return 20 * math.log10(peak)


def master(samples: np.ndarray, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """Gain, then limit, so that the limited signal is at `target` within 0.05 LU. Limiting lowers loudness
    by more the higher the gain, so the gain is found by a secant search (two or three tries, at most 8)."""
    current = loudness(samples)
    if math.isinf(current):
        return samples  # silence
    gain, tried = target - current, None
    for _ in range(8):
        limited = limit(samples * np.float32(10 ** (gain / 20)), ceiling_db)
        error = loudness(limited) - target
        if abs(error) < 0.05:
            break
        slope = (error - tried[1]) / (gain - tried[0]) if tried and gain != tried[0] else 1.0
        # under a low ceiling the limiter takes most of a gain step back: a small slope needs a large step
        step = -error / min(1.0, max(slope, 0.02))
        tried, gain = (gain, error), gain + max(-12.0, min(12.0, step))
    return limited


def finish(samples: np.ndarray, encode=None, decode=None, loss_db: float = ENCODER_LOSS_DB,
           ceiling_db: float = CEILING_DB) -> tuple[np.ndarray, bytes]:
    """Master and encode (default: MP3) so that the decoded file meets the targets; returns the PCM and the file.

    `loss_db` is the encoder's usual loudness loss (a first guess); `ceiling_db` the limiter's first ceiling.
    """
    encode, decode = encode or encode_mp3, decode or decode_mp3
    target, ceiling = TARGET_LUFS + loss_db, ceiling_db
    for _ in range(MAX_PASSES):
        mastered = master(samples, target, ceiling)
        encoded = encode(mastered)
        heard = decode(encoded)
        error, peak = loudness(heard) - TARGET_LUFS, sample_peak_db(heard)
        overshoot = max(peak - SAMPLE_PEAK_DB, true_peak_db(heard) - TRUE_PEAK_DB)
        if math.isinf(error) or (abs(error) <= LOUDNESS_TOLERANCE and overshoot <= 0):
            break
        # an encoder's overshoot depends on the transient more than on the ceiling: step down generously
        target, ceiling = target - error, ceiling - max(0.0, 1.5 * overshoot + 0.2)
    return mastered, encoded


class Meter:
    """What a listener hears of a long signal fed in pieces, without holding it: integrated loudness
    (ITU-R BS.1770-4: pyloudnorm's K-weighting and gating, on 100 ms sums of squares), sample peak and
    true peak (4x oversampled, as true_peak_db)."""

    STEP = RATE // 10  # 100 ms: a 400 ms gating block is four of these, one every 100 ms (75% overlap)

    def __init__(self, peaks: bool = True):
        stages = pyloudnorm.Meter(RATE)._filters.values()  # its K-weighting, as second-order sections
        self.sos = np.vstack([tf2sos(stage.b * stage.passband_gain, stage.a) for stage in stages])
        self.state = np.zeros((len(self.sos), 2))
        self.rest, self.sums, self.peaks, self.peak, self.true_peak = np.zeros(0), [], peaks, 0.0, 1e-12
        self.tail = np.zeros(0)

    def feed(self, samples: np.ndarray) -> None:
        weighted, self.state = sosfilt(self.sos, samples.astype(np.float64), zi=self.state)
        weighted = np.concatenate([self.rest, weighted])
        whole = len(weighted) // self.STEP * self.STEP
        self.sums.extend(np.square(weighted[:whole]).reshape(-1, self.STEP).sum(axis=1))
        self.rest = weighted[whole:]
        if self.peaks and len(samples):
            self.peak = max(self.peak, float(np.max(np.abs(samples))))
            self._true_peak(np.concatenate([self.tail, samples.astype(np.float64)]))

    def _true_peak(self, piece: np.ndarray, margin: int = 32) -> None:
        """The oversampled peak of `piece` away from its cut ends, where the filter rings against the zeros
        it assumes beyond them; the last 2 x margin samples are looked at again with the next piece."""
        upsampled = np.abs(resample_poly(piece, 4, 1))
        start = 4 * margin if len(self.tail) else 0  # the signal's own start is a real edge
        self.true_peak = max(self.true_peak, float(np.max(upsampled[start:max(start + 1, len(upsampled) - 4 * margin)])))
        self.tail = piece[-2 * margin:]


    def loudness(self) -> float:
        sums = np.asarray(self.sums)
        if len(sums) < 4:
            return -math.inf
        blocks = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * self.STEP)
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10 * np.log10(blocks)
        gated = blocks[levels >= -70.0]
        if not len(gated):
            return -math.inf
        relative = -0.691 + 10 * math.log10(gated.mean()) - 10.0
        gated = blocks[(levels > relative) & (levels > -70.0)]
        return -0.691 + 10 * math.log10(gated.mean()) if len(gated) else -math.inf

    def peaks_db(self) -> tuple[float, float]:
        """(sample peak in dBFS, true peak in dBTP), the true peak measured up to the signal's own end."""
        true_peak = self.true_peak
        if len(self.tail):  # its first half was measured with the last piece; its end is the signal's
            true_peak = max(true_peak, float(np.max(np.abs(resample_poly(self.tail, 4, 1))[2 * len(self.tail):])))
        return 20 * math.log10(max(self.peak, 1e-12)), 20 * math.log10(true_peak)


def decode_mp3(mp3: bytes) -> np.ndarray:
    import soundfile
    samples, _ = soundfile.read(io.BytesIO(mp3), dtype="float32")
    return samples


def sample_peak_db(samples: np.ndarray) -> float:
    return 20 * math.log10(max(float(np.max(np.abs(samples))) if len(samples) else 0.0, 1e-12))


def encode_mp3(samples: np.ndarray) -> bytes:
    """Encode once: constant bit-rate MP3 (LAME). Decoders start the audio ENCODER_DELAY samples late."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(5)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    return bytes(encoder.encode(pcm) + encoder.flush())
