"""Which screen shows, and what a touch or a controller update does to it. No pygame.

The visitor's path: home -> categories (-> sub-categories) -> ticket (or refused) -> home.
Technicians: PIN pad -> menu. The closed and out-of-order screens are not states here: they
replace home and categories whenever the snapshot says so (see :meth:`ScreenFlow.visible`).

Side effects go through two callables given at construction: ``post`` (an intent to the
controller) and ``emit`` (a trace event), so the flow is tested without a screen.

Over 400 lines on purpose: one state machine. The visitor path, the appointment code, the
survey and the technician states share the current screen, its deadline, the focus and
``_go``; the PIN check (pin.py), the code entry (appointment.py) and the screens are apart.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from display.appointment import CodeEntry
from display.pin import PinChecker
from display.view import Action
from kiosk.core import appointments as appt
from kiosk.core.events import SURVEY_REASONS
from kiosk.core.messages import (
    AppointmentRequest,
    Intent,
    KioskSnapshot,
    PauseRequest,
    PrintTestRequest,
    QuitRequest,
    ReprintRequest,
    ServiceDayRequest,
    SurveyAnswer,
    SurveyRecorded,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
    Update,
)
from kiosk.core.settings import Config
from kiosk.core.vocabulary import ActionKind, Screen

logger = logging.getLogger(__name__)

VISITOR_BROWSING = (Screen.HOME, Screen.CATEGORIES, Screen.PRIORITY)
APPOINTMENT = "appointment"  # the booking-code keypad (display.appointment)
KEYS_NEXT = ("down", "right")
KEYS_PREVIOUS = ("up", "left")
SPEECH_TIME_FACTOR = 10  # EN 301 549 11.2.2.1: time limits extended tenfold in speech mode
TECHNICIAN = (Screen.TECH_PIN, Screen.TECH_MENU)
PENDING_TIMEOUT_S = 60.0  # a controller that never answers must not freeze the screen
PIN_MAX_DIGITS = 12
# The satisfaction vote (contract 5.5): faces, then an optional reason, then thanks.
SURVEY = ("survey", "survey_reason", "survey_thanks")
SURVEY_REASON_S = 15.0  # the face's score is committed alone when no reason comes by then
SURVEY_THANKS_S = 4.0


@dataclass
class TicketFlow:
    """One visitor's ticket, from the touch to its outcome."""

    category_id: str
    is_priority: bool = False
    issued: TicketIssued | None = None
    outcome: str | None = None  # None while pending; printed | voided | refused
    refused: TicketRefused | None = None
    started_s: float = 0.0
    is_appointment: bool = False  # a check-in (booking code typed or scanned)

    @property
    def is_pending(self) -> bool:
        return self.outcome is None


class ScreenFlow:
    def __init__(
        self,
        config: Config,
        *,
        post: Callable[[Intent], None],
        emit: Callable[..., Any],
        now_s: float,
        pin_checker: PinChecker | None = None,
    ):
        self.config = config
        self.pin_checker = pin_checker or PinChecker()  # PBKDF2 off the UI thread
        self._post = post
        self._emit = emit
        self.screen: str = Screen.HOME
        self.parent_id: str | None = None
        self.category_page = 0  # the categories screen's page (display.category_screen)
        self.choice_id: str | None = None  # the category whose normal/priority choice shows
        self.language = config.kiosk.default_language
        self.flow: TicketFlow | None = None
        self.flows_started = 0
        self.flows_ended = 0
        self.deadline_s: float | None = None
        self.last_input_s = now_s
        self.pin_digits = ""
        self.is_pin_wrong = False
        self.pin_locked_s = 0  # whole seconds the PIN pad stays locked, for the screen
        self.tech_notice: str | None = None  # what the last menu action did: print_test, reprint...
        self.is_restart_asked = False  # the menu asks to confirm a restart
        self.quit_code: int | None = None  # set when the flow asks the app to stop
        self.version = 0  # grows on every change that needs a redraw
        # Keys (contract 5.4): the focus is an index into the frame's controls in reading
        # order (display.focus); it starts on the first one on every new screen.
        self.focus = 0
        self.is_keys_used = False  # a key was pressed since the idle home: the focus shows
        self.is_speech_mode = False
        self.is_large_view = False  # this visitor's larger text and high contrast
        self.visitors_ended = 0  # grows each time the kiosk returns to its idle home
        self.code_entry = CodeEntry()  # the booking code being typed (contract 5.3)
        # The face touched, until its reason is chosen or skipped (then one answer is posted)
        self.survey_score: int | None = None
        self.survey_pressed_s = 0.0
        self.surveys_posted = 0
        self.surveys_recorded = 0  # the controller's SurveyRecorded answers (for replay)

    def __repr__(self) -> str:
        return (
            f"<ScreenFlow screen={self.screen} lang={self.language} parent={self.parent_id} "
            f"flow={self.flow} started={self.flows_started} ended={self.flows_ended}>"
        )

    # ---- what shows -------------------------------------------------------------------

    def visible(self, snapshot: KioskSnapshot) -> str:
        """The screen to draw: closed and out-of-order replace home and categories."""
        if self.screen in VISITOR_BROWSING:
            if snapshot.out_of_order_reason:
                return Screen.OUT_OF_ORDER
            if not snapshot.is_open:
                return Screen.CLOSED
        return self.screen

    def is_between_visitors(self) -> bool:
        """The idle home: no visitor on a screen, no ticket on its way (a new configuration
        may come into force now)."""
        return (
            self.screen == Screen.HOME
            and (self.flow is None or not self.flow.is_pending)
            and self.language == self.config.kiosk.default_language
            and not (self.is_keys_used or self.is_speech_mode or self.is_large_view)
        )

    def _go(self, screen: str, now_s: float, deadline_s: float | None = None) -> None:
        if self.survey_score is not None and screen != "survey_reason":
            self._post_survey(None)  # one touch on a face records it, whatever comes next
        self.screen = screen
        self.deadline_s = deadline_s
        self.focus = 0
        self.category_page = 0
        if screen not in (Screen.CATEGORIES, Screen.PRIORITY):
            self.parent_id = None
        if screen != Screen.PRIORITY:
            self.choice_id = None
        if screen not in TECHNICIAN:
            self.pin_digits = ""
            self.is_pin_wrong = False
        if screen != APPOINTMENT:
            self.code_entry.clear()
        self.tech_notice = None
        self.is_restart_asked = False
        self.version += 1

    def go_home(self, now_s: float, *, reset_language: bool = False) -> None:
        if reset_language:
            self.language = self.config.kiosk.default_language
            self.is_speech_mode = False
            self.is_keys_used = False
            self.is_large_view = False
            self.visitors_ended += 1
        self._go(Screen.HOME, now_s)

    # ---- touches ---------------------------------------------------------------------

    def on_action(self, action: Action, now_s: float, snapshot: KioskSnapshot) -> None:
        """A button (or the background) was released."""
        self.last_input_s = now_s
        kind, arg = action.kind, action.arg
        if kind == ActionKind.START:
            self._go(Screen.CATEGORIES, now_s)
        elif kind == ActionKind.LANGUAGE and arg:
            self.language = arg
            self.version += 1
        elif kind == ActionKind.VIEW:
            self.is_large_view = not self.is_large_view
            self.version += 1
        elif kind == ActionKind.PARENT and arg:
            self.parent_id = arg
            self.focus = 0
            self.category_page = 0
            self.version += 1
        elif kind == ActionKind.PAGE and self.screen == Screen.CATEGORIES:
            self.category_page += 1
            self.focus = 0
            self.version += 1
        elif kind == ActionKind.BACK:
            if self.screen == Screen.PRIORITY:
                self._go(Screen.CATEGORIES, now_s)  # the parent's sub-categories, if any, again
            elif self.parent_id is not None:
                self.parent_id = None
                self.focus = 0
                self.category_page = 0
                self.version += 1
            else:
                self._go(Screen.HOME, now_s)
        elif kind == ActionKind.CATEGORY and arg and self.config.offers_priority(arg):
            if self.flow is None or not self.flow.is_pending:
                self._go(Screen.PRIORITY, now_s)
                self.choice_id = arg
        elif kind in (ActionKind.CATEGORY, ActionKind.NORMAL) and arg:
            self._start_ticket(arg, now_s)
        elif kind == ActionKind.PRIORITY and arg:
            self._start_ticket(arg, now_s, is_priority=True)
        elif kind == ActionKind.DISMISS:
            if self.flow is None or not self.flow.is_pending:
                self._go(Screen.HOME, now_s)
        elif kind.startswith("survey"):
            self._on_survey(kind, arg, now_s)
        elif kind.startswith("pin_") or kind.startswith("tech_"):
            self._on_technician(kind, arg, now_s)
        elif kind == "appointment" or kind.startswith("code_"):
            self._on_code(kind, arg, now_s)

    # ---- appointments (contract 5.3) ---------------------------------------------------------

    # ---- the satisfaction vote ---------------------------------------------------------

    def _on_survey(self, kind: str, arg: str | None, now_s: float) -> None:
        if not self.config.survey.enabled:
            return
        if kind == "survey":
            self._go("survey", now_s)
        elif kind == "survey_score" and arg in ("1", "2", "3", "4") and self.screen == "survey":
            self.survey_score, self.survey_pressed_s = int(arg), now_s
            self._go("survey_reason", now_s, now_s + SURVEY_REASON_S * self.time_factor())
        elif kind in ("survey_reason", "survey_skip") and self.screen == "survey_reason":
            reason = arg if kind == "survey_reason" and arg in SURVEY_REASONS else None
            if self.survey_score is not None:
                self._post_survey(reason)
            self._go("survey_thanks", now_s, now_s + SURVEY_THANKS_S * self.time_factor())

    def _post_survey(self, reason: str | None) -> None:
        """Post the pending answer once: the controller commits it (a disk write)."""
        score, self.survey_score = self.survey_score, None
        if score is None:
            return
        source = "key" if self.is_keys_used else "touch"
        self._post(SurveyAnswer(score, reason, self.survey_pressed_s, source=source))
        self.surveys_posted += 1
        self.version += 1

    def post_survey_directly(self, score: int, reason: str | None, now_s: float) -> None:
        """Replay on a screen without the survey's button (closed, out of order)."""
        self._post(SurveyAnswer(score, reason, now_s, source="replay"))
        self.surveys_posted += 1

    def _on_code(self, kind: str, arg: str | None, now_s: float) -> None:
        entry = self.code_entry
        if kind == "appointment":
            if self.config.appointments is not None:
                self._go(APPOINTMENT, now_s)
            return
        if self.screen != APPOINTMENT:
            return
        if kind == "code_char" and arg:
            entry.type(arg, now_s)
        elif kind == "code_delete":
            entry.delete()
        elif kind == "code_ok" and entry.code and not entry.is_locked(now_s):
            self.check_in(entry.code, now_s, source="keypad")
            return
        self.version += 1

    def check_in(self, code: str, now_s: float, *, source: str) -> bool:
        """Ask the controller to check in ``code`` (typed, scanned or replayed); False when
        a flow is already on its way or the keypad is locked after wrong codes."""
        if self.flow is not None and self.flow.is_pending:
            logger.info("check-in ignored: a ticket is already on its way")
            return False
        if self.code_entry.is_locked(now_s):
            logger.info("check-in ignored: the keypad is slowed down after wrong codes")
            return False
        self.last_input_s = now_s
        self.flow = TicketFlow("", started_s=now_s, is_appointment=True)
        self.flows_started += 1
        self._emit("check_in", source=source)
        self._post(AppointmentRequest(code, self.language, source=source))
        self._go(Screen.TICKET, now_s)
        return True

    def _start_ticket(self, category_id: str, now_s: float, *, is_priority: bool = False) -> None:
        if self.flow is not None and self.flow.is_pending:
            logger.info("touch on %s ignored: a ticket is already on its way", category_id)
            return
        self.flow = TicketFlow(category_id, is_priority=is_priority, started_s=now_s)
        self.flows_started += 1
        self._emit("touch", category=category_id, **({"priority": True} if is_priority else {}))
        self._post(TicketRequest(category_id, self.language, is_priority=is_priority))
        self._go(Screen.TICKET, now_s)

    # ---- keys ------------------------------------------------------------------------------

    def on_key(
        self,
        key: str,
        controls: list[Action],
        background: Action | None,
        now_s: float,
        snapshot: KioskSnapshot,
    ) -> str | None:
        """A keypad key on the visible screen, whose controls in reading order are
        ``controls``. Returns what speech should say next: ``"screen"`` (the whole screen),
        ``"focus"`` (the focused control), ``"volume"``, or None (the screen's own
        announcement follows from what changed)."""
        self.last_input_s = now_s
        if not self.is_keys_used:
            self.is_keys_used = True
            self.version += 1
        if controls:
            self.focus = min(self.focus, len(controls) - 1)
        if key == "help":
            if not self.is_speech_mode:
                self.is_speech_mode = True
                self.version += 1
            return "screen"
        if key in ("volume_up", "volume_down"):
            return "volume"
        if key in KEYS_NEXT or key in KEYS_PREVIOUS:
            if not controls:
                return "screen"
            step = 1 if key in KEYS_NEXT else -1
            self.focus = (self.focus + step) % len(controls)
            self.version += 1
            return "focus"
        if key == "select":
            action = controls[self.focus] if controls else background
            if action is not None:
                self.on_action(action, now_s, snapshot)
            return None
        if key == "back":
            if self.screen == APPOINTMENT and self.code_entry.code:
                self.code_entry.delete()  # back corrects first, then leaves the keypad
                self.version += 1
                return "selected"
            for action in (
                Action(ActionKind.BACK),
                Action(ActionKind.DISMISS),
                Action("survey_skip"),
                Action(ActionKind.TECH_CLOSE),
            ):
                if action in controls or action == background:
                    self.on_action(action, now_s, snapshot)
                    return None
            return "screen"
        logger.warning("unknown key %r ignored", key)
        return None

    def time_factor(self) -> float:
        return SPEECH_TIME_FACTOR if self.is_speech_mode else 1.0

    def request_directly(
        self, category_id: str, now_s: float, *, is_priority: bool = False
    ) -> None:
        """Replay on a screen without buttons (closed, out of order): the intent alone."""
        self.flow = TicketFlow(category_id, is_priority=is_priority, started_s=now_s)
        self.flows_started += 1
        self._post(
            TicketRequest(category_id, self.language, source="replay", is_priority=is_priority)
        )
        self.version += 1

    # ---- controller updates -------------------------------------------------------------

    def on_update(self, update: Update, now_s: float) -> None:
        if isinstance(update, SurveyRecorded):
            self.surveys_recorded += 1
            return
        flow = self.flow
        end_s = now_s + self.config.display.ticket_screen_s * self.time_factor()
        if isinstance(update, TicketIssued):
            if flow is None or not flow.is_pending or flow.issued is not None:
                # a ticket not asked for on screen (the physical button): show it too
                flow = self.flow = TicketFlow(update.category_id, started_s=now_s)
                self.flows_started += 1
            flow.issued = update
            flow.category_id = update.category_id or flow.category_id
            if self.screen not in TECHNICIAN:
                self._go(Screen.TICKET, now_s)
            self.version += 1
        elif isinstance(update, TicketPrinted | TicketVoided):
            if flow is None or flow.issued is None or flow.issued.ticket_id != update.ticket_id:
                logger.debug("update for another ticket ignored on screen: %s", update)
                return
            if flow.is_pending:
                flow.outcome = "printed" if isinstance(update, TicketPrinted) else "voided"
                self.flows_ended += 1
                if self.screen == Screen.TICKET:
                    self.deadline_s = end_s
                self.version += 1
        elif isinstance(update, TicketRefused):
            if flow is None or not flow.is_pending or flow.issued is not None:
                flow = self.flow = TicketFlow(update.category_id, started_s=now_s)
                self.flows_started += 1
            flow.outcome = "refused"
            flow.refused = update
            self.flows_ended += 1
            if update.reason == appt.UNKNOWN:
                self.code_entry.note_wrong(now_s)
            if self.screen not in TECHNICIAN:
                self._go(Screen.REFUSED, now_s, end_s)
            self.version += 1

    # ---- time ----------------------------------------------------------------------------

    def tick(self, now_s: float) -> None:
        """Apply deadlines: the ticket screen's end, the idle timeout, a stuck flow."""
        self._tick_pin(now_s)
        flow = self.flow
        if flow is not None and flow.is_pending and now_s - flow.started_s > PENDING_TIMEOUT_S:
            logger.warning(
                "no answer from the controller for %s after %.0f s",
                flow.category_id,
                PENDING_TIMEOUT_S,
            )
            flow.outcome = "lost"
            self.flows_ended += 1
            self._go(Screen.HOME, now_s)
            return
        if self.deadline_s is not None and now_s >= self.deadline_s:
            self.go_home(now_s, reset_language=True)
            return
        idle = self.config.display.idle_timeout_s * self.time_factor()
        if now_s - self.last_input_s >= idle:
            is_away = self.screen in (
                Screen.CATEGORIES,
                Screen.PRIORITY,
                APPOINTMENT,
                *SURVEY,
                *TECHNICIAN,
            )
            is_foreign = (
                self.screen == Screen.HOME and self.language != self.config.kiosk.default_language
            )
            is_someone = self.screen == Screen.HOME and (
                self.is_keys_used or self.is_speech_mode or self.is_large_view
            )
            if is_away or is_foreign or is_someone:
                self.go_home(now_s, reset_language=True)

    def next_deadline_s(self) -> float | None:
        """When :meth:`tick` may next change something (for the loop's wait timeout)."""
        candidates = [self.last_input_s + self.config.display.idle_timeout_s * self.time_factor()]
        if self.deadline_s is not None:
            candidates.append(self.deadline_s)
        if self.flow is not None and self.flow.is_pending:
            candidates.append(self.flow.started_s + PENDING_TIMEOUT_S)
        return min(candidates)

    # ---- technicians ------------------------------------------------------------------------

    def open_technician(self, now_s: float) -> bool:
        """Show the PIN pad; refused (logged) without a configured PIN hash."""
        if not self.config.technician.pin_hash:
            logger.warning(
                "technician menu requested but [technician] pin_hash is not set: set it with kiosk hash-pin"
            )
            return False
        if self.flow is not None and self.flow.is_pending:
            logger.info("technician menu deferred: a ticket is on its way")
            return False
        self.last_input_s = now_s
        self._go(Screen.TECH_PIN, now_s)
        return True

    @property
    def is_pin_checking(self) -> bool:
        return self.pin_checker.is_checking

    def _tick_pin(self, now_s: float) -> None:
        """The PIN check's answer, and the lockout countdown shown in whole seconds."""
        self._poll_pin(now_s)
        locked_s = math.ceil(self.pin_checker.lockout_remaining_s(now_s))
        if locked_s != self.pin_locked_s:
            self.pin_locked_s = locked_s
            if self.screen == Screen.TECH_PIN:
                self.version += 1

    def _poll_pin(self, now_s: float) -> None:
        answer = self.pin_checker.poll(now_s)
        if answer is None:
            return
        self.pin_locked_s = math.ceil(self.pin_checker.lockout_remaining_s(now_s))
        if answer and self.screen == Screen.TECH_PIN:
            logger.info("technician menu opened")
            self._go(Screen.TECH_MENU, now_s)
            return
        self.is_pin_wrong = not answer
        self.version += 1

    def _on_technician(self, kind: str, arg: str | None, now_s: float) -> None:
        if kind == ActionKind.PIN_DIGIT and arg and len(self.pin_digits) < PIN_MAX_DIGITS:
            self.pin_digits += arg
            self.is_pin_wrong = False
        elif kind == ActionKind.PIN_CLEAR:
            self.pin_digits = ""
        elif kind == ActionKind.PIN_OK:
            pin_hash = self.config.technician.pin_hash
            if pin_hash and self.pin_checker.submit(self.pin_digits, pin_hash, now_s):
                self._poll_pin(now_s)  # the answer, at once when checked inline (tests)
            self.pin_digits = ""
        elif kind == ActionKind.TECH_CLOSE:
            self.go_home(now_s, reset_language=True)
            return
        elif kind == ActionKind.TECH_PRINT_TEST:
            self._post(PrintTestRequest())
            self.tech_notice = "print_test"
        elif kind == ActionKind.TECH_REPRINT:
            self._post(ReprintRequest())
            self.tech_notice = "reprint"
        elif kind == ActionKind.TECH_SERVICE_DAY:
            self._post(ServiceDayRequest())
            self.tech_notice = "service_day"
        elif kind == ActionKind.TECH_PAUSE:
            self._post(PauseRequest(is_paused=arg == "pause"))
            self.tech_notice = "pause" if arg == "pause" else "resume"
        elif kind == ActionKind.TECH_RESTART_ASK:  # the menu's button: confirm first
            self.is_restart_asked = True
        elif kind == ActionKind.TECH_RESTART_CANCEL:
            self.is_restart_asked = False
        elif kind == ActionKind.TECH_RESTART:  # confirmed
            self._post(QuitRequest(exit_code=0))
            self.quit_code = 0
        self.version += 1
