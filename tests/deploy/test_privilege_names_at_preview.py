"""Elasticsearch privilege names are settled at preview (issue 11 §3,
terraform-provider-elasticstack#2403), under the real engine and the stand-in, against the
sandbox (whose list of names is its own: sandbox/data/es_privileges.json)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.deploy.conftest import StackFactory
from tests.support.deploy import CheckFailed

SECRET = "n4mes-s3cret"
LOADERS = {
    "description": "writes logs",
    "elasticsearch": {
        "cluster": ["monitor"],
        "indices": [
            {"names": ["logs-*"], "privileges": ["auto_configure", "auto_create", "create_doc"]}
        ],
    },
}


@pytest.fixture(params=["9.1.0", "9.6.0"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """9.1: a release the offline table covers; 9.6: one it does not (the live list decides)."""
    with Sandbox(controls=True, api_key=SECRET, profile=request.param) as running:
        yield running


def config(sandbox: Sandbox, role: dict[str, Any]) -> dict[str, Any]:
    return {"kibana": {"url": sandbox.kibana_url}, "roles": {"loaders": role}}


def test_an_unknown_index_privilege_is_refused_at_preview_and_nothing_is_written(
    sandbox: Sandbox, new_stack: StackFactory
) -> None:
    version = sandbox.context.profile.number
    stack = new_stack(config(sandbox, LOADERS), secrets={"kibanaApiKey": SECRET})
    with pytest.raises((CheckFailed, pulumi.RunError)) as failed:
        stack.preview()
    assert (
        "roles.loaders.elasticsearch.indices[0].privileges[1]: unknown index privilege "
        f"[auto_create]: Elasticsearch {version} would refuse the role"
    ) in str(failed.value)
    with pytest.raises((CheckFailed, pulumi.RunError)):
        stack.up()
    writes = [r for r in Controls(sandbox.kibana_url).requests() if r["method"] == "PUT"]
    assert writes == []


def test_the_live_list_refuses_what_the_offline_table_cannot_know(
    sandbox: Sandbox, new_stack: StackFactory
) -> None:
    """A name with no likeness to a known one is only a warning offline for a release the
    table does not cover; the live Kibana's list refuses it at preview all the same."""
    role = {"elasticsearch": {"cluster": ["manage_quantum_flux"]}}
    stack = new_stack(config(sandbox, role), secrets={"kibanaApiKey": SECRET})
    with pytest.raises((CheckFailed, pulumi.RunError)) as failed:
        stack.preview()
    assert (
        "roles.loaders.elasticsearch.cluster[0]: unknown cluster privilege [manage_quantum_flux]"
    ) in str(failed.value)


def test_known_names_pass_and_the_role_is_written(
    sandbox: Sandbox, new_stack: StackFactory
) -> None:
    role = {
        "elasticsearch": {
            "cluster": ["monitor", "cluster:monitor/main"],
            "indices": [{"names": ["logs-*"], "privileges": ["auto_configure", "create_doc"]}],
        }
    }
    stack = new_stack(config(sandbox, role), secrets={"kibanaApiKey": SECRET})
    assert stack.up().changed() == {"loaders": "create"}
