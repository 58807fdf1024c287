"""Measuring what a listener hears: integrated loudness (ITU-R BS.1770-4), sample peak and true peak.

Requires numpy, scipy and pyloudnorm (its K-weighting filters), both imported only when a Meter is made
(SciPy's signal module takes 1.3 s to import: a job that measures nothing never waits for it). Guarantees:
a Meter is fed a long signal in pieces and holds one chunk of it at a time;
its loudness is pyloudnorm's within 0.02 LU (the same filters and gating,
on 100 ms sums of squares, so the sums of several signals one after another
give the loudness of the whole: `integrated_loudness`); its true peak is
the signal 4x oversampled by BS.1770-4 Annex 2's own 48-tap interpolator,
exact wherever it can beat the peak found so far. Samples are float32 in
-1..1, or 16-bit integers read as n / 32768 (`floats`).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

RATE = 44100
CHUNK = 1 << 16  # samples worked on at a time (1.5 s)


def floats(samples: np.ndarray) -> np.ndarray:
    """Samples as float32 in -1..1: given so, or 16-bit integers n read as n / 32768 (as soundfile reads them),
    so a stored chapter can be held as integers, half the memory, and worked on a chunk at a time."""
    if samples.dtype == np.int16:
        return samples.astype(np.float32) * np.float32(1 / 32768)
    return samples


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of a whole signal: Meter's, which is pyloudnorm's within 0.02 LU, faster."""
    meter = Meter(peaks=False)
    meter.feed(samples)
    return meter.loudness()


def true_peak_db(samples: np.ndarray) -> float:
    """The true peak (ITU-R BS.1770-4 Annex 2: 4x oversampled by its 48-tap interpolator), in dBTP: Meter's."""
    meter = Meter()
    meter.feed(samples)
    return meter.peaks_db()[1]


def sample_peak_db(samples: np.ndarray) -> float:
    return 20 * math.log10(max(float(np.max(np.abs(samples))) if len(samples) else 0.0, 1e-12))


class Meter:
    """What a listener hears of a long signal fed in pieces, without holding it: integrated loudness
    (ITU-R BS.1770-4: pyloudnorm's K-weighting and gating, on 100 ms sums of squares), sample peak and
    true peak (4x oversampled by BS.1770-4 Annex 2's interpolator). Memory holds one chunk of the signal, however long it is."""

    STEP = RATE // 10  # 100 ms: a 400 ms gating block is four of these, one every 100 ms (75% overlap)

    def __init__(self, peaks: bool = True):
        self.sos = _k_weighting()
        self.state = np.zeros((len(self.sos), 2))
        self.rest, self.sums, self.peaks, self.peak, self.true_peak = np.zeros(0), [], peaks, 0.0, 1e-12
        self.tail = np.zeros(0, np.float32)

    def feed(self, samples: np.ndarray) -> None:
        for start in range(0, len(samples), CHUNK):
            self._feed(floats(samples[start:start + CHUNK]))

    def _feed(self, samples: np.ndarray) -> None:
        from scipy.signal import sosfilt
        weighted, self.state = sosfilt(self.sos, samples.astype(np.float64), zi=self.state)
        weighted = np.concatenate([self.rest, weighted])
        whole = len(weighted) // self.STEP * self.STEP
        self.sums.extend(np.square(weighted[:whole]).reshape(-1, self.STEP).sum(axis=1))
        self.rest = weighted[whole:]
        if self.peaks and len(samples):
            self.peak = max(self.peak, float(np.max(np.abs(samples))))
            self._true_peak(np.concatenate([self.tail, samples.astype(np.float32, copy=False)]))

    def _true_peak(self, piece: np.ndarray, margin: int = 32) -> None:
        """The oversampled peak of `piece` away from its cut ends, where the filter rings against the zeros
        it assumes beyond them; the last 2 x margin samples are looked at again with the next piece.
        Only blocks that could beat the peak found so far are oversampled, loudest first: an oversampled
        value is at most _overshoot_bound() times the largest sample within the filter's reach."""
        start = margin if len(self.tail) else 0  # the signal's own start is a real edge
        stop = max(start + 1, len(piece) - margin)
        magnitude = np.abs(piece)
        blocks = sorted(((float(magnitude[max(0, low - _REACH):min(stop, low + _BLOCK) + _REACH].max()), low)
                         for low in range(start, stop, _BLOCK)), reverse=True)
        for loudest, low in blocks:
            if loudest * _overshoot_bound() < self.true_peak:
                break
            high, first = min(stop, low + _BLOCK), max(0, low - margin)
            upsampled = _oversampled(piece[first:high + margin])
            self.true_peak = max(self.true_peak, float(upsampled[4 * (low - first):4 * (high - first)].max()))
        self.tail = piece[-2 * margin:]

    def loudness(self) -> float:
        return integrated_loudness(self.sums)

    def peaks_db(self) -> tuple[float, float]:
        """(sample peak in dBFS, true peak in dBTP), the true peak measured up to the signal's own end."""
        true_peak = self.true_peak
        if len(self.tail):  # its first half was measured with the last piece; its end is the signal's
            true_peak = max(true_peak, float(np.max(_oversampled(self.tail)[2 * len(self.tail):])))
        return 20 * math.log10(max(self.peak, 1e-12)), 20 * math.log10(true_peak)


@cache
def _k_weighting() -> np.ndarray:
    """pyloudnorm's K-weighting filters at RATE, as second-order sections."""
    import pyloudnorm
    from scipy.signal import tf2sos
    stages = pyloudnorm.Meter(RATE)._filters.values()
    return np.vstack([tf2sos(stage.b * stage.passband_gain, stage.a) for stage in stages])


def integrated_loudness(sums) -> float:
    """ITU-R BS.1770-4 integrated loudness (LUFS) from a signal's K-weighted sums of squares per 100 ms (a
    Meter's `sums`; those of several signals one after another give the loudness of the whole)."""
    sums = np.asarray(sums, dtype=np.float64)
    if len(sums) < 4:
        return -math.inf
    blocks = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * Meter.STEP)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(blocks)
    gated = blocks[levels >= -70.0]
    if not len(gated):
        return -math.inf
    relative = -0.691 + 10 * math.log10(gated.mean()) - 10.0
    gated = blocks[(levels > relative) & (levels > -70.0)]
    return -0.691 + 10 * math.log10(gated.mean()) if len(gated) else -math.inf


_BLOCK, _REACH = 4096, 6  # true peak: samples per block; input samples a 4x output depends on, each side


# ITU-R BS.1770-4 Annex 2: the 4x true-peak interpolator, 12 taps a phase (phase p is p/4 of a sample on);
# phases 2 and 3 are phases 1 and 0 reversed
_PHASES = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375]])
_PHASES = np.vstack([_PHASES, _PHASES[::-1, ::-1]])
# y[4n + p] = sum_k phase_p[k] x[n + 6 - k]: one row per input sample of x[n - 5 .. n + 6], times these columns
_COLUMNS = np.ascontiguousarray(_PHASES[:, ::-1].T, dtype=np.float32)  # float32: a peak needs no more


@cache
def _overshoot_bound() -> float:
    """The most an oversampled value can exceed the largest input sample it is made of: the largest sum of
    absolute taps of any phase."""
    return float(np.abs(_PHASES).sum(axis=1).max()) * 1.0001


def _oversampled(samples: np.ndarray) -> np.ndarray:
    """|the signal 4x oversampled| by the BS.1770 interpolator (output 4n + p is p/4 of a sample after input
    n), as one matrix product over the signal's sliding windows."""
    padded = np.concatenate([np.zeros(5, np.float32), samples, np.zeros(6, np.float32)])
    return np.abs(sliding_window_view(padded, 12) @ _COLUMNS).reshape(-1)
