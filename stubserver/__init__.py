"""A small, real queue server implementing protocol v1: the reference a vendor can study.

It shares only the protocol's schema and validation with the kiosk
(:mod:`kiosk.sync.protocol`, standard library only) and imports nothing else of it: no
store, controller, display or printer. Read it in this order: :mod:`stubserver.handler` (each
route and its answers, the contract's section 4), :mod:`stubserver.db` (idempotent storage
by event id, the queue figures), :mod:`stubserver.framing` (HTTP/1.1 framing, size limits,
JSON errors), :mod:`stubserver.server` (lifecycle). ``docs/openapi.yaml`` describes every
answer, and a schemathesis test holds the server to it.

``kiosk stub-server`` (or ``python -m stubserver``) runs it in the foreground; ``kiosk demo``
and the tests start it in a background thread on a free loopback port. It stores events in SQLite (idempotent by event
id), answers the queue state from the tickets it has seen, lets an agent "call next" from a
web page, and has fault switches (:class:`Faults`) so tests can play outages, slow answers,
partial acknowledgements and poison events against the real client.
"""

from stubserver.faults import Faults, FaultSettings
from stubserver.server import StubServer

__all__ = ["FaultSettings", "Faults", "StubServer"]
