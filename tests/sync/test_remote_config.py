"""Remote configuration (contract 5.7) below the process: the real stub server on loopback,
the real client, a real SQLite store, and servers that misbehave for real."""

from __future__ import annotations

import json
import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_config, parse_config
from kiosk.core import events as ev
from kiosk.core.errors import ConfigError
from kiosk.remote_config import (
    RemoteConfig,
    merge,
    read_stored,
    stored_path,
    validate,
)
from kiosk.store import Store
from kiosk.sync.client import ConfigDocumentError, ServerClient
from stubserver import StubServer

from .conftest import KIOSK
from .misbehaving import misbehaving_server

LOCAL = textwrap.dedent(
    """\
    [kiosk]
    id = "hdv-1"
    site = "Hôtel de ville"
    languages = ["fr", "en"]
    data_dir = "data"

    [printer]
    url = "virtual://out"

    [hours]
    monday = ["08:30-12:00"]
    tuesday = ["08:30-12:00"]

    [display]
    theme = "default"
    idle_timeout_s = 40

    [[categories]]
    id = "etat-civil"
    prefix = "A"
    label = { fr = "État civil", en = "Civil status" }
    """
)
PASSPORTS = {"id": "passeports", "prefix": "P", "label": {"fr": "Passeports"}}
CIVIL = {"id": "etat-civil", "prefix": "A", "label": {"fr": "État civil"}}


@pytest.fixture
def local(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(LOCAL, encoding="utf-8")
    return path


@pytest.fixture
def remote_store(local: Path, tmp_path: Path) -> Any:
    config = load_config(local)
    store = Store.open(config.kiosk.data_dir, kiosk_id=KIOSK)
    yield config, store
    store.close()


def events_of(store: Store, type_: str) -> list[dict[str, Any]]:
    return [e.data for e in store.pending_events(limit=100) if e.type == type_]


# ---- one validator, the file's messages -------------------------------------------------------


def test_a_key_set_by_the_server_wins_and_the_file_keeps_the_rest(local: Path) -> None:
    data = {"hours": {"monday": ["10:00-11:00"]}, "display": {"theme": "high-contrast"}}
    merged = merge({"hours": {"monday": ["08:30-12:00"], "tuesday": ["08:30-12:00"]}}, data)
    assert merged["hours"] == {"monday": ["10:00-11:00"], "tuesday": ["08:30-12:00"]}
    config = validate(load_config(local), {**_toml(local)}, data, 3)
    assert config.hours_text["monday"] == ("10:00-11:00",)
    assert config.hours_text["tuesday"] == ("08:30-12:00",)
    assert config.display.theme == "high-contrast"
    assert config.display.idle_timeout_s == 40  # the file's key, not set by the server
    assert config.printer.url.startswith("virtual://")


def test_null_removes_the_files_key_and_arrays_are_replaced_whole(local: Path) -> None:
    config = validate(
        load_config(local),
        _toml(local),
        {"hours": {"tuesday": None}, "categories": [CIVIL, PASSPORTS]},
        4,
    )
    assert config.hours_text["tuesday"] == ()
    assert [c.id for c in config.categories] == ["etat-civil", "passeports"]


def test_a_bad_section_gets_exactly_the_files_message(local: Path, tmp_path: Path) -> None:
    bad = {"hours": {"monday": ["12:00-09:00"]}}
    with pytest.raises(ConfigError) as remote:
        validate(load_config(local), _toml(local), bad, 7)
    as_file = tmp_path / "as-file.toml"
    as_file.write_text(LOCAL.replace('monday = ["08:30-12:00"]', 'monday = ["12:00-09:00"]'))
    with pytest.raises(ConfigError) as file:
        load_config(as_file)
    file_message = str(file.value).removeprefix(f"{as_file.resolve()}: ")
    assert str(remote.value) == f"server configuration v7 (over {local.resolve()}): {file_message}"
    assert "\n" not in str(remote.value)


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"printer": {"url": "tcp://127.0.0.1:9100"}}, "[printer] may not be set"),
        ({"kiosk": {"data_dir": "/tmp"}}, "[kiosk] may not be set"),
        ({"server": {"url": "http://127.0.0.1:1"}}, "[server] may not be set"),
        ({"gpio": {"status_led_pin": "GPIO17"}}, "[gpio] may not be set"),
        ({"technician": {"pin_hash": "x"}}, "[technician] may not be set"),
        ({"display": {"backlight_path": "/etc/passwd"}}, "[display] backlight_path may not"),
        ({"appointments": {"scanner": "serial:///dev/ttyS0"}}, "[appointments] scanner may not"),
    ],
)
def test_what_stays_in_the_local_file_is_refused(
    local: Path, document: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        validate(load_config(local), _toml(local), document, 2)


def test_a_section_the_validator_does_not_know_is_named(local: Path) -> None:
    """``survey`` and friends are validated when this software knows them; else the file's
    unknown-key message names the section."""
    try:
        parse_config({**_toml(local), "survey": {"enabled": True}}, local)
    except ConfigError:
        with pytest.raises(ConfigError, match="survey"):
            validate(load_config(local), _toml(local), {"survey": {"enabled": True}}, 2)
    else:
        validate(load_config(local), _toml(local), {"survey": {"enabled": True}}, 2)


# ---- the kiosk's side: stored, events, never half-applied --------------------------------------


def test_a_good_version_is_stored_and_offered_a_bad_one_changes_nothing(remote_store) -> None:
    config, store = remote_store
    remote = RemoteConfig.open(config)
    remote.attach(store)
    remote.receive(_answer(1, {"categories": [CIVIL, PASSPORTS]}, '"config-1"'))
    _, change = remote.pending.get()
    assert change is not None and change.version == 1 and change.source == "server v1"
    assert [c.id for c in change.config.categories] == ["etat-civil", "passeports"]
    stored = read_stored(stored_path(config))
    assert stored is not None and stored.version == 1 and stored.etag == '"config-1"'

    remote.receive(_answer(2, {"categories": [{"id": "x", "prefix": "a", "label": {}}]}, None))
    _, after = remote.pending.get()
    assert after is change  # nothing of v2 offered
    assert read_stored(stored_path(config)).version == 1  # nor stored
    [rejected] = events_of(store, ev.CONFIG_REJECTED)
    assert rejected["version"] == 2 and "[categories #1] prefix" in rejected["error"]
    remote.receive(_answer(2, {"categories": []}, None))  # the same version again: once
    assert len(events_of(store, ev.CONFIG_REJECTED)) == 1


def test_the_stored_version_is_in_force_at_the_next_start(remote_store) -> None:
    config, store = remote_store
    first = RemoteConfig.open(config)
    first.attach(store)
    first.receive(_answer(5, {"categories": [CIVIL, PASSPORTS]}, '"config-5"'))
    again = RemoteConfig.open(config)  # a restart: no server needed
    assert again.version == 5 and again.etag == '"config-5"'
    assert [c.id for c in again.config.categories] == ["etat-civil", "passeports"]
    again.attach(store)
    assert events_of(store, ev.CONFIG_APPLIED) == [{"version": 5}]
    again.attach(store)  # the same version in force again: no second event
    assert events_of(store, ev.CONFIG_APPLIED) == [{"version": 5}]


def test_204_goes_back_to_the_file_alone(remote_store) -> None:
    config, _ = remote_store
    remote = RemoteConfig.open(config)
    remote.receive(_answer(1, {"categories": [CIVIL, PASSPORTS]}, None))
    remote.receive(_Answer(204))
    _, change = remote.pending.get()
    assert change is not None and change.version == 0 and change.source == "file"
    assert change.config is config
    assert read_stored(stored_path(config)) is None


# ---- the wire: ETag polling and malformed answers --------------------------------------------


def test_an_unchanged_configuration_costs_a_bodiless_304(stub: StubServer) -> None:
    with ServerClient(stub.url, token="t", kiosk_id="etag-1") as client:
        assert client.get_config().status_code == 204
        stub.set_config("etag-1", {"display": {"theme": "high-contrast"}})
        first = client.get_config()
        assert (first.status_code, first.version) == (200, 1)
        assert first.config == {"display": {"theme": "high-contrast"}}
        again = client.get_config(etag=first.etag)
        assert again.status_code == 304 and again.config is None
        stub.set_config("etag-1", {"display": {"theme": "default"}})
        assert client.get_config(etag=first.etag).version == 2
    sent = [r for r in stub.recorded_requests() if r.path.endswith("/etag-1/config")]
    assert sent[2].headers.get("If-None-Match") == first.etag


@pytest.mark.parametrize(
    ("body", "version"),
    [
        (b"<html>this is not JSON", None),
        (b'{"version": "7", "config": {}}', None),
        (b'{"version": 7, "config": []}', 7),
        (b'{"version": 7, "config": {"hours": ' + b"[" * 40 + b"]" * 40 + b"}}", 7),
        (b'{"version": 8, "config": {"x": "' + b"y" * 400_000 + b'"}}', None),
    ],
    ids=["not-json", "version-a-string", "config-a-list", "too-deep", "huge"],
)
def test_a_malformed_answer_is_refused_in_one_line_and_nothing_is_lost(
    remote_store, body: bytes, version: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    config, store = remote_store

    def play(sock: Any, request: bytes) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode() + body)

    remote = RemoteConfig.open(config)
    remote.attach(store)
    remote.receive(_answer(1, {"categories": [CIVIL, PASSPORTS]}, None))
    in_force = remote.pending.get()
    with (
        misbehaving_server(play) as url,
        ServerClient(url, token="t", kiosk_id=KIOSK) as client,
        pytest.raises(ConfigDocumentError) as err,
    ):
        client.get_config()
    assert err.value.version == version
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.remote_config"):
        remote.malformed(err.value.version, str(err.value))
    [line] = [r.getMessage() for r in caplog.records]
    assert "\n" not in line and len(line) < 600
    assert remote.pending.get() == in_force  # v1 stays offered, nothing half-applied
    assert read_stored(stored_path(config)).version == 1
    rejected = events_of(store, ev.CONFIG_REJECTED)
    assert [r["version"] for r in rejected] == ([version] if version else [])


# ---- helpers ------------------------------------------------------------------------------------


class _Answer:
    def __init__(
        self,
        status_code: int,
        version: int | None = None,
        config: dict[str, Any] | None = None,
        etag: str | None = None,
    ):
        self.status_code, self.version, self.config, self.etag = status_code, version, config, etag


def _answer(version: int, config: dict[str, Any], etag: str | None) -> _Answer:
    return _Answer(200, version, json.loads(json.dumps(config)), etag)


def _toml(path: Path) -> dict[str, Any]:
    from kiosk.config import load_config_data

    return load_config_data(path)
