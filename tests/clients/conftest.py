"""Fixtures for the client tests: a fake clock whose sleep advances it, a deterministic retry
policy, clients wired to ``responses``, and a sandbox with its controls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from components.clients import (
    CloudClient,
    CloudConnection,
    KibanaClient,
    KibanaConnection,
    RetryPolicy,
)
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.clients.client_fakes import (
    API_KEY,
    CLOUD,
    CLOUD_KEY,
    KIBANA,
    PASSWORD,
    USERNAME,
    FakeTime,
)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def policy(fake_time: FakeTime) -> RetryPolicy:
    """Default bounds, no real sleeping, and jitter pinned to its maximum."""
    return RetryPolicy(sleep=fake_time.sleep, clock=fake_time.clock, jitter=lambda: 1.0)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def kibana(policy: RetryPolicy) -> Iterator[KibanaClient]:
    with KibanaClient(KibanaConnection(KIBANA, api_key=API_KEY), retry=policy) as client:
        yield client


@pytest.fixture
def kibana_basic(policy: RetryPolicy) -> Iterator[KibanaClient]:
    connection = KibanaConnection(KIBANA, username=USERNAME, password=PASSWORD)
    with KibanaClient(connection, retry=policy) as client:
        yield client


@pytest.fixture
def cloud(policy: RetryPolicy) -> Iterator[CloudClient]:
    with CloudClient(CloudConnection(CLOUD, api_key=CLOUD_KEY), retry=policy) as client:
        yield client


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True) as running:
        yield running


@pytest.fixture
def controls(sandbox: Sandbox) -> Controls:
    """The sandbox's controls (faults and the request log of both services)."""
    return Controls(sandbox.kibana_url)
