"""normalise: equal roles compare equal, whatever the order, defaults and GET-only fields."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from components.core.roles.body import normalise, put_body, read_warnings, same_role

GET_ANSWER = {
    "name": "role_to_get",
    "description": "ops",
    "metadata": {"foo": "test-metadata"},
    "transient_metadata": {"enabled": True},
    "elasticsearch": {
        "cluster": ["manage"],
        "indices": [
            {
                "names": ["logstash-*"],
                "privileges": ["read", "view_index_metadata"],
                "allow_restricted_indices": False,
            }
        ],
        "run_as": ["watcher_user"],
    },
    "kibana": [
        {"base": ["read"], "feature": {}, "spaces": ["*"]},
        {
            "base": [],
            "feature": {"dashboard_v2": ["read"], "discover_v2": ["all"], "ml": ["all"]},
            "spaces": ["marketing", "sales"],
        },
    ],
    "_transform_error": [],
    "_unrecognized_applications": [],
}
PUT_BODY = {
    "description": "ops",
    "metadata": {"foo": "test-metadata"},
    "elasticsearch": {
        "cluster": ["manage"],
        "indices": [{"privileges": ["view_index_metadata", "read"], "names": ["logstash-*"]}],
        "run_as": ["watcher_user"],
    },
    "kibana": [
        {"feature": {"ml": ["all"], "discover_v2": ["all"], "dashboard_v2": ["read"]},
         "spaces": ["sales", "marketing"]},
        {"base": ["read"]},
    ],
}  # fmt: skip


def test_get_answer_equals_the_put_body_it_came_from() -> None:
    assert normalise(GET_ANSWER) == normalise(PUT_BODY)


def test_missing_fields_take_kibana_s_defaults() -> None:
    assert normalise({}) == {
        "description": "",
        "metadata": {},
        "elasticsearch": {
            "cluster": [],
            "indices": [],
            "remote_indices": [],
            "remote_cluster": [],
            "run_as": [],
        },
        "kibana": [],
    }


def test_dls_queries_compare_as_json() -> None:
    a = {
        "elasticsearch": {
            "indices": [{"names": ["a"], "privileges": ["read"], "query": '{ "match_all" : { } }'}]
        }
    }
    b = {"elasticsearch": {"indices": [{"names": ["a"], "privileges": ["read"],
                                        "query": {"match_all": {}}}]}}  # fmt: skip
    assert same_role(a, b)


def test_empty_feature_lists_and_except_lists_are_dropped() -> None:
    a = {
        "kibana": [{"feature": {"discover_v2": ["read"], "ml": []}}],
        "elasticsearch": {
            "indices": [
                {
                    "names": ["a"],
                    "privileges": ["read"],
                    "field_security": {"grant": ["f"], "except": []},
                }
            ]
        },
    }
    b = {"kibana": [{"feature": {"discover_v2": ["read"]}, "spaces": ["*"], "base": []}],
         "elasticsearch": {"indices": [{"names": ["a"], "privileges": ["read"],
                                        "field_security": {"grant": ["f"]}}]}}  # fmt: skip
    assert same_role(a, b)


def test_a_real_difference_is_kept() -> None:
    assert not same_role(PUT_BODY, {**PUT_BODY, "metadata": {"foo": "other"}})
    grant_nothing = {
        "indices": [{"names": ["a"], "privileges": ["read"], "field_security": {"grant": []}}]
    }
    no_fls = {"indices": [{"names": ["a"], "privileges": ["read"]}]}  # fmt: skip
    assert not same_role({"elasticsearch": grant_nothing}, {"elasticsearch": no_fls})


def test_put_body_leaves_out_what_kibana_does_not_need() -> None:
    body = put_body(GET_ANSWER)
    assert set(body) == {"description", "elasticsearch", "kibana", "metadata"}
    assert set(body["elasticsearch"]) == {"cluster", "indices", "run_as"}
    assert "description" not in put_body({})


def test_transform_errors_are_reported() -> None:
    notes = read_warnings({**GET_ANSWER, "_transform_error": ["kibana:reserved_privileges_mixed"]})
    assert notes == [
        "Kibana could not read this role's Kibana privileges (kibana:reserved_privileges_mixed); "
        "it shows them as empty: they were probably edited through the Elasticsearch API"
    ]


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    return value


names = st.lists(st.sampled_from(["a", "b", "logs-*", "c"]), min_size=1, max_size=4)
privileges = st.lists(st.sampled_from(["read", "all", "minimal_read", "x_y"]), min_size=1)
index = st.fixed_dictionaries(
    {"names": names, "privileges": privileges},
    optional={
        "allow_restricted_indices": st.booleans(),
        "query": st.sampled_from(['{"match_all":{}}', '{"term": {"a": 1}}']),
        "field_security": st.fixed_dictionaries({"grant": names}, optional={"except": names}),
    },
)
entry = st.one_of(
    st.fixed_dictionaries({"base": st.lists(st.sampled_from(["all", "read"]), min_size=1)},
                          optional={"spaces": st.just(["*"])}),
    st.fixed_dictionaries(
        {"feature": st.dictionaries(st.sampled_from(["actions", "generalCasesV3", "ml"]),
                                    privileges, min_size=1)},
        optional={"spaces": st.lists(st.sampled_from(["soc", "default", "ops"]), min_size=1)},
    ),
)  # fmt: skip
role = st.fixed_dictionaries(
    {},
    optional={
        "description": st.text(max_size=5),
        "metadata": st.dictionaries(st.sampled_from(["team", "x"]), st.integers()),
        "elasticsearch": st.fixed_dictionaries(
            {},
            optional={
                "cluster": st.lists(st.sampled_from(["monitor", "manage"])),
                "indices": st.lists(index, max_size=3),
                "run_as": st.lists(st.sampled_from(["u1", "u2"])),
            },
        ),
        "kibana": st.lists(entry, max_size=3),
    },
)


@settings(max_examples=200, deadline=None)
@given(role, st.integers(min_value=0, max_value=10**6))
def test_normalise_is_idempotent_and_order_insensitive(body: dict[str, Any], seed: int) -> None:
    once = normalise(body)
    assert normalise(once) == once
    assert normalise(_shuffled(body, random.Random(seed))) == once
    assert json.loads(json.dumps(once)) == once
    assert normalise(put_body(body)) == once
