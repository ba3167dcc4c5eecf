"""The screen's backlight follows the calendar: lit while the desk is open, dark at night and on
closed days (public holidays, exceptions), lit again before the next opening, exceptional
openings included (the snapshot's ``next_opening`` comes from :mod:`kiosk.core.calendar`).

A kiosk in a town hall keeps its screen awake during opening hours and switches the panel's
backlight off when the desk is closed (saving the panel and power), from
:data:`BEFORE_OPENING_MIN` minutes before the next opening it is lit again. While it is dark,
a touch lights it for ``[display] backlight_wake_s`` seconds to show the closed screen (the
hours and the next opening); the display swallows that first touch, so a blind touch never
presses a button.

Like gpiozero's pin factories, the hardware sits behind a small interface with a real and a
null implementation: :class:`SysfsBacklight` writes the kernel's ``bl_power`` attribute
(0 = on, 4 = off) of ``/sys/class/backlight/<device>/``; :class:`NullBacklight` stands in
when the machine has no such device (a HDMI screen, a laptop in development), so the
screen simply stays on. Neither ever raises: a dark kiosk must never become a broken one.

Writing ``bl_power`` may block while the kernel talks to the panel's controller (the 7" DSI
panel goes through the firmware's mailbox), so :class:`BacklightFollower` does it from its
own small thread, never from the UI loop. An out-of-order kiosk is *not* lit at night on
purpose: outside opening hours it serves nobody, and the status LED and ``kiosk status``
tell a technician about faults; a touch still lights it for the technician.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from kiosk.core.clock import Clock
from kiosk.core.messages import KioskSnapshot, Latest

logger = logging.getLogger(__name__)

SYSFS_BACKLIGHT_DIR = Path("/sys/class/backlight")
BL_POWER_ON = "0"  # FB_BLANK_UNBLANK
BL_POWER_OFF = "4"  # FB_BLANK_POWERDOWN
BEFORE_OPENING_MIN = 15.0  # lit this long before the desk opens: the first visitors see it
DEFAULT_WAKE_S = 60.0
FOLLOW_PERIOD_S = 1.0  # how often the follower looks at the snapshot when nothing happens


def is_backlight_on(
    *,
    is_open: bool,
    minutes_to_opening: float | None,
    seconds_since_touch: float | None,
    wake_s: float,
    before_opening_min: float = BEFORE_OPENING_MIN,
) -> bool:
    """Whether the panel should be lit: always while open; from ``before_opening_min``
    minutes before the next opening; for ``wake_s`` seconds after the last touch while
    closed; dark otherwise. ``minutes_to_opening`` is None when the desk never opens,
    ``seconds_since_touch`` None when nobody touched the screen yet."""
    if is_open:
        return True
    if minutes_to_opening is not None and minutes_to_opening <= before_opening_min:
        return True
    return seconds_since_touch is not None and 0 <= seconds_since_touch < wake_s


class Backlight(Protocol):
    """A panel's backlight. ``set_on`` never raises; ``is_dark`` is True only when the panel
    is known to be dark (so the display swallows the touch that wakes it)."""

    def open(self) -> None: ...

    def set_on(self, is_on: bool) -> None: ...

    @property
    def is_dark(self) -> bool: ...

    def close(self) -> None: ...


class NullBacklight:
    """No backlight to drive: the screen stays on. Says so once in the log."""

    def __init__(self, reason: str = "no backlight device"):
        self.reason = reason
        self.is_open = False

    def open(self) -> None:
        if not self.is_open:
            logger.info("backlight: %s; the screen stays on", self.reason)
        self.is_open = True

    def set_on(self, is_on: bool) -> None:
        pass

    @property
    def is_dark(self) -> bool:
        return False

    def close(self) -> None:
        self.is_open = False

    def __repr__(self) -> str:
        return f"<NullBacklight {self.reason!r}>"


class SysfsBacklight:
    """The kernel's ``bl_power`` file of a backlight device, written only on change.

    A missing or unwritable file is logged once (with the fix) and never raises; after a
    failed write the panel is taken as lit, so no touch is ever swallowed in the dark.
    """

    def __init__(self, bl_power: Path):
        self.path = bl_power
        self._wanted: bool | None = None  # the last state asked for, written or not
        self._is_dark = False
        self._has_warned = False
        self.writes = 0

    def open(self) -> None:
        logger.info("backlight: %s", self.path)

    def set_on(self, is_on: bool) -> None:
        if is_on == self._wanted:
            return
        self._wanted = is_on
        try:
            # No O_CREAT: a mistyped path must fail, not create a file. A sysfs attribute
            # takes its whole value in one write().
            fd = os.open(self.path, os.O_WRONLY | os.O_TRUNC)
            try:
                os.write(fd, (BL_POWER_ON if is_on else BL_POWER_OFF).encode() + b"\n")
            finally:
                os.close(fd)
        except OSError as err:
            self._is_dark = False
            if not self._has_warned:
                self._has_warned = True
                logger.warning(
                    "backlight: cannot write %s (%s): the screen stays on; install "
                    "systemd/99-kiosk-backlight.rules (group video may write bl_power), set "
                    '[display] backlight_path, or set backlight = "always-on"',
                    self.path,
                    err.strerror or err,
                )
            return
        self.writes += 1
        self._is_dark = not is_on
        logger.info("backlight %s", "on" if is_on else "off")

    @property
    def is_dark(self) -> bool:
        return self._is_dark

    def close(self) -> None:
        """Light the panel again: a stopped kiosk must not leave a technician in the dark."""
        self.set_on(True)

    def __repr__(self) -> str:
        state = {None: "unknown", True: "on", False: "off"}[self._wanted]
        return f"<SysfsBacklight {self.path} wanted={state} dark={self._is_dark}>"


def find_bl_power(root: Path = SYSFS_BACKLIGHT_DIR) -> Path | None:
    """The ``bl_power`` file of the first backlight device under ``root`` (by name), or
    None. The official 7" DSI panel is ``rpi_backlight``; other panels have other names."""
    try:
        devices = sorted(root.iterdir())
    except OSError:
        return None
    for device in devices:
        if (device / "bl_power").exists():
            return device / "bl_power"
    return None


def make_backlight(path: Path | None, *, root: Path = SYSFS_BACKLIGHT_DIR) -> Backlight:
    """The backlight at ``path`` (``[display] backlight_path``), else the first one found
    under ``root``, else a :class:`NullBacklight`."""
    bl_power = path or find_bl_power(root)
    if bl_power is None:
        return NullBacklight(f"no device in {root}")
    return SysfsBacklight(bl_power)


class BacklightFollower:
    """A small thread making the backlight follow the kiosk's snapshot and the touches.

    ``touched()`` is called by the display on every press, from the UI thread: it only
    records the time and wakes the thread, never blocks. ``is_dark`` is the panel's state
    as last applied, for the display to swallow a waking touch. With ``is_auto`` False
    (``backlight = "always-on"``) the panel is lit once and left alone.
    """

    def __init__(
        self,
        backlight: Backlight,
        *,
        snapshot: Latest[KioskSnapshot],
        clock: Clock,
        wake_s: float = DEFAULT_WAKE_S,
        is_auto: bool = True,
        period_s: float = FOLLOW_PERIOD_S,
    ):
        self.backlight = backlight
        self.snapshot = snapshot
        self.clock = clock
        self.wake_s = wake_s
        self.is_auto = is_auto
        self.period_s = period_s
        self.is_dark: Latest[bool] = Latest(False)
        self._lock = threading.Lock()
        self._last_touch_s: float | None = None
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._stepped = threading.Condition()
        self.steps = 0
        self._thread: threading.Thread | None = None

    def touched(self) -> None:
        """A press on the screen (any thread; never blocks)."""
        with self._lock:
            self._last_touch_s = self.clock.monotonic_s()
        self._wake.set()

    def is_screen_dark(self) -> bool:
        return self.is_dark.value

    def wanted_on(self) -> bool:
        """The policy applied to the current snapshot, clock and last touch."""
        if not self.is_auto:
            return True
        snap = self.snapshot.value
        minutes_to_opening = None
        if snap.next_opening is not None:
            delta = snap.next_opening - self.clock.now_utc()
            minutes_to_opening = delta / dt.timedelta(minutes=1)
        with self._lock:
            touch_s = self._last_touch_s
        since = None if touch_s is None else self.clock.monotonic_s() - touch_s
        return is_backlight_on(
            is_open=snap.is_open,
            minutes_to_opening=minutes_to_opening,
            seconds_since_touch=since,
            wake_s=self.wake_s,
        )

    def step(self) -> None:
        """Apply the policy once (the thread calls it; tests may too)."""
        self.backlight.set_on(self.wanted_on())
        self.is_dark.set(self.backlight.is_dark)
        with self._stepped:
            self.steps += 1
            self._stepped.notify_all()

    def settle(self, timeout_s: float = 5.0) -> bool:
        """Wake the thread and wait until it has applied the policy once more; False on
        timeout (for tests and shutdown ordering)."""
        with self._stepped:
            target = self.steps + 1
            self._wake.set()
            return self._stepped.wait_for(lambda: self.steps >= target, timeout_s)

    def open(self) -> BacklightFollower:
        self.backlight.open()
        self.step()  # the panel's state is known before the first frame
        self._thread = threading.Thread(target=self._follow, name="backlight", daemon=True)
        self._thread.start()
        return self

    def _follow(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(self.period_s)
            self._wake.clear()
            if self._closed.is_set():
                return
            try:
                self.step()
            except Exception:  # a backlight must never take the kiosk down
                logger.exception("backlight step failed")

    def close(self) -> None:
        """Stop the thread and light the panel (idempotent)."""
        self._closed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.backlight.close()
        self.is_dark.set(False)

    def __repr__(self) -> str:
        mode = "auto" if self.is_auto else "always-on"
        return f"<BacklightFollower {mode} {self.backlight!r} wake={self.wake_s}s>"


def follower_for(
    mode: str,
    path: Path | None,
    *,
    wake_s: float,
    snapshot: Latest[KioskSnapshot],
    clock: Clock,
    has_panel: bool = True,
    root: Path = SYSFS_BACKLIGHT_DIR,
) -> BacklightFollower:
    """The follower for ``[display] backlight``, ``backlight_path`` and ``backlight_wake_s``.
    ``has_panel`` False (headless, or a window on a developer's desktop) drives nothing:
    that backlight is not the kiosk's to switch off."""
    backlight = (
        make_backlight(path, root=root) if has_panel else NullBacklight("no panel of our own")
    )
    return BacklightFollower(
        backlight,
        snapshot=snapshot,
        clock=clock,
        wake_s=wake_s,
        is_auto=mode == "auto",
    )
