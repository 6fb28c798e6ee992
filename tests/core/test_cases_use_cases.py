"""The five Cases use cases of the docs x three solutions x five Kibana targets.

Expected ids are written out by hand from ../shared/reference/kibana-roles.md sections 2-5, not
computed with the catalog, so that a wrong catalog row fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.core.problems import errors
from components.core.roles.expand import render
from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.versions import KibanaTarget

TARGETS = {
    "8.16": KibanaTarget.of("8.16.0"),
    "8.17": KibanaTarget.of("8.17.2"),
    "8.18": KibanaTarget.of("8.18.0"),
    "9.1": KibanaTarget.of("9.1.0"),
    "serverless": None,  # the project type of the solution, below
}
SERVERLESS_PROJECT = {"security": "security", "observability": "observability", "stack": None}

CASES_ID = {
    "stack": {"8.16": "generalCases", "8.17": "generalCasesV2", "8.18": "generalCasesV3",
              "9.1": "generalCasesV3", "serverless": None},
    "observability": {"8.16": "observabilityCases", "8.17": "observabilityCasesV2",
                      "8.18": "observabilityCasesV3", "9.1": "observabilityCasesV3",
                      "serverless": "observabilityCasesV3"},
    "security": {"8.16": "securitySolutionCases", "8.17": "securitySolutionCasesV2",
                 "8.18": "securitySolutionCasesV3", "9.1": "securitySolutionCasesV3",
                 "serverless": "securitySolutionCasesV3"},
}  # fmt: skip
OBS_ALERTS = ["apm", "infrastructure", "logs", "slo", "uptime"]
ALERT_IDS = {
    "stack": {"8.16": ["stackAlerts"], "8.17": ["stackAlerts"], "8.18": ["stackAlerts"],
              "9.1": ["stackAlerts"], "serverless": None},
    "observability": {"8.16": OBS_ALERTS, "8.17": OBS_ALERTS, "8.18": OBS_ALERTS,
                      "9.1": OBS_ALERTS, "serverless": ["observabilityAlerts"]},
    "security": {"8.16": ["siem"], "8.17": ["siem"], "8.18": ["siemV2"], "9.1": ["siemV3"],
                 "serverless": ["securitySolutionAlertsV1"]},
}  # fmt: skip

USE_CASES: dict[str, dict[str, Any]] = {
    "full access": {"cases": "all", "connectors": "all"},
    "assignee": {"cases": "all"},
    "view-only": {"cases": "read"},
    "add alerts": {"cases": "all", "alerts": "read"},
    "revoke": {"cases": "none"},
}


def _target(version: str, solution: str) -> KibanaTarget:
    chosen = TARGETS[version]
    if chosen is not None:
        return chosen
    return KibanaTarget.of(None, "serverless", SERVERLESS_PROJECT[solution] or "elasticsearch")


def _spec(use_case: str, solution: str) -> RoleSpec:
    shape = USE_CASES[use_case]
    raw: dict[str, Any] = {"spaces": ["soc"], "cases": {solution: shape["cases"]}}
    if "connectors" in shape:
        raw["connectors"] = shape["connectors"]
    if "alerts" in shape:
        raw["alerts"] = {solution: shape["alerts"]}
    return RoleSpec.model_validate(raw)


def _expected(use_case: str, solution: str, version: str) -> dict[str, list[str]]:
    shape = USE_CASES[use_case]
    features: dict[str, list[str]] = {}
    if shape["cases"] != "none":
        features[CASES_ID[solution][version]] = [shape["cases"]]
    if "connectors" in shape:
        features["actions"] = ["all"]
    if "alerts" in shape:
        features.update({f: ["read"] for f in ALERT_IDS[solution][version] or []})
    return features


CASES = [
    (use_case, solution, version)
    for use_case in USE_CASES
    for solution in ("stack", "observability", "security")
    for version in TARGETS
]


@pytest.mark.parametrize(("use_case", "solution", "version"), CASES)
def test_use_case_grants_the_generation_s_feature_ids(
    use_case: str, solution: str, version: str
) -> None:
    target = _target(version, solution)
    spec = _spec(use_case, solution)
    problems = errors(validate_role("r", spec, target))
    if CASES_ID[solution][version] is None and use_case != "revoke":
        assert [p.path for p in problems] == [f"roles.r.cases.{solution}"]
        assert "Stack Management cases do not exist on serverless" in problems[0].message
        return
    assert problems == []
    body = render(spec, target)
    granted = {f: p for e in body["kibana"] for f, p in e["feature"].items()}
    assert granted == _expected(use_case, solution, version)
    if body["kibana"]:
        assert [e["spaces"] for e in body["kibana"]] == [["soc"]]


@pytest.mark.parametrize("version", ["8.16", "8.17", "8.18", "9.1"])
def test_security_alerts_add_the_alert_index_privileges_of_the_spaces(version: str) -> None:
    body = render(_spec("add alerts", "security"), TARGETS[version])
    assert body["elasticsearch"]["indices"] == [
        {
            "allow_restricted_indices": False,
            "names": [
                ".alerts-security.alerts-soc",
                ".internal.alerts-security.alerts-soc-*",
                ".items-soc",
                ".lists-soc",
                ".siem-signals-soc",
            ],
            "privileges": ["read", "view_index_metadata"],
        }
    ]


def test_revoke_grants_no_kibana_privilege() -> None:
    body = render(_spec("revoke", "security"), TARGETS["9.1"])
    assert body["kibana"] == []
    assert body["elasticsearch"]["indices"] == []
