"""Every answer is shape-checked: a wrong one is one ``UnexpectedResponse`` naming the endpoint
and the field, never a traceback further in (issue 10 section 5)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.clients import (
    ApiError,
    CloudClient,
    CloudConnection,
    KibanaClient,
    KibanaConnection,
    RetryPolicy,
    UnexpectedResponse,
)
from tests.clients.client_fakes import API, CLOUD, KIBANA

ORG = "42"
HINT = (
    "Nothing was taken from this answer. Check that the url points at the right service "
    "(Kibana, not Elasticsearch or a login proxy; the Elastic Cloud API, not the console), and "
    "that nothing in between rewrites its answers."
)
ROLE = {
    "name": "soc",
    "description": "",
    "metadata": {},
    "transient_metadata": {"enabled": True},
    "elasticsearch": {
        "cluster": ["monitor"],
        "indices": [{"names": ["logs-*"], "privileges": ["read"], "allow_restricted_indices": False,
                     "field_security": {"grant": ["*"], "except": ["secret"]},
                     "query": "{\"match_all\": {}}"}],
        "run_as": [],
    },
    "kibana": [{"base": [], "feature": {"securitySolutionCasesV3": ["all"]}, "spaces": ["soc"]}],
    "_transform_error": [],
    "_unrecognized_applications": [],
}  # fmt: skip
ASSIGNMENTS = {
    "organization": [{"role_id": "billing-admin", "organization_id": ORG}],
    "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}],
    "project": {"security": [{"role_id": "security-viewer", "organization_id": ORG,
                              "all": False, "project_ids": ["p1"]}]},
}  # fmt: skip
# fmt: off
VALID: dict[str, tuple[str, str, Any]] = {
    "status": ("GET", f"{KIBANA}/api/status", {"version": {"number": "9.1.0"}}),
    "roles": ("GET", f"{KIBANA}/api/security/role", [ROLE]),
    "role": ("GET", f"{KIBANA}/api/security/role/soc", ROLE),
    "privileges": (
        "GET",
        f"{KIBANA}/api/security/privileges",
        {"global": ["all"], "space": ["read"], "features": {"actions": ["all"]}, "reserved": []},
    ),
    "builtin": ("GET", f"{KIBANA}/internal/security/esPrivileges/builtin",
                {"cluster": ["all"], "index": ["read"], "remote_cluster": []}),
    "features": ("GET", f"{KIBANA}/api/features", [{"id": "actions", "name": "Actions"}]),
    "spaces": ("GET", f"{KIBANA}/api/spaces/space", [{"id": "default", "name": "Default"}]),
    "put_role": ("PUT", f"{KIBANA}/api/security/role/soc", None),
    "delete_role": ("DELETE", f"{KIBANA}/api/security/role/soc", None),
    "organization": ("GET", f"{API}/organizations/{ORG}", {"id": ORG, "name": "acme"}),
    "members": (
        "GET",
        f"{API}/organizations/{ORG}/members",
        {"members": [{"user_id": "u1", "email": "a@x.io", "role_assignments": ASSIGNMENTS}]},
    ),
    "invitations": (
        "GET",
        f"{API}/organizations/{ORG}/invitations",
        {"invitations": [{"token": "t1", "email": "b@x.io", "expired": False,
                          "expires_at": "2030-01-01T00:00:00Z",
                          "role_assignments": ASSIGNMENTS}]},
    ),
    "invite": ("POST", f"{API}/organizations/{ORG}/invitations", {"invitations": []}),
    "delete_members": ("DELETE", f"{API}/organizations/{ORG}/members/u1", {}),
    "add_assignments": ("POST", f"{API}/users/u1/role_assignments", {}),
    "remove_assignments": ("DELETE", f"{API}/users/u1/role_assignments", {}),
}
# fmt: on
CALLS: dict[str, Callable[[KibanaClient, CloudClient], Any]] = {
    "status": lambda k, c: k.status(),
    "roles": lambda k, c: k.list_roles(),
    "role": lambda k, c: k.get_role("soc"),
    "privileges": lambda k, c: k.privileges(),
    "builtin": lambda k, c: k.builtin_es_privileges(),
    "features": lambda k, c: k.features(),
    "spaces": lambda k, c: k.spaces(),
    "put_role": lambda k, c: k.put_role("soc", {}, create_only=True),
    "delete_role": lambda k, c: k.delete_role("soc"),
    "organization": lambda k, c: c.organization(ORG),
    "members": lambda k, c: c.list_members(ORG),
    "invitations": lambda k, c: c.list_invitations(ORG),
    "invite": lambda k, c: c.create_invitation(
        ORG, emails=["a@x.io"], expires_in="7d", role_assignments={}
    ),
    "delete_members": lambda k, c: c.delete_members(ORG, ["u1"]),
    "add_assignments": lambda k, c: c.add_role_assignments("u1", {}),
    "remove_assignments": lambda k, c: c.remove_role_assignments("u1", {}),
}


def clients() -> tuple[KibanaClient, CloudClient]:
    once = RetryPolicy(max_attempts=1)
    return (
        KibanaClient(KibanaConnection(KIBANA, api_key="kibana-key-123"), retry=once),
        CloudClient(CloudConnection(CLOUD, api_key="cloud-key-456"), retry=once),
    )


def answer(name: str, body: Any, status: int = 200, **kwargs: Any) -> Any:
    method, url, _ = VALID[name]
    kibana, cloud = clients()
    with responses.RequestsMock() as rsps:
        rsps.add(method, url, status=status, json=body, **kwargs)
        return CALLS[name](kibana, cloud)


def wrong(name: str, body: Any) -> str:
    with pytest.raises(UnexpectedResponse) as caught:
        answer(name, body)
    text = str(caught.value)
    assert text.endswith(HINT)
    return text.removesuffix(HINT).strip()


def with_member(**fields: Any) -> dict[str, Any]:
    return {"members": [{"user_id": "u1", "email": "a@x.io", **fields}]}


def test_every_valid_answer_passes_as_it_came() -> None:
    read = {name: answer(name, body) for name, (_, _, body) in VALID.items()}

    assert read["roles"] == [ROLE] and read["role"] == ROLE
    assert read["members"] == VALID["members"][2]["members"]
    assert read["invitations"] == VALID["invitations"][2]["invitations"]
    assert read["privileges"] == VALID["privileges"][2]
    assert read["builtin"] == VALID["builtin"][2]
    assert (read["put_role"], read["delete_role"], read["delete_members"]) == (None, True, None)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "status",
            {"version": {"number": "banana"}},
            "Kibana GET /api/status returned 200 OK: unexpected answer: version.number: 'banana' "
            "is not a Kibana version such as 8.17.2 or 9.1.0.",
        ),
        (
            "privileges",
            {"global": ["all"], "space": ["all"], "features": "all"},
            "Kibana GET /api/security/privileges returned 200 OK: unexpected answer: features: "
            'should be an object, got "all".',
        ),
        (
            "roles",
            [{**ROLE, "kibana": ["oops"]}],
            "Kibana GET /api/security/role returned 200 OK: unexpected answer: "
            'roles[0] (soc).kibana[0]: should be an object, got "oops".',
        ),
        (
            "roles",
            [{**ROLE, "elasticsearch": {"cluster": "all"}}],
            "Kibana GET /api/security/role returned 200 OK: unexpected answer: "
            'roles[0] (soc).elasticsearch.cluster: should be a list, got "all".',
        ),
        (
            "role",
            {**ROLE, "kibana": [{"spaces": "default", "base": [], "feature": {}}]},
            "Kibana GET /api/security/role/soc returned 200 OK: unexpected answer: "
            'kibana[0].spaces: should be a list, got "default".',
        ),
        (
            "members",
            {"members": [{"email": "a@x.io"}]},
            "Elastic Cloud GET /api/v1/organizations/42/members returned 200 OK: unexpected "
            "answer: members[0] (a@x.io).user_id is missing.",
        ),
        (
            "members",
            with_member(role_assignments={"organization": [{"role_id": "organization-admin"}]}),
            "Elastic Cloud GET /api/v1/organizations/42/members returned 200 OK: unexpected "
            "answer: members[0] (a@x.io).role_assignments.organization[0].organization_id is "
            "missing.",
        ),
        (
            "members",
            with_member(role_assignments={"project": [{"role_id": "security-viewer"}]}),
            "Elastic Cloud GET /api/v1/organizations/42/members returned 200 OK: unexpected "
            'answer: members[0] (a@x.io).role_assignments.project: should be an object, got [{"'
            'role_id": "security-viewer"}].',
        ),
        (
            "invitations",
            {"invitations": [{"email": "b@x.io", "token": 7}]},
            "Elastic Cloud GET /api/v1/organizations/42/invitations returned 200 OK: unexpected "
            "answer: invitations[0] (b@x.io).token: should be a string, got 7.",
        ),
        (
            "features",
            {"features": []},
            "Kibana GET /api/features returned 200 OK: unexpected answer: features: should be a "
            'list, got {"features": []}.',
        ),
        (
            "spaces",
            None,
            "Kibana GET /api/spaces/space returned 200 OK: unexpected answer: the answer is empty.",
        ),
        (
            "delete_members",
            [],
            "Elastic Cloud DELETE /api/v1/organizations/42/members/u1 returned 200 OK: unexpected "
            "answer: the answer should be an object, got [].",
        ),
    ],
)
def test_a_wrong_answer_is_one_error_naming_the_endpoint_and_the_field(
    name: str, body: Any, message: str
) -> None:
    assert wrong(name, body) == message


def test_many_wrong_fields_are_named_three_then_counted() -> None:
    roles = [{"name": f"r{i}", "metadata": []} for i in range(5)]

    assert wrong("roles", roles) == (
        "Kibana GET /api/security/role returned 200 OK: unexpected answer: roles[0] (r0).metadata"
        ": should be an object, got []; roles[1] (r1).metadata: should be an object, got []; "
        "roles[2] (r2).metadata: should be an object, got []; and 2 more."
    )


def test_a_value_echoing_the_key_is_redacted_in_the_message() -> None:
    message = wrong("status", {"version": {"number": "kibana-key-123"}})

    assert message == (
        "Kibana GET /api/status returned 200 OK: unexpected answer: version.number: "
        "'[REDACTED]' is not a Kibana version such as 8.17.2 or 9.1.0."
    )


# ---------------------------------------------------------------- no answer crashes a client

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, valid: Any) -> Any:
    """``valid`` with one value somewhere in it replaced by any JSON (or removed)."""
    if valid is None or draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    body = copy.deepcopy(valid)
    node = body
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return draw(JSON)
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and draw(st.integers(0, 3)) == 0:
            del node[key]
        else:
            node[key] = draw(JSON)
        return body


ANSWERS = st.sampled_from(sorted(VALID)).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.sampled_from([200, 200, 200, 201, 204, 301, 302, 400, 404, 409, 429, 500, 503]),
        mutated(VALID[name][2]) | st.binary(max_size=20),
    )
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_no_server_answer_raises_anything_but_an_api_error(case: tuple[str, int, Any]) -> None:
    name, status, body = case
    method, url, _ = VALID[name]
    kibana, cloud = clients()
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(method, url, status=status, body=raw, headers={"Location": "http://x.test/"})
        try:
            CALLS[name](kibana, cloud)
        except ApiError as error:
            assert "kibana-key-123" not in str(error) and "cloud-key-456" not in str(error)
