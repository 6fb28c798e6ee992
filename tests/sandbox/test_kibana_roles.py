"""Kibana role API: auth, xsrf, PUT/GET/DELETE, validation, reserved roles, bulk."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sandbox.server import Sandbox
from tests.sandbox.conftest import TIMEOUT, Api

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "kibana-examples"
CASES_ROLE = {
    "description": "cases",
    "elasticsearch": {
        "cluster": ["monitor"],
        "indices": [{"names": ["logs-*"], "privileges": ["read"]}],
    },
    "kibana": [
        {"spaces": ["default"], "feature": {"generalCasesV3": ["all"], "actions": ["read"]}}
    ],
}


def bad_request(message: str) -> dict[str, object]:
    return {"statusCode": 400, "error": "Bad Request", "message": message}


# ---------------------------------------------------------------- auth


def test_no_credentials_is_401(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.kibana_url + "/api/status", timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Unauthorized",
    }


def test_wrong_key_is_401_and_not_echoed(sandbox: Sandbox) -> None:
    response = requests.get(
        sandbox.kibana_url + "/api/status",
        headers={"Authorization": "ApiKey s3cret-wrong"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert "unable to authenticate" in response.json()["message"]
    assert "s3cret-wrong" not in response.text


def test_basic_elastic_sandbox_is_accepted(sandbox: Sandbox) -> None:
    token = base64.b64encode(b"elastic:sandbox").decode()
    ok = requests.get(
        sandbox.kibana_url + "/api/status",
        headers={"Authorization": f"Basic {token}"},
        timeout=TIMEOUT,
    )
    assert ok.status_code == 200
    wrong = base64.b64encode(b"elastic:nope").decode()
    refused = requests.get(
        sandbox.kibana_url + "/api/status",
        headers={"Authorization": f"Basic {wrong}"},
        timeout=TIMEOUT,
    )
    assert refused.status_code == 401


def test_write_without_xsrf_is_400(sandbox: Sandbox) -> None:
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox"})
    response = api("PUT", "/api/security/role/r", json=CASES_ROLE)
    assert response.status_code == 400
    assert response.json() == bad_request("Request must contain a kbn-xsrf header.")
    assert api("GET", "/api/security/role").status_code == 200


def test_readonly_key_reads_but_cannot_write(sandbox: Sandbox) -> None:
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey readonly", "kbn-xsrf": "x"})
    assert api("GET", "/api/security/role").status_code == 200
    for method, path in (
        ("PUT", "/api/security/role/r"),
        ("DELETE", "/api/security/role/r"),
        ("POST", "/api/security/roles"),
    ):
        response = api(method, path, json={"roles": {}} if method == "POST" else CASES_ROLE)
        assert response.status_code == 403
        assert "manage_security" in response.json()["message"]


# ---------------------------------------------------------------- put / get / delete


def test_put_get_fills_defaults(kibana: Api) -> None:
    assert kibana("PUT", "/api/security/role/cases", json=CASES_ROLE).status_code == 204
    body = kibana("GET", "/api/security/role/cases").json()
    assert body == {
        "name": "cases",
        "description": "cases",
        "metadata": {},
        "transient_metadata": {"enabled": True},
        "elasticsearch": {
            "cluster": ["monitor"],
            "indices": [
                {"names": ["logs-*"], "privileges": ["read"], "allow_restricted_indices": False}
            ],
            "run_as": [],
        },
        "kibana": [
            {
                "base": [],
                "feature": {"generalCasesV3": ["all"], "actions": ["read"]},
                "spaces": ["default"],
            }
        ],
        "_transform_error": [],
        "_unrecognized_applications": [],
    }


def test_empty_body_and_defaults(kibana: Api) -> None:
    assert kibana("PUT", "/api/security/role/empty_role", json={}).status_code == 204
    body = kibana("GET", "/api/security/role/empty_role").json()
    assert "description" not in body
    assert body["elasticsearch"] == {"cluster": [], "indices": [], "run_as": []}
    assert body["kibana"] == []
    assert body["metadata"] == {}


def test_put_replaces_whole_role_and_spaces_default(kibana: Api) -> None:
    kibana(
        "PUT", "/api/security/role/r", json={"metadata": {"bar": 1}, "kibana": [{"base": ["read"]}]}
    )
    kibana(
        "PUT", "/api/security/role/r", json={"metadata": {"foo": 2}, "kibana": [{"base": ["all"]}]}
    )
    body = kibana("GET", "/api/security/role/r").json()
    assert body["metadata"] == {"foo": 2}
    assert body["kibana"] == [{"base": ["all"], "feature": {}, "spaces": ["*"]}]


def test_remote_privileges_only_when_set(kibana: Api) -> None:
    role = {
        "elasticsearch": {
            "remote_indices": [{"clusters": ["c1"], "names": ["x"], "privileges": ["read"]}],
            "remote_cluster": [{"clusters": ["c1"], "privileges": ["monitor_enrich"]}],
        }
    }
    assert kibana("PUT", "/api/security/role/remote", json=role).status_code == 204
    es = kibana("GET", "/api/security/role/remote").json()["elasticsearch"]
    assert es["remote_indices"][0]["allow_restricted_indices"] is False
    assert es["remote_cluster"] == [{"clusters": ["c1"], "privileges": ["monitor_enrich"]}]


def test_create_only_conflict(kibana: Api) -> None:
    assert kibana("PUT", "/api/security/role/r?createOnly=true", json=CASES_ROLE).status_code == 204
    response = kibana("PUT", "/api/security/role/r", params={"createOnly": "true"}, json=CASES_ROLE)
    assert response.status_code == 409
    assert response.json() == {
        "statusCode": 409,
        "error": "Conflict",
        "message": "Role already exists and cannot be created: r",
    }
    assert (
        kibana("PUT", "/api/security/role/r?createOnly=false", json=CASES_ROLE).status_code == 204
    )


def test_get_and_delete_missing_are_404(kibana: Api) -> None:
    for method in ("GET", "DELETE"):
        response = kibana(method, "/api/security/role/nope")
        assert response.status_code == 404
        assert response.json() == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}


def test_delete(kibana: Api) -> None:
    kibana("PUT", "/api/security/role/r", json=CASES_ROLE)
    assert kibana("DELETE", "/api/security/role/r").status_code == 204
    assert kibana("GET", "/api/security/role/r").status_code == 404


def test_names_with_slash_and_space(kibana: Api) -> None:
    assert kibana("PUT", "/api/security/role/team%2Fa%20b", json=CASES_ROLE).status_code == 204
    assert kibana("GET", "/api/security/role/team%2Fa%20b").json()["name"] == "team/a b"


def test_unknown_ids_are_stored(kibana: Api) -> None:
    role = {
        "kibana": [{"feature": {"noSuchFeature": ["all"], "generalCasesV2": ["update", "create"]}}]
    }
    assert kibana("PUT", "/api/security/role/r", json=role).status_code == 204
    assert (
        kibana("GET", "/api/security/role/r").json()["kibana"][0]["feature"]
        == role["kibana"][0]["feature"]
    )


def test_empty_feature_arrays_are_not_stored(kibana: Api) -> None:
    role = {"kibana": [{"spaces": ["a"], "feature": {"discover_v2": ["read"], "dashboard_v2": []}}]}
    assert kibana("PUT", "/api/security/role/r", json=role).status_code == 204
    assert kibana("GET", "/api/security/role/r").json()["kibana"][0]["feature"] == {
        "discover_v2": ["read"]
    }


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("0[1-578]_*.json")), ids=lambda p: p.stem)
def test_reference_examples_are_accepted(kibana: Api, example: Path) -> None:
    data = json.loads(example.read_text())
    body = data.get("body", data)
    body = {k: v for k, v in body.items() if not k.startswith("_")}
    response = kibana("PUT", "/api/security/role/example", json=body)
    assert response.status_code == 204, response.text


# ---------------------------------------------------------------- validation messages

VALIDATION = [
    ({"xyz": 1}, "[request body.xyz]: definition for this key is missing"),
    (
        {"elasticsearch": {"foo": []}},
        "[request body.elasticsearch.foo]: definition for this key is missing",
    ),
    (
        {"kibana": [{"spaces": ["*"]}]},
        "[request body.kibana.0]: either [base] or [feature] is expected, but none of them specified",
    ),
    (
        {"kibana": [{"base": [], "feature": {"a": []}}]},
        "[request body.kibana.0]: either [base] or [feature] is expected, but none of them specified",
    ),
    (
        {"kibana": [{"base": ["all"], "feature": {"discover": ["read"]}}]},
        "[request body.kibana.0]: definition of [feature] isn't allowed when non-empty [base] is defined.",
    ),
    (
        {"kibana": [{"base": ["all"], "feature": {"discover": []}}]},
        "[request body.kibana.0]: definition of [feature] isn't allowed when non-empty [base] is defined.",
    ),
    (
        {"kibana": [{"feature": {"!foo": ["all"]}}]},
        "[request body.kibana.0.feature.key(\"!foo\")]: only a-z, A-Z, 0-9, '_', and '-' are allowed",
    ),
    (
        {"kibana": [{"feature": {"foo": ["a b"]}}]},
        "[request body.kibana.0.feature.foo.0]: only a-z, A-Z, 0-9, '_', and '-' are allowed",
    ),
    (
        {"kibana": [{"base": ["write"]}]},
        '[request body.kibana.0.base.0]: unknown global privilege "write", must be one of [all,read]',
    ),
    (
        {"kibana": [{"base": ["write"], "spaces": ["s"]}]},
        '[request body.kibana.0.base.0]: unknown space privilege "write", must be one of [all,read]',
    ),
    (
        {
            "kibana": [
                {"base": ["read"], "spaces": ["a", "b"]},
                {"base": ["all"], "spaces": ["b", "c", "a"]},
            ]
        },
        "[request body.kibana]: more than one privilege is applied to the following spaces: [a,b]",
    ),
    (
        {"kibana": [{"base": ["read"]}, {"base": ["all"]}]},
        "[request body.kibana]: more than one privilege is applied to the following spaces: [*]",
    ),
    (
        {"elasticsearch": {"indices": [{"names": ["a"]}]}},
        "[request body.elasticsearch.indices.0.privileges]: expected value of type [array] but got [undefined]",
    ),
    (
        {"elasticsearch": {"indices": [{"names": [], "privileges": ["read"]}]}},
        "[request body.elasticsearch.indices.0.names]: array size is [0], but cannot be smaller than [1]",
    ),
    (
        {"description": "x" * 2049},
        "[request body.description]: value has length [2049] but it must have a maximum length of [2048].",
    ),
]


@pytest.mark.parametrize(("body", "message"), VALIDATION)
def test_schema_validation_messages(kibana: Api, body: dict[str, object], message: str) -> None:
    response = kibana("PUT", "/api/security/role/r", json=body)
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert kibana("GET", "/api/security/role/r").status_code == 404


def test_spaces_validation(kibana: Api) -> None:
    for spaces in (["*", "a"], ["Bad"]):
        response = kibana(
            "PUT", "/api/security/role/r", json={"kibana": [{"base": ["read"], "spaces": spaces}]}
        )
        assert response.status_code == 400
        message = response.json()["message"]
        assert message.startswith("[request body.kibana.0.spaces]: types that failed validation:")
        assert "must be lower case, a-z, 0-9, '_', and '-' are allowed" in message
    ok = kibana(
        "PUT",
        "/api/security/role/r",
        json={"kibana": [{"base": ["read"]}, {"base": ["all"], "spaces": ["default"]}]},
    )
    assert ok.status_code == 204


def test_require_all_spaces(kibana: Api) -> None:
    body = {"kibana": [{"spaces": ["a", "b"], "feature": {"fleet": ["all"]}}]}
    response = kibana("PUT", "/api/security/role/r", json=body)
    assert response.json() == bad_request(
        'Role cannot be updated due to validation errors: ["Feature privilege [fleet.all] requires all spaces to be selected but received [a,b]"]'
    )


def test_metadata_underscore_and_reserved_name(kibana: Api) -> None:
    response = kibana("PUT", "/api/security/role/r", json={"metadata": {"_x": 1}})
    assert response.status_code == 400
    assert "role descriptor metadata keys may not start with [_]" in response.json()["message"]
    response = kibana("PUT", "/api/security/role/superuser", json={})
    assert response.status_code == 400
    assert "Role [superuser] is reserved and may not be used." in response.json()["message"]


def test_a_description_over_1000_characters_is_refused_by_elasticsearch(kibana: Api) -> None:
    """Kibana's schema allows 2,048; Elasticsearch's Validation.Roles refuses over 1,000."""
    assert (
        kibana("PUT", "/api/security/role/r", json={"description": "x" * 1000}).status_code == 204
    )
    response = kibana("PUT", "/api/security/role/r2", json={"description": "x" * 1001})
    assert response.status_code == 400
    assert "Role description must be less than 1000 characters." in response.json()["message"]
    assert kibana("GET", "/api/security/role/r2").status_code == 404


def test_dls_needs_platinum(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(license="basic")
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"})
    body = {"elasticsearch": {"indices": [{"names": ["a"], "privileges": ["read"], "query": "{}"}]}}
    response = api("PUT", "/api/security/role/r", json=body)
    assert response.status_code == 403
    assert (
        "current license is non-compliant for [field and document level security]"
        in response.json()["message"]
    )


def test_description_unknown_before_8_15(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(profile="8.14.0")
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"})
    response = api("PUT", "/api/security/role/r", json={"description": "d"})
    assert (
        response.json()["message"]
        == "[request body.description]: definition for this key is missing"
    )


def test_serverless_refuses_run_as(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(profile="serverless-security")
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"})
    response = api("PUT", "/api/security/role/r", json={"elasticsearch": {"run_as": ["u"]}})
    assert response.status_code == 400
    assert "run_as" in response.json()["message"]


# ---------------------------------------------------------------- reserved roles


def test_reserved_roles_exist(kibana: Api) -> None:
    superuser = kibana("GET", "/api/security/role/superuser").json()
    assert superuser["metadata"]["_reserved"] is True
    assert superuser["kibana"] == [{"base": ["all"], "feature": {}, "spaces": ["*"]}]
    ml = kibana("GET", "/api/security/role/machine_learning_user").json()
    assert ml["kibana"][0]["_reserved"] == ["ml_user"]
    names = [r["name"] for r in kibana("GET", "/api/security/role").json()]
    assert {"superuser", "kibana_admin", "viewer", "editor"} <= set(names)
    assert names == sorted(names)


def test_reserved_roles_cannot_be_deleted(kibana: Api) -> None:
    response = kibana("DELETE", "/api/security/role/superuser")
    assert response.status_code == 400
    assert "role [superuser] is reserved and cannot be deleted" in response.json()["message"]


def test_serverless_hides_reserved_roles_from_list(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(profile="serverless-observability")
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"})
    api("PUT", "/api/security/role/mine", json={"kibana": [{"base": ["read"]}]})
    assert [r["name"] for r in api("GET", "/api/security/role").json()] == ["mine"]
    assert api("GET", "/api/security/role/viewer").status_code == 200


# ---------------------------------------------------------------- bulk


def test_bulk_created_noop_updated_and_metadata_merge(kibana: Api) -> None:
    example = json.loads((EXAMPLES / "06_bulk_roles_ftr.json").read_text())["body"]
    first = kibana("POST", "/api/security/roles", json=example)
    assert first.status_code == 200
    assert first.json() == {"created": ["bulk_role_with_privilege_1", "bulk_role_1"]}
    assert kibana("POST", "/api/security/roles", json=example).json() == {
        "noop": ["bulk_role_with_privilege_1", "bulk_role_1"]
    }
    kibana("PUT", "/api/security/role/m", json={"metadata": {"bar": 1}})
    updated = kibana("POST", "/api/security/roles", json={"roles": {"m": {"metadata": {"foo": 2}}}})
    assert updated.json() == {"updated": ["m"]}
    assert kibana("GET", "/api/security/role/m").json()["metadata"] == {"bar": 1, "foo": 2}


def test_bulk_per_role_errors(kibana: Api) -> None:
    roles = {
        "ok": {"kibana": [{"base": ["read"]}]},
        "fleet": {"kibana": [{"spaces": ["a"], "feature": {"fleet": ["all"]}}]},
        "meta": {"metadata": {"_hidden": True}},
    }
    body = kibana("POST", "/api/security/roles", json={"roles": roles}).json()
    assert body["created"] == ["ok"]
    assert body["errors"]["fleet"]["type"] == "kibana_privilege_validation_exception"
    assert body["errors"]["fleet"]["reason"].startswith(
        "Role cannot be updated due to validation errors: ["
    )
    assert body["errors"]["meta"]["type"] == "action_request_validation_exception"
    assert kibana("GET", "/api/security/role/fleet").status_code == 404


def test_bulk_schema_error_refuses_whole_request(kibana: Api) -> None:
    roles = {
        "ok": {"kibana": [{"base": ["read"]}]},
        "bad": {"kibana": [{"base": ["read"], "feature": {"x": ["read"]}}]},
    }
    response = kibana("POST", "/api/security/roles", json={"roles": roles})
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "[request body.roles.bad.kibana.0]: definition of [feature]"
    )
    assert kibana("GET", "/api/security/role/ok").status_code == 404


def test_bulk_missing_before_8_16(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(profile="8.15.2")
    api = Api(sandbox.kibana_url, {"Authorization": "ApiKey sandbox", "kbn-xsrf": "x"})
    assert api("POST", "/api/security/roles", json={"roles": {}}).status_code == 404


def test_unknown_elasticsearch_privileges_are_refused_as_elasticsearch_does(kibana: Api) -> None:
    body = {"elasticsearch": {"cluster": ["monitor", "Manage_Own_Api_Keys"]}}
    response = kibana("PUT", "/api/security/role/r", json=body)
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith(
        "action_request_validation_exception: Validation Failed: 1: unknown cluster privilege "
        "[manage_own_api_keys]. a privilege must be either one of the predefined cluster "
        "privilege names ["
    )
    index = {"indices": [{"names": ["logs-*"], "privileges": ["read", "indices:data/read/*"]}]}
    ok = kibana("PUT", "/api/security/role/r", json={"elasticsearch": {**index, "cluster": []}})
    assert ok.status_code == 204
    index["indices"][0]["privileges"].append("raed")
    response = kibana("PUT", "/api/security/role/r", json={"elasticsearch": index})
    assert "unknown index privilege [raed]" in response.json()["message"]


# ---------------------------------------------------------------- query of the reads


@pytest.mark.parametrize("path", ["/api/security/role/cases", "/api/security/role"])
def test_reads_refuse_a_write_only_query_flag(kibana: Api, path: str) -> None:
    """elasticstack#933: ``createOnly`` carried over to the read after the write."""
    kibana("PUT", "/api/security/role/cases?createOnly=true", json=CASES_ROLE)
    response = kibana("GET", path + "?createOnly=true")
    assert response.status_code == 400
    assert response.json() == bad_request(
        "[request query.createOnly]: definition for this key is missing"
    )
    assert kibana("GET", path).status_code == 200
    assert kibana("GET", path + "?replaceDeprecatedPrivileges=false").status_code == 200
    wrong = kibana("GET", path + "?replaceDeprecatedPrivileges=maybe")
    assert wrong.json() == bad_request(
        "[request query.replaceDeprecatedPrivileges]: expected value of type [boolean] but got "
        "[string]"
    )
