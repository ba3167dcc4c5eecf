"""Speech for visitors who cannot see the screen (EN 301 549 5.1.3): an engine that turns
text into audio, an output that plays it, and the speaker that joins them off the UI thread.

Built from ``[speech]`` by :func:`speaker_for`; without that section the kiosk is silent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.speech.engine import EspeakEngine, SpeechEngine, SpeechError, ToneEngine
from kiosk.speech.output import AudioOutput, FileOutput, NullOutput, output_for
from kiosk.speech.speaker import Part, Speaker, Utterance

__all__ = [
    "AudioOutput",
    "EspeakEngine",
    "FileOutput",
    "NullOutput",
    "Part",
    "Speaker",
    "SpeechEngine",
    "SpeechError",
    "ToneEngine",
    "Utterance",
    "output_for",
    "speaker_for",
]


def speaker_for(section: Any, *, emit: Callable[..., Any]) -> Speaker:
    """The speaker a validated ``[speech]`` section describes (not yet opened)."""
    engine: SpeechEngine
    if section.engine == "tone":
        engine = ToneEngine()
    else:
        engine = EspeakEngine(section.voices, rate_wpm=section.rate_wpm)
    return Speaker(
        engine,
        output_for(section.output),
        volume=section.volume,
        volume_step=section.volume_step,
        emit=emit,
    )
