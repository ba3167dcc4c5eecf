"""A missing ``server.ca_bundle`` at run time (issue 10, item 11): the sync worker treats it
as a failure with backoff and one clear log line, never a traceback a second, and its status
shows the failure instead of "sync: ok"."""

from __future__ import annotations

import logging
import ssl

import trustme

from kiosk.ops.status import _sync_line
from kiosk.sync.backoff_state import sync_status_from_store
from stubserver import StubServer

from .conftest import append, drain, server_seqs


def test_a_missing_ca_bundle_backs_off_with_one_clear_line(
    tmp_path, store, clock, make_service, caplog
):
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "municipal-ca.pem"  # not there yet: the technician forgot to copy it
    append(store, 3)
    with StubServer(data_dir=tmp_path / "tls", ssl_context=context) as stub:
        service = make_service(url=stub.url, ca_bundle=bundle)
        with caplog.at_level(logging.DEBUG, logger="kiosk.sync"):
            waits = []
            for _ in range(3):
                waits.append(service.run_once())
                clock.advance(waits[-1] if len(waits) < 3 else 0.0)
        assert waits == sorted(waits) and waits[0] > 0  # backing off, growing
        assert len(caplog.records) == 3  # one line per attempt
        assert not any(r.exc_info for r in caplog.records), "no traceback"
        assert bundle.name in caplog.text and "server.ca_bundle" in caplog.text
        status = service.status()
        assert status.last_error and "server.ca_bundle" in status.last_error
        assert status.next_attempt_at is not None and status.outbox_depth == 3
        line = _sync_line(sync_status_from_store(store))
        assert line.startswith("sync: retrying (") and "ca_bundle" in line

        ca.cert_pem.write_to_path(str(bundle))  # the fix, picked up without a restart
        clock.advance(301)
        drain(service, clock)
        assert server_seqs(stub) == [1, 2, 3]
        assert service.status().last_error is None


def test_an_unexpected_error_backs_off_and_logs_its_traceback_once(
    store, clock, make_service, caplog
):
    service = make_service()
    with caplog.at_level(logging.WARNING, logger="kiosk.sync"):
        waits = [service._failed_unexpectedly(RuntimeError("disk on fire")) for _ in range(3)]
    assert waits == sorted(waits) and waits[0] > 0
    assert sum(1 for r in caplog.records if r.exc_info) <= 1
    assert "unexpected error (RuntimeError: disk on fire)" in (service.status().last_error or "")
