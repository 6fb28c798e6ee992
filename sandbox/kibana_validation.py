"""Role body validation as Kibana and Elasticsearch do it (reference/kibana-roles.md 1.2-1.8).

Three layers, in Kibana's order:

1. ``check_schema``: the @kbn/config-schema validation of the body (unknown keys, types,
   sizes, patterns, base XOR feature, overlapping spaces) → 400 ``[request body.<path>]: …``.
2. ``privilege_errors``: ``validateKibanaPrivileges`` for known features only (here:
   ``requireAllSpaces``) → 400 ``Role cannot be updated due to validation errors: [...]``.
3. ``es_check``: what Elasticsearch refuses (reserved names, name format, ``_`` metadata keys,
   privilege names outside the profile's built-in list, DLS/FLS below Platinum, ``run_as`` on
   serverless).

Unknown feature ids and unknown privilege ids that match the patterns are accepted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.es_catalog import unknown_privilege, unknown_remote_cluster_privilege
from sandbox.kibana_catalog import (
    GLOBAL_BASE,
    RESERVED_ROLES,
    SPACE_BASE,
    registered,
    requires_all_spaces,
)
from sandbox.profiles import Profile

_SPACE_ID = re.compile(r"^[a-z0-9_-]+$")
_FEATURE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
_PATTERN_MESSAGE = "only a-z, A-Z, 0-9, '_', and '-' are allowed"
_SPACE_MESSAGE = "must be lower case, a-z, 0-9, '_', and '-' are allowed"
_ES_NAME = re.compile(r"^[\x20-\x7e]{1,507}$")
_ES_NAME_MESSAGE = (
    "Role names must be at least 1 and no more than 507 characters. They can contain "
    "alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the "
    "Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed."
)


class SchemaError(Exception):
    """A config-schema failure; ``str()`` is Kibana's message."""


class EsError(Exception):
    """An Elasticsearch refusal: HTTP status, error type and reason."""

    def __init__(self, status: int, type_: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.type = type_
        self.reason = reason

    @property
    def message(self) -> str:
        """How Kibana passes the ES error on in its message."""
        return f"{self.type}: {self.reason}"


def js_type(value: Any) -> str:
    """The JavaScript type name config-schema messages use for a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "Array"
    return "Object"


def _fail(path: str, message: str) -> SchemaError:
    return SchemaError(f"[{path}]: {message}")


def _object(value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, f"expected a plain object value, but found [{js_type(value)}] instead.")
    for key in value:
        if key not in allowed:
            raise _fail(f"{path}.{key}", "definition for this key is missing")
    return value


def _strings(
    value: Any,
    path: str,
    *,
    min_size: int = 0,
    max_size: int | None = None,
    required: bool = False,
) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list):
        got = "undefined" if value is None else js_type(value)
        raise _fail(path, f"expected value of type [array] but got [{got}]")
    if len(value) < min_size:
        raise _fail(path, f"array size is [{len(value)}], but cannot be smaller than [{min_size}]")
    if max_size is not None and len(value) > max_size:
        raise _fail(path, f"array size is [{len(value)}], but cannot be greater than [{max_size}]")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise _fail(f"{path}.{i}", f"expected value of type [string] but got [{js_type(item)}]")
    return value


def _string(value: Any, path: str, max_length: int | None = None) -> None:
    if not isinstance(value, str):
        raise _fail(path, f"expected value of type [string] but got [{js_type(value)}]")
    if max_length is not None and len(value) > max_length:
        raise _fail(
            path,
            f"value has length [{len(value)}] but it must have a maximum length of [{max_length}].",
        )


def check_schema(body: Any, profile: Profile, path: str = "request body") -> None:
    """Raise ``SchemaError`` with Kibana's message for the first problem of a PUT body."""
    keys: tuple[str, ...] = ("metadata", "elasticsearch", "kibana")
    if profile.at_least("8.15.0"):
        keys = ("description", *keys)
    body = _object(body, path, keys)
    if body.get("description") is not None:
        _string(body["description"], f"{path}.description", 2048)
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        got = js_type(body["metadata"])
        raise _fail(f"{path}.metadata", f"expected value of type [object] but got [{got}]")
    if body.get("elasticsearch") is not None:
        _check_elasticsearch(body["elasticsearch"], profile, f"{path}.elasticsearch")
    if body.get("kibana") is not None:
        _check_kibana(body["kibana"], f"{path}.kibana")


def _check_elasticsearch(value: Any, profile: Profile, path: str) -> None:
    keys: tuple[str, ...] = ("cluster", "indices", "remote_indices", "run_as")
    if profile.at_least("8.15.0"):
        keys = (*keys, "remote_cluster")
    es = _object(value, path, keys)
    _strings(es.get("cluster"), f"{path}.cluster", max_size=100)
    _strings(es.get("run_as"), f"{path}.run_as", max_size=100)
    for field, remote in (("indices", False), ("remote_indices", True)):
        entries = es.get(field)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise _fail(
                f"{path}.{field}", f"expected value of type [array] but got [{js_type(entries)}]"
            )
        for i, entry in enumerate(entries):
            _check_index(entry, f"{path}.{field}.{i}", remote=remote)
    clusters = es.get("remote_cluster")
    if clusters is not None:
        if not isinstance(clusters, list):
            raise _fail(
                f"{path}.remote_cluster",
                f"expected value of type [array] but got [{js_type(clusters)}]",
            )
        for i, entry in enumerate(clusters):
            where = f"{path}.remote_cluster.{i}"
            item = _object(entry, where, ("privileges", "clusters"))
            _strings(
                item.get("privileges"),
                f"{where}.privileges",
                min_size=1,
                max_size=100,
                required=True,
            )
            _strings(
                item.get("clusters"), f"{where}.clusters", min_size=1, max_size=100, required=True
            )


def _check_index(entry: Any, path: str, *, remote: bool) -> None:
    keys: tuple[str, ...] = (
        "names",
        "privileges",
        "field_security",
        "query",
        "allow_restricted_indices",
    )
    if remote:
        keys = ("clusters", *keys)
    item = _object(entry, path, keys)
    if remote:
        _strings(item.get("clusters"), f"{path}.clusters", min_size=1, max_size=100, required=True)
    _strings(item.get("names"), f"{path}.names", min_size=1, max_size=100, required=True)
    _strings(item.get("privileges"), f"{path}.privileges", min_size=1, max_size=100, required=True)
    security = item.get("field_security")
    if security is not None:
        if not isinstance(security, dict):
            raise _fail(
                f"{path}.field_security",
                f"expected value of type [object] but got [{js_type(security)}]",
            )
        for key, fields in security.items():
            if key not in ("grant", "except"):
                where = f'{path}.field_security.key("{key}")'
                raise _fail(
                    where,
                    f"types that failed validation:\n- [{where}.0]: expected value to equal "
                    f"[grant]\n- [{where}.1]: expected value to equal [except]",
                )
            _strings(fields, f"{path}.field_security.{key}", max_size=1000)
    if item.get("query") is not None:
        _string(item["query"], f"{path}.query")
    restricted = item.get("allow_restricted_indices")
    if restricted is not None and not isinstance(restricted, bool):
        raise _fail(
            f"{path}.allow_restricted_indices",
            f"expected value of type [boolean] but got [{js_type(restricted)}]",
        )


def _check_spaces(value: Any, path: str) -> list[str]:
    if value is None:
        return ["*"]
    spaces = _strings(value, path)
    if spaces == ["*"]:
        return spaces
    first: str | None = None
    if len(spaces) != 1:
        first = f"array size is [{len(spaces)}], but cannot be greater than [1]"
    second: str | None = None
    if len(spaces) > 1000:
        second = f"[{path}.1]: array size is [{len(spaces)}], but cannot be greater than [1000]"
    for i, space in enumerate(spaces):
        if first is None and space != "*":
            first = f"[{path}.0.{i}]: expected value to equal [*]"
        if second is None and not _SPACE_ID.match(space):
            second = f"[{path}.1.{i}]: {_SPACE_MESSAGE}"
    if second is None:
        return spaces
    if first is not None and not first.startswith("["):
        first = f"[{path}.0]: {first}"
    raise _fail(path, f"types that failed validation:\n- {first}\n- {second}")


def _check_kibana(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise _fail(path, f"expected value of type [array] but got [{js_type(value)}]")
    seen: list[str] = []
    for i, entry in enumerate(value):
        where = f"{path}.{i}"
        item = _object(entry, where, ("spaces", "base", "feature"))
        spaces = _check_spaces(item.get("spaces"), f"{where}.spaces")
        base = _strings(item.get("base"), f"{where}.base", max_size=50)
        kind, allowed = ("global", GLOBAL_BASE) if spaces == ["*"] else ("space", SPACE_BASE)
        for j, privilege in enumerate(base):
            if privilege not in allowed:
                raise _fail(
                    f"{where}.base.{j}",
                    f'unknown {kind} privilege "{privilege}", must be one of [{",".join(allowed)}]',
                )
        feature = item.get("feature")
        if feature is not None:
            if not isinstance(feature, dict):
                raise _fail(
                    f"{where}.feature",
                    f"expected value of type [object] but got [{js_type(feature)}]",
                )
            for fid, privileges in feature.items():
                if not _FEATURE_ID.match(fid):
                    raise _fail(f'{where}.feature.key("{fid}")', _PATTERN_MESSAGE)
                listed = _strings(privileges, f"{where}.feature.{fid}", max_size=100, required=True)
                for j, privilege in enumerate(listed):
                    if not _FEATURE_ID.match(privilege):
                        raise _fail(f"{where}.feature.{fid}.{j}", _PATTERN_MESSAGE)
        features = feature or {}
        if not base and not any(features.values()):
            raise _fail(where, "either [base] or [feature] is expected, but none of them specified")
        if base and features:
            raise _fail(
                where, "definition of [feature] isn't allowed when non-empty [base] is defined."
            )
        seen += spaces
    overlapping = sorted({s for s in seen if seen.count(s) > 1}, key=seen.index)
    if overlapping:
        joined = ",".join(overlapping)
        raise _fail(path, f"more than one privilege is applied to the following spaces: [{joined}]")


def privilege_errors(body: dict[str, Any], profile: Profile) -> list[str]:
    """``validateKibanaPrivileges``: only known features are checked (``requireAllSpaces``)."""
    known = registered(profile)
    errors: list[str] = []
    for entry in body.get("kibana") or ():
        spaces = entry.get("spaces") or ["*"]
        if spaces == ["*"]:
            continue
        for fid, privileges in (entry.get("feature") or {}).items():
            if fid not in known:
                continue
            for privilege in privileges:
                if requires_all_spaces(fid, privilege):
                    errors.append(
                        f"Feature privilege [{fid}.{privilege}] requires all spaces to be "
                        f"selected but received [{','.join(spaces)}]"
                    )
    return errors


def privilege_message(errors: list[str]) -> str:
    return "Role cannot be updated due to validation errors: " + json.dumps(
        errors, separators=(",", ":")
    )


def es_check(name: str, body: dict[str, Any], profile: Profile, *, dls_licensed: bool) -> None:
    """What Elasticsearch refuses when the role is written."""
    if name in RESERVED_ROLES:
        raise EsError(
            400,
            "action_request_validation_exception",
            f"Validation Failed: 1: Role [{name}] is reserved and may not be used.;",
        )
    if not _ES_NAME.match(name) or name != name.strip():
        raise EsError(
            400, "action_request_validation_exception", f"Validation Failed: 1: {_ES_NAME_MESSAGE};"
        )
    # elasticsearch x-pack/plugin/core/.../security/support/Validation.java, Roles:
    # MAX_DESCRIPTION_LENGTH = 1000 (Kibana's route schema allows 2048 before it).
    description = body.get("description")
    if isinstance(description, str) and len(description) > 1000:
        raise EsError(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: Role description must be less than 1000 characters.;",
        )
    metadata = body.get("metadata") or {}
    if any(str(key).startswith("_") for key in metadata):
        raise EsError(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: role descriptor metadata keys may not start with [_];",
        )
    es = body.get("elasticsearch") or {}
    if profile.serverless and es.get("run_as"):
        raise EsError(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: run_as is not supported for custom roles in serverless;",
        )
    entries = [*(es.get("indices") or ()), *(es.get("remote_indices") or ())]
    unknown = unknown_privilege(profile, "cluster", es.get("cluster") or ())
    for entry in entries:
        unknown = unknown or unknown_privilege(profile, "index", entry.get("privileges") or ())
    for entry in es.get("remote_cluster") or ():
        names = entry.get("privileges") or ()
        unknown = unknown or unknown_remote_cluster_privilege(profile, names)
    if unknown:
        raise EsError(
            400, "action_request_validation_exception", f"Validation Failed: 1: {unknown};"
        )
    if not dls_licensed and any(
        e.get("query") is not None or e.get("field_security") is not None for e in entries
    ):
        raise EsError(
            403,
            "security_exception",
            "current license is non-compliant for [field and document level security]",
        )
