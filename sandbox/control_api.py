"""The test-control routes under ``/_sandbox/`` (both servers; only with ``controls=True``;
no auth). They seed and change the world out of band, inject faults and report what the
sandbox saw. ``sandbox.controls.Controls`` is their client."""

from __future__ import annotations

import copy
from typing import Any

from sandbox import cloud_api
from sandbox.cloud_api import DEPLOYMENT_ROLES, ORGANIZATION_ROLES, PROJECT_ROLES, CloudProblem
from sandbox.context import Context, Fault, Runtime
from sandbox.kibana_api import to_stored
from sandbox.state import ORG_ID, Atom, Member, World, iso
from sandbox.web import BadJson, Request, Response


class ControlError(Exception):
    pass


def _atoms(world: World, value: Any, organization: str = ORG_ID) -> set[Atom]:
    """Atoms from a ``RoleAssignments`` body, or a list of role ids (each for the whole
    organization / all deployments / all projects of its type) or atom dicts
    ``{scope, role, target, type?, applicationRoles?}``."""
    if value is None or isinstance(value, dict):
        try:
            return cloud_api.parse_assignments(
                world, value, check_hidden=False, organization=organization
            )
        except CloudProblem as problem:
            raise ControlError(problem.message) from None
    if not isinstance(value, list):
        raise ControlError("give a RoleAssignments object or a list of role ids / atoms")
    atoms: set[Atom] = set()
    for item in value:
        if isinstance(item, dict):
            roles = item.get("applicationRoles")
            atoms.add(
                Atom(
                    item["scope"],
                    item.get("type", ""),
                    item["role"],
                    item.get("target")
                    or (organization if item["scope"] == "organization" else "all"),
                    None if roles is None else tuple(sorted(set(roles))),
                )
            )
        elif item in ORGANIZATION_ROLES:
            atoms.add(Atom("organization", "", item, organization))
        elif item in DEPLOYMENT_ROLES:
            atoms.add(Atom("deployment", "", item, "all"))
        else:
            owner = next((t for t, roles in PROJECT_ROLES.items() if item in roles), None)
            if owner is None:
                raise ControlError(f"unknown role id {item!r}")
            atoms.add(Atom("project", owner, item, "all"))
    return atoms


def _fault(body: dict[str, Any]) -> Fault:
    """A fault from its control body (shape: ``sandbox.controls.Controls.fault``)."""
    status = body.get("status")
    fault = Fault(
        path_regex=body.get("path") or ".*",
        method=(body.get("method") or None),
        status=None if status in (None, "drop") else int(status),
        drop=status == "drop",
        count=int(body.get("count") or 1),
        retry_after=body.get("retry_after"),
        latency=body.get("latency"),
        has_body="body" in body,
        body=body.get("body"),
        location=body.get("location"),
        drip=None if body.get("drip") is None else float(body["drip"]),
        oversize=None if body.get("oversize") is None else int(body["oversize"]),
        applied=bool(body.get("applied")),
    )
    if fault.location is not None and not (fault.status and 300 <= fault.status < 400):
        raise ControlError("location needs a 3xx status")
    if fault.applied and not (fault.drop or fault.status):
        raise ControlError("applied needs a status (or drop) to answer after the route ran")
    if fault.oversize is not None and fault.oversize < 64:
        raise ControlError("oversize is a body size in bytes, at least 64")
    return fault


def _organization(world: World, body: dict[str, Any]) -> str:
    organization = str(body.get("organization") or ORG_ID)
    if organization not in world.organizations:
        raise ControlError(f"no organization {organization!r} (add_organization first)")
    return organization


def _member(ctx: Context, user_id: str) -> Member:
    member = ctx.world.members.get(user_id)
    if member is None:
        raise ControlError(f"no member with user id {user_id!r}")
    return member


def handle(ctx: Context, req: Request, defaults: Runtime) -> Response:
    """Run one control request (the caller holds the lock)."""
    try:
        body = req.json(default={}) or {}
        result = _dispatch(ctx, req.method, req.path.removeprefix("/_sandbox/"), body, defaults)
    except (ControlError, KeyError, TypeError, ValueError, BadJson) as exc:
        return Response(400, {"error": f"{type(exc).__name__}: {exc}"})
    if result is None:
        return Response(404, {"error": f"no control {req.method} {req.path}"})
    return result


def _dispatch(
    ctx: Context, method: str, name: str, body: dict[str, Any], defaults: Runtime
) -> Response | None:
    world = ctx.world
    runtime = ctx.runtime
    if method == "GET":
        if name == "requests":
            return Response(200, copy.deepcopy(runtime.log))
        if name == "counters":
            return Response(200, dict(runtime.counters))
        if name == "state":
            return Response(200, world.to_json())
        return None
    if method == "DELETE" and name == "requests":
        runtime.log.clear()
        runtime.counters.clear()
        return Response(200, {})
    if method == "DELETE" and name == "faults":
        runtime.faults.clear()
        return Response(200, {})
    if method != "POST":
        return None
    out: dict[str, Any] = {}
    if name == "reset":
        cluster_uuid = world.cluster_uuid
        ctx.world = World.initial()
        ctx.world.cluster_uuid = cluster_uuid
        ctx.runtime = Runtime(shuffle=defaults.shuffle)
    elif name in ("roles", "edit_role"):
        world.roles[body["name"]] = to_stored(body.get("body") or {})
    elif name == "spaces":
        world.spaces[body["id"]] = {"name": body.get("name") or body["id"], "disabledFeatures": []}
    elif name == "saved_objects":
        if body["space"] not in world.spaces:
            raise ControlError(f"no space {body['space']!r}")
        item = {"type": body.get("type") or "cases", "id": body["id"]}
        world.saved_objects.setdefault(body["space"], []).append(item)
    elif name == "cluster":
        world.cluster_uuid = str(body["uuid"])
    elif name == "organizations":
        world.organizations[str(body["id"])] = str(body.get("name") or f"Organization {body['id']}")
    elif name == "guards":
        runtime.last_admin_guard = bool(body.get("last_admin", True))
    elif name == "members":
        email = body["email"]
        organization = _organization(world, body)
        member = world.member_by_email(email)
        if member is None:
            member = Member(world.new_user_id(), email, body.get("name") or email, world.now())
            world.members[member.user_id] = member
        member.organization_id = organization
        member.atoms = _atoms(world, body.get("assignments"), organization)
        out = {"user_id": member.user_id}
    elif name == "invitations":
        organization = _organization(world, body)
        atoms = _atoms(world, body.get("role_assignments"), organization)
        try:
            expires = cloud_api.parse_duration(body.get("expires_in"))
        except CloudProblem as problem:
            raise ControlError(problem.message) from None
        invitation = cloud_api.create_invitation(ctx, body["email"], atoms, expires, organization)
        out = {"token": invitation.token, "expires_at": iso(invitation.expires_at)}
    elif name == "hidden":
        world.hidden_ids = set(body.get("ids") or ())
    elif name == "accept":
        email = str(body["email"]).lower()
        pending = [i for i in world.invitations.values() if i.email.lower() == email]
        if not pending:
            raise ControlError(f"no invitation for {body['email']!r}")
        if pending[0].expires_at <= world.now():
            raise ControlError(f"the invitation for {body['email']!r} has expired")
        out = {"user_id": cloud_api.accept(ctx, pending[0]).user_id}
    elif name == "clock":
        world.clock_offset += float(body.get("seconds") or 0)
        out = {"now": iso(world.now())}
    elif name == "assignments":
        member = _member(ctx, body["user_id"])
        member.atoms = _atoms(world, body.get("role_assignments"), member.organization_id)
    elif name == "faults":
        runtime.faults.append(_fault(body))
    elif name == "latency":
        runtime.latency = float(body.get("seconds") or 0)
    elif name == "shuffle":
        runtime.shuffle = bool(body.get("enabled", True))
    else:
        return None
    ctx.save()
    return Response(200, out)
