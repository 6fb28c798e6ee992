"""The spaces API as Kibana's spaces plugin answers it (reference/kibana-roles.md section 11.3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import Api, kibana_api

SOC = {"id": "soc", "name": "SOC", "description": "Security operations", "initials": "SO"}


def test_a_new_kibana_has_only_the_default_space(kibana: Api) -> None:
    assert kibana("GET", "/api/spaces/space").json() == [
        {
            "id": "default",
            "name": "Default",
            "description": "This is your default space!",
            "color": "#00bfb3",
            "disabledFeatures": [],
            "_reserved": True,
        }
    ]


def test_create_read_list_update_delete(kibana: Api) -> None:
    created = kibana("POST", "/api/spaces/space", json={**SOC, "color": "#D36086"})
    assert created.status_code == 200
    assert created.json() == {**SOC, "color": "#D36086", "disabledFeatures": []}
    assert kibana("GET", "/api/spaces/space/soc").json() == created.json()
    kibana("POST", "/api/spaces/space", json={"id": "analytics", "name": "Analytics"})
    names = [s["name"] for s in kibana("GET", "/api/spaces/space").json()]
    assert names == ["Analytics", "Default", "SOC"]

    updated = kibana("PUT", "/api/spaces/space/soc", json={"id": "soc", "name": "SOC team"})
    assert updated.status_code == 200
    assert updated.json() == {"id": "soc", "name": "SOC team", "disabledFeatures": []}
    # Kibana's update merges: what the body leaves out keeps its stored value.
    kept = kibana("GET", "/api/spaces/space/soc").json()
    assert kept == {**SOC, "name": "SOC team", "color": "#D36086", "disabledFeatures": []}

    assert kibana("DELETE", "/api/spaces/space/soc").status_code == 204
    missing = kibana("GET", "/api/spaces/space/soc")
    assert (missing.status_code, missing.json()["message"]) == (404, "Not Found")
    assert kibana("DELETE", "/api/spaces/space/soc").status_code == 404
    assert kibana("PUT", "/api/spaces/space/soc", json=SOC).status_code == 404


def test_an_existing_id_is_a_conflict(kibana: Api) -> None:
    assert kibana("POST", "/api/spaces/space", json=SOC).status_code == 200
    again = kibana("POST", "/api/spaces/space", json={**SOC, "name": "Other"})
    assert again.status_code == 409
    assert again.json()["message"] == "A space with the identifier soc already exists."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x"}, "[request body.id]: expected value of type [string] but got [undefined]"),
        (
            {"id": "SOC", "name": "x"},
            "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed",
        ),
        ({"id": "soc"}, "[request body.name]: expected value of type [string] but got [undefined]"),
        (
            {"id": "soc", "name": ""},
            "[request body.name]: value has length [0] but it must have a minimum length of [1].",
        ),
        (
            {**SOC, "initials": "SOC"},
            "[request body.initials]: value has length [3] but it must have a maximum length of [2].",
        ),
        (
            {**SOC, "color": "red"},
            "[request body.color]: must be a 6 digit hex color, starting with a #",
        ),
        (
            {**SOC, "imageUrl": "http://x/y.png"},
            "[request body.imageUrl]: must start with 'data:image'",
        ),
        (
            {**SOC, "disabledFeatures": "ml"},
            "[request body.disabledFeatures]: could not parse array value from json input",
        ),
        (
            {**SOC, "disabledFeatures": ["ml", 1]},
            "[request body.disabledFeatures.1]: expected value of type [string] but got [number]",
        ),
        (
            {**SOC, "solution": "siem"},
            "[request body.solution]: types that failed validation:\n"
            "- [request body.solution.0]: expected value to equal [es]\n"
            "- [request body.solution.1]: expected value to equal [oblt]\n"
            "- [request body.solution.2]: expected value to equal [security]\n"
            "- [request body.solution.3]: expected value to equal [classic]",
        ),
        ({**SOC, "owner": "me"}, "[request body.owner]: definition for this key is missing"),
        (["soc"], "[request body]: expected a plain object value, but found [Array] instead."),
    ],
)
def test_invalid_bodies_get_kibanas_messages(kibana: Api, body: object, message: str) -> None:
    response = kibana("POST", "/api/spaces/space", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert [s["id"] for s in kibana("GET", "/api/spaces/space").json()] == ["default"]


@pytest.mark.parametrize("profile", ["8.15.0", "serverless-security"])
def test_solution_is_unknown_before_8_16_and_on_serverless(
    make_sandbox: Callable[..., Sandbox], profile: str
) -> None:
    response = kibana_api(make_sandbox(profile=profile))(
        "POST", "/api/spaces/space", json={**SOC, "solution": "security"}
    )
    assert response.status_code == 400
    assert (
        response.json()["message"] == "[request body.solution]: definition for this key is missing"
    )


def test_a_solution_space_reads_back_the_features_its_solution_turns_off(kibana: Api) -> None:
    body = {**SOC, "solution": "security", "disabledFeatures": ["ml"]}
    space = kibana("POST", "/api/spaces/space", json=body).json()
    assert space["solution"] == "security"
    assert "ml" not in space["disabledFeatures"]
    assert {"apm", "observabilityCasesV3", "searchPlayground"} <= set(space["disabledFeatures"])
    assert not {"securitySolutionCasesV3", "siemV3"} & set(space["disabledFeatures"])
    classic = kibana("PUT", "/api/spaces/space/soc", json={**body, "solution": "classic"}).json()
    assert classic["disabledFeatures"] == ["ml"]


def test_unknown_and_deprecated_feature_ids_are_stored_as_kibana_does(kibana: Api) -> None:
    body = {**SOC, "disabledFeatures": ["noSuchFeature", "discover", "generalCases"]}
    space = kibana("POST", "/api/spaces/space", json=body).json()
    assert space["disabledFeatures"] == ["noSuchFeature", "discover_v2", "generalCasesV3"]


def test_serverless_spaces_have_no_disabled_features_and_at_most_100(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    kibana = kibana_api(make_sandbox(profile="serverless-observability"))
    refused = kibana("POST", "/api/spaces/space", json={**SOC, "disabledFeatures": ["ml"]})
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "Unable to create Space, the disabledFeatures array must be empty when "
        "xpack.spaces.allowFeatureVisibility setting is disabled"
    )
    for i in range(99):
        assert kibana("POST", "/api/spaces/space", json={"id": f"s{i}", "name": f"S{i}"}).ok
    over = kibana("POST", "/api/spaces/space", json={"id": "one-more", "name": "One more"})
    assert over.status_code == 400
    assert "xpack.spaces.maxSpaces" in over.json()["message"]


def test_default_cannot_be_deleted_but_can_be_renamed(kibana: Api) -> None:
    refused = kibana("DELETE", "/api/spaces/space/default")
    assert refused.status_code == 400
    assert (
        refused.json()["message"] == "The default space cannot be deleted because it is reserved."
    )
    renamed = kibana("PUT", "/api/spaces/space/default", json={"id": "default", "name": "Home"})
    assert renamed.json() == {
        "id": "default",
        "name": "Home",
        "disabledFeatures": [],
        "_reserved": True,
    }


def test_deleting_a_space_drops_what_it_holds_but_roles_naming_it_stay(
    kibana: Api, controls: Controls
) -> None:
    kibana("POST", "/api/spaces/space", json=SOC)
    controls.seed_saved_object("soc", "case-1")
    controls.seed_saved_object("default", "case-2")
    role = {"kibana": [{"spaces": ["soc", "gone"], "feature": {"generalCasesV3": ["all"]}}]}
    assert kibana("PUT", "/api/security/role/soc-cases", json=role).status_code == 204
    assert kibana("DELETE", "/api/spaces/space/soc").status_code == 204
    assert controls.state()["saved_objects"] == {"default": [{"type": "cases", "id": "case-2"}]}
    kept = kibana("GET", "/api/security/role/soc-cases").json()["kibana"][0]["spaces"]
    assert kept == ["soc", "gone"]


def test_writes_need_kbn_xsrf(sandbox: Sandbox) -> None:
    bare = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox"})
    response = bare("POST", "/api/spaces/space", json=SOC)
    assert response.status_code == 400
    assert response.json()["message"] == "Request must contain a kbn-xsrf header."


def test_spaces_are_kept_in_the_state_file(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    first = make_sandbox(state_file=state)
    kibana_api(first)("POST", "/api/spaces/space", json=SOC)
    first.stop()
    again = kibana_api(make_sandbox(state_file=state))
    assert [s["id"] for s in again("GET", "/api/spaces/space").json()] == ["default", "soc"]
