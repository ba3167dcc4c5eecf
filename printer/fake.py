"""Fake ESC/POS printers for tests, benchmarks and demos (like gpiozero's MockFactory).

They speak over real transports, a listening TCP socket on 127.0.0.1 or a pseudo-terminal,
so the code under test is the production code. They answer ``DLE EOT`` from a settable
:attr:`state` and keep every job they receive (the bytes between status queries, queries
stripped). Never picked by accident: only tests and ``python -m printer.fake`` create them.

States: ``ok``, ``paper_near_end``, ``paper_out``, ``cover_open``, ``offline`` answer as a
real printer would; ``silent`` never answers; ``drop`` closes every TCP session as soon as
it opens (on a pty, where nothing can be closed, ``drop`` is silent too).
"""

from __future__ import annotations

import argparse
import logging
import os
import pty
import select
import signal
import socket
import sys
import threading
import time
import tty
from collections.abc import Callable
from types import TracebackType
from typing import Self

from printer.decoder import DLE, IncompleteCommand, command_length
from printer.status import replies_for

logger = logging.getLogger(__name__)

STATES = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "silent", "drop")


class _Session:
    """Splits one byte stream into jobs and status queries."""

    def __init__(self, printer: _FakePrinter):
        self.printer = printer
        self._buffer = bytearray()
        self._job = bytearray()

    def feed(self, data: bytes) -> bytes:
        """Take received bytes; return the replies to send back."""
        self._buffer += data
        replies = b""
        while self._buffer:
            try:
                length = command_length(self._buffer, 0)
            except IncompleteCommand:
                break
            command = bytes(self._buffer[:length])
            del self._buffer[:length]
            if length == 3 and command[0] == DLE and command[1] == 0x04:
                if self._job and self.printer.print_time_s:
                    # A real printer answers the status read after a job once it has printed
                    # it: this widens the window in which a crash test can cut the power.
                    time.sleep(self.printer.print_time_s)
                self.end_job()
                replies += self.printer.reply_to(command)
            else:
                self._job += command
        return replies

    def end_job(self) -> None:
        if self._job:
            self.printer.add_job(bytes(self._job))
            self._job.clear()


class _FakePrinter:
    def __init__(self, state: str):
        self._check_state(state)
        self._state = state
        self.jobs: list[bytes] = []
        self.queries_answered = 0
        self.print_time_s = 0.0  # how long a job takes to print before status replies come
        self._condition = threading.Condition()
        self._wake_r, self._wake_w = -1, -1
        self._threads: list[threading.Thread] = []
        self._is_running = False

    @staticmethod
    def _check_state(state: str) -> None:
        if state not in STATES:
            raise ValueError(f"fake printer state {state!r} is not one of {', '.join(STATES)}")

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, state: str) -> None:
        self._check_state(state)
        self._state = state

    def reply_to(self, query: bytes) -> bytes:
        if self._state in ("silent", "drop"):
            return b""
        self.queries_answered += 1
        if query[2] == 3:  # error causes: none
            return b"\x12"
        return replies_for(self._state).get(query, b"")

    def add_job(self, job: bytes) -> None:
        with self._condition:
            self.jobs.append(job)
            self._condition.notify_all()

    def wait_for_jobs(self, count: int, timeout_s: float) -> bool:
        """Wait until at least ``count`` jobs arrived; False after ``timeout_s``."""
        with self._condition:
            return self._condition.wait_for(lambda: len(self.jobs) >= count, timeout_s)

    def _start_thread(self, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(
            target=target, args=args, daemon=True, name=f"{type(self).__name__}"
        )
        thread.start()
        self._threads.append(thread)

    def _open_wake_pipe(self) -> None:
        self._wake_r, self._wake_w = os.pipe()

    def _stop_threads(self) -> None:
        if not self._is_running:
            return
        self._is_running = False
        os.write(self._wake_w, b"x")
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        os.close(self._wake_r)
        os.close(self._wake_w)

    @property
    def url(self) -> str:
        raise NotImplementedError

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class FakeTcpPrinter(_FakePrinter):
    """A network printer on a real loopback socket (``port=0``: a free port)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, state: str = "ok"):
        super().__init__(state)
        self.host = host
        self.port = port
        self._server: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._clients_lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> FakeTcpPrinter:
        self._server = socket.create_server((self.host, self.port))
        self.port = self._server.getsockname()[1]
        self._open_wake_pipe()
        self._is_running = True
        self._start_thread(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stop_threads()
        if self._server is not None:
            self._server.close()
            self._server = None

    def drop_sessions(self) -> None:
        """Close every open session, as a printer rebooting or a switch flapping would."""
        with self._clients_lock:
            for client in self._clients:
                try:
                    client.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _accept_loop(self) -> None:
        assert self._server is not None
        while self._is_running:
            readable, _, _ = select.select([self._server, self._wake_r], [], [])  # type: ignore[type-var]
            if self._wake_r in readable:
                return
            client, _ = self._server.accept()
            if self._state == "drop":
                client.close()
                continue
            with self._clients_lock:
                self._clients.add(client)
            self._start_thread(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        session = _Session(self)
        try:
            while self._is_running:
                readable, _, _ = select.select([client, self._wake_r], [], [])  # type: ignore[type-var]
                if self._wake_r in readable:
                    return
                data = client.recv(65536)
                if not data or self._state == "drop":
                    return
                replies = session.feed(data)
                if replies:
                    client.sendall(replies)
        except OSError as err:
            logger.debug("fake printer session ended: %s", err)
        finally:
            session.end_job()
            with self._clients_lock:
                self._clients.discard(client)
            client.close()

    def __repr__(self) -> str:
        return f"<FakeTcpPrinter {self.url} state={self._state} jobs={len(self.jobs)}>"


class FakePtyPrinter(_FakePrinter):
    """A serial printer at the far end of a pseudo-terminal (``pty.openpty()``)."""

    def __init__(self, *, state: str = "ok"):
        super().__init__(state)
        self._master = -1
        self._slave = -1
        self.device = ""

    @property
    def url(self) -> str:
        return f"serial://{self.device}?baudrate=19200"

    def start(self) -> FakePtyPrinter:
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no line editing, before anyone opens it
        self.device = os.ttyname(self._slave)
        self._open_wake_pipe()
        self._is_running = True
        self._start_thread(self._serve)
        return self

    def stop(self) -> None:
        self._stop_threads()
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def _serve(self) -> None:
        session = _Session(self)
        while self._is_running:
            readable, _, _ = select.select([self._master, self._wake_r], [], [])
            if self._wake_r in readable:
                return
            try:
                data = os.read(self._master, 65536)
            except OSError as err:
                logger.debug("fake pty printer: %s", err)
                return
            replies = session.feed(data)
            if replies:
                os.write(self._master, replies)

    def __repr__(self) -> str:
        return f"<FakePtyPrinter {self.device or 'not started'} state={self._state} jobs={len(self.jobs)}>"


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def main(argv: list[str] | None = None) -> int:
    """``python -m printer.fake --port 9100 --state ok``: a fake network printer until Ctrl-C.

    Prints its URL on the first line of stdout once it listens, and ``N jobs received`` when
    it stops. Exit status: 0 after SIGINT (Ctrl-C) or SIGTERM, whenever it comes, also twice
    or during start-up or shutdown (the signals are blocked from the first line and taken by
    ``sigwait``, so none can interrupt the start or the stop half-way: no traceback); 1 when
    it cannot listen (one line on stderr); 2 for bad arguments (argparse)."""
    parser = argparse.ArgumentParser(prog="python -m printer.fake", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state", choices=STATES, default="ok")
    # Blocked before anything starts: a signal now stays pending until sigwait takes it, and
    # the threads started below inherit the mask, so only sigwait ever sees one.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        fake = FakeTcpPrinter(host=args.host, port=args.port, state=args.state)
        try:
            fake.start()
        except OSError as err:
            print(
                f"{parser.prog}: cannot listen on {args.host}:{args.port} "
                f"({err.strerror or err}): pick another --port, or 0 for a free one",
                file=sys.stderr,
                flush=True,
            )
            return 1
        try:
            print(fake.url, flush=True)
            signal.sigwait(STOP_SIGNALS)
        finally:
            fake.stop()
        print(f"{len(fake.jobs)} jobs received", flush=True)
        return 0
    finally:
        # As the program (argv None) a second Ctrl-C stays pending, blocked, until the process
        # ends: no traceback at exit. Called from Python, the caller gets its mask back.
        if argv is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


if __name__ == "__main__":
    raise SystemExit(main())
