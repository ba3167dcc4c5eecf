"""Keys alone, on the real ``kiosk run --headless --replay`` process: a visitor who cannot
see the screen starts speech with ``help``, picks a language, a category and a
sub-category, and hears every screen, the ticket's number included, in that language. Each
utterance is a WAV file with sound in it (the tone engine: the real espeak-ng is tested in
tests/speech/test_espeak.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.speech.wav import peak, read_wav
from printer.fake import FakeTcpPrinter

ALL_DAY = "\n".join(
    f'{d} = ["00:00-24:00"]'
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
LABELS = {
    "etat-civil": {"fr": "État civil", "en": "Civil status", "ar": "الحالة المدنية"},
    "fs-caf": {"fr": "CAF", "en": "Family benefits", "ar": "المنح العائلية"},
}


def write_config(root: Path, printer_url: str, *, extra: str = "") -> Path:
    config = root / "kiosk.toml"
    config.write_text(
        f"""
[kiosk]
id = "speech-1"
site = "Mairie"
languages = ["fr", "en", "ar"]
data_dir = "data"

[printer]
url = "{printer_url}"

[hours]
{ALL_DAY}

[speech]
output = "file://wav"
engine = "tone"
volume = 0.5
{extra}

[[categories]]
id = "etat-civil"
prefix = "A"
label = {{ fr = "État civil", en = "Civil status", ar = "الحالة المدنية" }}

[[categories]]
id = "ccas"
prefix = "C"
discreet = true
label = {{ fr = "Aide sociale", en = "Social assistance", ar = "المساعدة الاجتماعية" }}

[[categories]]
id = "france-services"
label = {{ fr = "France services", en = "France services", ar = "France services" }}

[[categories]]
id = "fs-impots"
parent = "france-services"
prefix = "FI"
label = {{ fr = "Impôts", en = "Taxes", ar = "الضرائب" }}

[[categories]]
id = "fs-caf"
parent = "france-services"
prefix = "FC"
label = {{ fr = "CAF", en = "Family benefits", ar = "المنح العائلية" }}
""",
        encoding="utf-8",
    )
    return config


def run(root: Path, config: Path, replay: str, timeout_s: float = 120) -> list[dict]:
    replay_path = root / "replay.txt"
    replay_path.write_text(textwrap.dedent(replay), encoding="utf-8")
    trace = root / "trace.jsonl"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "run",
            "--config",
            str(config),
            "--headless",
            "--replay",
            str(replay_path),
            "--trace",
            str(trace),
        ],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return [json.loads(x) for x in trace.read_text(encoding="utf-8").splitlines()]


# home: the start control, the view switch, then the languages (fr, en, ar), in reading order
LANGUAGE_STEPS = {"fr": 2, "en": 3, "ar": 4}


def keys(*names: str) -> str:
    return "\n".join(f"key {n}" for n in names) + "\n"


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_language_category_and_sub_category_with_keys_alone(tmp_path, language):
    steps = LANGUAGE_STEPS[language]
    replay = (
        keys("help")
        + keys(*["down"] * steps, "select")  # the language button
        + keys(*["up"] * steps, "select")  # back to the start control: the categories
        + keys("select")  # the first category: a ticket
        + keys("select")  # the ticket screen: done, home
        + keys("select", "down", "down", "select")  # categories, France services
        + keys("down", "select")  # its second child: a ticket
        + keys("help")  # the ticket screen again, said again
        + "quit\n"
    )
    with FakeTcpPrinter() as printer:
        trace = run(tmp_path, write_config(tmp_path, printer.url), replay)
    touches = [e["category"] for e in trace if e["event"] == "touch"]
    assert touches == ["etat-civil", "fs-caf"]
    assert [e["event"] for e in trace].count("printed") == 2
    issued = [e["number"] for e in trace if e["event"] == "issued"]
    spoken = [e for e in trace if e["event"] == "spoken"]
    after_language = spoken[1 + steps :]
    assert after_language and all(e["language"] == language for e in after_language)
    texts = [e["text"] for e in after_language]
    joined = "\n".join(texts)
    assert LABELS["etat-civil"][language] in joined
    assert LABELS["fs-caf"][language] in joined
    for number in issued:  # letter by letter, digit by digit
        assert ", ".join(number) in joined, (number, texts)
    # the discreet category is never named aloud without a headset
    assert "Aide sociale" not in joined and "Social assistance" not in joined
    # every utterance is a WAV file with sound in it
    wavs = sorted((tmp_path / "wav").glob("*.wav"))
    assert len(wavs) == len(spoken)
    assert {w.name.split("-")[1] for w in wavs[1 + steps :]} == {f"{language}.wav"}
    for wav in wavs:
        assert peak(read_wav(wav.read_bytes())) > 1000, wav


def test_any_key_cuts_speech_and_help_repeats(tmp_path):
    with FakeTcpPrinter() as printer:
        trace = run(
            tmp_path,
            write_config(tmp_path, printer.url),
            keys("help", "help", "down", "volume_up", "volume_up", "volume_down") + "quit\n",
        )
    spoken = [e["text"] for e in trace if e["event"] == "spoken"]
    assert spoken[0] == spoken[1] and "Bienvenue." in spoken[0]  # help repeats the screen
    assert spoken[2] == "Grand texte, 2 sur 5"
    assert spoken[3:] == ["Volume 6 sur 10", "Volume 7 sur 10", "Volume 6 sur 10"]


def test_headset_names_discreet_categories(tmp_path):
    with FakeTcpPrinter() as printer:
        trace = run(
            tmp_path,
            write_config(tmp_path, printer.url, extra="headset = true"),
            keys("help", "select", "down") + "quit\n",
        )
    spoken = [e["text"] for e in trace if e["event"] == "spoken"]
    assert spoken[-1] == "Aide sociale, 2 sur 4"
