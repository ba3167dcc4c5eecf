"""Only a protocol 400 sets an event aside (issue 10, item 4): a proxy's HTML 400 or 413 page
is a server fault, retried with backoff; set-aside events can be sent again by a technician
(``kiosk requeue-rejected``), and ``kiosk status`` counts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import bundled_config_dir, load_config
from kiosk.ops.status import collect_status, format_status
from kiosk.store import Store

from .conftest import KIOSK, append, drain, server_seqs
from .misbehaving import answer, misbehaving_server

NGINX_400 = (
    b"<html><head><title>400 Bad Request</title></head><body><center><h1>400 Bad Request"
    b"</h1></center><hr><center>nginx</center></body></html>"
)
NGINX_413 = NGINX_400.replace(b"400 Bad Request", b"413 Request Entity Too Large")


@pytest.mark.parametrize(
    "status, body",
    [
        ("400 Bad Request", NGINX_400),
        ("400 Bad Request", b'{"message": "bad gateway config"}'),  # JSON, not a protocol error
        ("413 Request Entity Too Large", NGINX_413),
    ],
)
def test_a_proxy_error_page_sets_nothing_aside_and_backs_off(status, body, store, make_service):
    append(store, 6)
    with misbehaving_server(answer(status, body)) as url:
        service = make_service(url=url)
        wait_s = service.run_once()
    assert store.rejected_events() == []
    assert store.outbox_depth() == 6
    sync = service.status()
    assert sync.last_error and status[:3] in sync.last_error and wait_s > 0
    assert sync.next_attempt_at is not None


def test_after_the_proxy_is_fixed_everything_arrives(stub, store, clock, make_service):
    append(store, 6)
    with misbehaving_server(answer("413 Request Entity Too Large", NGINX_413)) as url:
        service = make_service(url=url)
        service.run_once()
    fixed = make_service()  # the same store, now reaching the real server
    clock.advance(301)
    drain(fixed, clock)
    assert server_seqs(stub) == [1, 2, 3, 4, 5, 6] and store.rejected_events() == []


def test_a_protocol_400_still_isolates_the_bad_event(stub, store, clock, make_service):
    ids = append(store, 8)
    stub.faults.set(reject_event_ids=[ids[5]])
    drain(make_service(), clock)
    assert [r.id for r in store.rejected_events()] == [ids[5]]


def _config(tmp_path: Path, url: str, token_file: Path) -> Path:
    text = (bundled_config_dir() / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('id = "demo-1"', f'id = "{KIOSK}"')
    text = text.replace('data_dir = "../demo-out/data"', 'data_dir = "kiosk"')
    text = text.replace('url = "virtual://../demo-out"', 'url = "virtual://out"')
    text += f'\n[server]\nurl = "{url}"\ntoken_file = "{token_file}"\n'
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_requeue_rejected_sends_set_aside_events_again_and_status_counts_them(
    stub, store: Store, clock, make_service, tmp_path, token_file, capsys
):
    ids = append(store, 5)
    stub.faults.set(reject_event_ids=[ids[1], ids[3]])
    drain(make_service(), clock)
    assert server_seqs(stub) == [1, 3, 5]
    config_path = _config(tmp_path, stub.url, token_file)
    report = collect_status(load_config(config_path), query_printer=False)
    assert report["outbox"]["depth"] == 0 and report["outbox"]["set_aside"] == 2
    assert "0 unsent, 2 set aside" in format_status(report)
    assert re.search(r"\x1b\[31m2 set aside.*\x1b\[0m", format_status(report, is_color=True))

    stub.faults.reset()  # the server's fault is fixed
    assert main(["requeue-rejected", "--config", str(config_path)]) == 0
    assert "2 set-aside event(s) queued to be sent again" in capsys.readouterr().out
    assert store.rejected_events() == [] and store.outbox_depth() == 2
    drain(make_service(), clock)
    assert sorted(server_seqs(stub)) == [1, 2, 3, 4, 5]
    report = collect_status(load_config(config_path), query_printer=False)
    assert report["outbox"]["set_aside"] == 0 and "set aside" not in format_status(report)
    assert main(["requeue-rejected", "--config", str(config_path)]) == 0
    assert "no set-aside event" in capsys.readouterr().out
