"""The Kibana routes: status, stats, roles (single and bulk), privileges, features, and the
built-in Elasticsearch privileges (spaces are in ``spaces_api``).

Behaviour follows reference/kibana-roles.md: PUT replaces the whole role (204), ``createOnly``
gives 409 on an existing role, GET adds the defaults Elasticsearch and Kibana add, bulk POST
merges ``metadata``, reserved roles exist from the start (hidden from the list on serverless).
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import es_catalog, spaces_api
from sandbox.context import Context
from sandbox.es_api import BASIC_USER, basic_ok
from sandbox.kibana_catalog import (
    RESERVED_ROLES,
    features_body,
    privileges_body,
    reserved_role,
)
from sandbox.kibana_validation import (
    EsError,
    SchemaError,
    check_schema,
    es_check,
    privilege_errors,
    privilege_message,
)
from sandbox.state import iso
from sandbox.web import BadJson, Request, Response, Route, kibana_error

KIBANA_UUID = "00000000-0000-4000-8000-000000000000"
INTERNAL_ORIGIN = "x-elastic-internal-origin"
_UNAUTHENTICATED = (
    "[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate with "
    "provided credentials and anonymous access is not allowed for this request]: unable to "
    "authenticate with provided credentials and anonymous access is not allowed for this request"
)
_ES_ACTIONS = {
    "PUT": "cluster:admin/xpack/security/role/put",
    "POST": "cluster:admin/xpack/security/role/bulk_put",
    "DELETE": "cluster:admin/xpack/security/role/delete",
}


# ---------------------------------------------------------------- auth


def authorize(ctx: Context, req: Request, route: Route | None) -> Response | None:
    """401 without valid credentials, 400 for a write without ``kbn-xsrf``, 403 for a write
    with the read-only key (which lacks ``manage_security``)."""
    header = req.header("authorization")
    if not header:
        return kibana_error(401, "Unauthorized", {"WWW-Authenticate": 'Basic realm="kibana"'})
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    readonly = False
    if scheme.lower() == "apikey" and credential == ctx.api_key:
        pass
    elif scheme.lower() == "apikey" and ctx.readonly_api_key and credential == ctx.readonly_api_key:
        readonly = True
    elif scheme.lower() == "basic" and basic_ok(credential, ctx.api_key):
        pass
    else:
        return kibana_error(401, _UNAUTHENTICATED)
    write = req.method in ("PUT", "POST", "DELETE")
    if write and req.header("kbn-xsrf") is None:
        return kibana_error(400, "Request must contain a kbn-xsrf header.")
    if write and readonly and route is not None:
        action = _ES_ACTIONS.get(req.method, "cluster:admin/xpack/security/role/put")
        reason = (
            f"action [{action}] is unauthorized for API key id [sandbox-readonly] of user "
            f"[{BASIC_USER}], this action is granted by the cluster privileges "
            "[manage_security,all]"
        )
        return kibana_error(
            403,
            f"[security_exception\n\tRoot causes:\n\t\tsecurity_exception: {reason}]: {reason}",
        )
    return None


# ---------------------------------------------------------------- stored form


def to_stored(body: dict[str, Any]) -> dict[str, Any]:
    """What Elasticsearch keeps of a PUT body (the GET form, without name and computed keys)."""
    es = body.get("elasticsearch") or {}
    stored_es: dict[str, Any] = {
        "cluster": list(es.get("cluster") or []),
        "indices": [_index(i) for i in es.get("indices") or ()],
        "run_as": list(es.get("run_as") or []),
    }
    if es.get("remote_indices"):
        stored_es["remote_indices"] = [_index(i) for i in es["remote_indices"]]
    if es.get("remote_cluster"):
        stored_es["remote_cluster"] = copy.deepcopy(es["remote_cluster"])
    kibana = []
    for entry in body.get("kibana") or ():
        kibana.append(
            {
                "base": list(entry.get("base") or []),
                # Empty arrays store no application privilege, so they do not come back.
                "feature": {k: list(v) for k, v in (entry.get("feature") or {}).items() if v},
                "spaces": list(entry.get("spaces") or ["*"]),
            }
        )
    return {
        "description": body.get("description") or "",
        "metadata": copy.deepcopy(body.get("metadata") or {}),
        "elasticsearch": stored_es,
        "kibana": kibana,
    }


def _index(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "clusters" in entry:
        out["clusters"] = list(entry["clusters"])
    out["names"] = list(entry["names"])
    out["privileges"] = list(entry["privileges"])
    if entry.get("field_security") is not None:
        out["field_security"] = copy.deepcopy(entry["field_security"])
    if entry.get("query") is not None:
        out["query"] = entry["query"]
    out["allow_restricted_indices"] = bool(entry.get("allow_restricted_indices", False))
    return out


def to_response(ctx: Context, name: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The GET body: defaults filled, ``description`` only when non-empty."""
    out: dict[str, Any] = {"name": name}
    if stored.get("description"):
        out["description"] = stored["description"]
    out["metadata"] = copy.deepcopy(stored.get("metadata") or {})
    out["transient_metadata"] = {"enabled": True}
    es = stored.get("elasticsearch") or {}
    out_es: dict[str, Any] = {
        "cluster": ctx.order(list(es.get("cluster") or [])),
        "indices": ctx.order([_shuffled_index(ctx, i) for i in es.get("indices") or ()]),
        "run_as": ctx.order(list(es.get("run_as") or [])),
    }
    for key in ("remote_indices", "remote_cluster"):
        if es.get(key):
            out_es[key] = ctx.order([_shuffled_index(ctx, i) for i in es[key]])
    out["elasticsearch"] = out_es
    kibana = []
    for entry in stored.get("kibana") or ():
        item: dict[str, Any] = {
            "base": ctx.order(list(entry.get("base") or [])),
            "feature": {k: ctx.order(list(v)) for k, v in (entry.get("feature") or {}).items()},
            "spaces": ctx.order(list(entry.get("spaces") or ["*"])),
        }
        if entry.get("_reserved"):
            item["_reserved"] = list(entry["_reserved"])
        kibana.append(item)
    out["kibana"] = ctx.order(kibana)
    out["_transform_error"] = []
    out["_unrecognized_applications"] = []
    return out


def _shuffled_index(ctx: Context, entry: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(entry)
    for key in ("names", "privileges", "clusters"):
        if key in out:
            out[key] = ctx.order(out[key])
    return out


def _role(ctx: Context, name: str) -> dict[str, Any] | None:
    stored = ctx.world.roles.get(name)
    return copy.deepcopy(stored) if stored is not None else reserved_role(name)


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# ---------------------------------------------------------------- handlers


def status(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    serverless = ctx.profile.serverless
    return Response(
        200,
        {
            "name": "sandbox",
            "uuid": KIBANA_UUID,
            "version": {
                "number": ctx.profile.number,
                "build_hash": "sandbox",
                "build_number": 1,
                "build_snapshot": False,
                "build_flavor": "serverless" if serverless else "traditional",
            },
            "status": {
                "overall": {"level": "available", "summary": "All services are available"},
            },
        },
    )


def _flag(req: Request, name: str) -> bool | None:
    """A ``'' | boolean`` query flag of the stats route (None: not a valid value)."""
    value = req.query.get(name, "false")
    if value in ("", "true"):
        return True
    return False if value == "false" else None


def stats(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    """``GET /api/stats``: Kibana's own figures; with ``extended`` also the uuid of the
    Elasticsearch cluster behind it (``clusterUuid`` and ``usage`` with ``legacy``). Usage is
    never collected here, as with ``exclude_usage=true``
    (src/plugins/usage_collection/server/routes/stats/stats.ts)."""
    flags = {name: _flag(req, name) for name in ("extended", "legacy", "exclude_usage")}
    for name, value in flags.items():
        if value is None:
            return kibana_error(
                400,
                f"[request query.{name}]: types that failed validation:\n"
                f"- [request query.{name}.0]: expected value to equal []\n"
                f"- [request query.{name}.1]: expected value of type [boolean] but got [string]",
            )
    body: dict[str, Any] = {
        "kibana": {
            "uuid": KIBANA_UUID,
            "name": "sandbox",
            "index": ".kibana",
            "host": "127.0.0.1",
            "locale": "en",
            "transport_address": "127.0.0.1:5601",
            "version": ctx.profile.number,
            "snapshot": False,
            "status": "green",
        },
        "last_updated": iso(ctx.world.now()),
        "collection_interval_in_millis": 10000,
    }
    if flags["extended"]:
        if flags["legacy"]:
            body |= {"usage": {}, "clusterUuid": ctx.world.cluster_uuid}
        else:
            body |= {"usage": {}, "cluster_uuid": ctx.world.cluster_uuid}
    return Response(200, body)


def builtin_es_privileges(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    """``GET /internal/security/esPrivileges/builtin``: Elasticsearch's built-in privilege names
    without ``none`` (security plugin get_builtin.ts). Serverless restricts internal routes."""
    refused = internal_route_refusal(ctx, req)
    if refused is not None:
        return refused
    names = es_catalog.builtin(ctx.profile)
    return Response(200, {kind: [n for n in names[kind] if n != "none"] for kind in names})


def internal_route_refusal(ctx: Context, req: Request) -> Response | None:
    """Kibana's answer to an internal route called without ``x-elastic-internal-origin`` where
    ``server.restrictInternalApis`` is on (serverless); stateful Kibana only logs a deprecation
    (core http lifecycle_handlers.ts ``createRestrictInternalRoutesPostAuthHandler``)."""
    internal = req.header(INTERNAL_ORIGIN) is not None or "elasticInternalOrigin" in req.query
    if internal or not ctx.profile.serverless:
        return None
    return kibana_error(
        400,
        f"uri [{req.path}] with method [{req.method.lower()}] exists but is not available with "
        "the current configuration",
    )


_READ_QUERY = ("replaceDeprecatedPrivileges",)


def read_query_problem(ctx: Context, req: Request) -> Response | None:
    """Kibana 8.16+ validates the query of the role GET routes (get.ts / get_all.ts:
    ``schema.object({replaceDeprecatedPrivileges: schema.maybe(schema.boolean())})``), so any
    other key is a 400: a write-only flag such as ``createOnly`` sent on a read
    (terraform-provider-elasticstack#933). The flag itself is accepted, and not applied here."""
    if not ctx.profile.at_least("8.16.0"):
        return None
    for key, value in req.query.items():
        if key not in _READ_QUERY:
            return kibana_error(400, f"[request query.{key}]: definition for this key is missing")
        if value.lower() not in ("true", "false"):
            return kibana_error(
                400, f"[request query.{key}]: expected value of type [boolean] but got [string]"
            )
    return None


def list_roles(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    refused = read_query_problem(ctx, req)
    if refused is not None:
        return refused
    names = set(ctx.world.roles)
    if not ctx.profile.serverless:
        names |= set(RESERVED_ROLES)
    roles = []
    for name in sorted(names):
        stored = _role(ctx, name)
        if stored is not None:
            roles.append(to_response(ctx, name, stored))
    return Response(200, ctx.order(roles))


def get_role(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    refused = read_query_problem(ctx, req)
    if refused is not None:
        return refused
    stored = _role(ctx, params["name"])
    if stored is None:
        return kibana_error(404, "Not Found")
    return Response(200, to_response(ctx, params["name"], stored))


def _name_problem(name: str) -> Response | None:
    if len(name) > 1024:
        return kibana_error(
            400,
            f"[request params.name]: value has length [{len(name)}] but it must have a "
            "maximum length of [1024].",
        )
    return None


def put_role(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    name = params["name"]
    problem = _name_problem(name)
    if problem is not None:
        return problem
    try:
        body = req.json(default={})
        check_schema(body, ctx.profile)
    except BadJson:
        return kibana_error(400, "Invalid request payload JSON format")
    except SchemaError as exc:
        return kibana_error(400, str(exc))
    errors = privilege_errors(body, ctx.profile)
    if errors:
        return kibana_error(400, privilege_message(errors))
    if req.flag("createOnly") and _role(ctx, name) is not None:
        return kibana_error(409, f"Role already exists and cannot be created: {name}")
    try:
        es_check(name, body, ctx.profile, dls_licensed=ctx.license_at_least("platinum"))
    except EsError as exc:
        return kibana_error(exc.status, exc.message)
    ctx.world.roles[name] = to_stored(body)
    return Response(204)


def delete_role(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    name = params["name"]
    if name in RESERVED_ROLES:
        return kibana_error(
            400, f"illegal_argument_exception: role [{name}] is reserved and cannot be deleted"
        )
    if ctx.world.roles.pop(name, None) is None:
        return kibana_error(404, "Not Found")
    return Response(204)


def bulk_roles(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    """``POST /api/security/roles``: the whole body is schema-checked first (one bad role →
    400 for all), then each role separately; metadata is merged into an existing role."""
    try:
        body = req.json(default=None)
    except BadJson:
        return kibana_error(400, "Invalid request payload JSON format")
    if not isinstance(body, dict) or not isinstance(body.get("roles"), dict):
        got = "undefined" if not isinstance(body, dict) else type(body.get("roles")).__name__
        return kibana_error(
            400, f"[request body.roles]: expected value of type [object] but got [{got}]"
        )
    for key in body:
        if key != "roles":
            return kibana_error(400, f"[request body.{key}]: definition for this key is missing")
    roles: dict[str, Any] = body["roles"]
    try:
        for name, role in roles.items():
            check_schema(role, ctx.profile, f"request body.roles.{name}")
    except SchemaError as exc:
        return kibana_error(400, str(exc))
    result: dict[str, Any] = {"created": [], "updated": [], "noop": [], "errors": {}}
    for name, role in roles.items():
        errors = privilege_errors(role, ctx.profile)
        if errors:
            result["errors"][name] = {
                "type": "kibana_privilege_validation_exception",
                "reason": privilege_message(errors),
            }
            continue
        try:
            es_check(name, role, ctx.profile, dls_licensed=ctx.license_at_least("platinum"))
        except EsError as exc:
            result["errors"][name] = {"type": exc.type, "reason": exc.reason}
            continue
        new = to_stored(role)
        old = ctx.world.roles.get(name)
        if old is None:
            ctx.world.roles[name] = new
            result["created"].append(name)
            continue
        # Bulk put is an upsert: objects deep-merge (metadata keeps old keys); ES blanks
        # description and the remote privileges explicitly.
        merged = _merge(old, {k: v for k, v in new.items() if k != "elasticsearch"})
        merged["elasticsearch"] = new["elasticsearch"]
        merged["description"] = new["description"]
        merged["kibana"] = new["kibana"]
        if merged == old:
            result["noop"].append(name)
        else:
            ctx.world.roles[name] = merged
            result["updated"].append(name)
    return Response(200, {k: v for k, v in result.items() if v})


def privileges(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    respect = req.flag("respectLicenseLevel", default=True)
    body = privileges_body(ctx.profile, ctx.license, respect_license=respect)
    body["features"] = {k: ctx.order(v) for k, v in ctx.order(list(body["features"].items()))}
    return Response(200, body)


def features(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    ignore = req.flag("ignoreValidLicenses")
    return Response(200, features_body(ctx.profile, ctx.license, ignore_licenses=ignore))


def routes(ctx: Context) -> list[Route]:
    table = [
        Route("GET", "/api/status", status),
        Route("GET", "/api/stats", stats),
        Route("GET", "/api/security/role", list_roles),
        Route("GET", "/api/security/role/{name}", get_role),
        Route("PUT", "/api/security/role/{name}", put_role, write=True),
        Route("DELETE", "/api/security/role/{name}", delete_role, write=True),
        Route("GET", "/api/security/privileges", privileges),
        Route("GET", "/api/features", features),
        Route("GET", "/internal/security/esPrivileges/builtin", builtin_es_privileges),
        *spaces_api.routes(ctx),
    ]
    if ctx.profile.at_least("8.16.0"):
        table.append(Route("POST", "/api/security/roles", bulk_roles, write=True))
    return table
