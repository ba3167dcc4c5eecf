"""Where speech goes: a sound card through ``aplay``, a folder of WAV files, or nowhere.

``[speech] output`` is a URL, as ``[printer] url`` is: ``alsa://DEVICE`` (``aplay -D DEVICE``
as a subprocess: stopping an utterance kills it, which silences the card at once),
``file:///dir`` (each utterance as a numbered WAV file, for tests and for listening to what a
visitor heard) or ``none``. Every method returns quickly; ``stop`` may be called from any
thread.
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
from pathlib import Path
from typing import Protocol

from kiosk.speech.wav import Pcm, write_wav

logger = logging.getLogger(__name__)

OUTPUT_FORMS = 'alsa://DEVICE (for example "alsa://default"), file:///path/to/dir or none'
PLAYER_EXIT_TIMEOUT_S = 1.0


class AudioOutput(Protocol):
    def open(self) -> None: ...
    def play(self, pcm: Pcm, *, language: str) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


class NullOutput:
    """Speech is built and traced, nothing is heard."""

    def __init__(self) -> None:
        self.played = 0

    def __repr__(self) -> str:
        return f"<NullOutput played={self.played}>"

    def open(self) -> None:
        pass

    def play(self, pcm: Pcm, *, language: str) -> None:
        self.played += 1

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class FileOutput:
    """Each utterance as ``NNNNNN-LANG.wav`` in ``folder``, numbered after the files already
    there (a restart never overwrites what an earlier run wrote)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._next = 1
        self.stops = 0
        self.written: list[Path] = []

    def __repr__(self) -> str:
        return f"<FileOutput {self.folder} next={self._next}>"

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(m.group(1))
            for p in self.folder.glob("*.wav")
            if (m := re.match(r"^(\d+)-", p.name)) is not None
        ]
        self._next = max(numbers, default=0) + 1

    def play(self, pcm: Pcm, *, language: str) -> None:
        path = self.folder / f"{self._next:06d}-{language}.wav"
        self._next += 1
        tmp = path.with_suffix(".part")
        tmp.write_bytes(write_wav(pcm))
        tmp.replace(path)  # a reader never sees half a file
        self.written.append(path)

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        pass


class AplayOutput:
    """``aplay -q -D DEVICE -t wav -``, one process per utterance, fed by a writer thread (a
    pipe holds less than a second of audio, so writing would otherwise wait for playback)."""

    def __init__(self, device: str, *, executable: str = "aplay"):
        self.device = device
        self.executable = executable
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._is_missing_logged = False

    def __repr__(self) -> str:
        return f"<AplayOutput {self.device} playing={self._proc is not None}>"

    def open(self) -> None:
        pass

    def play(self, pcm: Pcm, *, language: str) -> None:
        self.stop()
        try:
            proc = subprocess.Popen(
                [self.executable, "-q", "-D", self.device, "-t", "wav", "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as err:
            if not self._is_missing_logged:
                logger.error(
                    "speech: cannot start %s (%s): install alsa-utils or set [speech] output",
                    self.executable,
                    err,
                )
                self._is_missing_logged = True
            return
        with self._lock:
            self._proc = proc
        data = write_wav(pcm)
        threading.Thread(
            target=self._feed, args=(proc, data), name="speech-aplay", daemon=True
        ).start()

    @staticmethod
    def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # stopped: the player was killed
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()  # SIGKILL: the card's buffer is dropped with the process

    def close(self) -> None:
        self.stop()


def output_for(url: str, *, base: Path | None = None) -> AudioOutput:
    """The output a ``[speech] output`` URL names; ValueError naming the forms otherwise."""
    if url == "none":
        return NullOutput()
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "alsa" and rest:
        return AplayOutput(rest)
    if sep and scheme == "file" and rest:
        folder = Path(rest)
        if not folder.is_absolute() and base is not None:
            folder = (base / folder).resolve()
        return FileOutput(folder)
    raise ValueError(f"{url!r}: expected {OUTPUT_FORMS}")
