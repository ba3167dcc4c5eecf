"""The speaker with its fake engine and a real folder of WAV files: what is said is traced
and written, a new utterance or a key cuts the current one, the volume steps and resets,
fixed prompts are cached once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.speech import FileOutput, Part, Speaker, ToneEngine, Utterance, output_for
from kiosk.speech.output import AplayOutput, NullOutput
from kiosk.speech.wav import Pcm, peak, read_wav, tone


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict] = []

    def __call__(self, event: str, **fields: object) -> None:
        self.events.append({"event": event, **fields})


class GatedEngine(ToneEngine):
    """A tone engine that holds each synthesis until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def synthesize(self, text: str, language: str) -> Pcm:
        self.entered.set()
        assert self.release.wait(10)
        return super().synthesize(text, language)


def make(tmp_path: Path, engine=None, volume: float = 0.6) -> tuple[Speaker, FileOutput, Recorder]:
    output = FileOutput(tmp_path / "wav")
    rec = Recorder()
    return Speaker(engine or ToneEngine(), output, volume=volume, emit=rec), output, rec


def test_an_utterance_is_traced_and_written_as_a_wav_with_sound(tmp_path):
    speaker, output, rec = make(tmp_path)
    with speaker:
        speaker.say(Utterance.of("fr", "Bonjour", Part("A, 0, 4, 2", is_fixed=False)))
        assert speaker.wait_idle()
    assert rec.events == [{"event": "spoken", "text": "Bonjour A, 0, 4, 2", "language": "fr"}]
    [path] = output.written
    assert path.name == "000001-fr.wav"
    pcm = read_wav(path.read_bytes())
    assert pcm.duration_s > 0.3 and peak(pcm) > 1000


def test_a_new_utterance_while_one_is_synthesised_drops_the_old_one(tmp_path):
    engine = GatedEngine()
    speaker, output, rec = make(tmp_path, engine)
    with speaker:
        speaker.say(Utterance.of("fr", "premier"))
        assert engine.entered.wait(10)
        speaker.say(Utterance.of("fr", "second"))  # a key press while "premier" renders
        stops_before = output.stops
        engine.release.set()
        assert speaker.wait_idle()
    assert [e["text"] for e in rec.events] == ["second"]
    assert stops_before >= 2  # each say() silenced the output at once, in the caller


def test_stop_cuts_what_is_queued(tmp_path):
    engine = GatedEngine()
    speaker, _, rec = make(tmp_path, engine)
    with speaker:
        speaker.say(Utterance.of("en", "never heard"))
        assert engine.entered.wait(10)
        speaker.stop()
        engine.release.set()
        assert speaker.wait_idle()
    assert rec.events == []


def test_volume_steps_within_bounds_and_resets_to_the_configured_level(tmp_path):
    speaker, _output, _ = make(tmp_path, volume=0.6)
    assert speaker.change_volume(+1) == pytest.approx(0.7)
    for _ in range(10):
        speaker.change_volume(+1)
    assert speaker.volume == 1.0
    for _ in range(20):
        speaker.change_volume(-1)
    assert speaker.volume == pytest.approx(0.1)  # never silent: the visitor must hear it
    speaker.reset_volume()
    assert speaker.volume == 0.6


def test_the_volume_is_applied_to_the_samples(tmp_path):
    loud, out_loud, _ = make(tmp_path / "a", volume=1.0)
    soft, out_soft, _ = make(tmp_path / "b", volume=0.2)
    for speaker in (loud, soft):
        with speaker:
            speaker.say(Utterance.of("fr", "niveau"))
            assert speaker.wait_idle()
    a = peak(read_wav(out_loud.written[0].read_bytes()))
    b = peak(read_wav(out_soft.written[0].read_bytes()))
    assert b == pytest.approx(a * 0.2, rel=0.01)


def test_warm_caches_fixed_prompts_once_and_numbers_are_never_cached(tmp_path):
    engine = ToneEngine()
    speaker, _, _ = make(tmp_path, engine)
    with speaker:
        speaker.warm(lambda: [("fr", "Bienvenue."), ("fr", "Bienvenue."), ("ar", "مَرْحَبًا")])
        assert speaker.wait_warm()
        assert speaker.is_cached("fr", "Bienvenue.") and speaker.is_cached("ar", "مَرْحَبًا")
        engine.calls.clear()
        speaker.say(Utterance.of("fr", "Bienvenue.", Part("A, 0, 0, 1", is_fixed=False)))
        assert speaker.wait_idle()
        speaker.say(Utterance.of("fr", "Bienvenue.", Part("A, 0, 0, 1", is_fixed=False)))
        assert speaker.wait_idle()
    assert engine.calls == [("A, 0, 0, 1", "fr"), ("A, 0, 0, 1", "fr")]


def test_file_output_numbers_after_existing_files(tmp_path):
    (tmp_path / "000041-fr.wav").write_bytes(b"")
    output = FileOutput(tmp_path)
    output.open()
    output.play(tone(0.1), language="en")
    assert output.written == [tmp_path / "000042-en.wav"]
    assert not list(tmp_path.glob("*.part"))


def test_output_urls():
    assert isinstance(output_for("none"), NullOutput)
    alsa = output_for("alsa://plughw:1,0")
    assert isinstance(alsa, AplayOutput) and alsa.device == "plughw:1,0"
    assert isinstance(output_for("file:///tmp/x"), FileOutput)
    with pytest.raises(ValueError, match="alsa://DEVICE"):
        output_for("pulse://default")


def test_aplay_missing_is_logged_not_raised(caplog):
    output = AplayOutput("default", executable="no-such-aplay-here")
    output.play(tone(0.05), language="fr")
    output.stop()
    assert "cannot start no-such-aplay-here" in caplog.text
