"""Answers on a kept-alive connection are not held up (issue 11 section 6)."""

from __future__ import annotations

import http.client
import time

from sandbox.server import Sandbox
from tests.sandbox.conftest import TIMEOUT

HEADERS = {"Authorization": "ApiKey sandbox", "kbn-xsrf": "true"}


def test_fifty_answers_on_one_connection_are_not_held_up_by_delayed_acks(
    sandbox: Sandbox,
) -> None:
    # Headers and body sent in two writes met Nagle's algorithm and the client's delayed ACK:
    # about 40 ms per answer with a body, 2 s for these 50. One write per answer takes
    # a few milliseconds each even on a busy machine.
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.kibana_port, timeout=TIMEOUT)
    started = time.monotonic()
    for path in ["/api/status", "/api/security/role", "/api/spaces/space"] * 16 + [
        "/api/status"
    ] * 2:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        assert response.status == 200 and response.read()
    elapsed = time.monotonic() - started
    connection.close()
    assert elapsed < 1.0, f"50 answers took {elapsed:.2f} s"
