"""Elastic Cloud organization API: auth, members, invitations, role assignments, limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import ORG, TIMEOUT, Api, cloud_api


def code(response: requests.Response) -> str:
    body = response.json()
    assert response.headers["x-cloud-error-codes"] == body["errors"][0]["code"]
    return str(body["errors"][0]["code"])


def member(cloud: Api, user_id: str) -> dict[str, Any]:
    members = cloud("GET", f"/organizations/{ORG}/members").json()["members"]
    return next(m for m in members if m["user_id"] == user_id)


def deployment(role: str, ids: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"role_id": role, "organization_id": ORG, **extra}
    if ids is None:
        entry["all"] = True
    else:
        entry["all"] = False
        entry["deployment_ids"] = ids
    return {"deployment": [entry]}


def test_auth(sandbox: Sandbox) -> None:
    for headers in (
        {},
        {"Authorization": "ApiKey wrong"},
        {"Authorization": "Basic ZWxhc3RpYzpzYW5kYm94"},
    ):
        response = requests.get(
            f"{sandbox.cloud_url}/api/v1/organizations", headers=headers, timeout=TIMEOUT
        )
        assert response.status_code == 401
        assert code(response) == "root.unauthenticated"
        assert "x-ratelimit-limit" in response.headers


def test_organization_and_owner(cloud: Api) -> None:
    assert cloud("GET", "/organizations").json()["organizations"][0]["id"] == ORG
    assert cloud("GET", f"/organizations/{ORG}").json()["name"]
    missing = cloud("GET", "/organizations/42")
    assert missing.status_code == 404 and code(missing) == "organization.not_found"
    members = cloud("GET", f"/organizations/{ORG}/members").json()["members"]
    assert len(members) == 1
    owner = members[0]
    assert owner["email"] == "owner@sandbox.example"
    assert owner["organization_id"] == ORG
    assert owner["member_since"].endswith("Z")
    assert owner["role_assignments"] == {
        "organization": [{"role_id": "organization-admin", "organization_id": ORG}]
    }


def test_ratelimit_headers(cloud: Api) -> None:
    response = cloud("GET", "/organizations")
    assert response.headers["x-ratelimit-limit"] == "10000"
    assert int(response.headers["x-ratelimit-remaining"]) < 10000
    assert response.headers["x-ratelimit-interval"] == "60s"
    assert int(response.headers["x-ratelimit-reset"]) >= 1


def test_owner_cannot_be_removed(cloud: Api) -> None:
    owner = cloud("GET", f"/organizations/{ORG}/members").json()["members"][0]["user_id"]
    response = cloud("DELETE", f"/organizations/{ORG}/members/{owner}")
    assert response.status_code == 400
    assert code(response) == "organization.membership_last_admin"
    demote = cloud(
        "DELETE",
        f"/users/{owner}/role_assignments",
        json={"organization": [{"role_id": "organization-admin", "organization_id": ORG}]},
    )
    assert demote.status_code == 400


def test_delete_members(cloud: Api, controls: Controls) -> None:
    a = controls.seed_member("a@example.com", ["billing-admin"])
    b = controls.seed_member("b@example.com", ["deployment-viewer"])
    missing = cloud("DELETE", f"/organizations/{ORG}/members/{a},999")
    assert missing.status_code == 404 and code(missing) == "organization.membership_not_found"
    assert cloud("DELETE", f"/organizations/{ORG}/members/{a},{b}").json() == {}
    assert len(cloud("GET", f"/organizations/{ORG}/members").json()["members"]) == 1


# ---------------------------------------------------------------- invitations


def test_invitation_lifecycle(cloud: Api, controls: Controls) -> None:
    body = {
        "emails": ["new@example.com"],
        "expires_in": "7d",
        "role_assignments": deployment("deployment-viewer"),
    }
    created = cloud("POST", f"/organizations/{ORG}/invitations", json=body)
    assert created.status_code == 201
    invitation = created.json()["invitations"][0]
    assert invitation["email"] == "new@example.com"
    assert invitation["expired"] is False
    assert invitation["organization"]["id"] == ORG
    assert invitation["role_assignments"] == {
        "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}]
    }
    assert {"token", "created_at", "expires_at"} <= set(invitation)

    again = cloud("POST", f"/organizations/{ORG}/invitations", json=body)
    assert again.status_code == 400 and code(again) == "organization.invitation_already_exists"

    controls.advance_clock(7 * 86400 + 1)
    listed = cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"]
    assert listed[0]["expired"] is True
    reissued = cloud("POST", f"/organizations/{ORG}/invitations", json=body)
    assert reissued.status_code == 201
    token = reissued.json()["invitations"][0]["token"]
    assert [
        i["token"] for i in cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"]
    ] == [token]

    assert cloud("DELETE", f"/organizations/{ORG}/invitations/{token}").json() == {}
    assert cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"] == []
    gone = cloud("DELETE", f"/organizations/{ORG}/invitations/{token}")
    assert gone.status_code == 404 and code(gone) == "organization.invitation_not_found"


def test_invitation_default_expiry_is_three_days(cloud: Api, controls: Controls) -> None:
    cloud("POST", f"/organizations/{ORG}/invitations", json={"emails": ["x@example.com"]})
    controls.advance_clock(72 * 3600 - 60)
    assert (
        cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"][0]["expired"]
        is False
    )
    controls.advance_clock(120)
    assert (
        cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"][0]["expired"]
        is True
    )


def test_invitation_errors(cloud: Api) -> None:
    bad = cloud("POST", f"/organizations/{ORG}/invitations", json={"emails": ["not-an-email"]})
    assert bad.status_code == 400 and code(bad) == "organization.invitation_invalid_email"
    member_ = cloud(
        "POST", f"/organizations/{ORG}/invitations", json={"emails": ["owner@sandbox.example"]}
    )
    assert (
        member_.status_code == 400
        and code(member_) == "organization.user_organization_already_belongs"
    )
    role = cloud(
        "POST",
        f"/organizations/{ORG}/invitations",
        json={"emails": ["y@example.com"], "role_assignments": deployment("security-admin")},
    )
    assert role.status_code == 400 and code(role) == "role_assignments.invalid_config"


def test_invitation_accepted_becomes_member(cloud: Api, controls: Controls) -> None:
    body = {
        "emails": ["bob@example.com"],
        "role_assignments": deployment("deployment-editor", ["d1"]),
    }
    cloud("POST", f"/organizations/{ORG}/invitations", json=body)
    user_id = controls.accept_invitation("bob@example.com")
    assert cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"] == []
    got = member(cloud, user_id)
    assert got["email"] == "bob@example.com"
    assert got["role_assignments"] == {
        "deployment": [
            {"role_id": "deployment-editor", "organization_id": ORG, "deployment_ids": ["d1"]}
        ]
    }


def test_invitation_rate_limit(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(invite_rate_limit=3)
    cloud = cloud_api(sandbox)
    controls = Controls(sandbox.cloud_url)
    controls.advance_clock(60 - (__import__("time").time() % 60) + 1)  # start of a clock-minute
    statuses = [
        cloud(
            "POST", f"/organizations/{ORG}/invitations", json={"emails": [f"u{i}@example.com"]}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 201]
    limited = cloud(
        "POST", f"/organizations/{ORG}/invitations", json={"emails": ["u9@example.com"]}
    )
    assert limited.status_code == 429
    assert code(limited) == "organization.invitations_rate_limit_exceeded"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    controls.advance_clock(61)
    assert (
        cloud(
            "POST", f"/organizations/{ORG}/invitations", json={"emails": ["u9@example.com"]}
        ).status_code
        == 201
    )


# ---------------------------------------------------------------- role assignments


def test_post_is_additive_and_idempotent(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("c@example.com", [])
    assert (
        cloud(
            "POST", f"/users/{user}/role_assignments", json=deployment("deployment-admin", ["a"])
        ).json()
        == {}
    )
    cloud(
        "POST", f"/users/{user}/role_assignments", json=deployment("deployment-admin", ["b", "a"])
    )
    cloud(
        "POST",
        f"/users/{user}/role_assignments",
        json={
            "project": {
                "security": [
                    {"role_id": "security-t2-analyst", "organization_id": ORG, "all": True}
                ]
            }
        },
    )
    assert member(cloud, user)["role_assignments"] == {
        "deployment": [
            {"role_id": "deployment-admin", "organization_id": ORG, "deployment_ids": ["a", "b"]}
        ],
        "project": {
            "security": [{"role_id": "security-t2-analyst", "organization_id": ORG, "all": True}]
        },
    }


def test_delete_removes_exactly_the_named_atoms(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("d@example.com", deployment("deployment-admin", ["a", "b", "c"]))
    cloud("POST", f"/users/{user}/role_assignments", json=deployment("deployment-viewer"))
    assert (
        cloud(
            "DELETE", f"/users/{user}/role_assignments", json=deployment("deployment-admin", ["b"])
        ).status_code
        == 200
    )
    got = member(cloud, user)["role_assignments"]["deployment"]
    assert sorted(got, key=lambda e: e["role_id"]) == [
        {"role_id": "deployment-admin", "organization_id": ORG, "deployment_ids": ["a", "c"]},
        {"role_id": "deployment-viewer", "organization_id": ORG, "all": True},
    ]


def test_application_roles_and_nulls(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("e@example.com", [])
    body = {
        "organization": None,
        "deployment": None,
        "platform": None,
        "project": {
            "elasticsearch": None,
            "observability": [
                {
                    "role_id": "observability-viewer",
                    "organization_id": ORG,
                    "all": False,
                    "project_ids": ["p1"],
                    "application_roles": ["logs_reader"],
                }
            ],
            "security": None,
        },
    }
    assert cloud("POST", f"/users/{user}/role_assignments", json=body).status_code == 200
    entry = member(cloud, user)["role_assignments"]["project"]["observability"][0]
    assert entry["application_roles"] == ["logs_reader"]
    assert entry["project_ids"] == ["p1"]


def test_role_ids_validated_per_scope_and_type(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("f@example.com", [])
    cases = [
        {"organization": [{"role_id": "deployment-admin", "organization_id": ORG}]},
        deployment("observability-editor"),
        {
            "project": {
                "elasticsearch": [
                    {"role_id": "security-t1-analyst", "organization_id": ORG, "all": True}
                ]
            }
        },
        {
            "project": {
                "search": [{"role_id": "elasticsearch-viewer", "organization_id": ORG, "all": True}]
            }
        },
        {
            "deployment": [
                {
                    "role_id": "deployment-admin",
                    "organization_id": ORG,
                    "all": True,
                    "deployment_ids": ["a"],
                }
            ]
        },
        {"deployment": [{"role_id": "deployment-admin", "organization_id": ORG, "all": False}]},
    ]
    for body in cases:
        response = cloud("POST", f"/users/{user}/role_assignments", json=body)
        assert response.status_code == 400, body
        assert code(response) == "role_assignments.invalid_config"
    assert member(cloud, user)["role_assignments"] == {}


def test_hidden_ids_fail_whole_request(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("g@example.com", deployment("deployment-admin", ["a", "hidden-1"]))
    controls.hide_ids(["hidden-1", "hidden-2"])
    response = cloud(
        "DELETE",
        f"/users/{user}/role_assignments",
        json=deployment("deployment-admin", ["a", "hidden-1"]),
    )
    assert response.status_code == 403
    assert code(response) == "role_assignments.unauthorized_role_assignments"
    assert "hidden-1" in response.json()["errors"][0]["message"]
    assert member(cloud, user)["role_assignments"]["deployment"][0]["deployment_ids"] == [
        "a",
        "hidden-1",
    ]
    add = cloud(
        "POST",
        f"/users/{user}/role_assignments",
        json=deployment("deployment-viewer", ["b", "hidden-2"]),
    )
    assert add.status_code == 403
    assert (
        cloud(
            "DELETE", f"/users/{user}/role_assignments", json=deployment("deployment-admin", ["a"])
        ).status_code
        == 200
    )


def test_unknown_user_and_foreign_org(cloud: Api, controls: Controls) -> None:
    response = cloud("POST", "/users/123/role_assignments", json=deployment("deployment-admin"))
    assert (
        response.status_code == 400 and code(response) == "role_assignments.invalid_target_user_id"
    )
    user = controls.seed_member("h@example.com", [])
    foreign = cloud(
        "POST",
        f"/users/{user}/role_assignments",
        json={"organization": [{"role_id": "billing-admin", "organization_id": "999"}]},
    )
    assert foreign.status_code == 403


def test_drift_controls(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("i@example.com", ["security-admin"])
    assert (
        member(cloud, user)["role_assignments"]["project"]["security"][0]["role_id"]
        == "security-admin"
    )
    controls.set_assignments(user, ["billing-admin"])
    assert member(cloud, user)["role_assignments"] == {
        "organization": [{"role_id": "billing-admin", "organization_id": ORG}]
    }


# ---------------------------------------------------------------- controls for the product's guards


def test_the_last_admin_guard_can_be_switched_off(cloud: Api, controls: Controls) -> None:
    owner = cloud("GET", f"/organizations/{ORG}/members").json()["members"][0]["user_id"]
    controls.server_guards(last_admin=False)
    demote = {"organization": [{"role_id": "organization-admin", "organization_id": ORG}]}
    assert cloud("DELETE", f"/users/{owner}/role_assignments", json=demote).status_code == 200
    assert cloud("DELETE", f"/organizations/{ORG}/members/{owner}").status_code == 200
    assert cloud("GET", f"/organizations/{ORG}/members").json()["members"] == []
    controls.reset()
    owner = cloud("GET", f"/organizations/{ORG}/members").json()["members"][0]["user_id"]
    assert cloud("DELETE", f"/organizations/{ORG}/members/{owner}").status_code == 400


def test_a_second_organization_keeps_its_own_members_and_invitations(
    cloud: Api, controls: Controls
) -> None:
    other = "1000000002"
    controls.add_organization(other, "Other")
    assert {o["id"] for o in cloud("GET", "/organizations").json()["organizations"]} == {
        ORG,
        other,
    }
    user = controls.seed_member("x@example.com", ["organization-admin"], organization=other)
    (listed,) = cloud("GET", f"/organizations/{other}/members").json()["members"]
    assert listed["user_id"] == user and listed["organization_id"] == other
    assert listed["role_assignments"]["organization"][0]["organization_id"] == other
    assert [
        m["email"] for m in cloud("GET", f"/organizations/{ORG}/members").json()["members"]
    ] == ["owner@sandbox.example"]
    # One organization at a time: x belongs to the other one.
    invite = {"emails": ["x@example.com"], "role_assignments": {}}
    refused = cloud("POST", f"/organizations/{ORG}/invitations", json=invite)
    assert code(refused) == "organization.user_organization_already_belongs"
    assert cloud("DELETE", f"/organizations/{ORG}/members/{user}").status_code == 404
    # Roles of another organization are refused for its members.
    foreign = {"organization": [{"role_id": "billing-admin", "organization_id": ORG}]}
    assert cloud("POST", f"/users/{user}/role_assignments", json=foreign).status_code == 403
    controls.seed_invitation("y@example.com", ["billing-admin"], organization=other)
    assert cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"] == []
    (pending,) = cloud("GET", f"/organizations/{other}/invitations").json()["invitations"]
    assert pending["organization"]["id"] == other
    assert (
        cloud("DELETE", f"/organizations/{other}/members/{user}").status_code == 400
    )  # last admin


def test_an_applied_fault_lets_the_write_land_and_loses_its_answer(
    cloud: Api, controls: Controls
) -> None:
    controls.fault(r"/invitations$", "POST", status=503, applied=True)
    body = {"emails": ["z@example.com"], "role_assignments": {}}
    assert cloud("POST", f"/organizations/{ORG}/invitations", json=body).status_code == 503
    (landed,) = cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"]
    assert landed["email"] == "z@example.com"
