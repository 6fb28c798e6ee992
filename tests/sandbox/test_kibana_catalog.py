"""Status, privileges, features and spaces per profile and license."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import Api, kibana_api

INTERNAL = "x-elastic-internal-origin"

CASES_SUBS = {"cases_delete", "cases_settings", "create_comment", "case_reopen", "cases_assign"}


def _api(make_sandbox: Callable[..., Sandbox], **kwargs: object) -> Api:
    return kibana_api(make_sandbox(**kwargs))


@pytest.mark.parametrize(
    ("profile", "number", "flavor"),
    [
        ("9.1.0", "9.1.0", "traditional"),
        ("8.16.0", "8.16.0", "traditional"),
        ("serverless-security", None, "serverless"),
    ],
)
def test_status(
    make_sandbox: Callable[..., Sandbox], profile: str, number: str | None, flavor: str
) -> None:
    body = _api(make_sandbox, profile=profile)("GET", "/api/status").json()
    assert body["version"]["build_flavor"] == flavor
    assert body["status"]["overall"]["level"] == "available"
    if number:
        assert body["version"]["number"] == number


def test_unknown_profile_or_license_is_refused() -> None:
    with pytest.raises(ValueError):
        Sandbox(profile="serverless-unknown")
    with pytest.raises(ValueError):
        Sandbox(profile="nine")
    with pytest.raises(ValueError):
        Sandbox(license="diamond")


def test_privileges_9_1_has_every_cases_generation(kibana: Api) -> None:
    body = kibana("GET", "/api/security/privileges").json()
    assert body["global"] == ["all", "read"]
    assert body["space"] == ["all", "read"]
    assert "ml_user" in body["reserved"]
    features = body["features"]
    for fid in ("generalCases", "generalCasesV2", "generalCasesV3", "securitySolutionCasesV3"):
        assert fid in features
    assert (
        set(features["generalCasesV3"])
        == {"all", "read", "minimal_all", "minimal_read"} | CASES_SUBS
    )
    assert set(features["generalCases"]) == {
        "all",
        "read",
        "minimal_all",
        "minimal_read",
        "cases_delete",
        "cases_settings",
    }
    assert "endpoint_security_execute" in features["actions"]


def test_privileges_8_16_has_v1_cases_only(make_sandbox: Callable[..., Sandbox]) -> None:
    features = _api(make_sandbox, profile="8.16.0")("GET", "/api/security/privileges").json()[
        "features"
    ]
    assert "generalCases" in features
    assert "generalCasesV2" not in features and "generalCasesV3" not in features
    assert "endpoint_security_execute" not in features["actions"]


def test_privileges_serverless_has_no_general_cases(make_sandbox: Callable[..., Sandbox]) -> None:
    obs = _api(make_sandbox, profile="serverless-observability")(
        "GET", "/api/security/privileges"
    ).json()
    assert not [f for f in obs["features"] if f.startswith("generalCases")]
    assert "observabilityCasesV3" in obs["features"]
    assert "securitySolutionCasesV3" not in obs["features"]
    sec = _api(make_sandbox, profile="serverless-security")(
        "GET", "/api/security/privileges"
    ).json()
    assert "securitySolutionCasesV3" in sec["features"]
    assert "observabilityCasesV3" not in sec["features"]


def test_basic_license_hides_sub_feature_privileges(make_sandbox: Callable[..., Sandbox]) -> None:
    api = _api(make_sandbox, license="basic")
    gated = api("GET", "/api/security/privileges").json()["features"]["generalCasesV3"]
    assert gated == ["all", "read", "minimal_all", "minimal_read"]
    full = api("GET", "/api/security/privileges?respectLicenseLevel=false").json()["features"][
        "generalCasesV3"
    ]
    assert set(full) >= CASES_SUBS
    gold = _api(make_sandbox, license="gold")("GET", "/api/security/privileges").json()
    assert set(gold["features"]["generalCasesV3"]) >= CASES_SUBS


def test_features_omit_deprecated(kibana: Api) -> None:
    features = {f["id"]: f for f in kibana("GET", "/api/features").json()}
    assert "generalCasesV3" in features
    assert "generalCases" not in features and "generalCasesV2" not in features
    cases = features["generalCasesV3"]
    assert set(cases["privileges"]) == {"all", "read"}
    ids = {
        p["id"] for s in cases["subFeatures"] for g in s["privilegeGroups"] for p in g["privileges"]
    }
    assert ids == CASES_SUBS


def test_features_8_16_lists_v1(make_sandbox: Callable[..., Sandbox]) -> None:
    ids = {f["id"] for f in _api(make_sandbox, profile="8.16.0")("GET", "/api/features").json()}
    assert "generalCases" in ids and "securitySolutionCases" in ids
    assert "generalCasesV3" not in ids


def test_features_basic_license_has_no_sub_features(make_sandbox: Callable[..., Sandbox]) -> None:
    api = _api(make_sandbox, license="basic")
    cases = next(f for f in api("GET", "/api/features").json() if f["id"] == "generalCasesV3")
    assert cases["subFeatures"] == []
    cases = next(
        f
        for f in api("GET", "/api/features?ignoreValidLicenses=true").json()
        if f["id"] == "generalCasesV3"
    )
    assert cases["subFeatures"]


def test_spaces(kibana: Api, sandbox: Sandbox) -> None:
    assert [s["id"] for s in kibana("GET", "/api/spaces/space").json()] == ["default"]
    Controls(sandbox.kibana_url).seed_space("soc", "SOC")
    spaces = kibana("GET", "/api/spaces/space").json()
    assert [s["id"] for s in spaces] == ["default", "soc"]
    assert spaces[1]["name"] == "SOC"


def test_unknown_route_is_404(kibana: Api) -> None:
    response = kibana("GET", "/api/nothing")
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


@pytest.mark.parametrize(
    ("profile", "present", "absent"),
    [
        ("8.16.0", {"generalCases", "siem"}, {"generalCasesV2", "siemV2", "discover_v2"}),
        ("8.17.0", {"generalCasesV2", "entityManager"}, {"generalCasesV3", "siemV2"}),
        ("9.0.0", {"generalCasesV3", "siemV2", "discover_v2"}, {"siemV3"}),
        ("9.3.0", {"siemV5", "securitySolutionRulesV1"}, {"aiAssistantManagementSelection"}),
        ("9.4.0", {"securitySolutionRulesV2", "securitySolutionAlertsV1"}, {"onechat"}),
        ("9.9.0", {"siemV5"}, set()),
    ],
)
def test_each_release_registers_its_own_features(
    make_sandbox: Callable[..., Sandbox], profile: str, present: set[str], absent: set[str]
) -> None:
    features = _api(make_sandbox, profile=profile)("GET", "/api/security/privileges").json()
    assert present <= set(features["features"])
    assert not absent & set(features["features"])


def test_report_privileges_need_platinum(make_sandbox: Callable[..., Sandbox]) -> None:
    gold = _api(make_sandbox, license="gold")("GET", "/api/security/privileges").json()["features"]
    assert "url_create" in gold["dashboard_v2"] and "generate_report" not in gold["dashboard_v2"]
    assert "generate_report" in gold["discover_v2"]
    graph = {f["id"] for f in _api(make_sandbox, license="gold")("GET", "/api/features").json()}
    assert "graph" not in graph


def test_stats_answers_the_cluster_uuid(make_sandbox: Callable[..., Sandbox]) -> None:
    first = _api(make_sandbox)
    uuid = first("GET", "/api/stats?extended=true&exclude_usage=true").json()["cluster_uuid"]
    assert len(uuid) == 22
    assert first("GET", "/api/stats?extended=true&legacy=true").json()["clusterUuid"] == uuid
    assert "cluster_uuid" not in first("GET", "/api/stats").json()
    other = _api(make_sandbox)("GET", "/api/stats?extended=true").json()["cluster_uuid"]
    assert other != uuid
    bad = first("GET", "/api/stats?extended=yes")
    assert bad.status_code == 400 and "[request query.extended]" in bad.json()["message"]


def test_two_sandboxes_can_share_one_cluster(make_sandbox: Callable[..., Sandbox]) -> None:
    a = make_sandbox(cluster_uuid="11111111-2222-4333-8444-555555555555")
    b = make_sandbox(cluster_uuid="11111111-2222-4333-8444-555555555555")
    for sandbox in (a, b):
        stats = kibana_api(sandbox)("GET", "/api/stats?extended=true").json()
        assert stats["cluster_uuid"] == "11111111-2222-4333-8444-555555555555"
    Controls(a.kibana_url).set_cluster_uuid("99999999-2222-4333-8444-555555555555")
    moved = kibana_api(a)("GET", "/api/stats?extended=true").json()["cluster_uuid"]
    assert moved == "99999999-2222-4333-8444-555555555555"


def test_builtin_es_privileges_per_release(make_sandbox: Callable[..., Sandbox]) -> None:
    path = "/internal/security/esPrivileges/builtin"
    old = _api(make_sandbox, profile="8.16.0")("GET", path, headers={INTERNAL: "Kibana"}).json()
    assert set(old) == {"cluster", "index", "remote_cluster"}
    assert "none" not in old["cluster"] and "none" not in old["index"]
    assert "read_failure_store" not in old["index"] and old["remote_cluster"] == ["monitor_enrich"]
    new = _api(make_sandbox, profile="9.1.0")("GET", path, headers={INTERNAL: "Kibana"}).json()
    assert {"read_failure_store", "manage_failure_store"} <= set(new["index"])
    assert "monitor_esql" in new["cluster"]


def test_serverless_refuses_internal_routes_without_the_internal_origin(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    api = _api(make_sandbox, profile="serverless-security")
    path = "/internal/security/esPrivileges/builtin"
    refused = api("GET", path)
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        f"uri [{path}] with method [get] exists but is not available with the current configuration"
    )
    allowed = api("GET", path, headers={INTERNAL: "Kibana"})
    assert allowed.status_code == 200 and "create_snapshot" not in allowed.json()["cluster"]
    stateful = _api(make_sandbox, profile="9.1.0")("GET", path)
    assert stateful.status_code == 200


@pytest.mark.parametrize(
    ("profile", "elasticsearch", "refused"),
    [
        (
            "9.1.0",
            {"indices": [{"names": ["logs-*"], "privileges": ["auto_create"]}]},
            "index privilege [auto_create]",
        ),
        ("9.1.0", {"cluster": ["manage_everything"]}, "cluster privilege [manage_everything]"),
        (
            "9.0.0",
            {"indices": [{"names": ["l"], "privileges": ["read_failure_store"]}]},
            "index privilege [read_failure_store]",
        ),
        (
            "8.17.0",
            {"remote_cluster": [{"clusters": ["c"], "privileges": ["monitor_stats"]}]},
            "[monitor_stats]",
        ),
        ("serverless-security", {"cluster": ["manage_ilm"]}, "cluster privilege [manage_ilm]"),
    ],
)
def test_elasticsearch_refuses_names_its_release_does_not_know(
    make_sandbox: Callable[..., Sandbox],
    profile: str,
    elasticsearch: dict[str, object],
    refused: str,
) -> None:
    api = _api(make_sandbox, profile=profile)
    response = api("PUT", "/api/security/role/r", json={"elasticsearch": elasticsearch})
    assert response.status_code == 400
    assert response.json()["message"].startswith("action_request_validation_exception: ")
    assert refused in response.json()["message"]
    assert api("GET", "/api/security/role/r").status_code == 404


def test_action_patterns_and_known_names_pass(make_sandbox: Callable[..., Sandbox]) -> None:
    body = {
        "elasticsearch": {
            "cluster": ["cluster:monitor/main", "MONITOR"],
            "indices": [
                {"names": ["logs-*"], "privileges": ["indices:data/read/*", "read_failure_store"]}
            ],
        }
    }
    api = _api(make_sandbox, profile="9.1.0")
    assert api("PUT", "/api/security/role/r", json=body).status_code == 204
