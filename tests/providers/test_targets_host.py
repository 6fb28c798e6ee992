"""Where a role or space lives, through the real provider host against two sandboxes (two
clusters): outputs record the target, reads and deletes go there (issue 11 section 1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import ROLE, SPACE, kibana_host, role_props, space_props, writes

READERS = {"spaces": ["soc"], "cases": {"security": "read"}}


@pytest.fixture
def other() -> Iterator[Sandbox]:
    with Sandbox(controls=True, cluster_uuid="cluster-b") as running:
        yield running


def test_reads_and_deletes_go_to_the_cluster_a_role_lives_on(
    sandbox: Sandbox, other: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        news, _ = host.check(ROLE, "r", {}, role_props("r", READERS))
        _, outs = host.create(ROLE, "r", news)
        space_news, _ = host.check(
            SPACE, "lab", {}, space_props("lab", {"name": "Lab"}, allow_delete=True)
        )
        _, space_outs = host.create(SPACE, "lab", space_news)
    here = {"url": sandbox.kibana_url, "cluster": sandbox.context.world.cluster_uuid}
    assert outs["target"] == news["target"] == space_outs["target"] == here

    kibana_controls.clear_requests()
    with kibana_host(other) as host:  # kibana.url now reaches another cluster
        assert host.diff(ROLE, "r", "r", outs, news).replaces == ["target"]
        id_, read, _ = host.read(ROLE, "r", "r", outs)
        assert (id_, read["target"]) == ("r", here)
        host.delete(ROLE, "r", "r", outs)
        host.delete(SPACE, "lab", "lab", space_outs)
    assert [(w["method"], w["path"], w["status"]) for w in writes(kibana_controls)] == [
        ("DELETE", "/api/security/role/r", 204),
        ("DELETE", "/api/spaces/space/lab", 204),
    ]
    assert writes(Controls(other.kibana_url)) == []


def test_outputs_saved_before_targets_were_recorded_get_one_on_refresh(
    sandbox: Sandbox,
) -> None:
    with kibana_host(sandbox) as host:
        news, _ = host.check(ROLE, "r", {}, role_props("r", READERS))
        _, outs = host.create(ROLE, "r", news)
        old = {k: v for k, v in outs.items() if k != "target"}
        assert host.diff(ROLE, "r", "r", old, news).changes is False
        _, read, _ = host.read(ROLE, "r", "r", old)
    assert read["target"]["cluster"] == sandbox.context.world.cluster_uuid


def test_stats_not_ready_is_waited_out_and_a_refused_stats_route_falls_back_to_url_and_name(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    """Right after start Kibana may answer 503 "Stats not ready"; where the route is refused
    (serverless may restrict it), the URL and the server name of GET /api/status identify it."""
    kibana_controls.fault(r"^/api/stats", "GET", status=503, count=2, retry_after=0)
    with kibana_host(sandbox) as host:
        news, _ = host.check(ROLE, "r", {}, role_props("r", READERS))
    assert news["target"]["cluster"] == sandbox.context.world.cluster_uuid
    kibana_controls.fault(r"^/api/stats", "GET", status=404, count=1)
    with kibana_host(sandbox) as host:
        news, _ = host.check(ROLE, "r", {}, role_props("r", READERS))
    assert news["target"] == {"url": sandbox.kibana_url, "name": "sandbox"}
