"""Benchmark: what an idle remote-configuration poll costs (contract 5.7).

Run: ``.venv/bin/python bench/bench_remote_config.py [--polls 500]``. Prints a Markdown table:
the bytes on the wire of one ``GET .../config`` answered 304 (both directions, counted by a
loopback relay between the client and the stub server, on a kept-alive connection), the
client thread's CPU time per poll (``time.thread_time``: the sync worker's own cost, not the
server's), and the same for a 200 carrying a small document, for comparison.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from kiosk.sync.client import ServerClient
from stubserver import StubServer

KIOSK = "bench-rc"
DOCUMENT = {
    "hours": {d: ["08:30-12:00", "13:30-17:00"] for d in ("monday", "tuesday", "thursday")},
    "categories": [
        {"id": "etat-civil", "prefix": "A", "label": {"fr": "État civil", "en": "Civil status"}},
        {"id": "passeports", "prefix": "P", "label": {"fr": "Passeports", "en": "Passports"}},
    ],
}


class CountingRelay:
    """A loopback TCP relay to ``target`` counting the bytes each way."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.up = self.down = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def reset(self) -> None:
        with self._lock:
            self.up = self.down = 0

    def _accept(self) -> None:
        while True:
            client, _ = self._sock.accept()
            server = socket.create_connection(self.target)
            for a, b, is_up in ((client, server, True), (server, client, False)):
                threading.Thread(target=self._pipe, args=(a, b, is_up), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, is_up: bool) -> None:
        while data := src.recv(65536):
            with self._lock:
                if is_up:
                    self.up += len(data)
                else:
                    self.down += len(data)
            dst.sendall(data)


def measure(client: ServerClient, relay: CountingRelay, etag: str | None, polls: int) -> tuple:
    client.get_config(etag=etag)  # the connection is open and kept alive from here on
    time.sleep(0.05)
    relay.reset()
    answer = client.get_config(etag=etag)
    time.sleep(0.05)  # let the relay count the last bytes
    up, down = relay.up, relay.down
    cpu = []
    for _ in range(polls):
        start = time.thread_time()
        client.get_config(etag=etag)
        cpu.append(time.thread_time() - start)
    return answer.status_code, up, down, statistics.median(cpu) * 1000, max(cpu) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--polls", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, StubServer(data_dir=Path(tmp)) as stub:
        stub.set_config(KIOSK, DOCUMENT)
        relay = CountingRelay(("127.0.0.1", stub.port))
        with ServerClient(relay.url, token="bench-token", kiosk_id=KIOSK) as client:
            etag = client.get_config().etag
            rows = [
                ("304 (unchanged, If-None-Match)", *measure(client, relay, etag, args.polls)),
                ("200 (a small document)", *measure(client, relay, None, args.polls)),
            ]
    print(f"Remote configuration poll, {args.polls} polls each, loopback, kept-alive connection\n")
    print("| answer | status | bytes up | bytes down | CPU per poll (median) | CPU (max) |")
    print("|---|---|---|---|---|---|")
    for name, status, up, down, med, worst in rows:
        print(f"| {name} | {status} | {up} | {down} | {med:.2f} ms | {worst:.2f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
