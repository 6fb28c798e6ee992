"""The Kibana spaces API (``/api/spaces/space``), as the spaces plugin answers it.

Sources (elastic/kibana, x-pack/platform/plugins/shared/spaces/server): ``lib/space_schema.ts``
(body schema and messages), ``routes/api/external/{get_all,get,post,put,delete}.ts`` (200 with
the space, 409 on an existing id, 404, 204), ``spaces_client/spaces_client.ts`` (maxSpaces,
no ``disabledFeatures`` on serverless, reserved ``default``, delete drops the space's saved
objects, deprecated features in ``disabledFeatures`` read back as their replacement, update
is a saved-objects update that merges, so a field left out keeps its stored value) and
``lib/utils/space_solution_disabled_features.ts`` (a solution space reads back the features its
solution turns off). Kibana does not check ``disabledFeatures`` against the feature registry, and
roles naming a missing space stay as stored.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sandbox.context import Context
from sandbox.kibana_catalog import deprecated, replaced_by, solution_disabled_features
from sandbox.kibana_validation import SchemaError, js_type
from sandbox.web import BadJson, Request, Response, Route, kibana_error

SOLUTIONS = ("es", "oblt", "security", "classic")
_ID = re.compile(r"^[a-z0-9_\-]+$")
_COLOR = re.compile(r"^#[a-zA-Z0-9]{6}$")
_PREFIX = "request body"
_STORED = ("name", "description", "color", "initials", "imageUrl", "disabledFeatures", "_reserved")
_KEYS: tuple[str, ...] = ("id", *_STORED)


# ---------------------------------------------------------------- validation


def _fail(key: str, message: str) -> SchemaError:
    return SchemaError(f"[{_PREFIX}.{key}]: {message}")


def _string(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        got = "undefined" if value is None else js_type(value)
        raise _fail(key, f"expected value of type [string] but got [{got}]")
    return value


def _check_features(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        raise _fail("disabledFeatures", "could not parse array value from json input")
    if not isinstance(value, list):
        got = js_type(value)
        raise _fail("disabledFeatures", f"expected value of type [array] but got [{got}]")
    if len(value) > 100:
        raise _fail(
            "disabledFeatures", f"array size is [{len(value)}], but cannot be greater than [100]"
        )
    for i, item in enumerate(value):
        if not isinstance(item, str):
            got = js_type(item)
            raise _fail(f"disabledFeatures.{i}", f"expected value of type [string] but got [{got}]")


def check_space(ctx: Context, body: Any) -> dict[str, Any]:
    """Kibana's schema check of a space body; raises ``SchemaError`` with its message."""
    if not isinstance(body, dict):
        got = "null" if body is None else js_type(body)
        raise SchemaError(f"[{_PREFIX}]: expected a plain object value, but found [{got}] instead.")
    space_id = _string(body, "id", required=True)
    if space_id is not None and not _ID.match(space_id):
        raise _fail("id", "must be lower case, a-z, 0-9, '_', and '-' are allowed")
    name = _string(body, "name", required=True) or ""
    if not name:
        raise _fail("name", "value has length [0] but it must have a minimum length of [1].")
    _string(body, "description")
    initials = _string(body, "initials")
    if initials is not None and len(initials) > 2:
        raise _fail(
            "initials",
            f"value has length [{len(initials)}] but it must have a maximum length of [2].",
        )
    color = _string(body, "color")
    if color is not None and not _COLOR.match(color):
        raise _fail("color", "must be a 6 digit hex color, starting with a #")
    _check_features(body.get("disabledFeatures"))
    reserved = body.get("_reserved")
    if reserved is not None and not isinstance(reserved, bool):
        raise _fail("_reserved", f"expected value of type [boolean] but got [{js_type(reserved)}]")
    image = _string(body, "imageUrl")
    if image and not image.startswith("data:image"):
        raise _fail("imageUrl", "must start with 'data:image'")
    keys = _KEYS
    if not ctx.profile.serverless and ctx.profile.at_least("8.16.0"):
        keys = (*_KEYS, "solution")
        solution = body.get("solution")
        if solution is not None and solution not in SOLUTIONS:
            failed = "\n".join(
                f"- [{_PREFIX}.solution.{i}]: expected value to equal [{s}]"
                for i, s in enumerate(SOLUTIONS)
            )
            raise _fail("solution", f"types that failed validation:\n{failed}")
    for key in body:
        if key not in keys:
            raise _fail(key, "definition for this key is missing")
    return body


# ---------------------------------------------------------------- stored form and answers


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(body[k]) for k in _STORED if body.get(k) is not None}
    out["disabledFeatures"] = list(body.get("disabledFeatures") or [])
    if body.get("solution"):
        out["solution"] = body["solution"]
    return out


def space_body(ctx: Context, space_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The answer for one space: deprecated disabled features read back as their replacement,
    and a solution space reads back the features its solution turns off."""
    old = deprecated(ctx.profile)
    disabled: list[str] = []
    for fid in stored.get("disabledFeatures") or ():
        new = replaced_by(ctx.profile, fid) if fid in old else None
        if (new or fid) not in disabled:
            disabled.append(new or fid)
    solution = None if ctx.profile.serverless else stored.get("solution")
    if solution and solution != "classic":
        disabled = solution_disabled_features(ctx.profile, solution)
    out: dict[str, Any] = {"id": space_id, "name": stored.get("name", "")}
    for key in ("description", "color", "initials", "imageUrl"):
        if stored.get(key) is not None:
            out[key] = stored[key]
    out["disabledFeatures"] = ctx.order(disabled)
    if stored.get("_reserved") is not None:
        out["_reserved"] = stored["_reserved"]
    if solution:
        out["solution"] = solution
    return out


def _not_found() -> Response:
    return kibana_error(404, "Not Found")


def _body(ctx: Context, req: Request) -> dict[str, Any]:
    try:
        body = req.json(default=None)
    except BadJson:
        raise SchemaError("Invalid request payload JSON format") from None
    return check_space(ctx, body)


def _client_check(ctx: Context, body: dict[str, Any], action: str) -> Response | None:
    """The spaces client's refusals (spaces_client.ts) after the schema passed."""
    if ctx.profile.serverless and body.get("disabledFeatures"):
        return kibana_error(
            400,
            f"Unable to {action} Space, the disabledFeatures array must be empty when "
            "xpack.spaces.allowFeatureVisibility setting is disabled",
        )
    return None


# ---------------------------------------------------------------- handlers


def list_spaces(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    ordered = sorted(ctx.world.spaces.items(), key=lambda item: str(item[1].get("name", "")))
    return Response(200, [space_body(ctx, space_id, stored) for space_id, stored in ordered])


def get_space(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    stored = ctx.world.spaces.get(params["id"])
    if stored is None:
        return _not_found()
    return Response(200, space_body(ctx, params["id"], stored))


def create_space(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    try:
        body = _body(ctx, req)
    except SchemaError as exc:
        return kibana_error(400, str(exc))
    limit = 100 if ctx.profile.serverless else 1000
    if len(ctx.world.spaces) >= limit:
        return kibana_error(
            400,
            "Unable to create Space, this exceeds the maximum number of spaces set by the "
            "xpack.spaces.maxSpaces setting",
        )
    refused = _client_check(ctx, body, "create")
    if refused is not None:
        return refused
    space_id = body["id"]
    if space_id in ctx.world.spaces:
        return kibana_error(409, f"A space with the identifier {space_id} already exists.")
    stored = _stored({**body, "name": body["name"].strip()})
    ctx.world.spaces[space_id] = stored
    return Response(200, space_body(ctx, space_id, stored))


def update_space(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    try:
        body = _body(ctx, req)
    except SchemaError as exc:
        return kibana_error(400, str(exc))
    refused = _client_check(ctx, body, "update")
    if refused is not None:
        return refused
    space_id = params["id"]
    old = ctx.world.spaces.get(space_id)
    if old is None:
        return _not_found()
    name = body["name"] if body["name"] == old.get("name") else body["name"].strip()
    given = {k: body.get(k) for k in _STORED if k != "_reserved"}
    given |= {"name": name, "disabledFeatures": list(body.get("disabledFeatures") or [])}
    if body.get("solution"):
        given["solution"] = body["solution"]
    # The saved-objects update merges: a field left out keeps its stored value, while the
    # answer (built from the request's attributes) leaves it out.
    ctx.world.spaces[space_id] = {**old, **{k: v for k, v in given.items() if v is not None}}
    return Response(200, space_body(ctx, space_id, {**old, **given}))


def delete_space(ctx: Context, req: Request, params: dict[str, str]) -> Response:
    space_id = params["id"]
    stored = ctx.world.spaces.get(space_id)
    if stored is None:
        return _not_found()
    if stored.get("_reserved"):
        return kibana_error(400, f"The {space_id} space cannot be deleted because it is reserved.")
    del ctx.world.spaces[space_id]
    ctx.world.saved_objects.pop(space_id, None)
    return Response(204)


def routes(ctx: Context) -> list[Route]:
    return [
        Route("GET", "/api/spaces/space", list_spaces),
        Route("GET", "/api/spaces/space/{id}", get_space),
        Route("POST", "/api/spaces/space", create_space, write=True),
        Route("PUT", "/api/spaces/space/{id}", update_space, write=True),
        Route("DELETE", "/api/spaces/space/{id}", delete_space, write=True),
    ]
