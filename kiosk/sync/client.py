"""Protocol v1 over one HTTP session (contract, section 4).

:class:`ServerClient` does one request per call and maps every outcome onto the kiosk's
exception tree: answers the protocol handles by splitting a batch (400, 413) come back as a
:class:`PostResult`; 401/403 raise :class:`~kiosk.core.errors.AuthError`; 429, 5xx, timeouts,
refused and reset connections raise a retryable :class:`~kiosk.core.errors.SyncError` (with the
server's ``Retry-After`` when given). Messages never contain the token. It never retries by
itself: the sync worker owns retries, so their schedule can live in the durable store.

Over 400 lines on purpose: every answer the protocol names is mapped to its outcome here, in
one place; split, the contract's section 4 would be scattered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests
import urllib3

import kiosk
from kiosk.core.appointments import Appointment
from kiosk.core.errors import AuthError, ConfigError, EnrolError, SyncError
from kiosk.core.settings import ServerSection
from kiosk.sync.backoff import parse_http_date, parse_retry_after
from kiosk.sync.protocol import (
    BodyError,
    parse_config_answer,
    parse_error_answer,
    validate_appointments_body,
)
from kiosk.sync.state import QueueState, parse_state
from kiosk.sync.token import MAX_TOKEN_FILE_BYTES, read_token  # noqa: F401  (kiosk/sync/token.py)

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = f"kiosk-borne/{kiosk.__version__}"
MAX_ANSWER_CHARS = 500  # how much of a server's error answer is kept and logged
MAX_ANSWER_BYTES = 1024 * 1024  # a protocol v1 answer is a few kilobytes; more is a fault
MAX_CONFIG_BYTES = 256 * 1024  # a site's whole configuration is a few kilobytes
_CHUNK_BYTES = 16 * 1024


class WireEvent(Protocol):
    """An outbox event (``kiosk.store.OutboxEvent``) as far as sending it goes."""

    id: str
    seq: int

    def to_wire(self) -> dict[str, Any]: ...


class ServerBusyError(SyncError):
    """429 or 5xx: the server asks to come back later (``retry_after_s`` when it said when).
    Retrying is safe: sending events again is idempotent by id."""

    def __init__(self, message: str, *, status_code: int, retry_after_s: float | None):
        self.retry_after_s = retry_after_s
        super().__init__(message, status_code=status_code, is_retryable=True)


class AnswerTooLarge(SyncError):
    """The answer was over the size cap: dropped unread. Retrying is safe."""


class ConfigDocumentError(SyncError):
    """The server's configuration answer is malformed (not JSON, wrong types, too large):
    nothing of it is used. ``version`` is the one it named, when readable. Retrying is safe,
    but answers the same until the server's document is fixed."""

    def __init__(self, message: str, *, status_code: int | None, version: int | None):
        self.version = version
        super().__init__(message, status_code=status_code, is_retryable=False)


@dataclass(frozen=True)
class ConfigAnswer:
    """The answer to ``GET /api/v1/kiosks/{id}/config``: ``status_code`` 200 (``version``,
    ``config`` and the ``etag`` to send back), 204 (nothing set) or 304 (unchanged since
    the ETag sent)."""

    status_code: int
    version: int | None = None
    config: dict[str, Any] | None = None
    etag: str | None = None


@dataclass(frozen=True)
class PostResult:
    """The answer to one ``POST /api/v1/events``.

    ``status_code`` is 200 (``accepted`` lists the stored ids), 400 (a protocol error: the
    batch is malformed, split it to isolate the bad event) or 413 (too large: split).
    ``is_protocol_error`` says the body was a protocol error answer (:mod:`kiosk.sync.protocol`);
    a 413 page from a proxy is not one, so a single event it refuses is never set aside.
    ``answer`` is the server's body (shortened) for 400/413, kept with a rejected event.
    ``clock_offset_s`` is the server's ``Date`` minus our wall clock, when readable.
    """

    status_code: int
    accepted: frozenset[str] = frozenset()
    answer: str = ""
    retry_after_s: float | None = None
    clock_offset_s: float | None = None
    is_protocol_error: bool = False

    @property
    def is_split_needed(self) -> bool:
        return self.status_code in (400, 413)


def write_token(path: Path, token: str) -> None:
    """Store ``token`` in ``path`` readable by its owner only (mode 600), atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (token.strip() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Answer:
    """A server's answer, read whole within the request's deadline and size cap."""

    status_code: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive (requests' CaseInsensitiveDict)
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


def _clock_offset_s(response: Answer, local_utc: dt.datetime) -> float | None:
    """Server ``Date`` minus local wall time at the answer (1 s resolution), or None."""
    value = response.headers.get("Date")
    if not value:
        return None
    when = parse_http_date(value)
    if when is None:
        return None
    return (when - local_utc).total_seconds()


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1] + "…"


class ServerClient:
    """One :class:`requests.Session` speaking protocol v1 to ``base_url``.

    Not thread-safe: one worker thread owns it. ``open()`` is implicit (the session is made
    here but connects only on the first request); ``close()`` is idempotent.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None,
        kiosk_id: str,
        connect_timeout_s: float = 3.05,
        read_timeout_s: float = 10.0,
        total_timeout_s: float | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        ca_bundle: Path | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        # The whole request, answer included: a server trickling bytes never holds it longer.
        self.total_timeout_s = (
            total_timeout_s if total_timeout_s is not None else connect_timeout_s + read_timeout_s
        )
        self.max_answer_bytes = max_answer_bytes
        self.ca_bundle = ca_bundle
        self.user_agent = user_agent
        self._token = token
        self._session: requests.Session | None = requests.Session()
        # TLS verification is always on; a municipal CA is trusted through ca_bundle.
        # Passed with each request too: requests lets REQUESTS_CA_BUNDLE override a session's
        # verify, and the configured CA must win.
        self._verify: str | bool = str(ca_bundle) if ca_bundle is not None else True
        self._session.verify = self._verify
        self._session.headers["User-Agent"] = user_agent
        self._session.headers["Accept"] = "application/json"

    @classmethod
    def from_config(
        cls, server: ServerSection, *, kiosk_id: str, token: str | None
    ) -> ServerClient:
        """A client for the configured server (URL, timeouts, CA bundle)."""
        return cls(
            server.url,
            token=token,
            kiosk_id=kiosk_id,
            connect_timeout_s=server.connect_timeout_s,
            read_timeout_s=server.read_timeout_s,
            ca_bundle=server.ca_bundle,
        )

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def set_token(self, token: str | None) -> None:
        """Use another token from the next request on (after a technician fixed it)."""
        self._token = token

    # ---- requests ------------------------------------------------------------------------

    def post_events(self, events: Sequence[WireEvent]) -> PostResult:
        """Send one batch (1 to 100 events, in seq order). Safe to repeat: idempotent by id."""
        body = {"kiosk_id": self.kiosk_id, "events": [e.to_wire() for e in events]}
        response = self._request("POST", "/api/v1/events", body=body, what="sending events")
        offset = _clock_offset_s(response, dt.datetime.now(dt.UTC))
        code = response.status_code
        if code in (400, 413):
            is_protocol = parse_error_answer(response.content) is not None
            if code == 400 and not is_protocol:
                raise SyncError(
                    f"sending events: server answered 400 without a protocol error "
                    f"({_shorten(response.text)[:80]!r}), like a proxy's error page: "
                    "keeping the events and trying again later; check server.url and any proxy",
                    status_code=code,
                )
            return PostResult(
                status_code=code,
                answer=_shorten(response.text),
                clock_offset_s=offset,
                is_protocol_error=is_protocol,
            )
        self._raise_for_status(response, "sending events")
        payload = self._json(response, "sending events")
        accepted = payload.get("accepted") if isinstance(payload, dict) else None
        if not isinstance(accepted, list) or not all(isinstance(x, str) for x in accepted):
            raise SyncError(
                f"sending events: server answered {code} without an 'accepted' list of ids "
                f"({_shorten(response.text)[:80]!r}): check server.url points to a protocol v1 "
                "queue server",
                status_code=code,
            )
        return PostResult(status_code=code, accepted=frozenset(accepted), clock_offset_s=offset)

    def get_state(
        self, *, fetched_at_mono_s: float, known_categories: frozenset[str] | None = None
    ) -> QueueState:
        """The server's queue state for this kiosk. Safe to repeat."""
        path = f"/api/v1/kiosks/{urllib.parse.quote(self.kiosk_id, safe='')}/state"
        response = self._request("GET", path, what="fetching queue state")
        self._raise_for_status(response, "fetching queue state")
        payload = self._json(response, "fetching queue state")
        if not isinstance(payload, dict):
            raise SyncError(
                f"fetching queue state: server answered a JSON {type(payload).__name__}, "
                "expected an object: check server.url",
                status_code=response.status_code,
            )
        return parse_state(
            payload, fetched_at_mono_s=fetched_at_mono_s, known_categories=known_categories
        )

    def get_appointments(self, day: dt.date) -> list[Appointment]:
        """The server's appointments of ``day`` for this kiosk (contract 5.3). Safe to
        repeat. A malformed list, or one for another day, is a non-retryable SyncError:
        the caller keeps its last good list."""
        what = f"fetching the appointments of {day.isoformat()}"
        path = (
            f"/api/v1/kiosks/{urllib.parse.quote(self.kiosk_id, safe='')}/appointments"
            f"?day={day.isoformat()}"
        )
        response = self._request("GET", path, what=what)
        self._raise_for_status(response, what)
        payload = self._json(response, what)
        try:
            wire = validate_appointments_body(payload, day=day)
        except BodyError as err:
            raise SyncError(
                f"{what}: malformed list refused ({err}); the last good list is kept",
                status_code=response.status_code,
                is_retryable=False,
            ) from None
        return [Appointment(a.id, a.code_sha256, a.category, a.start, a.end) for a in wire]

    def get_config(self, *, etag: str | None = None) -> ConfigAnswer:
        """The server's configuration for this kiosk (contract 5.7); with ``etag`` (that of
        the last answer), an unchanged one costs a bodiless 304. Safe to repeat. Raises
        ConfigDocumentError for a malformed answer, SyncError/AuthError as the others."""
        what = "fetching configuration"
        path = f"/api/v1/kiosks/{urllib.parse.quote(self.kiosk_id, safe='')}/config"
        headers = {"If-None-Match": etag} if etag else {}
        try:
            response = self._request(
                "GET",
                path,
                what=what,
                headers=headers,
                max_answer_bytes=min(self.max_answer_bytes, MAX_CONFIG_BYTES),
            )
        except AnswerTooLarge as err:
            raise ConfigDocumentError(str(err), status_code=None, version=None) from None
        code = response.status_code
        if code == 304:
            return ConfigAnswer(304, etag=response.headers.get("ETag") or etag)
        if code == 204:
            return ConfigAnswer(204)
        self._raise_for_status(response, what)
        if code != 200:
            raise SyncError(
                f"{what}: server answered {code}, expected 200, 204 or 304: check server.url",
                status_code=code,
                is_retryable=False,
            )
        try:
            payload = self._json(response, what)
        except SyncError as err:
            raise ConfigDocumentError(str(err), status_code=code, version=None) from None
        try:
            version, config = parse_config_answer(payload)
        except BodyError as err:
            named = payload.get("version") if isinstance(payload, dict) else None
            is_version = isinstance(named, int) and not isinstance(named, bool) and named > 0
            raise ConfigDocumentError(
                f"{what}: malformed answer: {err}",
                status_code=code,
                version=named if is_version and err.field != "version" else None,
            ) from None
        return ConfigAnswer(200, version=version, config=config, etag=response.headers.get("ETag"))

    def enrol(self, code: str) -> str:
        """Trade a one-time enrolment code for a token (no Authorization header is sent)."""
        body = {"kiosk_id": self.kiosk_id, "code": code}
        response = self._request(
            "POST", "/api/v1/enrol", body=body, what="enrolling", is_authorized=False
        )
        if response.status_code == 403:
            raise EnrolError(
                f"enrolling kiosk {self.kiosk_id}: the server refused the code "
                "(unknown or already used): ask for a new enrolment code",
                status_code=403,
            )
        self._raise_for_status(response, "enrolling")
        payload = self._json(response, "enrolling")
        token = payload.get("token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token.strip():
            raise SyncError(
                "enrolling: server answered without a 'token': check server.url",
                status_code=response.status_code,
                is_retryable=False,
            )
        return token.strip()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._session is None else "open"
        token = "set" if self._token else "none"
        return f"<ServerClient {self.base_url} kiosk={self.kiosk_id} token={token} {state}>"

    # ---- internals -----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: dict[str, Any] | None = None,
        is_authorized: bool = True,
        headers: Mapping[str, str] | None = None,
        max_answer_bytes: int | None = None,
    ) -> Answer:
        """One request, its answer read whole: within ``total_timeout_s`` from the start
        (each socket read is given what remains) and at most ``max_answer_bytes``; beyond
        either, a retryable SyncError and the connection is dropped."""
        if self._session is None:
            raise SyncError(f"{what}: the server client is closed", is_retryable=False)
        cap = max_answer_bytes if max_answer_bytes is not None else self.max_answer_bytes
        headers = dict(headers or {})
        if is_authorized:
            if not self._token:
                raise AuthError(f"{what}: no token: enrol the kiosk or fill server.token_file")
            headers["Authorization"] = f"Bearer {self._token}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._check_ca_bundle(what)
        url = self.base_url + path
        deadline_mono_s = time.monotonic() + self.total_timeout_s
        try:
            response = self._session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=(self.connect_timeout_s, self.read_timeout_s),
                verify=self._verify,
                allow_redirects=False,
                stream=True,
            )
            try:
                content = self._read_capped(response, deadline_mono_s, what, cap)
            finally:
                response.close()
            return Answer(
                status_code=response.status_code,
                reason=response.reason or "",
                headers=response.headers,
                content=content,
            )
        except SyncError:  # the deadline or the size cap, from _read_capped
            raise
        except requests.exceptions.SSLError as err:
            raise SyncError(
                f"{what}: TLS verification of {self.base_url} failed ({type(err).__name__}): "
                "check server.ca_bundle and the machine's clock",
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise SyncError(
                f"{what}: no connection to {self.base_url} within {self.connect_timeout_s} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise SyncError(
                f"{what}: {self.base_url} did not answer within {self.read_timeout_s} s"
            ) from None
        except requests.exceptions.ConnectionError as err:
            reason = _root_reason(err)
            raise SyncError(f"{what}: cannot reach {self.base_url} ({reason})") from None
        except requests.exceptions.RequestException as err:
            raise SyncError(f"{what}: request failed ({type(err).__name__})") from None
        except urllib3.exceptions.ReadTimeoutError:  # while reading the body (stream=True)
            raise SyncError(
                f"{what}: {self.base_url} stopped answering for {self.read_timeout_s} s"
            ) from None
        except (urllib3.exceptions.HTTPError, OSError) as err:  # reset or cut mid-body
            raise SyncError(
                f"{what}: the answer of {self.base_url} was cut ({_root_reason(err)})"
            ) from None

    def _check_ca_bundle(self, what: str) -> None:
        """The configured CA file must be readable at each request (it may vanish or come
        later): else a ConfigError, one line, and the worker backs off until it is fixed."""
        if self.ca_bundle is None or not self.base_url.startswith("https:"):
            return
        try:
            with open(self.ca_bundle, "rb") as f:
                f.read(1)
        except OSError as err:
            raise ConfigError(
                f"{what}: server.ca_bundle {self.ca_bundle}: {err.strerror or err}: copy the "
                "PEM file of the municipal certificate authority there",
                path=str(self.ca_bundle),
            ) from None

    def _read_capped(
        self, response: requests.Response, deadline_mono_s: float, what: str, cap: int
    ) -> bytes:
        """The body, in chunks, checking the deadline and the size cap between reads."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise AnswerTooLarge(
                f"{what}: {self.base_url} announced an answer of {int(declared)} bytes, over "
                f"the {cap} a protocol v1 answer may take: check server.url and any proxy"
            )
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read  # read1: whatever one recv brought
        sock = getattr(getattr(raw, "_connection", None), "sock", None)
        parts: list[bytes] = []
        size = 0
        while True:
            remaining_s = deadline_mono_s - time.monotonic()
            if remaining_s <= 0:
                raise SyncError(
                    f"{what}: {self.base_url} did not finish its answer within "
                    f"{self.total_timeout_s:g} s (got {size} bytes): check the server or proxy"
                )
            if sock is not None:
                try:
                    sock.settimeout(min(self.read_timeout_s, remaining_s))
                except OSError:
                    sock = None
            chunk = read(_CHUNK_BYTES, decode_content=True)
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > cap:
                raise AnswerTooLarge(
                    f"{what}: {self.base_url} answered more than {cap} bytes, "
                    "far over a protocol v1 answer: check server.url and any proxy"
                )
            parts.append(chunk)

    def _raise_for_status(self, response: Answer, what: str) -> None:
        code = response.status_code
        if 200 <= code < 300:
            return
        answer = _shorten(response.text)[:120]
        if code in (401, 403):
            raise AuthError(
                f"{what}: the server refused the token ({code}): check server.token_file "
                "or enrol the kiosk again",
                status_code=code,
            )
        if code == 429 or code >= 500:
            retry_after = parse_retry_after(
                response.headers.get("Retry-After"), now_utc=dt.datetime.now(dt.UTC)
            )
            raise ServerBusyError(
                f"{what}: server answered {code} {response.reason or ''}".rstrip()
                + (f", retry after {retry_after:.0f} s" if retry_after is not None else ""),
                status_code=code,
                retry_after_s=retry_after,
            )
        raise SyncError(
            f"{what}: server answered {code} {response.reason or ''} ({answer!r}): "
            "check server.url",
            status_code=code,
            is_retryable=False,
        )

    def _json(self, response: Answer, what: str) -> Any:
        try:
            return json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SyncError(
                f"{what}: server answered {response.status_code} with something that is not "
                f"JSON ({_shorten(response.text)[:60]!r}): check server.url and any proxy",
                status_code=response.status_code,
            ) from None


def _root_reason(err: BaseException) -> str:
    """The innermost cause ("ConnectionRefusedError: [Errno 111] Connection refused"), found
    through requests' and urllib3's wrappers; it names no header, so never the token."""
    inner: BaseException = err
    for _ in range(8):  # requests -> MaxRetryError -> NewConnectionError/ProtocolError -> OSError
        nested = getattr(inner, "reason", None)
        if not isinstance(nested, BaseException):
            nested = next((a for a in reversed(inner.args) if isinstance(a, BaseException)), None)
        if nested is None:
            break
        inner = nested
    text = str(inner).rsplit(": ", 1)[-1] if str(inner) else ""
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__
