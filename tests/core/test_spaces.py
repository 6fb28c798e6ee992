"""Kibana spaces in the core: the config's rules and messages, the POST and PUT bodies, the
comparable form (no perpetual difference), and config -> body -> config round trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from components.core.problems import InvalidConfig, errors
from components.core.spaces.expand import create_body, update_body
from components.core.spaces.flatten import differences, flatten, normalise
from components.core.spaces.spec import SpaceSpec
from components.core.spaces.validation import live_space_problems, validate_space
from components.core.stack import parse_config, render_stack, validate_stack
from components.core.versions import KibanaTarget

NEWEST = KibanaTarget.of("9.1.0")
SOC = {
    "name": "SOC",
    "description": "Security operations",
    "solution": "security",
    "initials": "SO",
    "color": "#D36086",
}


def messages(space_id: str, config: dict[str, Any], target: KibanaTarget = NEWEST) -> list[str]:
    return [str(p) for p in validate_space(space_id, SpaceSpec.model_validate(config), target)]


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("space_id", "config", "target", "expected"),
    [
        (
            "SOC",
            {"name": "SOC"},
            NEWEST,
            "spaces.SOC: space id 'SOC' must be lower case, a-z, 0-9, '_', and '-' are allowed",
        ),
        (
            "soc",
            {"name": "SOC", "initials": "SOC"},
            NEWEST,
            "spaces.soc.initials: is 1 or 2 characters (got 'SOC'); leave it out to let Kibana "
            "take them from the name",
        ),
        (
            "soc",
            {"name": "SOC", "color": "red"},
            NEWEST,
            "spaces.soc.color: must be a 6 digit hex color, starting with a # (got 'red'), such "
            'as "#D36086"',
        ),
        (
            "soc",
            {"name": "SOC", "imageUrl": "https://example.com/a.png"},
            NEWEST,
            "spaces.soc.imageUrl: must start with 'data:image' (a data URL)",
        ),
        (
            "soc",
            {"name": " SOC "},
            NEWEST,
            "spaces.soc.name: ' SOC ' starts or ends with white space, which Kibana trims: write "
            "'SOC'",
        ),
        (
            "soc",
            {"name": "SOC", "solution": "security"},
            KibanaTarget.of("8.15.0"),
            "spaces.soc.solution: solution views need Kibana 8.16 or later; Kibana 8.15.0 has "
            "none: remove solution",
        ),
        (
            "soc",
            {"name": "SOC", "solution": "security"},
            KibanaTarget.of(flavor="serverless", project="security"),
            "spaces.soc.solution: Kibana serverless (security project) has no solution views "
            "(Kibana: solution property is forbidden in serverless); remove solution",
        ),
        (
            "soc",
            {"name": "SOC", "disabledFeatures": ["ml"]},
            KibanaTarget.of(flavor="serverless", project="security"),
            "spaces.soc.disabledFeatures: must stay empty on Kibana serverless (security "
            "project): feature visibility is off there (Kibana: the disabledFeatures array must "
            "be empty when xpack.spaces.allowFeatureVisibility setting is disabled)",
        ),
        (
            "soc",
            {"name": "SOC", "disabledFeatures": ["discover_v2"]},
            KibanaTarget.of("8.16.0"),
            "spaces.soc.disabledFeatures[0]: feature discover_v2 does not exist in Kibana 8.16.0 "
            "(added in 8.18); use discover",
        ),
        (
            "soc",
            {"name": "SOC", "disabledFeatures": ["discover"]},
            NEWEST,
            "spaces.soc.disabledFeatures[0]: feature discover is deprecated in Kibana 9.1.0 and "
            "Kibana reads it back as its replacement, so the space would always differ from its "
            "config: write discover_v2",
        ),
        (
            "default",
            {"name": "Default", "allowDelete": True},
            NEWEST,
            "spaces.default.allowDelete: the default space can never be deleted (Kibana: The "
            "default space cannot be deleted because it is reserved.); remove allowDelete",
        ),
    ],
)
def test_an_invalid_space_is_refused_with_a_message_naming_the_field(
    space_id: str, config: dict[str, Any], target: KibanaTarget, expected: str
) -> None:
    assert messages(space_id, config, target) == [expected]


def test_warnings_for_what_kibana_would_ignore_and_ids_the_catalog_does_not_know() -> None:
    assert messages("soc", {"name": "SOC", "solution": "oblt", "disabledFeatures": ["mll"]}) == [
        "warning: spaces.soc.disabledFeatures: is ignored while solution is oblt: Kibana shows "
        "the features of the solution view (and reads back its list); set solution: classic to "
        "choose features",
        "warning: spaces.soc.disabledFeatures[0]: feature 'mll' is not in the offline catalog "
        "(did you mean ml?); preview against the live Kibana 9.1.0 decides (Kibana stores any id "
        "and hides nothing for an unknown one)",
    ]


def test_the_contract_example_and_a_plain_space_are_valid() -> None:
    assert messages("soc", {**SOC, "solution": "classic", "disabledFeatures": ["ml"]}) == []
    assert messages("soc", SOC) == []
    assert messages("default", {"name": "Default"}, KibanaTarget.of("8.0.0")) == []


def test_the_live_features_list_decides_ids_the_catalog_cannot() -> None:
    spec = SpaceSpec.model_validate({"name": "SOC", "disabledFeatures": ["ml", "dashbaord_v2"]})
    found = live_space_problems("soc", spec, {"ml", "dashboard_v2"}, "http://kb:5601")
    assert [str(p) for p in found] == [
        "spaces.soc.disabledFeatures[1]: feature 'dashbaord_v2' does not exist in the Kibana at "
        "http://kb:5601; did you mean dashboard_v2?"
    ]


@pytest.mark.parametrize(
    ("spaces", "expected"),
    [
        ({"soc": {}}, "spaces.soc.name: is required"),
        (
            {"soc": {"name": "SOC", "colour": "#D36086"}},
            "spaces.soc.colour: unknown field (did you mean color?); allowed: name, description, color, initials, "
            "imageUrl, disabledFeatures, solution, allowDelete, adopt",
        ),
        (
            {"soc": {"name": "SOC", "solution": "secops"}},
            "spaces.soc.solution: 'secops' is not allowed; allowed: es, oblt, security, classic",
        ),
    ],
)
def test_shape_errors_name_the_field(spaces: dict[str, Any], expected: str) -> None:
    with pytest.raises(InvalidConfig) as caught:
        parse_config({"spaces": spaces})
    assert str(caught.value) == expected


def test_validate_and_render_of_a_stack_include_its_spaces() -> None:
    config = parse_config(
        {"spaces": {"soc": SOC, "lab": {"name": "Lab", "color": "nope"}}, "roles": {}}
    )
    assert [str(p) for p in validate_stack(config, NEWEST)] == [
        "spaces.lab.color: must be a 6 digit hex color, starting with a # (got 'nope'), such as \"#D36086\""
    ]
    rendered = render_stack(config, NEWEST)
    assert rendered["spaces"]["soc"] == {
        "id": "soc",
        "name": "SOC",
        "description": "Security operations",
        "color": "#D36086",
        "initials": "SO",
        "disabledFeatures": [],
        "solution": "security",
    }
    assert set(rendered) == {"roles", "members", "spaces"}


# ---------------------------------------------------------------- bodies and comparison


def test_a_put_resets_every_field_the_config_leaves_out() -> None:
    spec = SpaceSpec.model_validate({"name": "SOC"})
    assert update_body("soc", spec, live_solution="security") == {
        "id": "soc",
        "name": "SOC",
        "description": "",
        "initials": "",
        "imageUrl": "",
        "disabledFeatures": [],
        "solution": "classic",  # Kibana keeps a solution the PUT leaves out
    }
    assert "solution" not in update_body("soc", spec, live_solution=None)
    assert "solution" not in update_body("soc", spec, live_solution="classic")


def test_a_solution_space_compares_without_the_features_its_solution_turns_off() -> None:
    desired = create_body("soc", SpaceSpec.model_validate(SOC))
    live = {**desired, "disabledFeatures": ["apm", "infrastructure", "logs"], "_reserved": False}
    assert differences(desired, live) == []
    assert differences(desired, {**live, "solution": "oblt"}) == ["solution"]


def test_what_kibana_leaves_out_or_fills_in_is_no_difference() -> None:
    plain = create_body("lab", SpaceSpec.model_validate({"name": "Lab"}))
    live = {
        "id": "lab",
        "name": "Lab",
        "description": "",
        "color": "#54B399",  # Kibana's or the UI's choice: the config sets none
        "disabledFeatures": [],
        "solution": "classic",
        "projectRouting": "_alias:_origin",
    }
    assert differences(plain, live) == []
    assert differences(plain, {**live, "description": "changed by hand"}) == ["description"]
    coloured = create_body("lab", SpaceSpec.model_validate({"name": "Lab", "color": "#D36086"}))
    assert differences(coloured, live) == ["color"]


def test_disabled_features_compare_as_a_set() -> None:
    spec = SpaceSpec.model_validate({"name": "Lab", "disabledFeatures": ["ml", "dev_tools", "ml"]})
    body = create_body("lab", spec)
    assert body["disabledFeatures"] == ["dev_tools", "ml"]
    assert differences(body, {**body, "disabledFeatures": ["ml", "dev_tools"]}) == []
    assert differences(body, {**body, "disabledFeatures": ["ml"]}) == ["disabledFeatures"]


# ---------------------------------------------------------------- round trips, no crash

texts = st.text(alphabet="abcXYZ -_.é", max_size=12)
specs = st.fixed_dictionaries(
    {"name": texts.filter(lambda t: t.strip() == t and t != "")},
    optional={
        "description": texts,
        "color": st.sampled_from(["#D36086", "#54b399", "#000000"]),
        "initials": st.text(alphabet="ABé", min_size=1, max_size=2),
        "imageUrl": st.sampled_from(["data:image/png;base64,AAAA", "data:image/svg+xml,x"]),
        "disabledFeatures": st.lists(st.sampled_from(["ml", "dev_tools", "fleet", "graph"])),
        "solution": st.sampled_from(["es", "oblt", "security", "classic"]),
    },
)


@settings(max_examples=200, deadline=None)
@given(config=specs)
def test_flatten_gives_back_the_config_of_any_space(config: dict[str, Any]) -> None:
    body = create_body("lab", SpaceSpec.model_validate(config))
    again = create_body("lab", SpaceSpec.model_validate(flatten(body)))
    assert normalise(again) == normalise(body)
    assert differences(body, update_body("lab", SpaceSpec.model_validate(config), "es")) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from(["name", "color", "initials", "imageUrl", "disabledFeatures", "solution"]),
        json_values,
    ),
    answer=st.dictionaries(
        st.sampled_from(["id", "name", "description", "color", "disabledFeatures", "solution"])
        | st.text(max_size=8),
        json_values,
    ),
)
def test_no_config_or_answer_crashes_the_space_rules(
    raw: dict[str, Any], answer: dict[str, Any]
) -> None:
    try:
        spec = SpaceSpec.model_validate(raw)
    except ValidationError:
        pass
    else:
        problems = validate_space("lab", spec, NEWEST)
        if not errors(problems):
            create_body("lab", spec)
    normalise(answer)
    differences(answer, answer)
