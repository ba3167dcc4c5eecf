"""sd_notify against real AF_UNIX datagram sockets, on a path and in the abstract namespace."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.clock import FakeClock
from kiosk.devices.sdnotify import Watchdog, notify, watchdog_interval_s
from kiosk.logsetup import JournalFormatter, is_journal_stream, journal_formatter, syslog_priority


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    address = str(tmp_path / "notify.sock")
    sock.bind(address)
    sock.settimeout(2.0)
    yield sock, address
    sock.close()


@pytest.fixture
def abstract_socket() -> Iterator[tuple[socket.socket, str]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"kiosk-test-{uuid.uuid4().hex}"
    sock.bind("\0" + name)
    sock.settimeout(2.0)
    yield sock, "@" + name
    sock.close()


def test_notify_on_a_path_socket(path_socket: tuple[socket.socket, str]) -> None:
    sock, address = path_socket
    assert notify("READY=1", environ={"NOTIFY_SOCKET": address})
    assert sock.recv(256) == b"READY=1"


def test_notify_on_an_abstract_socket(abstract_socket: tuple[socket.socket, str]) -> None:
    sock, address = abstract_socket
    assert notify("STATUS=hello", environ={"NOTIFY_SOCKET": address})
    assert sock.recv(256) == b"STATUS=hello"


def test_notify_without_socket_is_false() -> None:
    assert notify("READY=1", environ={}) is False


def test_notify_to_a_missing_socket_is_false_and_never_raises(tmp_path: Path) -> None:
    assert notify("READY=1", environ={"NOTIFY_SOCKET": str(tmp_path / "gone.sock")}) is False
    assert (
        notify("READY=1", environ={"NOTIFY_SOCKET": "@kiosk-nobody-" + uuid.uuid4().hex}) is False
    )


def test_watchdog_interval_is_half_of_watchdog_usec() -> None:
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    pid = str(os.getpid())
    assert watchdog_interval_s({"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": pid}) == 1.0


def _drain(sock: socket.socket) -> list[bytes]:
    sock.setblocking(False)
    out = []
    try:
        while True:
            out.append(sock.recv(256))
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(2.0)
    return out


def test_watchdog_pings_at_most_every_half_interval(path_socket: tuple[socket.socket, str]) -> None:
    sock, address = path_socket
    clock = FakeClock()
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000"}
    dog = Watchdog(is_healthy=lambda: True, clock=clock, environ=env)
    assert dog.is_enabled and dog.interval_s == 15.0
    sent = []
    for _ in range(60):  # 60 frames over 30 s of fake time
        sent.append(dog.tick())
        clock.advance(0.5)
    assert sent.count(True) == 2
    assert _drain(sock) == [b"WATCHDOG=1", b"WATCHDOG=1"]
    assert "pings=2" in repr(dog)


def test_watchdog_stays_silent_while_unhealthy(
    abstract_socket: tuple[socket.socket, str], caplog: pytest.LogCaptureFixture
) -> None:
    sock, address = abstract_socket
    clock = FakeClock()
    healthy = {"value": False}
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "2000000"}
    dog = Watchdog(is_healthy=lambda: healthy["value"], clock=clock, environ=env)
    with caplog.at_level(logging.ERROR):
        for _ in range(10):
            assert dog.tick() is False
            clock.advance(1.0)
    assert _drain(sock) == []
    assert len([r for r in caplog.records if "watchdog" in r.message]) == 1
    healthy["value"] = True
    assert dog.tick() is True
    assert _drain(sock) == [b"WATCHDOG=1"]


def test_watchdog_ready_and_stopping(path_socket: tuple[socket.socket, str]) -> None:
    sock, address = path_socket
    dog = Watchdog(is_healthy=lambda: True, clock=FakeClock(), environ={"NOTIFY_SOCKET": address})
    assert not dog.is_enabled  # no WATCHDOG_USEC: tick does nothing
    assert dog.tick() is False
    assert dog.ready() and dog.status("serving\nA042") and dog.stopping()
    assert _drain(sock) == [b"READY=1", b"STATUS=serving A042", b"STOPPING=1"]


def test_watchdog_without_systemd_is_a_no_op() -> None:
    dog = Watchdog(is_healthy=lambda: True, clock=FakeClock(), environ={})
    assert dog.tick() is False and dog.ready() is False


def test_journal_formatter_prefixes_priorities() -> None:
    fmt = JournalFormatter()
    record = logging.LogRecord("kiosk.x", logging.ERROR, __file__, 1, "a\nb", None, None)
    assert fmt.format(record) == "<3>kiosk.x: a\n<3>b"
    assert [syslog_priority(x) for x in (50, 40, 30, 20, 10)] == [2, 3, 4, 6, 7]


def test_journal_stream_must_match_stderr(tmp_path: Path) -> None:
    with open(tmp_path / "log", "w") as stream:
        st = os.fstat(stream.fileno())
        env = {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}
        assert is_journal_stream(stream, env)
        assert isinstance(journal_formatter(stream, env), JournalFormatter)
        assert not is_journal_stream(stream, {"JOURNAL_STREAM": "1:2"})
        assert not isinstance(journal_formatter(stream, {}), JournalFormatter)
