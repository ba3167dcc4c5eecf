"""schemathesis holds the stub server to docs/openapi.yaml (issue 10, item 18).

For every documented operation, a few dozen generated requests (valid and invalid, a fixed
seed: derandomized) go to the real server on 127.0.0.1 port 0; each answer must carry a
documented status code, a documented content type, JSON matching its schema (errors too),
no 5xx, and a 4xx for a request the document calls invalid. Methods a route does not take
must be a 405 with ``Allow``. Bounded: 25 examples an operation, 5 s a request. The fault
switches are reset around each case, so a generated ``POST /api/v1/dev/faults`` never
leaks an outage into the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from stubserver import StubServer  # noqa: E402

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
TOKEN = "schemathesis-token"

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.unsupported_method,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StubServer]:
    stub = StubServer(data_dir=tmp_path_factory.mktemp("schemathesis"), seed=1).start()
    yield stub
    stub.stop()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_stub_answers_as_its_openapi_document_says(case, server: StubServer) -> None:
    server.faults.reset()
    try:
        case.call_and_validate(
            base_url=server.url,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=5,
            checks=CHECKS,
        )
    finally:
        server.faults.reset()
