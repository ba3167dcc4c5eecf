"""The technician PIN: checked off the UI thread, wrong codes locked out with a growing
delay that survives leaving the pad, attempts logged without their digits, absurd
iteration counts refused (issue 10, item 16)."""

from __future__ import annotations

import logging
import textwrap
import threading
from pathlib import Path

import pytest

import display.pin as pin_module
from display.flow import ScreenFlow
from display.pin import (
    FIRST_LOCKOUT_S,
    MAX_LOCKOUT_S,
    InlineExecutor,
    PinChecker,
    hash_pin,
    lockout_s,
    verify_pin,
)
from display.view import Action
from kiosk.config import load_config
from kiosk.core.errors import ConfigError
from kiosk.core.messages import KioskSnapshot

from .conftest import PIN

SNAP = KioskSnapshot()


def enter(flow: ScreenFlow, code: str, now_s: float) -> None:
    for digit in code:
        flow.on_action(Action("pin_digit", digit), now_s, SNAP)
    flow.on_action(Action("pin_ok"), now_s, SNAP)


@pytest.fixture
def flow(config_factory) -> ScreenFlow:
    return ScreenFlow(
        config_factory(),
        post=lambda _: None,
        emit=lambda *a, **k: None,
        now_s=0.0,
        pin_checker=PinChecker(InlineExecutor()),
    )


def test_the_check_runs_in_a_worker_and_the_pad_says_checking(config_factory, monkeypatch):
    release, done = threading.Event(), threading.Event()
    threads: list[str] = []
    real_verify = pin_module.verify_pin

    def slow_verify(pin: str, pin_hash: str) -> bool:
        threads.append(threading.current_thread().name)
        release.wait(30)
        try:
            return real_verify(pin, pin_hash)
        finally:
            done.set()

    monkeypatch.setattr(pin_module, "verify_pin", slow_verify)
    flow = ScreenFlow(config_factory(), post=lambda _: None, emit=lambda *a, **k: None, now_s=0)
    try:
        assert flow.open_technician(1.0)
        enter(flow, PIN, 1.1)  # returns while the check is still blocked in its worker
        assert flow.screen == "tech_pin" and flow.is_pin_checking
        flow.tick(1.2)
        assert flow.screen == "tech_pin" and flow.is_pin_checking
        release.set()
        assert done.wait(30)
        flow.tick(1.3)
        while flow.is_pin_checking:  # the worker's future completes just after verify returns
            flow.tick(1.3)
        assert flow.screen == "tech_menu"
        assert threads and threads[0] != threading.main_thread().name
    finally:
        release.set()
        flow.pin_checker.close()


def test_three_free_tries_then_a_lockout_that_doubles(flow: ScreenFlow) -> None:
    assert flow.open_technician(0.0)
    for attempt in range(1, 4):
        enter(flow, "1111", 1.0)
        assert flow.is_pin_wrong and flow.pin_checker.failures == attempt
    assert flow.pin_locked_s == FIRST_LOCKOUT_S
    enter(flow, PIN, 2.0)  # the right code is not even checked while locked
    assert flow.screen == "tech_pin"
    flow.tick(1.0 + FIRST_LOCKOUT_S - 1)
    assert flow.pin_locked_s == 1
    enter(flow, "1111", 1.0 + FIRST_LOCKOUT_S)  # the fourth wrong code: 60 s
    assert flow.pin_locked_s == 2 * FIRST_LOCKOUT_S
    assert [lockout_s(n) for n in range(1, 11)] == [0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    assert lockout_s(50) == MAX_LOCKOUT_S


def test_the_lockout_survives_going_home(flow: ScreenFlow) -> None:
    assert flow.open_technician(0.0)
    for _ in range(3):
        enter(flow, "9999", 1.0)
    flow.on_action(Action("tech_close"), 2.0, SNAP)
    assert flow.screen == "home"
    assert flow.open_technician(3.0)
    enter(flow, PIN, 3.0)
    assert flow.screen == "tech_pin"  # still locked
    flow.tick(1.0 + FIRST_LOCKOUT_S)
    enter(flow, PIN, 1.0 + FIRST_LOCKOUT_S)
    assert flow.screen == "tech_menu"
    assert flow.pin_checker.failures == 0  # the right code resets the count


def test_attempts_are_logged_without_their_digits(flow: ScreenFlow, caplog) -> None:
    caplog.set_level(logging.INFO)
    assert flow.open_technician(0.0)
    for _ in range(3):
        enter(flow, "8531", 1.0)
    enter(flow, "8531", 2.0)
    assert caplog.text.count("technician PIN refused") == 3
    assert "pad locked for 30 s" in caplog.text
    assert "attempt while locked" in caplog.text
    assert "8531" not in caplog.text and PIN not in caplog.text


def test_an_absurd_iteration_count_is_never_run() -> None:
    absurd = "pbkdf2_sha256$2000000000$00112233$44556677"
    assert not verify_pin("1234", absurd)  # refused before hashing: returns at once


BASE = textwrap.dedent(
    """\
    [kiosk]
    id = "pin-1"
    site = "Mairie"
    timezone = "Europe/Paris"
    languages = ["fr"]
    data_dir = "data"

    [printer]
    url = "virtual://out"

    [technician]
    pin_hash = "{pin_hash}"

    [hours]
    monday = ["08:30-12:00"]

    [[categories]]
    id = "etat-civil"
    prefix = "A"
    label = {{ fr = "État civil" }}
    """
)


@pytest.mark.parametrize("iterations", [1, 9_999, 1_000_001, 2_000_000_000])
def test_config_bounds_the_iteration_count(tmp_path: Path, iterations: int) -> None:
    path = tmp_path / "kiosk.toml"
    pin_hash = f"pbkdf2_sha256${iterations}$00112233$44556677"
    path.write_text(BASE.format(pin_hash=pin_hash), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "[technician] pin_hash" in message
    assert "10,000 to 1,000,000" in message
    assert f"{iterations:,}" in message


def test_config_accepts_the_hash_pin_default(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.format(pin_hash=hash_pin("2468")), encoding="utf-8")
    assert load_config(path).technician.pin_hash
