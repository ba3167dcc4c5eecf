"""ServerClient against real HTTP on 127.0.0.1: the stub server, a canned-answer server for
shapes the stub never sends, a stopped server (refused) and a TLS server with a trustme CA."""

from __future__ import annotations

import http.server
import os
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

import kiosk
from kiosk.core.errors import AuthError, ConfigError, EnrolError, SyncError
from kiosk.store import Store
from kiosk.sync.client import ServerBusyError, ServerClient, read_token, write_token
from stubserver import StubServer

from .conftest import KIOSK, append

TOKEN = "s3cret-token-value"


def client_for(url: str, **kw) -> ServerClient:
    kw.setdefault("token", TOKEN)
    kw.setdefault("connect_timeout_s", 0.5)
    kw.setdefault("read_timeout_s", 1.0)
    return ServerClient(url, kiosk_id=KIOSK, **kw)


@pytest.fixture
def client(stub: StubServer) -> Iterator[ServerClient]:
    c = client_for(stub.url)
    yield c
    c.close()


class _Canned(http.server.BaseHTTPRequestHandler):
    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        code, headers, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    server.answer = (200, {}, b"{}")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def canned_url(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_post_events_sends_the_contract_headers_and_body(stub, client, store: Store):
    append(store, 3)
    events = store.pending_events()
    result = client.post_events(events)
    assert result.status_code == 200
    assert result.accepted == {e.id for e in events}
    assert result.clock_offset_s is not None and abs(result.clock_offset_s) < 5
    [request] = [r for r in stub.recorded_requests() if r.path == "/api/v1/events"]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["User-Agent"] == f"kiosk-borne/{kiosk.__version__}"
    assert request.body == {"kiosk_id": KIOSK, "events": [e.to_wire() for e in events]}


def test_get_state(stub, client, store: Store):
    ticket, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    store.mark_printed(ticket.id)
    client.post_events(store.pending_events())
    state = client.get_state(fetched_at_mono_s=5.0)
    assert state.categories["etat-civil"].waiting == 1
    assert state.fetched_at_mono_s == 5.0


def test_enrol_sends_no_authorization_and_a_code_works_once(stub, client):
    stub.add_enrol_code("ABCD-1234")
    token = client.enrol("ABCD-1234")
    assert token
    [request] = [r for r in stub.recorded_requests() if r.path == "/api/v1/enrol"]
    assert "Authorization" not in request.headers
    with pytest.raises(EnrolError, match="ask for a new enrolment code") as err:
        client.enrol("ABCD-1234")
    assert err.value.status_code == 403 and not err.value.is_retryable
    client.set_token(token)
    assert client.get_state(fetched_at_mono_s=0.0).categories == {}


def test_bad_token_is_an_auth_error_that_never_shows_the_token(tmp_path):
    with StubServer(data_dir=tmp_path / "s", token="the-right-one") as stub:
        c = client_for(stub.url)
        with pytest.raises(AuthError) as err:
            c.get_state(fetched_at_mono_s=0.0)
        c.close()
    assert err.value.status_code == 401
    assert TOKEN not in str(err.value) and "the-right-one" not in str(err.value)
    assert TOKEN not in repr(c)


@pytest.mark.parametrize("code", [429, 500, 503])
def test_busy_answers_are_retryable_with_retry_after(stub, client, code):
    stub.faults.set(status_code=code, retry_after="7")
    with pytest.raises(ServerBusyError) as err:
        client.get_state(fetched_at_mono_s=0.0)
    assert err.value.is_retryable and err.value.retry_after_s == 7.0
    assert err.value.status_code == code


def test_400_and_413_come_back_for_splitting(stub, client, store: Store):
    ids = append(store, 4)
    stub.faults.set(reject_event_ids=[ids[2]])
    result = client.post_events(store.pending_events())
    assert result.status_code == 400 and result.is_split_needed
    assert "events[2]" in result.answer
    stub.faults.set(reject_event_ids=[], max_batch=2)
    assert client.post_events(store.pending_events()).status_code == 413


def test_timeouts_refused_and_reset_are_retryable(stub, store: Store, tmp_path):
    append(store, 1)
    events = store.pending_events()
    c = client_for(stub.url, read_timeout_s=0.2)
    stub.faults.set(slow_s=1.0)
    with pytest.raises(SyncError, match=r"did not answer within 0\.2 s") as err:
        c.post_events(events)
    assert err.value.is_retryable
    stub.faults.set(slow_s=0.0, drop_connections=True)
    with pytest.raises(SyncError, match="cannot reach") as err:
        c.post_events(events)
    assert err.value.is_retryable
    c.close()
    stopped = StubServer(data_dir=tmp_path / "gone").open()
    url = stopped.url
    stopped.stop()
    with pytest.raises(SyncError, match="cannot reach") as err, client_for(url) as refused:
        refused.post_events(events)
    assert err.value.is_retryable and TOKEN not in str(err.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>captive portal</html>",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"accepted": "all"}',
        b"{}",
        b'{"accepted": [1, 2]}',
    ],
)
def test_garbage_and_unexpected_shapes_are_clear_sync_errors(canned, store: Store, body):
    canned.answer = (200, {"Content-Type": "application/json"}, body)
    append(store, 1)
    with client_for(canned_url(canned)) as c:
        with pytest.raises(SyncError) as err:
            c.post_events(store.pending_events())
        assert err.value.is_retryable and err.value.status_code == 200
        assert "\n" not in str(err.value)


def test_state_that_is_not_an_object_is_a_sync_error(canned):
    canned.answer = (200, {}, b'"hello"')
    with client_for(canned_url(canned)) as c, pytest.raises(SyncError, match="expected an object"):
        c.get_state(fetched_at_mono_s=0.0)


def test_other_client_errors_are_not_retryable(canned):
    canned.answer = (404, {}, b"not found")
    with (
        client_for(canned_url(canned)) as c,
        pytest.raises(SyncError, match=r"check server\.url") as err,
    ):
        c.get_state(fetched_at_mono_s=0.0)
    assert not err.value.is_retryable and err.value.status_code == 404


def test_tls_with_a_municipal_ca(tmp_path, store: Store):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    bundle = tmp_path / "municipal-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    append(store, 2)
    with StubServer(data_dir=tmp_path / "tls", ssl_context=context) as stub:
        assert stub.url.startswith("https://")
        with client_for(stub.url, ca_bundle=bundle) as c:
            assert c.post_events(store.pending_events()).status_code == 200
        with client_for(stub.url) as c, pytest.raises(SyncError, match="TLS verification") as err:
            c.post_events(store.pending_events())
        assert TOKEN not in str(err.value)


def test_read_token(tmp_path: Path):
    path = tmp_path / "token"
    with pytest.raises(ConfigError, match="token file not found"):
        read_token(path)
    write_token(path, "  abc  \n")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert read_token(path) == "abc"
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError) as err:
        read_token(path)
    assert f"chmod 600 {path}" in str(err.value) and "abc" not in str(err.value)
    path.write_text("  \n")
    os.chmod(path, 0o600)
    with pytest.raises(ConfigError, match="empty"):
        read_token(path)
