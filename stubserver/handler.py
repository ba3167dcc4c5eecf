"""What the stub queue server answers on each route: protocol v1 and the development extensions.

Routes (contract, section 4, plus development extensions):

- ``POST /api/v1/events``, ``GET /api/v1/kiosks/{kiosk_id}/state``, ``POST /api/v1/enrol``;
- ``GET /api/v1/kiosks/{kiosk_id}/config`` (remote configuration, contract 5.7: 200, 204,
  or 304 for an ``If-None-Match`` naming the version in force);
- ``POST /api/v1/dev/call`` (an agent calls the next number, in the order the priority
  policy gives), ``GET|POST /api/v1/dev/priority-policy``, ``GET|POST /api/v1/dev/faults``,
  ``GET /api/v1/dev/events?kiosk_id=``, ``GET /api/v1/dev/indicators?kiosk_id=&day=`` (waits
  against the target, satisfaction), and ``GET /`` (a page with "call next" buttons and the
  day's indicators),
  ``PUT|POST /api/v1/dev/kiosks/{kiosk_id}/config`` (set a kiosk's configuration: a new
  version) and ``GET /config`` (a page to edit each kiosk's configuration and see what it
  reported).

The fault switches are played before every protocol v1 route, so the real client meets
outages, slow answers, resets and garbage exactly where a real server would fail. The
framing of requests and answers is :mod:`stubserver.framing`'s; the server's
lifecycle and what it keeps (database, faults, recorded requests) are
:mod:`stubserver.server`'s.

A little over 400 lines: one route table and its answers, each a few lines; the answers' content
is elsewhere (stubserver/db.py, appointments.py, page.py, indicators.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from typing import TYPE_CHECKING, Any

from kiosk.sync.protocol import (
    DATE_RE,
    BodyError,
    validate_events_body,
    validate_kiosk_id,
    validate_text,
)
from stubserver.appointments import parse_booking, render_form
from stubserver.framing import JsonRequestHandler
from stubserver.page import render_config_page, render_page
from stubserver.policy import parse_policy

if TYPE_CHECKING:
    from stubserver.server import StubHttpServer

logger = logging.getLogger(__name__)


ROUTES: dict[str, tuple[str, ...]] = {
    "/": ("GET",),
    "/api/v1/events": ("POST",),
    "/api/v1/enrol": ("POST",),
    "/api/v1/kiosks/{kiosk_id}/state": ("GET",),
    "/api/v1/kiosks/{kiosk_id}/appointments": ("GET",),
    "/api/v1/dev/appointments": ("GET", "POST"),
    "/api/v1/kiosks/{kiosk_id}/config": ("GET",),
    "/api/v1/dev/kiosks/{kiosk_id}/config": ("PUT", "POST"),
    "/config": ("GET",),
    "/api/v1/dev/call": ("POST",),
    "/api/v1/dev/faults": ("GET", "POST"),
    "/api/v1/dev/events": ("GET",),
    "/api/v1/dev/priority-policy": ("GET", "POST"),
    "/api/v1/dev/indicators": ("GET",),
}


def _allowed_methods(path: str) -> tuple[str, ...] | None:
    """The methods the route at ``path`` takes (as in docs/openapi.yaml), or None: no route."""
    parts = path.split("/")
    if (
        len(parts) == 6
        and parts[1:4] == ["api", "v1", "kiosks"]
        and parts[5] in ("state", "config")
    ):
        return ROUTES[f"/api/v1/kiosks/{{kiosk_id}}/{parts[5]}"] if parts[4] else None
    if len(parts) == 7 and parts[1:5] == ["api", "v1", "dev", "kiosks"] and parts[6] == "config":
        return ROUTES["/api/v1/dev/kiosks/{kiosk_id}/config"] if parts[5] else None
    if len(parts) == 6 and parts[1:4] == ["api", "v1", "kiosks"] and parts[5] == "appointments":
        return ROUTES["/api/v1/kiosks/{kiosk_id}/appointments"] if parts[4] else None
    return ROUTES.get(path)


def _is_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class StubHandler(JsonRequestHandler):
    """One connection to the stub server; ``self.server.stub`` is the :class:`StubServer`."""

    server_version = "kiosk-stub/1"
    server: StubHttpServer

    def setup(self) -> None:
        super().setup()
        self.server.stub._track(self.connection, is_open=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.stub._track(self.connection, is_open=False)

    # ---- routing ------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        stub = self.server.stub
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        body_bytes, problem = self._read_body(is_required=method in ("POST", "PUT"))
        if problem:
            return
        raw = body_bytes or b""
        stub._record(method, path, dict(self.headers.items()), raw)
        try:
            allowed = _allowed_methods(path)
            if allowed is None:
                return self._error(404, f"no such page {path}")
            if method not in allowed:
                if raw:
                    self.close_connection = True
                return self._error(
                    405,
                    f"{method} is not allowed on {path}: use {' or '.join(allowed)}",
                    headers={"Allow": ", ".join(allowed)},
                )
            if path == "/":
                page = render_page(
                    stub._queues_for_page(),
                    stub.indicators(),
                    appointments=render_form(stub.db.all_appointments()),
                    policy=str(stub.priority_policy),
                )
                return self._send(200, page)
            if path == "/config":
                return self._send(200, render_config_page(stub._configs_for_page()))
            if path.startswith("/api/v1/dev/"):
                return self._dev(method, path, split.query, raw)
            if self._play_faults():
                return
            if path == "/api/v1/events":
                return self._events(raw)
            if path == "/api/v1/enrol":
                return self._enrol(raw)
            kiosk_id = urllib.parse.unquote(path.split("/")[4])
            if path.endswith("/appointments"):
                return self._appointments(kiosk_id, split.query)
            if path.endswith("/config"):
                return self._config(kiosk_id)
            return self._state(kiosk_id)
        except BodyError as err:
            return self._error(400, str(err), field=err.field, event_id=err.event_id)
        except (ConnectionError, TimeoutError) as err:  # the client gave up (its read timeout)
            logger.info("client went away during %s %s: %s", method, path, err)
            self.close_connection = True
            return None
        except Exception:  # a stub bug must answer 500, not kill the connection silently
            logger.exception("stub server failed on %s %s", method, path)
            return self._error(500, "internal error (see the stub server's log)")

    def _play_faults(self) -> bool:
        """Apply the fault switches; True when the request was answered (or dropped)."""
        stub = self.server.stub
        f = stub.faults.snapshot()
        if f.slow_s > 0 and stub._stopping.wait(f.slow_s):
            self._drop()
            return True
        if f.drop_connections:
            self._drop()
            return True
        if f.outage:
            self._error(503, "outage (fault switch)", retry_after=f.retry_after)
            return True
        if f.status_code is not None:
            self._error(f.status_code, "forced status (fault switch)", retry_after=f.retry_after)
            return True
        if stub.faults.roll(f.error_rate):
            self._error(500, "random error (fault switch)")
            return True
        if f.garbage:
            self._send(200, b"<html>this is not JSON")
            return True
        return False

    def _authorized_kiosk(self) -> tuple[bool, str | None]:
        """(is_authorized, kiosk an enrolled token is bound to)."""
        stub = self.server.stub
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False, None
        bound = stub.db.token_kiosk(token)
        if bound is not None:
            return True, bound
        return (stub.token is None or token == stub.token), None

    def _check_auth(self, kiosk_id: str) -> bool:
        is_ok, bound = self._authorized_kiosk()
        if not is_ok:
            self._error(401, "missing or wrong bearer token")
            return False
        if bound is not None and bound != kiosk_id:
            self._error(403, f"this token belongs to kiosk {bound}, not {kiosk_id}")
            return False
        return True

    # ---- protocol v1 --------------------------------------------------------------------------

    def _events(self, raw: bytes) -> None:
        stub = self.server.stub
        body = self._json_body(raw)
        kiosk_id = body.get("kiosk_id") if isinstance(body, dict) else None
        if isinstance(kiosk_id, str) and not self._check_auth(kiosk_id):
            return
        f = stub.faults.snapshot()
        if isinstance(body, dict) and isinstance(body.get("events"), list):
            count = len(body["events"])
            if f.max_batch is not None and count > f.max_batch:
                return self._error(413, f"{count} events is over this server's {f.max_batch}")
        kiosk_id, events = validate_events_body(body)
        for i, e in enumerate(events):
            if e.id in f.reject_event_ids:
                raise BodyError(f"events[{i}]", "rejected (fault switch)", event_id=e.id)
        if f.partial_ack:
            events = events[: max(1, len(events) // 2)]
        accepted = stub.db.store_events(kiosk_id, events)
        stub._notify_stored()
        if f.lose_answers:
            self._drop()
            return
        self._send(200, {"accepted": accepted})

    def _state(self, kiosk_id: str) -> None:
        validate_kiosk_id(kiosk_id, "kiosk_id (in the path)")
        if not self._check_auth(kiosk_id):
            return
        stub = self.server.stub
        categories: dict[str, dict[str, Any]] = {}
        for cat, f in stub.db.queue_figures(kiosk_id, stub.priority_policy).items():
            entry: dict[str, Any] = {
                "waiting": f.waiting,
                "estimated_wait_s": f.estimated_wait_s,
                "now_serving": f.now_serving,
            }
            if f.priority is not None:
                entry["priority"] = {
                    "waiting": f.priority.waiting,
                    "estimated_wait_s": f.priority.estimated_wait_s,
                }
            categories[cat] = entry
        self._send(200, {"categories": categories, "message": stub.message})

    def _appointments(self, kiosk_id: str, query: str) -> None:
        validate_kiosk_id(kiosk_id, "kiosk_id (in the path)")
        day_text = urllib.parse.parse_qs(query).get("day", [""])[0]
        try:
            day = dt.date.fromisoformat(day_text) if DATE_RE.fullmatch(day_text) else None
        except ValueError:
            day = None
        if day is None:
            raise BodyError("day", f"expected ?day=YYYY-MM-DD, got {day_text!r}"[:80])
        if not self._check_auth(kiosk_id):
            return
        listed = self.server.stub.db.appointments(kiosk_id, day)
        self._send(200, {"day": day.isoformat(), "appointments": [a.to_wire() for a in listed]})

    def _config(self, kiosk_id: str) -> None:
        """The kiosk's configuration: 204 when none is set, 304 when the ETag it sent is
        the version's (an idle poll: headers only)."""
        validate_kiosk_id(kiosk_id, "kiosk_id (in the path)")
        if not self._check_auth(kiosk_id):
            return
        found = self.server.stub.db.config(kiosk_id)
        if found is None or found[1] is None:
            return self._send_empty(204)
        version, config = found
        etag = f'"config-{version}"'
        sent = [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]
        if etag in sent or "*" in sent:
            return self._send_empty(304, headers={"ETag": etag})
        self._send(200, {"version": version, "config": config}, headers={"ETag": etag})

    def _enrol(self, raw: bytes) -> None:
        body = self._json_body(raw)
        if not isinstance(body, dict):
            raise BodyError("$", "expected a JSON object with kiosk_id and code")
        kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
        code = validate_text(body.get("code"), "code", "the one-time enrolment code")
        token = self.server.stub.db.enrol(kiosk_id, code)
        if token is None:
            return self._error(403, "unknown or already used enrolment code: ask for a new one")
        self._send(200, {"token": token})

    # ---- development extensions ---------------------------------------------------------------

    def _dev(self, method: str, path: str, query: str, raw: bytes) -> None:
        stub = self.server.stub
        if path == "/api/v1/dev/events":
            kiosk = urllib.parse.parse_qs(query, keep_blank_values=True).get("kiosk_id", [None])[0]
            if kiosk is not None:
                validate_kiosk_id(kiosk, "kiosk_id (in the query)")
            return self._send(200, {"events": stub.db.events(kiosk)})
        if path == "/api/v1/dev/indicators":
            query_args = urllib.parse.parse_qs(query, keep_blank_values=True)
            kiosk = query_args.get("kiosk_id", [None])[0]
            if kiosk is not None:
                validate_kiosk_id(kiosk, "kiosk_id (in the query)")
            day = query_args.get("day", [None])[0]
            if day is not None and not _is_date(day):
                raise BodyError("day", f"{day[:40]!r}: expected a date YYYY-MM-DD")
            return self._send(200, stub.indicators(kiosk, day))
        if path == "/api/v1/dev/faults":
            if method == "POST":
                body = self._json_body(raw)
                if not isinstance(body, dict):
                    raise BodyError("$", "expected a JSON object of fault switches")
                reset = body.pop("reset", False)
                if not isinstance(reset, bool):
                    raise BodyError("reset", f"expected true or false, got {reset!r}"[:80])
                try:
                    if reset:
                        stub.faults.reset()
                    stub.faults.update(body)
                except ValueError as err:
                    return self._error(400, str(err))
            return self._send(200, stub.faults.snapshot().to_json())
        if path == "/api/v1/dev/priority-policy":
            if method == "POST":
                body = self._json_body(raw)
                policy = body.get("policy") if isinstance(body, dict) else None
                try:
                    stub.priority_policy = parse_policy(policy)  # type: ignore[arg-type]
                except ValueError as err:
                    return self._error(400, str(err), field="policy")
                logger.info("priority policy set to %s", stub.priority_policy)
            return self._send(200, {"policy": str(stub.priority_policy)})
        if path == "/api/v1/dev/appointments":
            if method == "GET":
                return self._send(200, {"appointments": stub.db.all_appointments()})
            is_form = self.headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"
            )
            if is_form:
                form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
                body = {k: v[0] for k, v in form.items()}
            else:
                body = self._json_body(raw)
            booked = stub.db.book(parse_booking(body, is_form=is_form))
            if is_form:
                page = render_page(
                    stub._queues_for_page(),
                    stub.indicators(),
                    appointments=render_form(stub.db.all_appointments(), booked),
                    policy=str(stub.priority_policy),
                )
                return self._send(200, page)
            return self._send(200, booked)
        if path.startswith("/api/v1/dev/kiosks/"):
            return self._dev_config(method, urllib.parse.unquote(path.split("/")[5]), raw)
        if path == "/api/v1/dev/call":
            is_form = self.headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"
            )
            if is_form:
                form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
                body = {k: v[0] for k, v in form.items()}
            else:
                body = self._json_body(raw)
            if not isinstance(body, dict):
                raise BodyError("$", "expected kiosk_id and category")
            kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
            category = validate_text(body.get("category"), "category", "a category id")
            number = stub.db.call_next(kiosk_id, category, stub.priority_policy)
            if is_form:
                return self._send(303, b"", headers={"Location": "/"})
            if number is None:
                return self._error(404, f"nobody is waiting in {category} at kiosk {kiosk_id}")
            return self._send(200, {"kiosk_id": kiosk_id, "category": category, "number": number})
        return self._error(404, f"no route {method} {path}")

    def _dev_config(self, method: str, kiosk_id: str, raw: bytes) -> None:
        """Set a kiosk's configuration: ``{"config": {...}}`` (or null to clear it), as JSON
        (PUT) or from the page's form (POST, the JSON in a ``config`` field). Any section is
        taken: refusing what it may not set is the kiosk's job, and is tested."""
        validate_kiosk_id(kiosk_id, "kiosk_id (in the path)")
        is_form = self.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        if (method == "POST") != is_form:
            raise BodyError(
                "$", "expected PUT with a JSON body, or POST with the page's form (config=...)"
            )
        if is_form:
            form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
            if "config" not in form:
                raise BodyError("config", "expected a config field holding the JSON sections")
            text = form["config"][0].strip()
            raw = b'{"config": null}' if not text else b'{"config": ' + text.encode("utf-8") + b"}"
        body = self._json_body(raw)
        if not isinstance(body, dict) or "config" not in body:
            raise BodyError("$", "expected a JSON object with config (an object, or null)")
        config = body["config"]
        if config is not None and not isinstance(config, dict):
            raise BodyError(
                "config", f"expected an object of sections or null, got {config!r}"[:120]
            )
        version = self.server.stub.db.set_config(kiosk_id, config)
        if is_form:
            return self._send(303, b"", headers={"Location": "/config"})
        self._send(200, {"kiosk_id": kiosk_id, "version": version})
