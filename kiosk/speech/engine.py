"""Text to speech: a small interface, espeak-ng behind it, and a fake that ships with it.

:class:`EspeakEngine` runs ``espeak-ng -v VOICE -w FILE TEXT`` as a subprocess with a
timeout (``-w`` rather than ``--stdout``, whose WAV header has no true size). It is offline,
free (GPL-3.0+, Debian package ``espeak-ng``) and speaks French, English and Arabic. Arabic
text must carry its vowel marks or espeak-ng mispronounces it: the speech catalogs do.

:class:`ToneEngine` answers every text with a tone as long as the text would take to say:
real WAV audio, no dependency, for tests and machines without espeak-ng.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from typing import Protocol

from kiosk.core.errors import KioskError
from kiosk.speech.wav import Pcm, read_wav, tone

logger = logging.getLogger(__name__)

DEFAULT_VOICES = {"fr": "fr", "en": "en-gb", "ar": "ar"}
SYNTH_TIMEOUT_S = 5.0


class SpeechError(KioskError, RuntimeError):
    """An utterance could not be synthesised. Safe to retry (nothing was played)."""


class SpeechEngine(Protocol):
    """Turns one text in one language into audio. Called from worker threads only."""

    def synthesize(self, text: str, language: str) -> Pcm: ...


class EspeakEngine:
    """espeak-ng as a subprocess, one call per text."""

    def __init__(
        self,
        voices: Mapping[str, str] | None = None,
        *,
        rate_wpm: int = 160,
        executable: str = "espeak-ng",
        timeout_s: float = SYNTH_TIMEOUT_S,
    ):
        self.voices = {**DEFAULT_VOICES, **(voices or {})}
        self.rate_wpm = rate_wpm
        self.executable = executable
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"<EspeakEngine {self.executable} voices={self.voices} rate={self.rate_wpm}>"

    @staticmethod
    def is_available(executable: str = "espeak-ng") -> bool:
        return shutil.which(executable) is not None

    def synthesize(self, text: str, language: str) -> Pcm:
        voice = self.voices.get(language, language)
        fd, path = tempfile.mkstemp(prefix="kiosk-speech-", suffix=".wav")
        os.close(fd)
        try:
            try:
                done = subprocess.run(
                    [
                        self.executable,
                        "-v",
                        voice,
                        "-s",
                        str(self.rate_wpm),
                        "-w",
                        path,
                        "--",
                        text,
                    ],
                    capture_output=True,
                    timeout=self.timeout_s,
                    check=False,
                )
            except FileNotFoundError:
                raise SpeechError(
                    f"{self.executable}: not found: install it (apt install espeak-ng) "
                    'or set [speech] engine = "tone"'
                ) from None
            except subprocess.TimeoutExpired:
                raise SpeechError(
                    f"{self.executable} took more than {self.timeout_s:.0f} s for {text[:40]!r}"
                ) from None
            if done.returncode != 0:
                err = done.stderr.decode("utf-8", "replace").strip().splitlines()
                raise SpeechError(
                    f"{self.executable} -v {voice} failed ({done.returncode}): "
                    f"{err[-1] if err else 'no message'}"
                )
            with open(path, "rb") as f:
                data = f.read()
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            return read_wav(data)
        except (ValueError, EOFError) as err:
            raise SpeechError(f"{self.executable} wrote no usable WAV ({err})") from None


class ToneEngine:
    """The fake: a tone whose length follows the text (about 14 characters a second)."""

    def __init__(self, chars_per_s: float = 14.0):
        self.chars_per_s = chars_per_s
        self.calls: list[tuple[str, str]] = []

    def __repr__(self) -> str:
        return f"<ToneEngine {len(self.calls)} calls>"

    def synthesize(self, text: str, language: str) -> Pcm:
        self.calls.append((text, language))
        return tone(min(10.0, 0.1 + len(text) / self.chars_per_s))
