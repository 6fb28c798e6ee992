"""The Kibana role provider through the real provider host (gRPC) against the sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import ROLE, count, kibana_host, role_props, writes
from tests.support.provider_host import ProviderError, ProviderHost, provider_blob

SOC = {"spaces": ["soc"], "cases": {"security": "all"}, "connectors": "all"}


def live_role(sandbox: Sandbox, name: str, key: str = "sandbox") -> dict[str, Any] | None:
    response = requests.get(
        f"{sandbox.kibana_url}/api/security/role/{name}",
        headers={"Authorization": f"ApiKey {key}"},
        timeout=5,
    )
    return None if response.status_code == 404 else response.json()


def create(host: ProviderHost, name: str, role: dict[str, Any], adopt: bool = False) -> Any:
    checked, failures = host.check(ROLE, name, {}, role_props(name, role, adopt))
    assert failures == []
    id_, outs = host.create(ROLE, name, checked)
    return checked, id_, outs


def test_create_diff_update_rename_drift_delete(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        checked, id_, outs = create(host, "soc", SOC)
        assert id_ == "soc"
        assert checked["body"] == outs["body"]  # preview shows (and policies judge) the body
        assert outs["body"]["kibana"] == [
            {
                "base": [],
                "feature": {"actions": ["all"], "securitySolutionCasesV3": ["all"]},
                "spaces": ["soc"],
            }
        ]
        assert live_role(sandbox, "soc")["kibana"][0]["feature"]["securitySolutionCasesV3"] == [
            "all"
        ]
        assert host.diff(ROLE, "soc", id_, outs, checked).changes is False

        viewer = role_props("soc", {"spaces": ["soc"], "cases": {"security": "read"}})
        news, _ = host.check(ROLE, "soc", checked, viewer)
        assert host.diff(ROLE, "soc", id_, outs, news).changes is True
        outs = host.update(ROLE, "soc", id_, outs, news)
        assert live_role(sandbox, "soc")["kibana"][0]["feature"] == {
            "securitySolutionCasesV3": ["read"]
        }
        assert host.diff(ROLE, "soc", id_, outs, news).changes is False

        renamed = host.diff(ROLE, "soc", id_, outs, {**news, "name": "soc-leads"})
        assert renamed.replaces == ["name"] and not renamed.delete_before_replace

        edited = live_role(sandbox, "soc")
        edited["kibana"][0]["feature"]["securitySolutionCasesV3"] = ["all"]
        kibana_controls.edit_role("soc", edited)
        read_id, read_outs, read_inputs = host.read(ROLE, "soc", id_, outs)
        assert read_id == "soc"
        assert read_outs["body"]["kibana"][0]["feature"] == {"securitySolutionCasesV3": ["all"]}
        assert read_inputs is not None and read_inputs["role"] != news["role"]
        assert host.diff(ROLE, "soc", id_, read_outs, news).changes is True

        host.delete(ROLE, "soc", id_, read_outs)
        assert live_role(sandbox, "soc") is None
        host.delete(ROLE, "soc", id_, read_outs)  # already gone: done
        assert host.read(ROLE, "soc", id_, read_outs)[0] == ""
    # createOnly is for the create PUT only, never on a read (terraform-provider-elasticstack#933)
    requests_ = kibana_controls.requests()
    assert all(
        "createOnly" not in (r.get("query") or "") for r in requests_ if r["method"] == "GET"
    )
    assert any("createOnly" in (r.get("query") or "") for r in requests_ if r["method"] == "PUT")


def test_an_unchanged_role_read_back_in_shuffled_order_shows_no_diff() -> None:
    role = {
        "spaces": ["soc", "default", "ops"],
        "cases": {"security": {"access": "all", "deny": ["cases_delete", "cases_settings"]}},
        "elasticsearch": {
            "cluster": ["monitor", "manage_own_api_key", "read_ccr"],
            "indices": [
                {"names": ["logs-*", "metrics-*", "traces-*"], "privileges": ["read", "monitor"]}
            ],
        },
    }
    with Sandbox(controls=True, shuffle=True) as sandbox, kibana_host(sandbox) as host:
        checked, id_, outs = create(host, "shuffled", role)
        for _ in range(3):
            _, read_outs, inputs = host.read(ROLE, "shuffled", id_, outs)
            assert read_outs["body"] == outs["body"]
            assert inputs is not None and inputs["role"] == checked["role"]
            assert host.diff(ROLE, "shuffled", id_, read_outs, checked).changes is False


def test_existing_equal_role_is_adopted_and_a_different_one_refused(
    sandbox: Sandbox, kibana_controls: Controls
) -> None:
    with kibana_host(sandbox) as host:
        _, _, outs = create(host, "soc", SOC)
        host.delete(ROLE, "soc", "soc", outs)
        kibana_controls.seed_role("soc", outs["body"])  # an interrupted earlier run left it
        _, id_, adopted = create(host, "soc", SOC)
        assert id_ == "soc" and adopted["body"] == outs["body"]

        kibana_controls.seed_role("analysts", {"kibana": [{"base": ["read"], "spaces": ["*"]}]})
        taken = (
            "role analysts already exists in Kibana with other privileges (kibana); "
            "elastic-access does not overwrite it. Set adopt: true under "
            "elastic-access:roles.analysts to take it over (its privileges become the config's), "
            "or pick another name."
        )
        # Preview (a new process) refuses it at check; a create that runs anyway is one message.
        with ProviderHost(host.config, host.secret_keys) as preview:
            checked, failures = preview.check(ROLE, "analysts", {}, role_props("analysts", SOC))
            assert failures == [("role", f"roles.analysts: {taken}")]
            with pytest.raises(ProviderError) as refused:
                preview.create(ROLE, "analysts", checked)
        assert refused.value.details == taken
        assert live_role(sandbox, "analysts")["kibana"][0]["base"] == ["read"]

        create(host, "analysts", SOC, adopt=True)
        assert live_role(sandbox, "analysts")["kibana"][0]["base"] == []


def test_reserved_roles_are_never_written_or_deleted(sandbox: Sandbox) -> None:
    with kibana_host(sandbox) as host:
        checked, failures = host.check(ROLE, "superuser", {}, role_props("superuser", SOC, True))
        assert failures and "reserved" in failures[0][1]
        with pytest.raises(ProviderError) as refused:
            host.delete(ROLE, "superuser", "superuser", checked)
        assert "built-in (reserved) role" in refused.value.message
    assert live_role(sandbox, "superuser") is not None


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("PUT", {"status": 503, "count": 2}),
        ("PUT", {"status": 429, "count": 1, "retry_after": 1}),
        ("PUT", {"status": "drop", "count": 1}),
        ("GET", {"status": 502, "count": 2}),
        ("GET", {"status": "drop", "count": 1}),
    ],
)
def test_faults_during_create_and_read_are_survived(
    sandbox: Sandbox, kibana_controls: Controls, method: str, fault: dict[str, Any]
) -> None:
    with kibana_host(sandbox) as host:
        checked, _ = host.check(ROLE, "soc", {}, role_props("soc", SOC))
        kibana_controls.fault(r"^/api/security/role", method, **fault)
        id_, outs = host.create(ROLE, "soc", checked)
        _, read_outs, _ = host.read(ROLE, "soc", id_, outs)
    assert read_outs["body"] == outs["body"]
    assert live_role(sandbox, "soc") is not None


def test_a_wrong_key_and_a_key_without_manage_security_give_clear_errors() -> None:
    secret, reader = "s3cr3t-kibana-key", "r3ad0nly-kibana-key"
    with Sandbox(controls=True, api_key=secret, readonly_api_key=reader) as sandbox:
        with kibana_host(sandbox, key="wr0ng-kibana-key") as host:
            _, failures = host.check(ROLE, "soc", {}, role_props("soc", SOC))
        ((_, denied),) = failures
        assert denied.startswith("kibana: Kibana GET /api/status returned 401 Unauthorized")
        assert "Check the API key" in denied and "wr0ng-kibana-key" not in denied

        with kibana_host(sandbox, key=reader) as host:
            checked, failures = host.check(ROLE, "soc", {}, role_props("soc", SOC))
            assert failures == []
            with pytest.raises(ProviderError) as forbidden:
                host.create(ROLE, "soc", checked)
        assert "403" in forbidden.value.details and "manage_security" in forbidden.value.details
        assert reader not in forbidden.value.details


def test_a_failed_check_makes_no_write(sandbox: Sandbox, kibana_controls: Controls) -> None:
    bad = {"cases": {"security": {"access": "read", "allow": ["cases_assing"]}}}
    unknown = {"kibana": [{"spaces": ["default"], "feature": {"discover_v9": ["read"]}}]}
    with kibana_host(sandbox) as host:
        _, failures = host.check(ROLE, "bad", {}, role_props("bad", bad))
        _, unknown_failures = host.check(ROLE, "unknown", {}, role_props("unknown", unknown))
    assert "cases_assign" in failures[0][1]
    assert "discover_v9" in unknown_failures[0][1] and "discover_v2" in unknown_failures[0][1]
    assert writes(kibana_controls) == []


def test_sub_feature_privileges_below_gold_are_refused_at_check() -> None:
    role = {"cases": {"security": {"access": "read", "allow": ["create_comment"]}}}
    with Sandbox(controls=True, license="basic") as sandbox, kibana_host(sandbox) as host:
        _, failures = host.check(ROLE, "triage", {}, role_props("triage", role))
        assert failures and "license" in failures[0][1]
        assert writes(Controls(sandbox.kibana_url)) == []


@pytest.mark.parametrize(
    ("profile", "feature"),
    [
        ("8.16.0", "securitySolutionCases"),
        ("8.17.0", "securitySolutionCasesV2"),
        ("9.1.0", "securitySolutionCasesV3"),
        ("serverless-security", "securitySolutionCasesV3"),
    ],
)
def test_each_profile_gets_its_cases_feature(profile: str, feature: str) -> None:
    with Sandbox(controls=True, profile=profile) as sandbox, kibana_host(sandbox) as host:
        create(host, "soc", {"spaces": ["default"], "cases": {"security": "all"}})
        assert live_role(sandbox, "soc")["kibana"][0]["feature"] == {feature: ["all"]}


def test_stack_cases_are_refused_on_serverless() -> None:
    role = {"cases": {"stack": "all"}}
    with Sandbox(controls=True, profile="serverless-security") as sandbox:
        with kibana_host(sandbox) as host:
            _, failures = host.check(ROLE, "stack", {}, role_props("stack", role))
        assert failures and "serverless" in failures[0][1]


def test_the_config_naming_another_version_than_the_live_kibana_is_refused(
    sandbox: Sandbox,
) -> None:
    with kibana_host(sandbox, version="8.17.0") as host:
        _, failures = host.check(ROLE, "soc", {}, role_props("soc", SOC))
    assert any("kibana.version is 8.17.0" in reason for _, reason in failures)


def test_one_list_request_serves_every_read(sandbox: Sandbox, kibana_controls: Controls) -> None:
    names = [f"role-{i}" for i in range(8)]
    with kibana_host(sandbox) as host:
        created = {name: create(host, name, SOC)[2] for name in names}
    before = count(kibana_controls, "GET", "/api/security/role")
    with kibana_host(sandbox) as host:
        for name in names:
            assert host.read(ROLE, name, name, created[name])[0] == name
    assert count(kibana_controls, "GET", "/api/security/role") - before == 1


def test_no_credential_in_the_provider_blob_outputs_or_errors() -> None:
    secret = "s3cr3t-kibana-key"
    with Sandbox(controls=True, api_key=secret) as sandbox, kibana_host(sandbox, key=secret) as h:
        checked, _, outs = create(h, "soc", SOC)
        _, read_outs, inputs = h.read(ROLE, "soc", "soc", outs)
        with pytest.raises(ProviderError) as failed:
            h.create(ROLE, "soc", {**checked, "role": {"cases": {"stack": "all"}}})
    everything = json.dumps([checked, outs, read_outs, inputs, failed.value.details])
    assert secret not in everything
    assert secret not in provider_blob(host_provider())


def host_provider() -> Any:
    from components.providers.kibana_role import KibanaRoleProvider

    return KibanaRoleProvider()


def test_a_value_unknown_at_preview_is_checked_later_not_refused(sandbox: Sandbox) -> None:
    from pulumi.runtime.rpc import UNKNOWN

    pending = role_props("soc", {"spaces": [UNKNOWN], "cases": {"security": "all"}})
    with kibana_host(sandbox) as host:
        _, failures = host.check(ROLE, "soc", {}, pending)
    assert failures == []


def test_basic_credentials_from_the_environment_work_too(sandbox: Sandbox) -> None:
    host = ProviderHost(
        {"kibana": {"url": sandbox.kibana_url}},
        env={"KIBANA_USERNAME": "elastic", "KIBANA_PASSWORD": "sandbox"},
    )
    with host:
        _, id_, outs = create(host, "soc", SOC)
    assert id_ == "soc" and "sandbox" not in json.dumps(outs)


@pytest.mark.parametrize("profile", ["8.16.0", "9.1.0", "serverless-security"])
def test_terraform_acceptance_steps_replayed_leave_no_diff(profile: str) -> None:
    """create -> update -> description -> unset -> remote_indices, as the elasticstack provider's
    acceptance test does; after each step a read shows the role unchanged."""
    base = {
        "cases": {"security": "read"},
        "elasticsearch": {
            "cluster": ["monitor"],
            "indices": [{"names": ["logs-*"], "privileges": ["read"]}],
        },
    }
    steps = [
        base,
        {**base, "connectors": "read"},
        {**base, "connectors": "read", "description": "SOC readers"},
        base,
    ]
    if not profile.startswith("serverless"):
        remote = {"clusters": ["other"], "names": ["logs-*"], "privileges": ["read"]}
        steps.append(
            {**base, "elasticsearch": {**base["elasticsearch"], "remote_indices": [remote]}}
        )
    with Sandbox(controls=True, profile=profile) as sandbox, kibana_host(sandbox) as host:
        checked, id_, outs = create(host, "tf", steps[0])
        for step in steps[1:]:
            news, failures = host.check(ROLE, "tf", checked, role_props("tf", step))
            assert failures == []
            assert host.diff(ROLE, "tf", id_, outs, news).changes is True
            outs = host.update(ROLE, "tf", id_, outs, news)
            _, read_outs, inputs = host.read(ROLE, "tf", id_, outs)
            assert read_outs["body"] == outs["body"]
            assert inputs is not None and inputs["role"] == news["role"]
            assert host.diff(ROLE, "tf", id_, read_outs, news).changes is False
            checked = news
        live = live_role(sandbox, "tf")
    assert "description" not in live or steps[-1].get("description")
