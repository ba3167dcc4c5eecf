"""Plays a replay script (``--replay``) inside the UI loop, one small step per frame.

``ticket CAT`` behaves like a visitor: it looks at the screen showing, touches the centre of
the right button with real FINGERDOWN/FINGERUP events (home, then the parent category, then
the category), and waits for that flow to end before the next line. A ticket or refusal
screen still showing is dismissed by a touch first. On the closed and out-of-order screens
there is no button, so the request goes straight to the controller. Nothing here blocks.

A script begins once the kiosk has started (its store and printer ready: the snapshot no
longer says ``is_starting``), so it always drives a kiosk that can issue, as it did when the
first frame came only after the whole start-up. :meth:`ReplayDriver.next_wake_s` tells the
UI loop when the next step is due, so that it sleeps while a flow or a ``wait`` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from display.touch import DEBOUNCE_S
from display.view import Action
from kiosk.core.replay import ReplayCommand
from kiosk.core.settings import Config

logger = logging.getLogger(__name__)
TOUCH_GAP_S = DEBOUNCE_S + 0.05  # a visitor's pace: never faster than the debounce
SPEECH_POLL_S = 0.02  # how often a key line looks whether the speech it waits for started


class ReplayHost(Protocol):
    """What the driver needs from the app."""

    def visible_screen(self) -> str: ...
    def parent_id(self) -> str | None: ...
    def button_center(self, action: Action) -> tuple[int, int] | None: ...
    def post_touch(self, pos: tuple[int, int], is_down: bool) -> None: ...
    def flow_counts(self) -> tuple[int, int, bool]: ...  # started, ended, is a flow pending
    def request_directly(self, category_id: str) -> None: ...
    def quit(self, exit_code: int) -> None: ...
    def press_key(self, name: str) -> None: ...
    def is_speaking(self) -> bool: ...
    def is_starting(self) -> bool: ...


class ReplayDriver:
    def __init__(self, commands: Sequence[ReplayCommand], config: Config):
        self.commands = list(commands)
        self.config = config
        self.index = 0
        self._wait_until_s: float | None = None
        self._next_touch_s = 0.0
        self._up_pos: tuple[int, int] | None = None  # a touch is down; release it next frame
        self._await_started: int | None = None  # flow count before the category touch
        self._await_ended: int | None = None  # the flow end count to wait for
        self._checks = 0

    def __repr__(self) -> str:
        return f"<ReplayDriver line {self.index + 1}/{len(self.commands)}>"

    @property
    def is_busy(self) -> bool:
        """True while commands remain."""
        return self.index < len(self.commands)

    def next_wake_s(self, now_s: float, host: ReplayHost) -> float | None:
        """When :meth:`advance` can take its next step (clock time; ``now_s``: at once), or
        None when it waits only for what wakes the UI loop by itself: a flow's end (the
        controller's update), the start-up's end (the snapshot), or nothing left to do."""
        if not self.is_busy or host.is_starting():
            return None
        if self._up_pos is not None:
            return now_s  # release the touch on the next frame
        command = self.commands[self.index]
        if command.kind == "wait":
            return now_s if self._wait_until_s is None else self._wait_until_s
        if command.kind == "quit":
            return now_s
        if command.kind in ("ticket", "key"):
            if self._await_ended is not None:
                return None
            if command.kind == "key" and host.is_speaking():
                return now_s + SPEECH_POLL_S
            is_waiting = command.kind == "ticket" and self._await_started is None
            if is_waiting and host.flow_counts()[2]:
                return None  # a flow under way: its end is an update
        if command.kind in ("ticket", "key", "touch"):
            return max(now_s, self._next_touch_s)
        return None

    def advance(self, host: ReplayHost, now_s: float) -> None:
        if not self.is_busy or host.is_starting():
            return
        if self._up_pos is not None:
            host.post_touch(self._up_pos, False)
            self._up_pos = None
            return
        command = self.commands[self.index]
        if command.kind == "wait":
            if self._wait_until_s is None:
                self._wait_until_s = now_s + (command.seconds or 0.0)
            if now_s >= self._wait_until_s:
                self._wait_until_s = None
                self._done()
        elif command.kind == "quit":
            self._done()
            host.quit(0)
        elif command.kind == "touch":
            if now_s >= self._next_touch_s:
                self._touch(host, (command.x or 0, command.y or 0), now_s)
                self._done()
        elif command.kind == "ticket" and command.category_id:
            self._ticket(host, command.category_id, now_s)
        elif command.kind == "key" and command.key:
            self._key(host, command.key, now_s)

    def _done(self) -> None:
        self.index += 1
        self._await_started = self._await_ended = None

    def _touch(self, host: ReplayHost, pos: tuple[int, int], now_s: float) -> None:
        host.post_touch(pos, True)
        self._up_pos = pos
        self._next_touch_s = now_s + TOUCH_GAP_S

    def _key(self, host: ReplayHost, name: str, now_s: float) -> None:
        """One key press, once the speech the last key asked for has started (so a script
        hears what a visitor hears). A key that starts a ticket's flow holds the next line
        until that flow ends (printed, voided or refused), as ``ticket`` does."""
        started, ended, is_pending = host.flow_counts()
        if self._await_ended is not None:
            if ended >= self._await_ended:
                self._done()
            return
        if self._await_started is not None:
            if started > self._await_started and is_pending:
                self._await_ended = ended + 1
                return
            self._done()
            return
        if now_s < self._next_touch_s or host.is_speaking():
            return  # a visitor's pace: the reply to the last key has started first
        host.press_key(name)
        self._await_started = started
        self._next_touch_s = now_s + TOUCH_GAP_S

    def _ticket(self, host: ReplayHost, category_id: str, now_s: float) -> None:
        started, ended, is_pending = host.flow_counts()
        if self._await_ended is not None:
            if ended >= self._await_ended:
                self._done()
            return
        if self._await_started is not None:
            if started > self._await_started:  # the touch started the flow
                self._await_ended = ended + (1 if is_pending else 0)
                if not is_pending:
                    self._done()
                return
            self._await_started = None  # the touch did not start it: look again
        if is_pending or now_s < self._next_touch_s:
            return
        screen = host.visible_screen()
        target = self._target(host, screen, category_id)
        if target is None:
            if screen in ("closed", "out_of_order"):
                host.request_directly(category_id)
                self._await_ended = ended + 1
            return
        center = host.button_center(target)
        if center is None:
            logger.warning(
                "replay line %d: no button for %s on %s",
                self.commands[self.index].line_no,
                target,
                screen,
            )
            return
        if target.kind == "category":
            self._await_started = started
        self._touch(host, center, now_s)

    def _target(self, host: ReplayHost, screen: str, category_id: str) -> Action | None:
        if screen in ("ticket", "refused"):
            return Action("dismiss")
        if screen == "home":
            return Action("start")
        if screen in ("tech_pin", "tech_menu"):
            return Action("tech_close")
        if screen == "categories":
            parent = self.config.category(category_id).parent
            current = host.parent_id()
            if current == parent:
                return Action("category", category_id)
            if current is not None:
                return Action("back")
            return Action("parent", parent)
        return None
