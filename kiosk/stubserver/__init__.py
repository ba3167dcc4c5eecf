"""A small, real queue server implementing protocol v1, for development, demos and tests.

``kiosk stub-server`` runs it in the foreground; ``kiosk demo`` and the tests start it in a
background thread on a free loopback port. It stores events in SQLite (idempotent by event
id), answers the queue state from the tickets it has seen, lets an agent "call next" from a
web page, and has fault switches (:class:`Faults`) so tests can play outages, slow answers,
partial acknowledgements and poison events against the real client.
"""

from kiosk.stubserver.faults import Faults, FaultSettings
from kiosk.stubserver.server import StubServer

__all__ = ["FaultSettings", "Faults", "StubServer"]
