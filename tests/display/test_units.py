"""Touch mapping under rotation, one tap = one event, debounce, contrast, PIN, replay
parsing, and the screen flow's rules (no second ticket, idle timeout, technician PIN)."""

from __future__ import annotations

import pygame
import pytest

from display.flow import ScreenFlow
from display.pin import InlineExecutor, PinChecker, hash_pin, verify_pin
from display.theme import DEFAULT, HIGH_CONTRAST, contrast_ratio
from display.touch import (
    SDL_TOUCH_MOUSEID,
    PressTracker,
    finger_events,
    logical_size,
    pointer_from_event,
    to_logical,
    to_window,
)
from display.view import Action
from kiosk.core.errors import UsageError
from kiosk.core.messages import (
    KioskSnapshot,
    PauseRequest,
    QuitRequest,
    TicketIssued,
    TicketPrinted,
    TicketRequest,
)
from kiosk.core.replay import ReplayCommand, parse_replay, validate_categories

# ---- rotation ---------------------------------------------------------------------


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("point", [(0, 0), (10, 20), (799, 479), (400, 5)])
def test_touch_maps_back_to_the_logical_pixel_drawn_there(rotation, point):
    window = (800, 480) if rotation in (0, 180) else (480, 800)
    logical = logical_size(window, rotation)
    x, y = min(point[0], logical[0] - 1), min(point[1], logical[1] - 1)
    surface = pygame.Surface(logical)
    surface.fill((0, 0, 0))
    surface.set_at((x, y), (255, 0, 0))
    rotated = pygame.transform.rotate(surface, rotation)
    assert rotated.get_size() == window
    wx, wy = to_window((x, y), window, rotation)
    assert rotated.get_at((wx, wy))[:3] == (255, 0, 0)  # the real rotation puts it there
    assert to_logical((wx, wy), window, rotation) == (x, y)


# ---- one tap, one event ---------------------------------------------------------------


def test_synthesised_mouse_events_are_ignored_and_real_mouse_kept():
    window = (800, 480)
    down, up = finger_events((100, 200), window)
    assert pointer_from_event(down, window).window_pos == (100, 200)
    assert pointer_from_event(up, window).is_down is False
    synthesised = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(100, 200), button=1, touch=True)
    by_id = pygame.event.Event(
        pygame.MOUSEBUTTONUP, pos=(100, 200), button=1, touch=False, which=SDL_TOUCH_MOUSEID
    )
    assert pointer_from_event(synthesised, window) is None
    assert pointer_from_event(by_id, window) is None
    mouse = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 6), button=1, touch=False, which=0)
    assert pointer_from_event(mouse, window).window_pos == (5, 6)


def test_debounce_ignores_a_second_press_within_300_ms():
    t = PressTracker(corner_px=78)
    a = Action("category", "x")
    assert t.down((300, 300), a, now_s=10.0)
    assert t.up(a) == a
    assert not t.down((300, 300), a, now_s=10.2)
    assert t.up(a) is None
    assert t.down((300, 300), a, now_s=10.4)


def test_release_outside_the_pressed_button_does_nothing():
    t = PressTracker(corner_px=78)
    assert t.down((300, 300), Action("start"), now_s=1.0)
    assert t.up(Action("language", "en")) is None


def test_corner_hold_of_five_seconds_and_its_release_does_nothing():
    t = PressTracker(corner_px=78)
    t.down((5, 5), Action("start"), now_s=0.0)
    assert not t.corner_held(4.9)
    assert t.corner_held(5.0)
    assert not t.corner_held(6.0)
    assert t.up(Action("start")) is None


# ---- contrast -------------------------------------------------------------------------


def test_contrast_formula_reference_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", [DEFAULT, HIGH_CONTRAST], ids=lambda t: t.name)
def test_every_text_pair_has_at_least_4_5_to_1(theme):
    ratios = {role: contrast_ratio(fg, bg) for role, (fg, bg) in theme.text_pairs().items()}
    assert min(ratios.values()) >= 4.5, ratios
    if theme is HIGH_CONTRAST:
        assert min(ratios.values()) >= 7.0, ratios  # WCAG AAA


# ---- PIN ------------------------------------------------------------------------------


def test_pin_hash_and_verify():
    h = hash_pin("2468", iterations=1000)
    assert h.startswith("pbkdf2_sha256$1000$")
    assert verify_pin("2468", h)
    assert not verify_pin("2469", h)
    assert hash_pin("2468", iterations=1000) != h  # salted
    assert not verify_pin("2468", "garbage")
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin("12a4")


# ---- replay parsing ---------------------------------------------------------------------


def test_parse_replay_forms_and_comments():
    text = "# soak\nticket etat-civil  # a visitor\n\ntouch 10 20\nwait 1.5\nquit\n"
    assert parse_replay(text, source="x") == [
        ReplayCommand("ticket", category_id="etat-civil", line_no=2),
        ReplayCommand("touch", x=10, y=20, line_no=4),
        ReplayCommand("wait", seconds=1.5, line_no=5),
        ReplayCommand("quit", line_no=6),
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("tiket a", "unknown command"),
        ("ticket", "one category id"),
        ("touch 1", "two whole pixel"),
        ("touch 1.5 2", "two whole pixel"),
        ("touch -1 2", "negative"),
        ("wait soon", "decimal number"),
        ("wait -1", "decimal number"),
        ("wait nan", "decimal number"),
        ("quit now", "takes nothing"),
    ],
)
def test_parse_replay_errors_name_file_line_and_forms(line, why):
    with pytest.raises(UsageError) as err:
        parse_replay(f"wait 1\n{line}\n", source="soak.replay")
    message = str(err.value)
    assert message.startswith(f'soak.replay:2: "{line}": ')
    assert why in message
    assert "expected ticket CATEGORY_ID | touch X Y | wait SECONDS | quit" in message
    assert "\n" not in message


def test_unknown_category_refused_at_start_up():
    commands = parse_replay("ticket etat-civil\nticket nope\n", source="r")
    validate_categories(commands, {"etat-civil", "nope"})
    with pytest.raises(
        UsageError, match=r'r:2: "ticket nope": unknown category; expected one of a, etat-civil'
    ):
        validate_categories(commands, {"etat-civil", "a"}, source="r")
    with pytest.raises(UsageError, match=r"^replay:1: "):
        validate_categories(commands, {"a"})


# ---- the screen flow ---------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.intents: list[object] = []
        self.events: list[tuple[str, dict[str, object]]] = []

    def post(self, intent: object) -> None:
        self.intents.append(intent)

    def emit(self, event: str, **fields: object) -> None:
        self.events.append((event, fields))


@pytest.fixture
def flow_and_recorder(config_factory):
    rec = Recorder()
    config = config_factory()
    flow = ScreenFlow(
        config, post=rec.post, emit=rec.emit, now_s=0.0, pin_checker=PinChecker(InlineExecutor())
    )
    return flow, rec


def test_touches_on_the_ticket_screen_never_issue_a_second_ticket(flow_and_recorder):
    flow, rec = flow_and_recorder
    snap = KioskSnapshot()
    flow.on_action(Action("start"), 1.0, snap)
    flow.on_action(Action("category", "etat-civil"), 2.0, snap)
    assert flow.screen == "ticket"
    flow.on_action(Action("category", "etat-civil"), 2.1, snap)  # stale frame, double tap
    flow.on_action(Action("dismiss"), 2.2, snap)  # ignored while printing
    assert flow.screen == "ticket"
    flow.on_update(TicketIssued("t1", "A001", "etat-civil", "fr"), 2.5)
    flow.on_update(TicketPrinted("t1"), 3.0)
    flow.on_action(Action("dismiss"), 3.5, snap)
    assert flow.screen == "home"
    assert rec.intents == [TicketRequest("etat-civil", "fr")]
    assert rec.events == [("touch", {"category": "etat-civil"})]
    assert (flow.flows_started, flow.flows_ended) == (1, 1)


def test_ticket_screen_returns_home_after_its_time_and_idle_resets_language(flow_and_recorder):
    flow, _ = flow_and_recorder
    snap = KioskSnapshot()
    flow.on_action(Action("language", "en"), 1.0, snap)
    flow.on_action(Action("start"), 1.5, snap)
    flow.on_action(Action("category", "etat-civil"), 2.0, snap)
    flow.on_update(TicketIssued("t1", "A001", "etat-civil", "en"), 2.1)
    flow.on_update(TicketPrinted("t1"), 2.2)
    flow.tick(2.2 + flow.config.display.ticket_screen_s)
    assert (flow.screen, flow.language) == ("home", "fr")
    flow.on_action(Action("start"), 20.0, snap)
    flow.tick(20.0 + flow.config.display.idle_timeout_s)
    assert flow.screen == "home"


def test_closed_and_out_of_order_replace_browsing_screens(flow_and_recorder):
    flow, _ = flow_and_recorder
    assert flow.visible(KioskSnapshot(is_open=False)) == "closed"
    assert flow.visible(KioskSnapshot(out_of_order_reason="printer")) == "out_of_order"


def test_technician_pin_then_menu_actions(flow_and_recorder):
    flow, rec = flow_and_recorder
    snap = KioskSnapshot()
    assert flow.open_technician(1.0)
    for digit in "1111":
        flow.on_action(Action("pin_digit", digit), 1.1, snap)
    flow.on_action(Action("pin_ok"), 1.2, snap)
    assert (flow.screen, flow.is_pin_wrong) == ("tech_pin", True)
    for digit in "2468":
        flow.on_action(Action("pin_digit", digit), 1.3, snap)
    flow.on_action(Action("pin_ok"), 1.4, snap)
    assert flow.screen == "tech_menu"
    flow.on_action(Action("tech_pause", "pause"), 1.5, snap)
    flow.on_action(Action("tech_restart"), 1.6, snap)
    assert rec.intents == [PauseRequest(is_paused=True), QuitRequest(0)]
    assert flow.quit_code == 0
    flow.tick(1.6 + flow.config.display.idle_timeout_s)
    assert flow.screen == "home"


def test_without_a_pin_hash_the_menu_cannot_open(config_factory, caplog):
    flow = ScreenFlow(config_factory(pin_hash=None), post=print, emit=print, now_s=0.0)
    assert not flow.open_technician(1.0)
    assert "pin_hash is not set" in caplog.text
