"""Each test starts its own sandbox on free ports and stops it afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox

TIMEOUT = 5
ORG = "1000000001"


class Api:
    """A thin requests wrapper with the sandbox's credentials and a bounded timeout."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update(headers)

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, self.base_url + path, **kwargs)

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    started: list[Sandbox] = []

    def make(**kwargs: Any) -> Sandbox:
        kwargs.setdefault("controls", True)
        sandbox = Sandbox(**kwargs).start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox(readonly_api_key="readonly")


@pytest.fixture
def kibana(sandbox: Sandbox) -> Iterator[Api]:
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "true"})
    yield api
    api.close()


@pytest.fixture
def cloud(sandbox: Sandbox) -> Iterator[Api]:
    api = Api(sandbox.cloud_url + "/api/v1", {"Authorization": "ApiKey sandbox"})
    yield api
    api.close()


@pytest.fixture
def controls(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


def kibana_api(sandbox: Sandbox) -> Api:
    return Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "true"})


def cloud_api(sandbox: Sandbox) -> Api:
    return Api(sandbox.cloud_url + "/api/v1", {"Authorization": "ApiKey sandbox"})
