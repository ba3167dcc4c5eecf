"""The real espeak-ng: each language of the kiosk becomes a WAV file with sound in it."""

from __future__ import annotations

import pytest

from kiosk.speech import EspeakEngine, FileOutput, Speaker, SpeechError, Utterance
from kiosk.speech.wav import peak, read_wav

pytestmark = pytest.mark.skipif(
    not EspeakEngine.is_available(), reason="needs espeak-ng: apt install espeak-ng"
)

TEXTS = {
    "fr": "Votre numéro de ticket est A, 0, 4, 2.",
    "en": "Your ticket number is A, 0, 4, 2.",
    "ar": "رَقْمُ تَذْكِرَتِكَ هُوَ A, 0, 4, 2",
}


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_espeak_ng_writes_a_wav_with_sound(tmp_path, language):
    output = FileOutput(tmp_path)
    events: list[tuple[str, dict]] = []
    speaker = Speaker(EspeakEngine(), output, volume=1.0, emit=lambda e, **f: events.append((e, f)))
    with speaker:
        speaker.say(Utterance.of(language, TEXTS[language]))
        assert speaker.wait_idle(30)
    assert events == [("spoken", {"text": TEXTS[language], "language": language})]
    [path] = output.written
    pcm = read_wav(path.read_bytes())
    assert pcm.rate == 22050
    assert pcm.duration_s > 0.5
    assert peak(pcm) > 2000  # speech, not silence
    loud = sum(1 for s in pcm.samples if abs(s) > 500)
    assert loud > len(pcm.samples) // 10


def test_an_unknown_voice_is_a_clear_error():
    with pytest.raises(SpeechError, match="-v xx-nowhere"):
        EspeakEngine({"xx": "xx-nowhere"}).synthesize("bonjour", "xx")


def test_a_missing_executable_names_the_fix():
    with pytest.raises(SpeechError, match="apt install espeak-ng"):
        EspeakEngine(executable="no-such-espeak").synthesize("bonjour", "fr")
