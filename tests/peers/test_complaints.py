"""The peers' users' complaints (reference/peers.md §4), replayed on the sandbox with the peer
itself (Terraform 1.5.7 with terraform-provider-elasticstack v0.11.17 / terraform-provider-ec
v0.13.0) and with elastic-access under the real Pulumi engine: what each tool did, observed.

Each complaint has one test per tool (``..._peer`` / ``..._ours``), so that where one tool
misbehaves the other's result still stands. Runs when ``make peers`` has built the peers (and,
for our half, ``make pulumi-cli`` the engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.peers.terraform import missing

LACKING = missing()

from sandbox.controls import Controls  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402
from tests.peers.complaints import (  # noqa: E402
    ORG,
    Peer,
    access,
    invitations,
    ours,
    role,
    sent,
    slow_writes,
    watching,
)
from tests.support.deploy import CheckFailed  # noqa: E402
from tests.support.engine import UnexpectedChanges, require_engine  # noqa: E402

SPACES = ("soc", "observability", "analytics")
MEMBER = "member@bench.example"
ASSIGNMENTS = r"/api/v1/users/\d+/role_assignments$"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True) as running:
        controls = Controls(running.kibana_url)
        for space in SPACES:
            controls.seed_space(space)
        yield running


@pytest.fixture
def controls(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


@pytest.fixture
def engine() -> None:
    require_engine()


@pytest.fixture(autouse=True)
def _peer_built(request: pytest.FixtureRequest) -> None:
    """A peer's half of a complaint needs the peers; ours runs without them (and in CI)."""
    if request.node.name.endswith("_peer") and LACKING:
        pytest.skip(
            f"peers not built ({', '.join(LACKING)} missing in .peers/bin): run `make peers`"
        )


def deployments(role_id: str, *ids: str) -> dict[str, Any]:
    """A member with one deployment role on these deployments (our config's terms)."""
    return {"deployments": {"deployments": dict.fromkeys(ids, role_id)}}


def seed_member(controls: Controls, role_id: str, *ids: str) -> str:
    """An accepted member holding ``role_id`` on these deployments; returns the user id."""
    entry = {"role_id": role_id, "organization_id": ORG, "deployment_ids": list(ids)}
    return controls.seed_member(MEMBER, {"deployment": [entry]})


# ---------------------------------------------------------------- ec#954: order-only differences

SET_HEAVY_ROLE = {
    "spaces": ["soc", "observability", "analytics", "default"],
    "cases": {"security": "all"},
    "connectors": "all",
    "alerts": {"security": "read"},
    "elasticsearch": {
        "cluster": ["monitor", "manage_security", "read_ccr"],
        "indices": [{"names": ["a-*", "b-*", "c-*"], "privileges": ["read", "monitor"]}],
    },
}
SET_HEAVY_MEMBERS = {
    MEMBER: deployments("deployment-editor", "d-1001", "d-1002", "d-1003"),
    "pending@bench.example": {
        **deployments("deployment-viewer", "d-1001", "d-1002", "d-1003"),
        "projects": {
            "security": {"projects": {"p-1": "security-viewer", "p-2": "security-viewer"}}
        },
    },
}
REORDERED = {MEMBER: deployments("deployment-editor", "d-1003", "d-1001", "d-1004")}


def test_954_order_only_differences_peer(
    sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """Every set-like array comes back shuffled: no plan shows a change, and an apply that
    changes an accepted member's ids is not "inconsistent" (v0.13.0 sorts on read too)."""
    seed_member(controls, "deployment-editor", "d-1001", "d-1002", "d-1003")
    controls.shuffle(True)
    peer = Peer(sandbox, tmp_path)
    peer.declare({"sets": SET_HEAVY_ROLE}, SET_HEAVY_MEMBERS)
    assert peer.apply().ok
    assert [peer.plan().returncode for _ in range(3)] == [0, 0, 0]  # 0: no changes
    peer.declare({"sets": SET_HEAVY_ROLE}, {**SET_HEAVY_MEMBERS, **REORDERED})
    run = peer.apply()
    assert run.ok, run.tail()
    assert "inconsistent result" not in run.stdout + run.stderr
    assert [peer.plan().returncode for _ in range(2)] == [0, 0]


def test_954_order_only_differences_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    seed_member(controls, "deployment-editor", "d-1001", "d-1002", "d-1003")
    controls.shuffle(True)
    stack = ours(sandbox, tmp_path, {"sets": SET_HEAVY_ROLE}, SET_HEAVY_MEMBERS)
    stack.up()
    for _ in range(3):
        stack.preview(refresh=True, expect_no_changes=True)
    stack = ours(sandbox, tmp_path, {"sets": SET_HEAVY_ROLE}, {**SET_HEAVY_MEMBERS, **REORDERED})
    assert stack.up().changed() == {MEMBER: "update"}
    stack.preview(refresh=True, expect_no_changes=True)


# ------------------------------------------- ec#957, ec#1041: remove first, whole assignments


BEFORE = ("d-1001", "d-1002")
AFTER = ("d-1002", "d-1003")  # d-1002 is granted before and after the change


def test_957_1041_a_moment_without_access_peer(
    sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """The whole old assignment is deleted, then the whole new one posted: in between the
    member has no deployment access at all, d-1002 included, which both configs grant."""
    user_id = seed_member(controls, "deployment-editor", *BEFORE)
    peer = Peer(sandbox, tmp_path)
    peer.declare(members={MEMBER: deployments("deployment-editor", *BEFORE)})
    assert peer.apply().ok
    peer.declare(members={MEMBER: deployments("deployment-editor", *AFTER)})
    controls.clear_requests()
    slow_writes(controls, ASSIGNMENTS, count=2)
    with watching(controls, MEMBER) as states:
        assert peer.apply().ok
    path = f"/api/v1/users/{user_id}/role_assignments"
    assert sent(controls) == [("DELETE", path, 200), ("POST", path, 200)]
    editor = "deployment-editor"
    assert states == [
        {(editor, "d-1001"), (editor, "d-1002")},
        set(),  # between the DELETE and the POST: nothing
        {(editor, "d-1002"), (editor, "d-1003")},
    ]


def test_957_1041_a_moment_without_access_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """Only the atoms that change, added before removed: d-1002 is never touched, and in
    between the member holds the union (more, never less)."""
    user_id = seed_member(controls, "deployment-editor", *BEFORE)
    ours(sandbox, tmp_path, members={MEMBER: deployments("deployment-editor", *BEFORE)}).up()
    stack = ours(sandbox, tmp_path, members={MEMBER: deployments("deployment-editor", *AFTER)})
    controls.clear_requests()
    slow_writes(controls, ASSIGNMENTS, count=2)
    with watching(controls, MEMBER) as states:
        assert stack.up().changed() == {MEMBER: "update"}
    path = f"/api/v1/users/{user_id}/role_assignments"
    assert sent(controls) == [("POST", path, 200), ("DELETE", path, 200)]
    editor = "deployment-editor"
    assert states == [
        {(editor, "d-1001"), (editor, "d-1002")},
        {(editor, "d-1001"), (editor, "d-1002"), (editor, "d-1003")},
        {(editor, "d-1002"), (editor, "d-1003")},
    ]


# ---------------------------------------------------------------- ec#1040: a hidden deployment

HIDDEN = "d-1002"  # shut down: Cloud hides it but keeps it on the member


def test_1040_hidden_deployment_peer(sandbox: Sandbox, controls: Controls, tmp_path: Path) -> None:
    """One more deployment for a member who also holds a hidden one: the whole old blob is
    deleted, and Cloud refuses that DELETE (403) because it names the hidden id; nothing
    changes. Dropping the hidden id from the config fails the same way."""
    seed_member(controls, "deployment-viewer", "d-1001", HIDDEN)
    peer = Peer(sandbox, tmp_path)
    peer.declare(members={MEMBER: deployments("deployment-viewer", "d-1001", HIDDEN)})
    assert peer.apply().ok
    controls.hide_ids([HIDDEN])

    peer.declare(members={MEMBER: deployments("deployment-viewer", "d-1001", HIDDEN, "d-1003")})
    controls.clear_requests()
    run = peer.apply()
    assert not run.ok
    assert "role_assignments.unauthorized_role_assignments" in run.stdout + run.stderr
    assert [(m, s) for m, _, s in sent(controls)] == [("DELETE", 403)]
    assert access(controls, MEMBER) == {
        ("deployment-viewer", "d-1001"),
        ("deployment-viewer", HIDDEN),
    }

    peer.declare(members={MEMBER: deployments("deployment-viewer", "d-1001")})
    controls.clear_requests()
    run = peer.apply()
    assert not run.ok
    assert [(m, s) for m, _, s in sent(controls)] == [("DELETE", 403)]


def test_1040_hidden_deployment_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """The new deployment is added alone (the hidden id is not named): it works. Dropping the
    hidden id: Cloud still lists it on the member, so the first removal names it and Cloud
    refuses it (403) once; the grant is then kept, said in a warning, never sent again, and the
    stack converges (issue 11 §2; cloud-org.md §10 item 6)."""
    seed_member(controls, "deployment-viewer", "d-1001", HIDDEN)
    ours(
        sandbox, tmp_path, members={MEMBER: deployments("deployment-viewer", "d-1001", HIDDEN)}
    ).up()
    controls.hide_ids([HIDDEN])

    more = deployments("deployment-viewer", "d-1001", HIDDEN, "d-1003")
    controls.clear_requests()
    assert ours(sandbox, tmp_path, members={MEMBER: more}).up().changed() == {MEMBER: "update"}
    assert [(m, s) for m, _, s in sent(controls)] == [("POST", 200)]
    assert ("deployment-viewer", "d-1003") in access(controls, MEMBER)

    fewer = deployments("deployment-viewer", "d-1001", "d-1003")
    controls.clear_requests()
    stack = ours(sandbox, tmp_path, members={MEMBER: fewer})
    stack.up()
    assert [(m, s) for m, _, s in sent(controls)] == [("DELETE", 403)]
    assert ("deployment-viewer", HIDDEN) in access(controls, MEMBER)
    (warning,) = [w for w in stack.warnings() if HIDDEN in w]
    assert f"kept: {HIDDEN} is hidden by Cloud" in warning
    assert "drop" not in warning  # the user has dropped it: no advice to do it again
    controls.clear_requests()
    assert stack.up().changed() == {}
    assert sent(controls) == []


def test_1040_a_hidden_id_does_not_block_other_removals_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """A member on d-1001, hidden d-1002 and d-1003, declared with d-1001 only: Cloud refuses
    the DELETE naming both; d-1003 is then removed alone, and the hidden id stays."""
    held = ("d-1001", HIDDEN, "d-1003")
    seed_member(controls, "deployment-viewer", *held)
    ours(sandbox, tmp_path, members={MEMBER: deployments("deployment-viewer", *held)}).up()
    controls.hide_ids([HIDDEN])
    controls.clear_requests()
    ours(sandbox, tmp_path, members={MEMBER: deployments("deployment-viewer", "d-1001")}).up()
    statuses = [(m, s) for m, _, s in sent(controls)]
    assert statuses[0] == ("DELETE", 403) and statuses.count(("DELETE", 200)) == 1
    assert access(controls, MEMBER) == {
        ("deployment-viewer", "d-1001"),
        ("deployment-viewer", HIDDEN),
    }


# ------------------------------------- elasticstack#2403: an unknown index privilege passes plan

BAD_INDEX_ROLE = {
    "elasticsearch": {"indices": [{"names": ["logs-*"], "privileges": ["read", "auto_create"]}]},
    "kibana": [{"spaces": ["default"], "feature": {"discover_v2": ["read"]}}],
}


def test_2403_unknown_index_privilege_peer(
    sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """``auto_create`` passes plan; Elasticsearch refuses it at apply, and the peer says only
    "400 Bad Request" (not Kibana's message naming the privilege)."""
    peer = Peer(sandbox, tmp_path)
    peer.declare({"auto-create": BAD_INDEX_ROLE})
    assert peer.plan().returncode == 2  # 2: a plan with changes, no error
    assert sent(controls) == []
    run = peer.apply()
    assert not run.ok
    assert "Error: 400 Bad Request" in run.stderr
    assert "unknown index privilege" not in run.stderr
    assert sent(controls) == [("PUT", "/api/security/role/auto-create?createOnly=true", 400)]
    assert role(sandbox, "auto-create") is None


def test_2403_unknown_index_privilege_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """Preview refuses it, naming the privilege; nothing is sent."""
    with pytest.raises(CheckFailed) as refused:
        ours(sandbox, tmp_path, {"auto-create": BAD_INDEX_ROLE}).preview()
    assert "auto_create" in str(refused.value)
    assert sent(controls) == []


# ------------------------------------------------ elasticstack#933: createOnly on the read-back

CASES_ROLE = {"spaces": ["soc"], "cases": {"security": "all"}, "connectors": "read"}


def test_933_create_only_stays_on_the_write_peer(
    sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """v0.11.17: ``createOnly=true`` on the PUT only (the sandbox, as Kibana 8.16+, refuses it
    on a GET). A role of that name made out of band is never overwritten: 409, apply fails,
    and it keeps failing until the role is imported."""
    peer = Peer(sandbox, tmp_path / "first")
    peer.declare({"soc-cases": CASES_ROLE})
    assert peer.apply().ok
    reads = [p for m, p, _ in sent(controls, ("GET",)) if "/api/security/role/" in p]
    assert reads and not [p for p in reads if "createOnly" in p]
    assert ("PUT", "/api/security/role/soc-cases?createOnly=true", 204) in sent(controls)

    # The role exists (an earlier run that lost its state, say): a new root declaring it.
    again = Peer(sandbox, tmp_path / "again")
    again.declare({"soc-cases": CASES_ROLE})
    controls.clear_requests()
    run = again.apply()
    assert not run.ok
    assert "Error: 409 Conflict" in run.stderr
    assert sent(controls) == [("PUT", "/api/security/role/soc-cases?createOnly=true", 409)]
    assert again.apply().returncode == 1  # and again, until the role is imported


def test_933_create_only_stays_on_the_write_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """``createOnly=true`` on the PUT only, and no read of the role after it (the outputs are
    the body sent); a role that already exists and equals the declaration is adopted (a run
    that lost its state recovers without an import)."""
    ours(sandbox, tmp_path / "first", {"soc-cases": CASES_ROLE}).up()
    every = sent(controls, ("GET", "PUT", "POST", "DELETE"))
    assert [r for r in every if "createOnly" in r[1]] == [
        ("PUT", "/api/security/role/soc-cases?createOnly=true", 204)
    ]
    assert not [r for r in every if r[0] == "GET" and r[1].startswith("/api/security/role/")]

    again = ours(sandbox, tmp_path / "again", {"soc-cases": CASES_ROLE})
    controls.clear_requests()
    assert again.up().changed() == {"soc-cases": "create"}
    assert sent(controls) == [("PUT", "/api/security/role/soc-cases?createOnly=true", 409)]


# ---------------------------------------- elasticstack#586: a feature privilege the stack lacks

TYPO_ROLE = {"kibana": [{"spaces": ["soc"], "feature": {"generalCasesV3": ["alll"]}}]}


def test_586_unknown_feature_privilege_peer(
    sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """A privilege name the feature does not have passes plan and apply: Kibana stores unknown
    privilege ids, so the role exists and grants nothing on Cases, silently."""
    peer = Peer(sandbox, tmp_path)
    peer.declare({"typo": TYPO_ROLE})
    assert peer.plan().returncode == 2
    assert peer.apply().ok
    assert [(m, s) for m, _, s in sent(controls)] == [("PUT", 204)]
    stored = role(sandbox, "typo")
    assert stored is not None
    assert stored["kibana"][0]["feature"] == {"generalCasesV3": ["alll"]}
    assert peer.plan().returncode == 0  # and it stays that way


def test_586_unknown_feature_privilege_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    with pytest.raises(CheckFailed) as refused:
        ours(sandbox, tmp_path, {"typo": TYPO_ROLE}).preview()
    assert "alll" in str(refused.value)
    assert sent(controls) == []


# ------------------------------- github#1518 and ec: an expired invitation looks up to date

INVITEE = "invitee@bench.example"
EIGHT_DAYS = 8 * 86400


def test_expired_invitation_peer(sandbox: Sandbox, controls: Controls, tmp_path: Path) -> None:
    """Seven days later the invitation has expired; the peer sees no drift and its apply
    changes nothing: the invitee can never join."""
    peer = Peer(sandbox, tmp_path)
    peer.declare(members={INVITEE: {"deployments": {"all": "deployment-viewer"}}})
    assert peer.apply().ok
    controls.advance_clock(EIGHT_DAYS)
    assert invitations(sandbox)[INVITEE]["expired"] is True
    assert peer.plan_refresh_only().returncode == 0  # 0: no drift found
    controls.clear_requests()
    run = peer.apply()
    assert run.ok and "No changes." in run.stdout
    assert sent(controls) == []
    assert invitations(sandbox)[INVITEE]["expired"] is True


def test_expired_invitation_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """The drift check fails on the expired invitation and ``up --refresh`` issues a new one."""
    members = {INVITEE: {"deployments": {"all": "deployment-viewer"}}}
    stack = ours(sandbox, tmp_path, members=members)
    stack.up()
    controls.advance_clock(EIGHT_DAYS)
    with pytest.raises(UnexpectedChanges):
        stack.preview(refresh=True, expect_no_changes=True)
    controls.clear_requests()
    assert stack.up(refresh=True).changed() == {INVITEE: "update"}
    assert [(m, s) for m, _, s in sent(controls)] == [("DELETE", 200), ("POST", 201)]
    assert invitations(sandbox)[INVITEE]["expired"] is False


# ---------------------------------------------- Cloud's invitation rate limit (429, Retry-After)

LIMITED = {
    "errors": [
        {
            "code": "organization.invitations_rate_limit_exceeded",
            "message": "Request exceeds organization invitation creation rate limits.",
        }
    ]
}


def limit_next_invitation(controls: Controls) -> None:
    controls.fault(r"/organizations/\d+/invitations$", "POST", 429, retry_after=1, body=LIMITED)


def test_invitation_rate_limit_peer(sandbox: Sandbox, controls: Controls, tmp_path: Path) -> None:
    """One 429 with ``Retry-After: 1`` on an invitation: the apply fails (no retry)."""
    peer = Peer(sandbox, tmp_path)
    peer.declare(members={INVITEE: {"deployments": {"all": "deployment-viewer"}}})
    limit_next_invitation(controls)
    run = peer.apply()
    assert not run.ok
    assert "invitations_rate_limit_exceeded" in run.stdout + run.stderr
    assert [(m, s) for m, _, s in sent(controls)] == [("POST", 429)]
    assert INVITEE not in invitations(sandbox)


def test_invitation_rate_limit_ours(
    engine: None, sandbox: Sandbox, controls: Controls, tmp_path: Path
) -> None:
    """The 429 is waited out (``Retry-After``) and the invitation sent again."""
    stack = ours(
        sandbox, tmp_path, members={INVITEE: {"deployments": {"all": "deployment-viewer"}}}
    )
    limit_next_invitation(controls)
    assert stack.up().changed() == {INVITEE: "create"}
    assert [(m, s) for m, _, s in sent(controls)] == [("POST", 429), ("POST", 201)]
    assert INVITEE in invitations(sandbox)
