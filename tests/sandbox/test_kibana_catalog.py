"""Status, privileges, features and spaces per profile and license."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox.server import Sandbox
from tests.sandbox.conftest import Api, kibana_api

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
    from sandbox.controls import Controls

    assert [s["id"] for s in kibana("GET", "/api/spaces/space").json()] == ["default"]
    Controls(sandbox.kibana_url).seed_space("soc", "SOC")
    spaces = kibana("GET", "/api/spaces/space").json()
    assert [s["id"] for s in spaces] == ["default", "soc"]
    assert spaces[1]["name"] == "SOC"


def test_unknown_route_is_404(kibana: Api) -> None:
    response = kibana("GET", "/api/nothing")
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"
