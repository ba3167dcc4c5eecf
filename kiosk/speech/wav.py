"""WAV bytes in, WAV bytes out: the few sample operations speech needs, in pure Python.

Every utterance travels as a complete RIFF/WAVE file (16-bit mono PCM, the format espeak-ng
writes). Segments of one utterance are joined sample by sample; the volume is applied to the
samples before playback, so every output (a sound card, a file) hears the same level.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass

SAMPLE_RATE = 22050  # espeak-ng's rate; the tone engine uses it too


@dataclass(frozen=True)
class Pcm:
    """Raw 16-bit mono samples at ``rate`` Hz."""

    samples: array
    rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate


def read_wav(data: bytes) -> Pcm:
    """Parse a 16-bit mono WAV file. A header whose size field is wrong (espeak-ng's
    ``--stdout`` writes 0x7FFFFFFF) is tolerated: the frames read are what the data holds."""
    with wave.open(io.BytesIO(data), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(
                f"expected 16-bit mono WAV, got {w.getsampwidth() * 8}-bit "
                f"{w.getnchannels()}-channel"
            )
        rate = w.getframerate()
        frames = w.readframes(w.getnframes())
    samples = array("h")
    samples.frombytes(frames[: len(frames) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return Pcm(samples, rate)


def write_wav(pcm: Pcm) -> bytes:
    samples = pcm.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def join(parts: list[Pcm], *, pause_s: float = 0.12) -> Pcm:
    """The parts one after the other with a short silence between them."""
    rate = parts[0].rate if parts else SAMPLE_RATE
    out = array("h")
    gap = array("h", bytes(2 * int(rate * pause_s)))
    for i, part in enumerate(parts):
        if part.rate != rate:
            raise ValueError(f"cannot join {part.rate} Hz audio to {rate} Hz audio")
        if i:
            out.extend(gap)
        out.extend(part.samples)
    return Pcm(out, rate)


def scaled(pcm: Pcm, volume: float) -> Pcm:
    """The samples at ``volume`` (0..1; 1 leaves them as they are)."""
    if volume >= 1.0:
        return pcm
    factor = max(0.0, volume)
    return Pcm(array("h", [int(s * factor) for s in pcm.samples]), pcm.rate)


def tone(duration_s: float, *, frequency_hz: float = 440.0, rate: int = SAMPLE_RATE) -> Pcm:
    """A sine tone at half scale: the fake engine's voice."""
    n = max(1, int(duration_s * rate))
    step = 2 * math.pi * frequency_hz / rate
    return Pcm(array("h", [int(16000 * math.sin(i * step)) for i in range(n)]), rate)


def peak(pcm: Pcm) -> int:
    """The largest absolute sample (0 for silence)."""
    return max((abs(s) for s in pcm.samples), default=0)
