"""Plays a replay script (``--replay``) inside the UI loop, one small step per frame.

``ticket CAT`` behaves like a visitor: it looks at the screen showing, touches the centre of
the right button with real FINGERDOWN/FINGERUP events (home, then the parent category, then
the category, then, for a category that offers a priority ticket, "Normal ticket" or, for
``ticket CAT priority``, "Priority ticket"), and waits for that flow to end before the next line. A ticket or refusal
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
from kiosk.core.replay import ReplayCommand, validate_categories
from kiosk.core.settings import Config
from kiosk.core.vocabulary import ActionKind, Screen

logger = logging.getLogger(__name__)
TOUCH_GAP_S = DEBOUNCE_S + 0.05  # a visitor's pace: never faster than the debounce
SPEECH_POLL_S = 0.02  # how often a key line looks whether the speech it waits for started


class ReplayHost(Protocol):
    """What the driver needs from the app."""

    def visible_screen(self) -> str: ...
    def parent_id(self) -> str | None: ...
    def choice_id(self) -> str | None: ...  # the category of the priority choice showing
    def button_center(self, action: Action) -> tuple[int, int] | None: ...
    def post_touch(self, pos: tuple[int, int], is_down: bool) -> None: ...
    def flow_counts(self) -> tuple[int, int, bool]: ...  # started, ended, is a flow pending
    def request_directly(self, category_id: str, *, is_priority: bool = False) -> None: ...
    def quit(self, exit_code: int) -> None: ...
    def press_key(self, name: str) -> None: ...
    def is_speaking(self) -> bool: ...
    def typed_code(self) -> str: ...
    def scan(self, text: str) -> None: ...
    def survey_counts(self) -> tuple[int, int]: ...  # answers posted, answers recorded
    def post_survey_directly(self, score: int, reason: str | None) -> None: ...
    def config_state(self) -> str: ...  # "pending" | "waiting" | "settled" (remote config)
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
        self._survey_face = False  # this survey line has touched its face
        self._await_posted: int | None = None  # answers posted before its reason's touch
        self._await_recorded: int | None = None  # the recorded count that ends the line
        self._hold_until_s: float | None = None  # a category the configuration lacks yet

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
        if command.kind in ("ticket", "key", "appointment", "scan", "survey"):
            if self._await_ended is not None or self._await_recorded is not None:
                return None  # a flow's end, a survey answer recorded: both are updates
            if command.kind == "key" and host.is_speaking():
                return now_s + SPEECH_POLL_S
            is_waiting = command.kind == "ticket" and self._await_started is None
            if is_waiting and host.flow_counts()[2]:
                return None  # a flow under way: its end is an update
        if command.kind in ("ticket", "key", "touch", "appointment", "scan", "survey"):
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
            self._ticket(host, command.category_id, now_s, is_priority=command.is_priority)
        elif command.kind == "key" and command.key:
            self._key(host, command.key, now_s)
        elif command.kind == "appointment" and command.text:
            self._appointment(host, command.text, now_s)
        elif command.kind == "scan" and command.text:
            self._scan(host, command.text)
        elif command.kind == "survey" and command.score:
            self._survey(host, command.score, command.reason, now_s)

    def _follow_flow(self, started: int, ended: int, is_pending: bool) -> bool:
        """Follow the flow the last touch started until it ends (then the line is done);
        True while the line waits on it. A touch that started nothing is looked at again."""
        if self._await_ended is not None:
            if ended >= self._await_ended:
                self._done()
            return True
        if self._await_started is not None:
            if started > self._await_started:  # the touch started the flow
                self._await_ended = ended + (1 if is_pending else 0)
                if not is_pending:
                    self._done()
                return True
            self._await_started = None  # the touch did not start it: look again
        return False

    def _done(self) -> None:
        self._hold_until_s = None
        self.index += 1
        self._await_started = self._await_ended = None
        self._survey_face = False
        self._await_posted = self._await_recorded = None

    def _survey(self, host: ReplayHost, score: int, reason: str | None, now_s: float) -> None:
        """What a visitor does to give that answer: back to the home screen (a ticket
        screen is dismissed by a touch), "Give your opinion", the face, the reason or skip;
        the line ends when the controller has recorded the answer."""
        posted, recorded = host.survey_counts()
        if self._await_recorded is not None:
            if recorded >= self._await_recorded:
                self._done()
            return
        if self._await_posted is not None:
            if posted > self._await_posted:  # our answer is on its way to the controller
                self._await_recorded = posted
                return
            self._await_posted = None  # the touch did not take: look again
        _, _, is_pending = host.flow_counts()
        if is_pending or now_s < self._next_touch_s:
            return
        screen = host.visible_screen()
        target = self._survey_target(screen, score, reason)
        center = host.button_center(target)
        if center is None and screen in ("closed", "out_of_order"):
            host.post_survey_directly(score, reason)  # no button to touch: the answer alone
            self._await_recorded = posted + 1
            return
        if center is None:
            logger.warning(
                "replay line %d: no button for %s on %s (is [survey] enabled?)",
                self.commands[self.index].line_no,
                target,
                screen,
            )
            return
        if screen == "survey":
            self._survey_face = True
        elif screen == "survey_reason" and self._survey_face:
            self._await_posted = posted
        self._touch(host, center, now_s)

    def _survey_target(self, screen: str, score: int, reason: str | None) -> Action:
        if screen in ("home", "closed", "out_of_order"):
            return Action("survey")
        if screen == "survey":
            return Action("survey_score", str(score))
        if screen == "survey_reason":
            if self._survey_face and reason is not None:
                return Action("survey_reason", reason)
            return Action("survey_skip")  # ours without a reason, or a previous visitor's
        if screen in ("tech_pin", "tech_menu"):
            return Action("tech_close")
        if screen in ("categories",):
            return Action("back")
        return Action("dismiss")  # ticket, refused, thanks

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

    def _ticket(
        self, host: ReplayHost, category_id: str, now_s: float, *, is_priority: bool = False
    ) -> None:
        started, ended, is_pending = host.flow_counts()
        if self._follow_flow(started, ended, is_pending):
            return
        if is_pending or now_s < self._next_touch_s:
            return
        screen = host.visible_screen()
        if not self._is_known(category_id) and not self._hold(host, screen, now_s):
            return
        target = self._target(host, screen, category_id, is_priority=is_priority)
        if target is None:
            if screen in (Screen.CLOSED, Screen.OUT_OF_ORDER):
                host.request_directly(category_id, is_priority=is_priority)
                self._await_ended = ended + 1
            return
        center = host.button_center(target)
        if center is None and screen == Screen.CATEGORIES:
            # on another page of the categories (display.category_screen): turn the page
            center = host.button_center(Action(ActionKind.PAGE))
            if center is not None:
                self._touch(host, center, now_s)
                return
        if center is None:
            logger.warning(
                "replay line %d: no button for %s on %s",
                self.commands[self.index].line_no,
                target,
                screen,
            )
            return
        if target.kind in (ActionKind.CATEGORY, ActionKind.NORMAL, ActionKind.PRIORITY):
            self._await_started = started
        self._touch(host, center, now_s)

    def _is_known(self, category_id: str) -> bool:
        return any(c.id == category_id for c in self.config.ticket_categories)

    def _hold(self, host: ReplayHost, screen: str, now_s: float) -> bool:
        """A category only the server's configuration defines (contract 5.7): go back home
        and wait there while the server's first answer is awaited (at most the request's
        timeouts) or a new configuration waits to come into force; then, still unknown, the
        start-up's error (UsageError: one line, exit code 2). True: walk back home first."""
        if screen in ("ticket", "refused", "categories", "tech_pin", "tech_menu"):
            return True  # the target below leads home; the category is looked at there
        server = self.config.server
        if self._hold_until_s is None:
            wait_s = 0.0
            if server is not None:
                wait_s = server.connect_timeout_s + server.read_timeout_s + 5
            self._hold_until_s = now_s + wait_s
        state = getattr(host, "config_state", lambda: "settled")()
        if state == "pending" or (state == "waiting" and now_s < self._hold_until_s):
            return False
        command = self.commands[self.index]
        known = [c.id for c in self.config.ticket_categories]
        validate_categories([command], known, source=command.source)
        return False  # not reached: validate_categories raised

    def _appointment(self, host: ReplayHost, code: str, now_s: float) -> None:
        """Type ``code`` on the on-screen keypad with real touches (correcting what does not
        match), validate, and wait for that flow's end."""
        started, ended, is_pending = host.flow_counts()
        if self._follow_flow(started, ended, is_pending):
            return
        if is_pending or now_s < self._next_touch_s:
            return
        screen = host.visible_screen()
        if screen in ("closed", "out_of_order"):
            host.scan(code)  # no keypad on these screens: the intent alone, as for ticket
            self._await_started = started
            return
        target: Action | None
        if screen == "appointment":
            typed = host.typed_code()
            if typed == code:
                target = Action("code_ok")
                self._await_started = started
            elif code.startswith(typed):
                target = Action("code_char", code[len(typed)])
            else:
                target = Action("code_delete")
        elif screen in ("ticket", "refused"):
            target = Action("dismiss")
        elif screen == "home":
            target = Action("appointment")
        elif screen in ("tech_pin", "tech_menu"):
            target = Action("tech_close")
        else:
            target = Action("back")
        center = host.button_center(target)
        if center is None:
            logger.warning(
                "replay line %d: no button for %s on %s",
                self.commands[self.index].line_no,
                target,
                screen,
            )
            self._await_started = None
            return
        self._touch(host, center, now_s)

    def _scan(self, host: ReplayHost, text: str) -> None:
        """``text`` from the scanner; the next line waits for the flow it starts."""
        started, ended, is_pending = host.flow_counts()
        if self._await_ended is not None:
            if ended >= self._await_ended:
                self._done()
            return
        if self._await_started is not None:
            if started > self._await_started:
                self._await_ended = ended + (1 if is_pending else 0)
                if not is_pending:
                    self._done()
            return
        if is_pending:
            return
        host.scan(text)
        self._await_started = started

    def _target(
        self, host: ReplayHost, screen: str, category_id: str, *, is_priority: bool = False
    ) -> Action | None:
        if screen in (Screen.TICKET, Screen.REFUSED, "survey_thanks"):
            return Action(ActionKind.DISMISS)
        if screen == "survey":
            return Action(ActionKind.BACK)
        if screen == "survey_reason":
            return Action("survey_skip")  # the face already counts; the next visitor moves on
        if screen == Screen.HOME:
            return Action(ActionKind.START)
        if screen in (Screen.TECH_PIN, Screen.TECH_MENU):
            return Action(ActionKind.TECH_CLOSE)
        if screen == Screen.PRIORITY:
            if host.choice_id() != category_id:
                return Action(ActionKind.BACK)
            kind = ActionKind.PRIORITY if is_priority else ActionKind.NORMAL
            return Action(kind, category_id)
        if screen == Screen.CATEGORIES:
            parent = self.config.category(category_id).parent
            current = host.parent_id()
            if current == parent:
                return Action(ActionKind.CATEGORY, category_id)
            if current is not None:
                return Action(ActionKind.BACK)
            return Action(ActionKind.PARENT, parent)
        return None
