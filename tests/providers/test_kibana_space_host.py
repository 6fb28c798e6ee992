"""The Kibana space provider through the real provider host (gRPC) against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import SPACE, count, kibana_host, space_props, writes
from tests.support.provider_host import ProviderError, ProviderHost

SOC = {"name": "SOC", "description": "Security operations", "color": "#D36086", "initials": "SO"}


def live_space(sandbox: Sandbox, space_id: str) -> dict[str, Any] | None:
    response = requests.get(
        f"{sandbox.kibana_url}/api/spaces/space/{space_id}",
        headers={"Authorization": "ApiKey sandbox"},
        timeout=5,
    )
    return None if response.status_code == 404 else response.json()


def checked(
    host: ProviderHost,
    space_id: str,
    space: dict[str, Any],
    olds: dict[str, Any] | None = None,
    **flags: bool,
) -> Any:
    """The checked inputs of a create (``olds`` None) or of a change of ``olds``."""
    props = space_props(space_id, space, **flags)
    news, failures = host.check(SPACE, space_id, olds or {}, props)
    assert failures == []
    return news


def create(host: ProviderHost, space_id: str, space: dict[str, Any], **flags: bool) -> Any:
    news = checked(host, space_id, space, **flags)
    id_, outs = host.create(SPACE, space_id, news)
    return news, id_, outs


def test_create_diff_update_resets_what_the_config_leaves_out(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        news, id_, outs = create(host, "soc", {**SOC, "solution": "security"})
        assert id_ == "soc"
        assert outs["target"] == {
            "url": sandbox.kibana_url,
            "cluster": sandbox.context.world.cluster_uuid,
        }
        assert live_space(sandbox, "soc") == {
            "id": "soc",
            "name": "SOC",
            "description": "Security operations",
            "color": "#D36086",
            "initials": "SO",
            "disabledFeatures": live_space(sandbox, "soc")["disabledFeatures"],  # the solution's
            "solution": "security",
        }
        assert host.diff(SPACE, "soc", id_, outs, news).changes is False

        # Description, initials and solution left out: Kibana's PUT would keep them (it
        # merges), so the provider sends their reset values.
        plain = checked(host, "soc", {"name": "SOC", "color": "#D36086"}, news)
        assert host.diff(SPACE, "soc", id_, outs, plain).changes is True
        outs = host.update(SPACE, "soc", id_, outs, plain)
        live = live_space(sandbox, "soc")
        assert live is not None
        assert (live["description"], live["initials"], live["solution"]) == ("", "", "classic")
        assert live["disabledFeatures"] == []
        assert host.diff(SPACE, "soc", id_, outs, plain).changes is False
        # After a refresh as well: what Kibana reads back is no difference.
        _, refreshed, _ = host.read(SPACE, "soc", id_, outs)
        assert host.diff(SPACE, "soc", id_, refreshed, plain).changes is False

        # allowDelete alone changes: recorded, nothing sent.
        before = len(writes(kibana_controls))
        flagged = checked(
            host, "soc", {"name": "SOC", "color": "#D36086"}, plain, allow_delete=True
        )
        assert host.diff(SPACE, "soc", id_, refreshed, flagged).changes is True
        outs = host.update(SPACE, "soc", id_, refreshed, flagged)
        assert outs["allowDelete"] is True
        assert len(writes(kibana_controls)) == before


def test_an_existing_space_is_adopted_only_when_equal_or_with_adopt(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    kibana_controls.seed_space("soc", "SOC")
    with kibana_host(sandbox) as host:
        _, _, outs = create(host, "soc", {"name": "SOC"})  # equal: taken over as it is
        assert outs["body"]["name"] == "SOC"
        taken = (
            "space soc already exists in Kibana with other settings (color, description, "
            "initials); elastic-access does not overwrite it. Set adopt: true under "
            "elastic-access:spaces.soc to take it over (its settings become the config's), or "
            "pick another id."
        )
        with ProviderHost(host.config, host.secret_keys) as other:
            # Preview refuses it (the check)...
            news, failures = other.check(SPACE, "soc", {}, space_props("soc", SOC))
            assert failures == [("space", f"spaces.soc: {taken}")]
            # ...and a create that runs anyway (it appeared after the check) is one message.
            with pytest.raises(ProviderError) as refused:
                other.create(SPACE, "soc", news)
        assert refused.value.details == taken
        assert "description" not in live_space(sandbox, "soc")  # type: ignore[operator]
        _, _, outs = create(host, "soc", SOC, adopt=True)
        assert live_space(sandbox, "soc")["description"] == "Security operations"  # type: ignore[index]


def test_delete_leaves_the_space_without_allow_delete_and_never_deletes_default(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    kibana_controls.seed_space("soc", "SOC")
    kibana_controls.seed_saved_object("soc", "case-1")
    with kibana_host(sandbox) as host:
        _, id_, outs = create(host, "soc", {"name": "SOC"})
        _, _, default = create(host, "default", {"name": "Default"}, adopt=True)
        _, _, lab = create(host, "lab", {"name": "Lab"}, allow_delete=True)
        kibana_controls.clear_requests()
        host.delete(SPACE, "soc", id_, outs)
        host.delete(SPACE, "default", "default", default)
        assert count(kibana_controls, "DELETE", "/api/spaces") == 0
        host.delete(SPACE, "lab", "lab", lab)
        assert [r["path"] for r in writes(kibana_controls)] == ["/api/spaces/space/lab"]
    assert live_space(sandbox, "soc") is not None
    assert live_space(sandbox, "default") is not None
    assert live_space(sandbox, "lab") is None
    assert (
        "warning: space soc was left in the Kibana at "
        f"{sandbox.kibana_url}: deleting a space deletes every case, dashboard and other saved "
        "object in it, so elastic-access deletes a space only when "
        "elastic-access:spaces.soc sets allowDelete: true (applied by an up before the space is "
        "removed or destroyed). This stack no longer manages it; delete it in Stack Management "
        "> Spaces if that is what you want."
    ) in host.stderr
    assert (
        f"warning: space default was left in the Kibana at {sandbox.kibana_url}: it is "
        "Kibana's default space, which can never be deleted. This stack no longer manages it."
    ) in host.stderr


def test_refresh_reads_every_space_from_one_list_and_finds_drift(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    names = ["a", "b", "c", "d"]
    with kibana_host(sandbox) as host:
        saved = {n: create(host, n, {"name": n.upper()}) for n in names}
    requests.put(
        f"{sandbox.kibana_url}/api/spaces/space/c",
        json={"id": "c", "name": "C", "description": "by hand", "disabledFeatures": ["ml"]},
        headers={"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"},
        timeout=5,
    )
    kibana_controls.clear_requests()
    with kibana_host(sandbox) as host:
        read = {n: host.read(SPACE, n, n, saved[n][2]) for n in names}
        drift = {n for n in names if host.diff(SPACE, n, n, read[n][1], saved[n][0]).changes}
    assert drift == {"c"}
    assert read["c"][2]["space"] == {
        "name": "C",
        "description": "by hand",
        "disabledFeatures": ["ml"],
    }
    assert count(kibana_controls, "GET", "/api/spaces/space") == 1


def test_check_refuses_what_the_live_kibana_does_not_know_before_any_write(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        _, failures = host.check(
            SPACE, "soc", {}, space_props("soc", {"name": "SOC", "disabledFeatures": ["mll"]})
        )
    assert [reason for _, reason in failures] == [
        "spaces.soc.disabledFeatures[0]: feature 'mll' does not exist in the Kibana at "
        f"{sandbox.kibana_url}; did you mean ml?"
    ]
    assert writes(kibana_controls) == []
