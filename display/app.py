"""The display application: owns pygame, runs the UI loop, never waits on anything else.

Each loop iteration: call ``on_frame`` (systemd watchdog), wait for input with a timeout,
apply touches, controller updates and the latest snapshot, advance the replay script, and
redraw only when something visible changed. The wait ends at the first input, key or
controller update, or at the next deadline (a screen's timeout, the technician's corner
hold, the replay's next step), and at the latest after ``IDLE_POLL_S`` (the snapshot is a
plain box, looked at that often). A replay waiting for a flow's end or a ``wait`` line
sleeps like an idle kiosk: it is woken by the update that ends the flow.

Over 400 lines on purpose: it owns pygame's whole lifecycle (window, rotation, the loop, the
technician gesture, the keys of speech mode); the screens (screens.py), their state machine
(flow.py) and the replay driver (replay_driver.py) are modules of their own.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import pygame

from display.flow import TECHNICIAN, ScreenFlow
from display.focus import draw_focus, focus_order, focused_button
from display.layout import Layout
from display.render import Renderer
from display.replay_driver import ReplayDriver
from display.screens import ScreenContext, build_visitor
from display.technician import build_technician, ip_address
from display.text import TextCache
from display.theme import theme_for
from display.touch import (
    PressTracker,
    finger_events,
    logical_size,
    pointer_from_event,
    to_logical,
    to_window,
)
from display.view import Action, Frame
from kiosk.core.clock import Clock
from kiosk.core.messages import (
    ConfigChange,
    Intent,
    KioskSnapshot,
    Latest,
    QuitRequest,
    Update,
)
from kiosk.core.replay import ReplayCommand
from kiosk.core.settings import KEY_NAMES, Config
from kiosk.trace import Trace

logger = logging.getLogger(__name__)

TRACE_SCREENS_ENV = "KIOSK_TRACE_SCREENS"

LARGE_TEXT_SCALE = 1.4
IDLE_POLL_S = 0.1  # latency of snapshot changes when nothing else happens
MIN_WAIT_S = 0.005  # the shortest wait, when a deadline is already due
INPUT_SLICE_S = 0.02  # longest wait between two looks at the event and update queues

# A keyboard plugged into the kiosk (and SDL's window on a desktop) drives the keypad keys
# too; a USB keypad read by kiosk.devices.keypad is grabbed, so its keys never arrive here twice.
PYGAME_KEYS = {
    pygame.K_UP: "up",
    pygame.K_DOWN: "down",
    pygame.K_LEFT: "left",
    pygame.K_RIGHT: "right",
    pygame.K_RETURN: "select",
    pygame.K_KP_ENTER: "select",
    pygame.K_SPACE: "select",
    pygame.K_BACKSPACE: "back",
    pygame.K_ESCAPE: "back",
    pygame.K_F1: "help",
    pygame.K_HELP: "help",
    pygame.K_PLUS: "volume_up",
    pygame.K_KP_PLUS: "volume_up",
    pygame.K_MINUS: "volume_down",
    pygame.K_KP_MINUS: "volume_down",
}


class DisplayApp:
    """The touch screen. ``run()`` in the main thread; ``request_quit`` and
    ``open_technician_menu`` from any thread."""

    def __init__(
        self,
        config: Config,
        *,
        intents: queue.Queue[Intent],
        updates: queue.Queue[Update],
        snapshot: Latest[KioskSnapshot],
        trace: Trace,
        clock: Clock,
        headless: bool = False,
        replay: Sequence[ReplayCommand] = (),
        on_frame: Callable[[], object] | None = None,
        window_size: tuple[int, int] | None = None,
        is_screen_dark: Callable[[], bool] | None = None,
        on_touch: Callable[[], None] | None = None,
        speaker: Any | None = None,
        configs: Latest[ConfigChange | None] | None = None,
        is_config_settled: Callable[[], bool] | None = None,
        on_ready: Callable[[], None] | None = None,
    ):
        self.config = config
        # Remote configuration: a new one waits here for the next pause between visitors.
        self.configs = configs
        self.is_config_settled = is_config_settled  # the server's first answer came
        self._config_version = 0
        self.intents = intents
        self.updates = updates
        self.snapshot = snapshot
        self.trace = trace
        self.clock = clock
        self.is_headless = headless
        self.on_frame = on_frame
        self.on_ready = on_ready  # once, right after the first frame (the rest of the start-up)
        self.window_size = window_size
        # The backlight (kiosk/devices/backlight.py): told of every press, asked whether it is dark.
        self.is_screen_dark = is_screen_dark
        self.on_touch = on_touch
        self.wake_touches = 0
        self.replay = ReplayDriver(replay, config) if replay else None
        self.idle_poll_s = IDLE_POLL_S
        self._lock = threading.Lock()
        self._quit_code: int | None = None
        self._is_technician_requested = False
        self.flow: ScreenFlow | None = None
        self.frame: Frame | None = None
        self.frames_drawn = 0
        self._window: tuple[int, int] = (config.display.width, config.display.height)
        self._rotation = config.display.rotation
        # Speech (kiosk.speech.Speaker) and the keypad: keys arrive from any thread.
        self.speaker = speaker
        self._keys: queue.Queue[str] = queue.Queue()
        self._scans: queue.Queue[str] = queue.Queue()  # from the scanner's thread (contract 5.3)
        self.keys_pressed = 0
        self._speech_pending: str | None = None
        self._announced: tuple[object, ...] | None = None
        self._visitors_seen = 0

    def __repr__(self) -> str:
        return f"<DisplayApp {self._window} rotation={self._rotation} flow={self.flow} frames={self.frames_drawn}>"

    # ---- thread-safe controls ------------------------------------------------------------

    def request_quit(self, exit_code: int = 0) -> None:
        with self._lock:
            if self._quit_code is None:
                self._quit_code = exit_code

    def open_technician_menu(self) -> None:
        with self._lock:
            self._is_technician_requested = True

    def press_key(self, name: str) -> None:
        """A keypad key (contract 5.4 names), from any thread: gpiozero and evdev callbacks
        only enqueue."""
        if name in KEY_NAMES:
            self._keys.put(name)
        else:
            logger.warning("key %r ignored: expected one of %s", name, ", ".join(KEY_NAMES))

    # ---- the loop -------------------------------------------------------------------

    def run(self) -> int:
        """Initialise pygame's display and fonts, run until a quit is requested, quit pygame;
        returns the exit code."""
        if self.is_headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.display.init()
        pygame.font.init()
        try:
            return self._loop()
        finally:
            pygame.font.quit()
            pygame.display.quit()

    def _open_window(self) -> pygame.Surface:
        is_fullscreen = (
            self.config.display.fullscreen and self.window_size is None and not self.is_headless
        )
        size = self.window_size or (self.config.display.width, self.config.display.height)
        window = pygame.display.set_mode(size, pygame.FULLSCREEN if is_fullscreen else 0)
        pygame.display.set_caption(f"kiosk {self.config.kiosk.id}")
        self._is_fullscreen = is_fullscreen
        if is_fullscreen:
            pygame.mouse.set_visible(False)
        self._window = window.get_size()
        return window

    def _setup_view(self) -> None:
        """The window, the layout and the renderers for ``config.display``."""
        window = self._open_window()
        logical = logical_size(self._window, self._rotation)
        self._surface = window if self._rotation == 0 else pygame.Surface(logical)
        d = self.config.display
        # panel_width_mm spans config.display.width pixels, whatever the rotation
        self.layout = Layout.for_size(logical, d.width, d.panel_width_mm)
        texts = TextCache()
        self.renderer = Renderer(theme_for(d.theme), texts, self.layout.scale)
        # the visitor's larger-text view: high contrast, text 1.4 times larger
        self._views = {
            False: (self.layout, self.renderer),
            True: (
                dataclasses.replace(self.layout, text_scale=LARGE_TEXT_SCALE),
                Renderer(theme_for("high-contrast"), texts, self.layout.scale),
            ),
        }
        self.tracker = PressTracker(self.layout.min_target_px)

    def _take_config(self) -> None:
        """A configuration the server sent comes into force here, between visitors only
        (the idle home, no ticket on its way); the controller gets it next, through the
        intents queue, so each ticket is issued under the configuration its screen showed."""
        if self.configs is None or self.flow is None:
            return
        version, change = self.configs.get()
        if version == self._config_version or change is None:
            return
        if not self.flow.is_between_visitors():
            return
        self._config_version = version
        previous, self.config = self.config, change.config
        self.flow.config = change.config
        if self.replay is not None:
            self.replay.config = change.config
        if change.config.display != previous.display:
            self._rotation = change.config.display.rotation
            self._setup_view()
        self.flow.version += 1  # redraw with the new categories, hours and texts
        logger.info("screens use configuration %s", change.source)
        self.intents.put(change)

    def _loop(self) -> int:
        self._setup_view()
        now = self.clock.monotonic_s()
        self.flow = ScreenFlow(self.config, post=self.intents.put, emit=self.trace.emit, now_s=now)
        self._ip = ip_address()
        self._drawn_key: tuple[object, ...] | None = None
        self._drawn_pressed: Action | None = None
        self._is_ready = False
        self._draw()
        while True:
            if self.on_frame is not None:
                self.on_frame()
            with self._lock:
                code = self._quit_code
                is_technician = self._is_technician_requested
                self._is_technician_requested = False
            if code is None and self.flow.quit_code is not None:
                code = self.flow.quit_code
            if code is not None:
                logger.info("display stops (exit code %d)", code)
                return code
            for event in self._events(self._timeout_s(self.clock.monotonic_s())):
                self._on_event(event)
            now = self.clock.monotonic_s()
            self._drain_keys(now)
            self._drain_scans(now)
            self._drain_updates(now)
            self._take_config()
            if is_technician or self.tracker.corner_held(now):
                self.flow.open_technician(now)
            if self.replay is not None:
                self.replay.advance(self, now)
            self.flow.tick(now)
            self._draw()

    def _timeout_s(self, now_s: float) -> float:
        """Until the next deadline of the screens, the corner hold or the replay, at most
        ``idle_poll_s``; input and updates end the wait sooner (:meth:`_events`)."""
        assert self.flow is not None
        due = now_s + self.idle_poll_s
        # A deadline already past was applied by the last tick (or needs nothing, as the
        # idle timeout on the idle home screen): only those still ahead count.
        for deadline in (self.flow.next_deadline_s(), self.tracker.corner_deadline_s()):
            if deadline is not None and now_s < deadline < due:
                due = deadline
        if self.flow.is_pin_checking:
            due = min(due, now_s + INPUT_SLICE_S)  # the PIN's answer comes from a thread
        if self.replay is not None:
            wake = self.replay.next_wake_s(now_s, self)
            if wake is not None:
                due = min(due, wake)  # due now when its next step can be taken at once
        return min(self.idle_poll_s, max(MIN_WAIT_S, due - now_s))

    def _events(self, timeout_s: float) -> list[pygame.event.Event]:
        """Events that arrived within ``timeout_s``. Not ``pygame.event.wait(timeout)``:
        measured here, SDL 2 implements its timeout by polling every millisecond on video
        drivers without a native wait (dummy; KMSDRM to verify), 2.5 % of a core while idle.
        Short sleeps between polls cost 0.1 % and keep touch latency under ``INPUT_SLICE_S``."""
        deadline = time.monotonic() + timeout_s
        while True:
            events = pygame.event.get()
            # a keypad key is as urgent as a touch; an update may end a flow a replay awaits
            if events or not self._keys.empty() or not self.updates.empty():
                return events
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(left, INPUT_SLICE_S))

    def _on_event(self, event: pygame.event.Event) -> None:
        assert self.flow is not None and self.frame is not None
        if event.type == pygame.QUIT:
            if self._is_fullscreen:
                logger.info("window close ignored in fullscreen")
            else:
                self.request_quit(0)
            return
        if event.type == pygame.KEYDOWN:
            name = PYGAME_KEYS.get(event.key)
            if name is not None:
                self._keys.put(name)
            return
        pointer = pointer_from_event(event, self._window)
        if pointer is None:
            return
        now = self.clock.monotonic_s()
        pos = to_logical(pointer.window_pos, self._window, self._rotation)
        target = self.frame.hit(pos)
        if pointer.is_down:
            if self.on_touch is not None:
                self.on_touch()  # only records the time: never blocks
            if self.is_screen_dark is not None and self.is_screen_dark():
                # A touch on a dark screen only lights it: a blind touch must never press a
                # button. Its release finds no tracked press, so it does nothing either.
                self.wake_touches += 1
                logger.info("touch on a dark screen: waking it")
                return
            self.tracker.down(pos, target, now)
            self.flow.last_input_s = now
            return
        action = self.tracker.up(target)
        if isinstance(action, Action):
            _, snap = self.snapshot.get()
            self.flow.on_action(action, now, snap)

    def _drain_keys(self, now: float) -> None:
        while True:
            try:
                name = self._keys.get_nowait()
            except queue.Empty:
                return
            self._on_key(name, now)

    def _on_key(self, name: str, now: float) -> None:
        assert self.flow is not None and self.frame is not None
        self.keys_pressed += 1
        if self.speaker is not None:
            self.speaker.stop()  # any key cuts the current utterance (EN 301 549 5.1.3.5)
        if self.on_touch is not None:
            self.on_touch()  # a key lights a dark screen too
        _, snap = self.snapshot.get()
        controls = [b.action for b in focus_order(self.frame)]
        said = self.flow.on_key(name, controls, self.frame.background_action, now, snap)
        if said is None and name == "select":
            said = "selected"  # the screen's announcement, or the control's new state
        if said == "volume" and self.speaker is not None:
            self.speaker.change_volume(1 if name == "volume_up" else -1)
        self._speech_pending = said

    def _drain_updates(self, now: float) -> None:
        assert self.flow is not None
        while True:
            try:
                update = self.updates.get_nowait()
            except queue.Empty:
                return
            self.flow.on_update(update, now)

    # ---- drawing ---------------------------------------------------------------------

    def _build(self, snap: KioskSnapshot) -> Frame:
        assert self.flow is not None
        ctx = self._context(snap)
        screen = self.flow.visible(snap)
        if screen in TECHNICIAN:
            return build_technician(ctx, self.flow, screen, self._ip)
        return build_visitor(ctx, self.flow, screen)

    def _draw(self) -> None:
        self._paint()
        if self.speaker is not None:
            self._speak()

    def _speak(self) -> None:
        """Say what changed: a new screen, the moved focus, the volume, or, on ``help``, the
        whole screen. Only queues work for the speaker's thread."""
        assert self.flow is not None and self.frame is not None and self.speaker is not None
        flow = self.flow
        if flow.visitors_ended != self._visitors_seen:
            # back at the idle home: the next visitor starts silent, at the configured level
            self._visitors_seen = flow.visitors_ended
            self.speaker.stop()
            self.speaker.reset_volume()
        pending, self._speech_pending = self._speech_pending, None
        if not flow.is_speech_mode or flow.visible(self.snapshot.value) in TECHNICIAN:
            self._announced = None
            return
        ticket = flow.flow
        key = (
            self.frame.screen,
            flow.parent_id,
            flow.language,
            ticket.issued.number if ticket and ticket.issued else None,
            ticket.outcome == "voided" if ticket else None,
        )
        from display.spoken import Voice, volume_utterance  # speech only: not before a first frame

        voice = Voice(self._context(self.snapshot.value), flow, self.frame)
        if pending == "selected" and self.frame.screen == "appointment" and key == self._announced:
            self.speaker.say(voice.echo())  # the code typed so far, then the focused key
        elif pending == "screen" or key != self._announced:
            self.speaker.say(voice.screen(is_help=pending == "screen"))
        elif pending in ("focus", "selected"):
            self.speaker.say(voice.focus())
        elif pending == "volume":
            self.speaker.say(volume_utterance(flow.language, self.speaker.volume))
        self._announced = key

    def _context(self, snap: KioskSnapshot) -> ScreenContext:
        assert self.flow is not None
        return ScreenContext(
            self.config, self.layout, self.flow.language, snap, self.clock.now_utc()
        )

    def _speech_prompts(self) -> list[tuple[str, str]]:
        """Every fixed prompt of the home and category screens in every language (run in
        the speaker's warm-up thread: building frames needs no display)."""
        from display.spoken import Voice, fixed_prompts, ticket_prompts

        voices = []
        snap = KioskSnapshot()
        for language in self.config.kiosk.languages:
            places: list[tuple[str, str | None]] = [("home", None), ("categories", None)]
            places += [
                ("categories", p) for p in {c.parent for c in self.config.categories if c.parent}
            ]
            if self.config.survey.enabled:
                places += [("survey", None), ("survey_reason", None), ("survey_thanks", None)]
            for screen, parent in places:
                flow = ScreenFlow(
                    self.config, post=lambda i: None, emit=lambda *a, **k: None, now_s=0
                )
                flow.language, flow.screen, flow.parent_id = language, screen, parent
                ctx = ScreenContext(self.config, self.layout, language, snap, self.clock.now_utc())
                voices.append(Voice(ctx, flow, build_visitor(ctx, flow, screen)))
        prompts = fixed_prompts(voices)
        for language in self.config.kiosk.languages:
            prompts += ticket_prompts(self.config, language)
        return prompts

    def _paint(self) -> None:
        assert self.flow is not None
        self.layout, self.renderer = self._views[self.flow.is_large_view]
        snap_version, snap = self.snapshot.get()
        minute = self.clock.now_utc().replace(second=0, microsecond=0)
        key = (self.flow.version, snap_version, minute, self.flow.visible(snap))
        pressed = self.tracker.pressed if isinstance(self.tracker.pressed, Action) else None
        if key != self._drawn_key or self.frame is None:
            self.frame = self._build(snap)
            self._trace_screen(self.frame)
            self.renderer.draw(self._surface, self.frame, pressed)
            self._draw_focus()
            self._present(None)
        elif pressed != self._drawn_pressed:
            dirty = []
            for action in (self._drawn_pressed, pressed):
                button = self.frame.button_for(action) if action else None
                if button is not None:
                    dirty.append(
                        self.renderer.draw_button(
                            self._surface, button, is_pressed=action == pressed
                        )
                    )
            self._draw_focus()
            self._present(dirty)
        else:
            return
        self._drawn_key = key
        self._drawn_pressed = pressed
        self.frames_drawn += 1
        if not self._is_ready:
            self._is_ready = True
            self.trace.emit("ready")
            logger.info("display ready: %dx%d rotation %d", *self._window, self._rotation)
            if self.speaker is not None:
                self.speaker.warm(self._speech_prompts)  # after the first frame, off this thread
            if self.on_ready is not None:
                self.on_ready()

    def _draw_focus(self) -> None:
        """The focus ring, once the visitor has used a key (touch users never see it)."""
        assert self.flow is not None and self.frame is not None
        if not self.flow.is_keys_used:
            return
        button = focused_button(self.frame, self.flow.focus)
        if button is not None:
            draw_focus(self._surface, button, self.layout, self.renderer.theme)

    def _trace_screen(self, frame: Any) -> None:
        """With ``KIOSK_TRACE_SCREENS=1`` in the environment, trace ``screen`` with the words of
        each new screen (acceptance checks read what a visitor reads: the closed screen's
        reason, the cut-off notice). Off by default: the trace's usual sequence is unchanged.
        Not while the kiosk is starting: the screen drawn before the controller's first
        snapshot (home, for a second) is not yet its answer; the first traced one is."""
        if os.environ.get(TRACE_SCREENS_ENV) != "1" or self.snapshot.value.is_starting:
            return
        texts = []
        for item in frame.items:
            for word in (
                getattr(item, "text", None),
                getattr(item, "label", None),
                getattr(item, "note", None),
            ):
                if isinstance(word, str) and word:
                    texts.append(word)
        shown = (frame.screen, tuple(texts))
        if shown != getattr(self, "_traced_screen", None):
            self._traced_screen = shown
            self.trace.emit("screen", name=frame.screen, texts=texts)

    def _present(self, dirty: list[pygame.Rect] | None) -> None:
        if self._rotation == 0:
            if dirty is None:
                pygame.display.flip()
            else:
                pygame.display.update(dirty)
            return
        window = pygame.display.get_surface()
        assert window is not None, "set_mode() runs before the first frame"
        window.blit(pygame.transform.rotate(self._surface, self._rotation), (0, 0))
        pygame.display.flip()

    # ---- ReplayHost -----------------------------------------------------------------------

    def visible_screen(self) -> str:
        assert self.flow is not None
        return self.flow.visible(self.snapshot.value)

    def parent_id(self) -> str | None:
        assert self.flow is not None
        return self.flow.parent_id

    def choice_id(self) -> str | None:
        assert self.flow is not None
        return self.flow.choice_id

    def button_center(self, action: Action) -> tuple[int, int] | None:
        if self.frame is None:
            return None
        button = self.frame.button_for(action)
        if button is not None:
            return button.box.center
        if self.frame.background_action == action:
            return self.layout.screen.center
        return None

    def post_touch(self, pos: tuple[int, int], is_down: bool) -> None:
        down, up = finger_events(to_window(pos, self._window, self._rotation), self._window)
        pygame.event.post(down if is_down else up)

    def is_starting(self) -> bool:
        return self.snapshot.value.is_starting

    def flow_counts(self) -> tuple[int, int, bool]:
        assert self.flow is not None
        flow = self.flow.flow
        return self.flow.flows_started, self.flow.flows_ended, flow is not None and flow.is_pending

    def is_speaking(self) -> bool:
        return self.speaker is not None and (
            self.speaker.is_busy or self._speech_pending is not None
        )

    def config_state(self) -> str:
        """For a replay line naming a category only the server defines: "pending" (a new
        configuration waits for the idle home), "waiting" (the server's first answer has not
        come yet) or "settled"."""
        if self.configs is not None and self.configs.get()[0] != self._config_version:
            return "pending"
        if self.is_config_settled is not None and not self.is_config_settled():
            return "waiting"
        return "settled"

    def focused_action(self) -> Action | None:
        assert self.flow is not None
        if self.frame is None:
            return None
        button = focused_button(self.frame, self.flow.focus)
        return button.action if button is not None else None

    def survey_counts(self) -> tuple[int, int]:
        assert self.flow is not None
        return self.flow.surveys_posted, self.flow.surveys_recorded

    def post_survey_directly(self, score: int, reason: str | None) -> None:
        assert self.flow is not None
        self.flow.post_survey_directly(score, reason, self.clock.monotonic_s())

    def typed_code(self) -> str:
        assert self.flow is not None
        return self.flow.code_entry.code

    def scan(self, text: str) -> None:
        """What a barcode or QR scanner read (a code, or a URL ending with it), from any
        thread: handled in the UI loop as a check-in."""
        self._scans.put(text)

    def _drain_scans(self, now: float) -> None:
        while True:
            try:
                text = self._scans.get_nowait()
            except queue.Empty:
                return
            assert self.flow is not None
            if self.on_touch is not None:
                self.on_touch()  # a scan lights a dark screen too
            self.flow.check_in(text, now, source="scanner")

    def request_directly(self, category_id: str, *, is_priority: bool = False) -> None:
        assert self.flow is not None
        self.flow.request_directly(category_id, self.clock.monotonic_s(), is_priority=is_priority)

    def quit(self, exit_code: int) -> None:
        self.intents.put(QuitRequest(exit_code))
        self.request_quit(exit_code)
