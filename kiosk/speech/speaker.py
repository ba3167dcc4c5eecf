"""The speaker: the UI asks it to say or stop, a worker thread does the rest.

``say`` and ``stop`` return at once: they silence the output in the caller's thread (killing
a player is one system call) and hand the new utterance to the worker, which synthesises what
is not cached, applies the volume, emits the trace event ``spoken`` and starts playback. An
utterance superseded while it was being synthesised is dropped unspoken.

Fixed prompts (screen titles, button labels, instructions) are rendered once at start-up by a
second worker (:meth:`Speaker.warm`) and kept; the parts that change (a ticket's number, a
count) are synthesised when asked, in a few tens of milliseconds.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.speech.engine import SpeechEngine, SpeechError
from kiosk.speech.output import AudioOutput
from kiosk.speech.wav import Pcm, join, scaled

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 5.0
CACHE_MAX = 4000


@dataclass(frozen=True)
class Part:
    """A piece of an utterance; fixed pieces are cached, others synthesised each time."""

    text: str
    is_fixed: bool = True


@dataclass(frozen=True)
class Utterance:
    parts: tuple[Part, ...]
    language: str

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts if p.text)

    @classmethod
    def of(cls, language: str, *texts: str | Part) -> Utterance:
        parts = tuple(t if isinstance(t, Part) else Part(t) for t in texts)
        return cls(tuple(p for p in parts if p.text), language)


class Speaker:
    """One voice for the kiosk. ``open()`` starts the worker; ``close()`` is idempotent."""

    def __init__(
        self,
        engine: SpeechEngine,
        output: AudioOutput,
        *,
        volume: float = 0.6,
        volume_step: float = 0.1,
        emit: Callable[..., Any] = lambda *a, **k: None,
    ):
        self.engine = engine
        self.output = output
        self.base_volume = volume
        self.volume = volume
        self.volume_step = volume_step
        self._emit = emit
        self._queue: queue.Queue[tuple[int, Utterance] | None] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], Pcm] = {}
        self._worker: threading.Thread | None = None
        self._warmer: threading.Thread | None = None
        self._closing = threading.Event()
        self.spoken = 0
        self.failures = 0
        self.warmed = 0
        self.is_warm = False

    def __repr__(self) -> str:
        return (
            f"<Speaker {self.engine!r} -> {self.output!r} volume={self.volume:.2f} "
            f"cached={len(self._cache)} spoken={self.spoken}>"
        )

    # ---- lifecycle ----------------------------------------------------------------------

    def open(self) -> Speaker:
        if self._worker is None:
            self.output.open()
            self._worker = threading.Thread(target=self._run, name="speech", daemon=True)
            self._worker.start()
        return self

    def close(self) -> None:
        """Say what is queued, then stop (bounded by CLOSE_TIMEOUT_S)."""
        if self._worker is None:
            return
        self._closing.set()
        self._queue.put(None)
        self._worker.join(CLOSE_TIMEOUT_S)
        if self._warmer is not None:
            self._warmer.join(CLOSE_TIMEOUT_S)
        self.output.close()
        self._worker = None

    def __enter__(self) -> Speaker:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- what the UI calls (never blocks) ---------------------------------------------------

    def say(self, utterance: Utterance) -> None:
        """Cut what is being said and say ``utterance``."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.output.stop()
        if utterance.parts:
            self._queue.put((generation, utterance))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
        self.output.stop()

    def change_volume(self, steps: int) -> float:
        """Raise (positive) or lower the level by ``steps`` steps, within 0.1..1."""
        level = round(self.volume + steps * self.volume_step, 3)
        self.volume = min(1.0, max(0.1, level))
        return self.volume

    def reset_volume(self) -> None:
        """Back to the configured level (each visitor starts there)."""
        self.volume = self.base_volume

    def warm(
        self, prompts: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]]
    ) -> None:
        """Render ``(language, text)`` prompts into the cache in a background thread; a
        callable is called there too (building the list costs time the UI must not spend)."""
        self._warmer = threading.Thread(
            target=self._warm, args=(prompts,), name="speech-warm", daemon=True
        )
        self._warmer.start()

    @property
    def is_busy(self) -> bool:
        """An utterance is queued or being synthesised (not yet playing)."""
        return self._queue.unfinished_tasks > 0

    def wait_idle(self, timeout_s: float = CLOSE_TIMEOUT_S) -> bool:
        """Wait until every queued utterance was spoken or dropped (tests, benchmarks);
        never called from the UI loop. True when idle within ``timeout_s``."""
        done = threading.Event()

        def join() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=join, daemon=True).start()
        return done.wait(timeout_s)

    def wait_warm(self, timeout_s: float = 60.0) -> bool:
        """Wait for the start-up prompt cache (tests, benchmarks)."""
        if self._warmer is None:
            return True
        self._warmer.join(timeout_s)
        return not self._warmer.is_alive()

    def is_cached(self, language: str, text: str) -> bool:
        return (language, text) in self._cache

    # ---- workers ---------------------------------------------------------------------------

    def _warm(
        self, prompts: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]]
    ) -> None:
        try:
            items = list(dict.fromkeys(prompts() if callable(prompts) else prompts))
        except Exception:
            logger.exception("speech: the prompt list could not be built; nothing cached")
            return
        for language, text in items:
            if self._closing.is_set():
                return
            if (language, text) in self._cache:
                continue
            try:
                self._store(language, text, self.engine.synthesize(text, language))
            except SpeechError as err:
                logger.warning("speech: prompt not cached: %s", err)
                continue
            self.warmed += 1
        self.is_warm = True
        logger.info("speech: %d prompts cached", len(self._cache))

    def _store(self, language: str, text: str, pcm: Pcm) -> None:
        if len(self._cache) < CACHE_MAX:
            self._cache[(language, text)] = pcm

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._speak(*item)
            finally:
                self._queue.task_done()

    def _speak(self, generation: int, utterance: Utterance) -> None:
        if not self._current(generation):
            return
        try:
            pcm = self._render(utterance)
        except SpeechError as err:
            self.failures += 1
            logger.error("speech: %s", err)
            return
        if not self._current(generation):
            return  # a key was pressed meanwhile: this one is no longer wanted
        self.spoken += 1
        self._emit("spoken", text=utterance.text, language=utterance.language)
        try:
            self.output.play(scaled(pcm, self.volume), language=utterance.language)
        except OSError as err:
            self.failures += 1
            logger.error("speech: cannot play: %s", err)

    def _render(self, utterance: Utterance) -> Pcm:
        pieces = []
        for part in utterance.parts:
            key = (utterance.language, part.text)
            pcm = self._cache.get(key)
            if pcm is None:
                pcm = self.engine.synthesize(part.text, utterance.language)
                if part.is_fixed:
                    self._store(*key, pcm)
            pieces.append(pcm)
        return join(pieces)
