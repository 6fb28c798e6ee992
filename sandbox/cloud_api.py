"""The Elastic Cloud organization routes under ``/api/v1`` (reference/cloud-org.md, specs/).

Role assignments are stored as atoms (scope, project type, role id, target, application roles):
POST adds atoms (idempotent), DELETE removes exactly the atoms named. Role ids are checked per
scope and project type against the sandbox's own table ``data/cloud_roles.json``; a request
naming a hidden deployment or project id fails whole with 403
``role_assignments.unauthorized_role_assignments``.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from typing import Any
from urllib.parse import unquote

from sandbox.context import Context
from sandbox.data import load
from sandbox.state import ORG_ID, ORG_NAME, Atom, Invitation, Member, World, iso
from sandbox.web import BadJson, Request, Response, Route, cloud_error

API = "/api/v1"
_ROLES = load("cloud_roles")
ORGANIZATION_ROLES: tuple[str, ...] = tuple(_ROLES["organization"])
DEPLOYMENT_ROLES: tuple[str, ...] = tuple(_ROLES["deployment"])
PROJECT_ROLES: dict[str, tuple[str, ...]] = {t: tuple(r) for t, r in _ROLES["project"].items()}
PROJECT_TYPES = tuple(PROJECT_ROLES)
ALL = "all"
DEFAULT_EXPIRY = 72 * 3600.0
WINDOW = 60
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
_DURATION = re.compile(r"(\d+)(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
LAST_ADMIN = "organization.membership_last_admin"
INVALID_CONFIG = "role_assignments.invalid_config"
UNAUTHORIZED_ASSIGNMENTS = "role_assignments.unauthorized_role_assignments"


class CloudProblem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return cloud_error(self.status, self.code, self.message)


# ---------------------------------------------------------------- auth and rate limits


def authorize(ctx: Context, req: Request, route: Route | None) -> Response | None:
    header = req.header("authorization") or ""
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() == "apikey" and credential == ctx.api_key:
        return None
    if scheme.lower() == "apikey" and ctx.readonly_api_key and credential == ctx.readonly_api_key:
        if req.method == "GET":
            return None
        return cloud_error(
            403,
            "organization.invalid_access",
            "The current user does not have access to the requested organization.",
        )
    return cloud_error(401, "root.unauthenticated", "The supplied authentication is invalid")


def _window(ctx: Context) -> tuple[int, float]:
    now = ctx.world.now()
    number = int(now // WINDOW)
    return number, (number + 1) * WINDOW - now


def rate_limit(ctx: Context) -> tuple[Response | None, dict[str, str]]:
    """Count one Cloud request; the ``x-ratelimit-*`` headers, and a 429 past the limit."""
    number, left = _window(ctx)
    window, used = ctx.runtime.cloud_window
    used = used + 1 if window == number else 1
    ctx.runtime.cloud_window = (number, used)
    headers = {
        "x-ratelimit-limit": str(ctx.cloud_limit),
        "x-ratelimit-remaining": str(max(0, ctx.cloud_limit - used)),
        "x-ratelimit-interval": f"{WINDOW}s",
        "x-ratelimit-reset": str(max(1, round(left))),
    }
    if used > ctx.cloud_limit:
        retry = {"Retry-After": str(max(1, round(left)))}
        return cloud_error(429, "root.rate_limited", "Too many requests", retry), headers
    return None, headers


def _invitation_quota(ctx: Context) -> Response | None:
    number, left = _window(ctx)
    window, used = ctx.runtime.invite_window
    used = used + 1 if window == number else 1
    ctx.runtime.invite_window = (number, used)
    if used > ctx.invite_limit:
        return cloud_error(
            429,
            "organization.invitations_rate_limit_exceeded",
            "Request exceeds organization invitation creation rate limits.",
            {"Retry-After": str(max(1, round(left)))},
        )
    return None


# ---------------------------------------------------------------- role assignments


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CloudProblem(400, "root.invalid_data", f"[{where}] must be an array")
    return value


def _strings(value: Any, where: str) -> list[str]:
    items = _list(value, where)
    if not all(isinstance(i, str) and i for i in items):
        raise CloudProblem(400, "root.invalid_data", f"[{where}] must be an array of strings")
    return items


def parse_assignments(
    world: World,
    body: Any,
    *,
    verb: str = "add",
    check_hidden: bool = True,
    organization: str = ORG_ID,
) -> set[Atom]:
    """The atoms of a ``RoleAssignments`` body for a member (or invitee) of ``organization``,
    validated as the API does."""
    if body is None:
        return set()
    if not isinstance(body, dict):
        raise CloudProblem(400, "root.invalid_data", "The role assignments must be an object")
    atoms: set[Atom] = set()
    if _list(body.get("platform"), "platform"):
        raise CloudProblem(
            403,
            UNAUTHORIZED_ASSIGNMENTS,
            f"You are not authorised to {verb} the specified RoleAssignments: platform roles "
            "cannot be managed through an organization",
        )
    for i, entry in enumerate(_list(body.get("organization"), "organization")):
        role, org = _role_and_org(entry, f"organization[{i}]", ORGANIZATION_ROLES, "organization")
        atoms.add(Atom("organization", "", role, org))
    for i, entry in enumerate(_list(body.get("deployment"), "deployment")):
        atoms |= _scoped(
            entry, f"deployment[{i}]", "deployment", "", "deployment_ids", organization
        )
    project = body.get("project")
    if project is not None:
        if not isinstance(project, dict):
            raise CloudProblem(400, "root.invalid_data", "[project] must be an object")
        for project_type, entries in project.items():
            if project_type not in PROJECT_TYPES:
                raise CloudProblem(
                    400,
                    INVALID_CONFIG,
                    f"Unknown project type [{project_type}]; allowed: {', '.join(PROJECT_TYPES)}",
                )
            for i, entry in enumerate(_list(entries, f"project.{project_type}")):
                atoms |= _scoped(
                    entry,
                    f"project.{project_type}[{i}]",
                    "project",
                    project_type,
                    "project_ids",
                    organization,
                )
    foreign = sorted(
        {a.target for a in atoms if a.scope == "organization" and a.target != organization}
    )
    hidden = sorted({a.target for a in atoms if a.target in world.hidden_ids})
    if foreign or (check_hidden and hidden):
        ids = ", ".join(foreign or hidden)
        what = "organizations" if foreign else "deployments or projects"
        raise CloudProblem(
            403,
            UNAUTHORIZED_ASSIGNMENTS,
            f"You are not authorised to {verb} the specified RoleAssignments: "
            f"no access to {what} [{ids}]",
        )
    return atoms


def _role_and_org(entry: Any, where: str, allowed: tuple[str, ...], scope: str) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise CloudProblem(400, "root.invalid_data", f"[{where}] must be an object")
    role, org = entry.get("role_id"), entry.get("organization_id")
    if not isinstance(role, str) or not role:
        raise CloudProblem(400, "root.invalid_data", f"[{where}.role_id] is required")
    if not isinstance(org, str) or not org:
        raise CloudProblem(400, "root.invalid_data", f"[{where}.organization_id] is required")
    if role not in allowed:
        raise CloudProblem(
            400,
            INVALID_CONFIG,
            f"Role [{role}] cannot be assigned in scope [{scope}] ({where}); "
            f"allowed: {', '.join(allowed)}",
        )
    return role, org


def _scoped(
    entry: Any, where: str, scope: str, project_type: str, ids_key: str, organization: str
) -> set[Atom]:
    allowed = DEPLOYMENT_ROLES if scope == "deployment" else PROJECT_ROLES[project_type]
    label = "deployment" if scope == "deployment" else f"project.{project_type}"
    role, org = _role_and_org(entry, where, allowed, label)
    if org != organization:
        raise CloudProblem(
            403,
            UNAUTHORIZED_ASSIGNMENTS,
            f"You are not authorised to manage RoleAssignments of organization [{org}]",
        )
    for_all = entry.get("all")
    if for_all is not None and not isinstance(for_all, bool):
        raise CloudProblem(400, "root.invalid_data", f"[{where}.all] must be a boolean")
    ids = _strings(entry.get(ids_key), f"{where}.{ids_key}")
    roles_value = entry.get("application_roles")
    app_roles = None
    if roles_value is not None:
        app_roles = tuple(sorted(set(_strings(roles_value, f"{where}.application_roles"))))
    if for_all and ids:
        raise CloudProblem(
            400, INVALID_CONFIG, f"[{where}.{ids_key}] must be absent when [all] is true"
        )
    if not for_all and not ids:
        raise CloudProblem(
            400, INVALID_CONFIG, f"[{where}.{ids_key}] must be present when [all] is false"
        )
    targets = [ALL] if for_all else ids
    return {Atom(scope, project_type, role, target, app_roles) for target in targets}


def assignments_body(ctx: Context, atoms: set[Atom], organization: str = ORG_ID) -> dict[str, Any]:
    """Group atoms into one ``RoleAssignments`` entry per (role, all-or-ids, application roles)."""
    body: dict[str, Any] = {}
    groups: dict[tuple[str, str, str, bool, tuple[str, ...] | None], list[str]] = defaultdict(list)
    for atom in sorted(atoms, key=lambda a: a.to_json().__repr__()):
        if atom.scope == "organization":
            entry = {"role_id": atom.role_id, "organization_id": atom.target}
            body.setdefault("organization", []).append(entry)
            continue
        key = (
            atom.scope,
            atom.project_type,
            atom.role_id,
            atom.target == ALL,
            atom.application_roles,
        )
        groups[key].append(atom.target)
    for (scope, project_type, role, for_all, app_roles), targets in groups.items():
        item: dict[str, Any] = {"role_id": role, "organization_id": organization}
        ids_key = "deployment_ids" if scope == "deployment" else "project_ids"
        if for_all:
            item["all"] = True
        else:
            item[ids_key] = ctx.order(sorted(targets))
        if app_roles is not None:
            item["application_roles"] = ctx.order(list(app_roles))
        if scope == "deployment":
            body.setdefault("deployment", []).append(item)
        else:
            body.setdefault("project", {}).setdefault(project_type, []).append(item)
    for scope in ("organization", "deployment"):
        if scope in body:
            body[scope] = ctx.order(body[scope])
    for project_type, entries in body.get("project", {}).items():
        body["project"][project_type] = ctx.order(entries)
    return body


def _admins(world: World, organization: str) -> set[str]:
    return {
        m.user_id
        for m in world.members.values()
        if m.organization_id == organization
        and any(a.scope == "organization" and a.role_id == "organization-admin" for a in m.atoms)
    }


def _last_admin() -> CloudProblem:
    return CloudProblem(
        400, LAST_ADMIN, "The last organization admin (the owner) cannot be removed or demoted"
    )


# ---------------------------------------------------------------- bodies


def organization_body(world: World, organization: str = ORG_ID) -> dict[str, Any]:
    return {
        "id": organization,
        "name": world.organizations.get(organization, ORG_NAME),
        "default_disk_usage_alerts_enabled": True,
        "notifications_allowed_email_domains": [],
        "billing_contacts": [],
        "operational_contacts": [],
    }


def member_body(ctx: Context, member: Member) -> dict[str, Any]:
    return {
        "organization_id": member.organization_id,
        "user_id": member.user_id,
        "name": member.name,
        "email": member.email,
        "member_since": iso(member.member_since),
        "role_assignments": assignments_body(ctx, member.atoms, member.organization_id),
    }


def invitation_body(ctx: Context, invitation: Invitation) -> dict[str, Any]:
    return {
        "token": invitation.token,
        "email": invitation.email,
        "organization": organization_body(ctx.world, invitation.organization_id),
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "expired": ctx.world.now() >= invitation.expires_at,
        "role_assignments": assignments_body(ctx, invitation.atoms, invitation.organization_id),
    }


def parse_duration(text: Any) -> float:
    if text is None:
        return DEFAULT_EXPIRY
    if not isinstance(text, str) or not text or _DURATION.sub("", text) != "":
        raise CloudProblem(
            400,
            "root.invalid_data",
            f"Invalid expires_in [{text}]: use a duration such as 72h or 7d",
        )
    return float(sum(int(n) * _UNITS[unit] for n, unit in _DURATION.findall(text)))


def create_invitation(
    ctx: Context, email: str, atoms: set[Atom], expires_in: float, organization: str = ORG_ID
) -> Invitation:
    now = ctx.world.now()
    invitation = Invitation(
        secrets.token_hex(16), email, now, now + expires_in, set(atoms), organization
    )
    ctx.world.invitations[invitation.token] = invitation
    return invitation


def accept(ctx: Context, invitation: Invitation) -> Member:
    """The invitee accepts: a member with the invitation's role assignments."""
    ctx.world.invitations.pop(invitation.token, None)
    member = ctx.world.member_by_email(invitation.email)
    if member is None:
        member = Member(
            ctx.world.new_user_id(),
            invitation.email,
            invitation.email.split("@")[0].replace(".", " ").title(),
            ctx.world.now(),
            organization_id=invitation.organization_id,
        )
        ctx.world.members[member.user_id] = member
    member.atoms |= invitation.atoms
    return member


# ---------------------------------------------------------------- handlers


def _check_org(ctx: Context, params: dict[str, str]) -> str:
    organization = params.get("organization_id") or ""
    if organization not in ctx.world.organizations:
        raise CloudProblem(404, "organization.not_found", "Organization not found.")
    return organization


def _body(req: Request) -> Any:
    try:
        return req.json()
    except BadJson:
        raise CloudProblem(
            400, "root.invalid_json_request", "The request body is not valid JSON"
        ) from None


def _csv(raw: str) -> list[str]:
    return [unquote(part) for part in raw.split(",") if part]


def list_organizations(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    found = [organization_body(ctx.world, o) for o in ctx.world.organizations]
    return Response(200, {"organizations": found})


def get_organization(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    return Response(200, organization_body(ctx.world, _check_org(ctx, params)))


def list_members(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    organization = _check_org(ctx, params)
    members = [
        member_body(ctx, m) for m in ctx.world.members.values() if m.organization_id == organization
    ]
    return Response(200, {"members": ctx.order(members)})


def delete_members(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    organization = _check_org(ctx, params)
    ids = _csv(params["raw:user_ids"])
    missing = [
        i
        for i in ids
        if i not in ctx.world.members or ctx.world.members[i].organization_id != organization
    ]
    if not ids or missing:
        raise CloudProblem(
            404,
            "organization.membership_not_found",
            f"Organization membership not found. [{', '.join(missing or ids)}]",
        )
    if ctx.runtime.last_admin_guard and not _admins(ctx.world, organization) - set(ids):
        raise _last_admin()
    for user_id in ids:
        del ctx.world.members[user_id]
    return Response(200, {})


def list_invitations(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    organization = _check_org(ctx, params)
    items = [
        invitation_body(ctx, i)
        for i in ctx.world.invitations.values()
        if i.organization_id == organization
    ]
    return Response(200, {"invitations": ctx.order(items)})


def get_invitation(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    invitation = ctx.world.invitations.get(params["invitation_token"])
    if invitation is None:
        raise CloudProblem(404, "organization.invitation_not_found", "Invitation not found.")
    return Response(200, invitation_body(ctx, invitation))


def post_invitations(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    organization = _check_org(ctx, params)
    limited = _invitation_quota(ctx)
    if limited is not None:
        return limited
    body = _body(req)
    if not isinstance(body, dict):
        raise CloudProblem(400, "root.invalid_data", "The request body must be an object")
    emails = _strings(body.get("emails"), "emails")
    if not emails:
        raise CloudProblem(400, "root.invalid_data", "[emails] must name at least one address")
    for email in emails:
        if not _EMAIL.match(email):
            raise CloudProblem(
                400,
                "organization.invitation_invalid_email",
                f"Invitation email was not valid. [{email}]",
            )
        # A person belongs to one organization at a time (this one or another).
        if ctx.world.member_by_email(email) is not None:
            raise CloudProblem(
                400,
                "organization.user_organization_already_belongs",
                f"User already belongs to organization. [{email}]",
            )
        pending = [
            i
            for i in ctx.world.invitations.values()
            if i.email.lower() == email.lower()
            and i.organization_id == organization
            and i.expires_at > ctx.world.now()
        ]
        if pending:
            raise CloudProblem(
                400,
                "organization.invitation_already_exists",
                f"An invitation for this email already exists. [{email}]",
            )
    expires_in = parse_duration(body.get("expires_in"))
    atoms = parse_assignments(ctx.world, body.get("role_assignments"), organization=organization)
    created = []
    for email in emails:
        # An expired invitation for the same email is replaced.
        for token in [
            t
            for t, i in ctx.world.invitations.items()
            if i.email.lower() == email.lower() and i.organization_id == organization
        ]:
            del ctx.world.invitations[token]
        invitation = create_invitation(ctx, email, atoms, expires_in, organization)
        created.append(invitation_body(ctx, invitation))
    return Response(201, {"invitations": created})


def delete_invitations(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    organization = _check_org(ctx, params)
    tokens = _csv(params["raw:invitation_tokens"])
    if not tokens:
        raise CloudProblem(400, "root.invalid_data", "No valid invitation token was supplied.")
    invitations = ctx.world.invitations
    if any(t not in invitations or invitations[t].organization_id != organization for t in tokens):
        raise CloudProblem(404, "organization.invitation_not_found", "Invitation not found.")
    for token in tokens:
        del ctx.world.invitations[token]
    return Response(200, {})


def _target_member(ctx: Context, params: dict[str, str]) -> Member:
    member = ctx.world.members.get(params["user_id"])
    if member is None:
        raise CloudProblem(
            400, "role_assignments.invalid_target_user_id", "The target user Id is invalid."
        )
    return member


def add_assignments(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    member = _target_member(ctx, params)
    atoms = parse_assignments(
        ctx.world, _body(req), verb="add", organization=member.organization_id
    )
    member.atoms |= atoms
    return Response(200, {})


def remove_assignments(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    member = _target_member(ctx, params)
    atoms = parse_assignments(
        ctx.world, _body(req), verb="remove", organization=member.organization_id
    )
    admins = _admins(ctx.world, member.organization_id)
    if ctx.runtime.last_admin_guard and admins == {member.user_id}:
        remaining = member.atoms - atoms
        if not any(
            a.scope == "organization" and a.role_id == "organization-admin" for a in remaining
        ):
            raise _last_admin()
    member.atoms -= atoms
    return Response(200, {})


def _guard(handler: Any) -> Any:
    def run(ctx: Context, req: Request, params: dict[str, str]) -> Response:
        try:
            response: Response = handler(ctx, req, params)
        except CloudProblem as problem:
            return problem.response()
        return response

    return run


def routes(ctx: Context) -> list[Route]:
    org = f"{API}/organizations/{{organization_id}}"
    table = [
        ("GET", f"{API}/organizations", list_organizations),
        ("GET", f"{API}/organizations/invitations/{{invitation_token}}", get_invitation),
        ("GET", org, get_organization),
        ("GET", f"{org}/members", list_members),
        ("DELETE", f"{org}/members/{{user_ids}}", delete_members),
        ("GET", f"{org}/invitations", list_invitations),
        ("POST", f"{org}/invitations", post_invitations),
        ("DELETE", f"{org}/invitations/{{invitation_tokens}}", delete_invitations),
        ("POST", f"{API}/users/{{user_id}}/role_assignments", add_assignments),
        ("DELETE", f"{API}/users/{{user_id}}/role_assignments", remove_assignments),
    ]
    return [Route(m, t, _guard(h), write=m != "GET") for m, t, h in table]
