"""Organization members as a Pulumi user sees them in the CLI's output: which creates adopt
(preview), which roles Cloud keeps, and two `pulumi up`s of one config at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.conftest import SECRET
from tests.support.engine import EngineDeployment
from tests.support.organization import admins, listed

ORG = "1000000001"
VETERAN = "veteran@example.com"
VIEWER_ALL = {"deployments": {"all": "deployment-viewer"}}


def members_stack(sandbox: Sandbox, workdir: Path, members: dict[str, Any]) -> EngineDeployment:
    config = {"cloud": {"url": sandbox.cloud_url, "organizationId": ORG}, "members": members}
    return EngineDeployment(config, workdir, secrets={"cloudApiKey": SECRET})


def shown(stack: EngineDeployment) -> str:
    """What the CLI printed for the last operation."""
    return "".join(stack.output)


def warnings(stack: EngineDeployment) -> list[tuple[str, str]]:
    """(resource name, message) of each warning the engine reported."""
    return [
        (str(e.diagnostic_event.urn or "").rsplit("::", 1)[-1], e.diagnostic_event.message.strip())
        for e in stack.events
        if e.diagnostic_event and e.diagnostic_event.severity == "warning"
    ]


def test_preview_says_which_creates_adopt_and_later_runs_say_nothing(
    sandbox: Sandbox, cloud: Controls, tmp_path: Path
) -> None:
    cloud.seed_member(VETERAN, ["organization-admin", "deployment-admin", "security-admin"])
    cloud.seed_member("same@example.com", ["deployment-viewer"])
    members = {VETERAN: {**VIEWER_ALL, "adopt": True}, "same@example.com": VIEWER_ALL}
    stack = members_stack(sandbox, tmp_path, members)
    assert stack.preview().changed() == {VETERAN: "create", "same@example.com": "create"}
    message = (
        "adopts veteran@example.com, already a member in organization 1000000001 (adopt: true): "
        "up removes deployment-admin on all deployments; organization-admin on the organization; "
        "security-admin on all security projects and adds deployment-viewer on all deployments"
    )
    assert warnings(stack) == [(VETERAN, message)]
    assert message in shown(stack)
    assert (
        "adopts same@example.com, already a member in organization 1000000001 with exactly the "
        "declared roles: nothing changes" in shown(stack)
    )
    stack.up()
    stack.preview()
    assert "adopts" not in shown(stack) and warnings(stack) == []


def test_a_role_cloud_keeps_is_a_warning_in_the_output_of_each_run(
    sandbox: Sandbox, cloud: Controls, tmp_path: Path
) -> None:
    held = {"role_id": "deployment-viewer", "organization_id": ORG, "all": False}
    cloud.seed_member("bob@example.com", {"deployment": [{**held, "deployment_ids": ["d-1001", "d-2002"]}]})  # fmt: skip
    both = {"deployments": {"deployments": {"d-1001": "deployment-viewer", "d-2002": "deployment-viewer"}}}  # fmt: skip
    members_stack(sandbox, tmp_path, {"bob@example.com": both}).up()
    cloud.hide_ids(["d-2002"])
    one = {"deployments": {"deployments": {"d-1001": "deployment-viewer"}}}
    stack = members_stack(sandbox, tmp_path, {"bob@example.com": one})
    stack.up()
    ((name, message),) = warnings(stack)
    assert name == "bob@example.com" and message.startswith("kept: d-2002 is hidden by Cloud")
    assert stack.preview().changed() == {}
    assert [m for _, m in warnings(stack)] == [message]  # still said, and still no change


def test_two_ups_of_one_config_at_once_both_succeed_with_one_invitation_each(
    sandbox: Sandbox, cloud: Controls, tmp_path: Path
) -> None:
    members = {
        "alice@example.com": {"organization": "billing-admin"},
        "bob@example.com": VIEWER_ALL,
        "carol@example.com": {"projects": {"security": {"all": "security-viewer"}}},
    }
    twins = [members_stack(sandbox, tmp_path / name, members) for name in ("a", "b")]
    # Each invitation takes a while to land, so each run may list before its twin's lands.
    cloud.fault(r"/invitations$", "POST", latency=2.0, count=6)
    with ThreadPoolExecutor(2) as pool:
        plans = list(pool.map(lambda stack: stack.up(skip_preview=True), twins))
    assert all(plan.changed() == dict.fromkeys(members, "create") for plan in plans)
    invitations = listed(sandbox, "invitations", SECRET)
    assert sorted(i["email"] for i in invitations) == sorted(members)
    posts = [r["status"] for r in cloud.requests() if r["method"] == "POST"]
    assert posts.count(201) == 3 and set(posts) <= {201, 400}
    for stack in twins:
        assert stack.preview().changed() == {}


def test_a_promotion_lands_before_the_demotion_it_makes_safe(
    sandbox: Sandbox, cloud: Controls, tmp_path: Path
) -> None:
    """Alice is the only admin; one up makes Carol admin and Alice billing-admin. Members whose
    config grants organization-admin go first, so Alice's demotion finds Carol an admin."""
    cloud.server_guards(last_admin=False)
    cloud.seed_member("alice@example.com", ["organization-admin"])
    cloud.seed_member("carol@example.com", ["billing-admin"])
    cloud.set_assignments("2000000001", ["billing-admin"])  # the owner
    admin, billing = {"organization": "organization-admin"}, {"organization": "billing-admin"}
    before = {"alice@example.com": admin, "carol@example.com": billing}
    members_stack(sandbox, tmp_path, before).up()
    after = {"alice@example.com": billing, "carol@example.com": admin}
    stack = members_stack(sandbox, tmp_path, after)
    stack.parallel = 8
    assert stack.up().changed() == dict.fromkeys(after, "update")
    assert admins(sandbox, SECRET) == ["carol@example.com"]


def test_a_grant_added_to_a_member_previews_as_that_grant_alone(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Reported by a new user: adding ``deployments: {all: deployment-viewer}`` to a billing
    admin previewed as ``~ role: "billing-admin" => "deployment-viewer"`` (a list diffed by
    position reads as a demotion); keyed by description, the diff shows the one grant added."""
    alice = "alice@example.com"
    members_stack(sandbox, tmp_path, {alice: {"organization": "billing-admin"}}).up()
    more = {"organization": "billing-admin", "deployments": {"all": "deployment-viewer"}}
    stack = members_stack(sandbox, tmp_path, {alice: more})
    assert stack.preview(diff=True).changed() == {alice: "update"}
    lines = [line.strip() for line in stack.output]
    assert "+ deployment-viewer on all deployments: {" in lines
    assert "billing-admin on the organization   : {" in lines  # shown unchanged
    assert not [line for line in lines if "=>" in line or line.startswith("- ")]
    stack.up()
    assert stack.preview().changed() == {}


def test_a_member_saved_with_the_list_form_previews_no_change(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """States saved before the keyed form hold ``assignments`` as a list: they still diff by
    meaning (no change shown for the same grants), and the next change saves the keyed form."""
    bob = "bob@example.com"
    stack = members_stack(sandbox, tmp_path, {bob: VIEWER_ALL})
    stack.up()
    deployment = stack.exported()
    rewritten = 0
    for resource in deployment["resources"]:
        for key in ("inputs", "outputs"):
            held = resource.get(key, {}).get("assignments")
            if isinstance(held, dict):
                resource[key]["assignments"] = list(held.values())
                rewritten += 1
    assert rewritten == 2  # the member's inputs and outputs
    stack.stack.import_stack(auto.Deployment(version=3, deployment=deployment))
    assert stack.preview().changed() == {}
    assert stack.refresh().changed() == {}
