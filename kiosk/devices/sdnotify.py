"""Telling systemd that the kiosk is ready, alive, or stopping (``sd_notify``).

The unit is ``Type=notify`` with ``WatchdogSec=30``: systemd starts the kiosk, waits for
``READY=1`` (sent once the first frame is on screen), then restarts it whenever no
``WATCHDOG=1`` arrives for 30 s. The ping is sent from the UI loop, and only while the
worker threads are alive, so a frozen screen or a dead sync thread both end in a restart.

Written by hand (the protocol is one datagram on an AF_UNIX socket) because ``sdnotify``
0.3.2 swallows every error, so a broken setup looks like a working one, and
``systemd-python`` needs libsystemd headers and a compiler on the Pi.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping

from kiosk.core.clock import Clock

logger = logging.getLogger(__name__)

SEND_TIMEOUT_S = 1.0


def notify(state: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (such as ``"READY=1"``) to ``$NOTIFY_SOCKET``.

    Returns False, without raising, when the kiosk was not started by systemd (no socket
    named) or the socket cannot be reached: the kiosk must run the same without systemd.
    A leading ``@`` names a socket in the abstract namespace.
    """
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.settimeout(SEND_TIMEOUT_S)
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError as err:
        logger.warning("sd_notify %r to %r failed: %s", state, address.lstrip("\0"), err)
        return False
    return True


def watchdog_interval_s(environ: Mapping[str, str] | None = None) -> float | None:
    """Half of systemd's ``WATCHDOG_USEC``, or None when no watchdog is asked for.

    ``WATCHDOG_PID``, when set, must be this process (man sd_watchdog_enabled).
    """
    env = environ if environ is not None else os.environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000 / 2


class Watchdog:
    """Pings systemd's watchdog from the UI loop while ``is_healthy()`` says so.

    Call :meth:`tick` every frame: it sends ``WATCHDOG=1`` at most once per half
    ``WATCHDOG_USEC`` and never while ``is_healthy()`` is False (the controller or sync
    thread died), so systemd restarts a kiosk that looks alive but is not.
    """

    def __init__(
        self,
        *,
        is_healthy: Callable[[], bool],
        clock: Clock,
        environ: Mapping[str, str] | None = None,
        interval_s: float | None = None,
    ):
        self._is_healthy = is_healthy
        self._clock = clock
        self._environ = dict(environ if environ is not None else os.environ)
        self.interval_s = interval_s if interval_s is not None else watchdog_interval_s(environ)
        self._last_ping_s: float | None = None
        self.ping_count = 0
        self.is_unhealthy_logged = False

    @property
    def is_enabled(self) -> bool:
        return self.interval_s is not None and bool(self._environ.get("NOTIFY_SOCKET"))

    def ready(self) -> bool:
        """Tell systemd that start-up is over (the first frame is on screen)."""
        return notify("READY=1", environ=self._environ)

    def stopping(self) -> bool:
        """Tell systemd that a clean shutdown has begun."""
        return notify("STOPPING=1", environ=self._environ)

    def status(self, text: str) -> bool:
        """A one-line status shown by ``systemctl status kiosk``."""
        return notify("STATUS=" + text.replace("\n", " "), environ=self._environ)

    def tick(self) -> bool:
        """Ping the watchdog if it is due and the kiosk is healthy; True when sent."""
        if not self.is_enabled:
            return False
        assert self.interval_s is not None
        now_s = self._clock.monotonic_s()
        if self._last_ping_s is not None and now_s - self._last_ping_s < self.interval_s:
            return False
        if not self._is_healthy():
            if not self.is_unhealthy_logged:
                logger.error("a worker thread is dead: no longer pinging systemd's watchdog")
                self.is_unhealthy_logged = True
            return False
        self.is_unhealthy_logged = False
        self._last_ping_s = now_s
        if notify("WATCHDOG=1", environ=self._environ):
            self.ping_count += 1
            return True
        return False

    def __repr__(self) -> str:
        return (
            f"<Watchdog enabled={self.is_enabled} interval_s={self.interval_s} "
            f"pings={self.ping_count}>"
        )
