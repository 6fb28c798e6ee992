"""Fixtures for tests through the real provider host against a running sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from components.providers.cloud_member import CloudMemberProvider
from components.providers.kibana_role import KibanaRoleProvider
from components.providers.kibana_space import KibanaSpaceProvider
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.support.provider_host import ProviderHost, provider_blob

ROLE = "pulumi-python:dynamic/kibana:Role"
SPACE = "pulumi-python:dynamic/kibana:Space"
MEMBER = "pulumi-python:dynamic/cloud:Member"
ORG = "1000000001"
KEY = "sandbox"
WRITES = ("PUT", "POST", "DELETE")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True) as running:
        yield running


@pytest.fixture
def kibana_controls(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


@pytest.fixture
def cloud_controls(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.cloud_url)


def kibana_host(sandbox: Sandbox, key: str = KEY, **kibana: Any) -> ProviderHost:
    return ProviderHost(
        {"kibana": {"url": sandbox.kibana_url, **kibana}, "kibanaApiKey": key},
        secret_keys=("kibanaApiKey",),
    )


def cloud_host(sandbox: Sandbox, key: str = KEY) -> ProviderHost:
    return ProviderHost(
        {"cloud": {"url": sandbox.cloud_url, "organizationId": ORG}, "cloudApiKey": key},
        secret_keys=("cloudApiKey",),
    )


def role_props(name: str, role: dict[str, Any], adopt: bool = False) -> dict[str, Any]:
    return {
        "__provider": provider_blob(KibanaRoleProvider()),
        "name": name,
        "role": role,
        "adopt": adopt,
    }


def space_props(
    space_id: str, space: dict[str, Any], *, adopt: bool = False, allow_delete: bool = False
) -> dict[str, Any]:
    return {
        "__provider": provider_blob(KibanaSpaceProvider()),
        "spaceId": space_id,
        "space": space,
        "adopt": adopt,
        "allowDelete": allow_delete,
    }


def member_props(
    email: str, member: dict[str, Any], protected: bool = False, expires: str = "7d"
) -> dict[str, Any]:
    return {
        "__provider": provider_blob(CloudMemberProvider()),
        "email": email,
        "member": member,
        "organizationId": ORG,
        "inviteExpiresIn": expires,
        "protected": protected,
    }


def writes(controls: Controls) -> list[dict[str, Any]]:
    """The API write requests the sandbox served (control requests left out)."""
    return [
        r
        for r in controls.requests()
        if r["method"] in WRITES and not r["path"].startswith("/_sandbox")
    ]


def count(controls: Controls, method: str, prefix: str) -> int:
    return sum(
        1 for r in controls.requests() if r["method"] == method and r["path"].startswith(prefix)
    )
