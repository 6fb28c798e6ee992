"""The shapes of the Kibana and Elastic Cloud answers elastic-access reads.

Each model names the fields the product relies on, with their JSON types, checked strictly (a
string is not a list, a number is not a string, an object is not a list); other fields are
allowed and left alone. A client checks every answer against its model
(``JsonResponse.checked``) and hands the JSON on exactly as it came, so the core reads
dictionaries whose shape is known; a wrong shape is one ``UnexpectedResponse`` naming the
endpoint and the field (issue 10 section 5). What the values mean is the core's business.

Sources:

- Kibana ``GET /api/status``: ``src/core/packages/status/server-internal`` (``version.number``,
  ``version.build_flavor``);
- roles: ``x-pack/platform/plugins/shared/security/server/authorization/roles/
  elasticsearch_role.ts`` (``transformElasticsearchRoleToRole``), ../shared/reference/
  kibana-roles.md section 1.3;
- ``GET /api/security/privileges``: ``.../security/server/routes/authorization/privileges/
  get.ts``, reference section 7.2; ``GET /internal/security/esPrivileges/builtin``:
  ``get_builtin.ts`` beside it, reference section 11.2; ``GET /api/features``: reference
  section 7.1; spaces: reference section 11.3;
- Elastic Cloud: the definitions ``Organization``, ``OrganizationMemberships``,
  ``OrganizationInvitations``, ``RoleAssignments`` of ../shared/specs/cloud-org-api.json
  (reference/cloud-org.md sections 2 and 3). Writes answer ``EmptyResponse`` (``{}``) or, on
  Kibana, 204 without a body.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from components.core.versions import Version

__all__ = [
    "Answer",
    "BuiltinPrivileges",
    "Features",
    "Invitations",
    "KibanaRole",
    "KibanaRoles",
    "KibanaStatusAnswer",
    "Members",
    "Organization",
    "Privileges",
    "Shape",
    "Spaces",
    "WriteAnswer",
    "shape_problems",
]


class Answer(BaseModel):
    """A JSON object of an answer: strict types, other fields allowed."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True, populate_by_name=True)


def _version(text: str) -> str:
    Version.parse(text)  # ValueError naming the text: the field's message
    return text


def _query(value: Any) -> Any:
    if value is not None and not isinstance(value, str | dict):
        raise ValueError(f"should be a JSON string or object, got {_shown(value)}")
    return value


Strings = list[str]
VersionText = Annotated[str, AfterValidator(_version)]
Query = Annotated[Any, AfterValidator(_query)]


# ---------------------------------------------------------------- Kibana


class KibanaVersion(Answer):
    """``version`` of ``GET /api/status``."""

    number: VersionText
    build_flavor: str | None = None


class KibanaStatusAnswer(Answer):
    """``GET /api/status``."""

    version: KibanaVersion


class FieldSecurity(Answer):
    """``field_security`` of an index privilege entry."""

    grant: Strings | None = None
    except_: Strings | None = Field(default=None, alias="except")


class IndexPrivileges(Answer):
    """``elasticsearch.indices[]``; the DLS ``query`` is a JSON string, or an object."""

    names: Strings
    privileges: Strings
    field_security: FieldSecurity | None = None
    query: Query = None
    allow_restricted_indices: bool | None = None


class RemoteIndexPrivileges(IndexPrivileges):
    """``elasticsearch.remote_indices[]``."""

    clusters: Strings


class RemoteClusterPrivileges(Answer):
    """``elasticsearch.remote_cluster[]``."""

    privileges: Strings
    clusters: Strings


class ElasticsearchPrivileges(Answer):
    """A role's ``elasticsearch`` part."""

    cluster: Strings = []
    indices: list[IndexPrivileges] = []
    remote_indices: list[RemoteIndexPrivileges] | None = None
    remote_cluster: list[RemoteClusterPrivileges] | None = None
    run_as: Strings = []


class KibanaPrivileges(Answer):
    """``kibana[]``: base privileges, feature privileges by feature id, spaces."""

    base: Strings = []
    feature: dict[str, Strings] = {}
    spaces: Strings = []


class KibanaRole(Answer):
    """``GET /api/security/role/{name}``, and each role of the list."""

    name: str
    description: str | None = None
    metadata: dict[str, Any] = {}
    transient_metadata: dict[str, Any] | None = None
    elasticsearch: ElasticsearchPrivileges = ElasticsearchPrivileges()
    kibana: list[KibanaPrivileges] = []
    transform_error: list[Any] | None = Field(default=None, alias="_transform_error")
    unrecognized_applications: Strings | None = Field(
        default=None, alias="_unrecognized_applications"
    )


class Privileges(Answer):
    """``GET /api/security/privileges``: base privileges and each feature's privilege ids."""

    global_: Strings = Field(alias="global")
    space: Strings
    features: dict[str, Strings]
    reserved: Strings = []


class BuiltinPrivileges(Answer):
    """``GET /internal/security/esPrivileges/builtin``: Elasticsearch's built-in privilege names
    (``remote_cluster`` absent before the releases that have them)."""

    cluster: Strings
    index: Strings
    remote_cluster: Strings | None = None


class Feature(Answer):
    """One entry of ``GET /api/features``."""

    id: str


class Space(Answer):
    """One entry of ``GET /api/spaces/space``."""

    id: str
    name: str


# ---------------------------------------------------------------- Elastic Cloud


class OrganizationAssignment(Answer):
    """``RoleAssignments.organization[]``."""

    role_id: str
    organization_id: str


class ResourceAssignment(Answer):
    """``RoleAssignments.deployment[]`` and each list of ``RoleAssignments.project``."""

    role_id: str
    organization_id: str
    all: bool | None = None
    deployment_ids: Strings | None = None
    project_ids: Strings | None = None
    application_roles: Strings | None = None


class RoleAssignments(Answer):
    """A member's or invitation's ``role_assignments``; ``project`` by project type."""

    organization: list[OrganizationAssignment] | None = None
    deployment: list[ResourceAssignment] | None = None
    project: dict[str, list[ResourceAssignment] | None] | None = None
    platform: list[dict[str, Any]] | None = None


class Organization(Answer):
    """``GET /organizations/{id}``."""

    id: str
    name: str


class Member(Answer):
    """``OrganizationMembership``."""

    user_id: str
    email: str | None = None
    role_assignments: RoleAssignments | None = None


class Members(Answer):
    """``GET /organizations/{id}/members``."""

    members: list[Member]


class Invitation(Answer):
    """``OrganizationInvitation``."""

    token: str
    email: str
    expired: bool | None = None
    expires_at: str | None = None
    accepted_at: str | None = None
    role_assignments: RoleAssignments | None = None


class Invitations(Answer):
    """``GET`` and ``POST /organizations/{id}/invitations``."""

    invitations: list[Invitation]


class WriteAnswer(Answer):
    """What a write answers: ``{}`` (Cloud ``EmptyResponse``), any object that is not an error
    body, or no body at all (Kibana's 204)."""


# ---------------------------------------------------------------- list answers

Shape = type[Answer] | TypeAdapter[Any]

KibanaRoles: TypeAdapter[list[KibanaRole]] = TypeAdapter(list[KibanaRole])
Features: TypeAdapter[list[Feature]] = TypeAdapter(list[Feature])
Spaces: TypeAdapter[list[Space]] = TypeAdapter(list[Space])


# ---------------------------------------------------------------- checking

_MAX_PROBLEMS = 3
_MAX_SHOWN = 60
_EXPECTED = {
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "bool_type": "true or false",
    "int_type": "an integer",
    "float_type": "a number",
}


def shape_problems(shape: Shape, body: Any, *, root: str = "") -> list[str]:
    """What is wrong with ``body`` for ``shape``, one ``field: problem`` per mistake (at most
    three, then how many more), items of lists named by their ``name``, ``email`` or ``id``
    (``roles[3] (soc).elasticsearch.cluster``); ``root`` names a bare list. Empty when it fits.
    """
    if body is None:
        return [] if shape is WriteAnswer else ["the answer is empty"]
    try:
        if isinstance(shape, TypeAdapter):
            shape.validate_python(body)
        else:
            shape.model_validate(body)
    except ValidationError as error:
        found = list(dict.fromkeys(_problem(item, body, root) for item in error.errors()))
    else:
        return []
    more = len(found) - _MAX_PROBLEMS
    return found[:_MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])


def _problem(error: Any, body: Any, root: str) -> str:
    loc = tuple(error["loc"])
    kind = str(error["type"])
    given = error.get("input")
    if kind == "missing":
        message = "is missing"
    elif kind in _EXPECTED:
        message = f"should be {_EXPECTED[kind]}, got {_shown(given)}"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    path = _path(loc, body, root)
    if not path:
        return f"the answer {message}"
    return f"{path} {message}" if kind == "missing" else f"{path}: {message}"


def _path(loc: tuple[Any, ...], body: Any, root: str) -> str:
    """``a.b[2].c`` for ``loc``, each list index followed by the item's name when it has one."""
    path = root
    node = body
    for part in loc:
        node = node[part] if _has(node, part) else None
        if not isinstance(part, int):
            path += f".{part}" if path else str(part)
            continue
        path += f"[{part}]"
        if isinstance(node, dict):
            labels = [node[k] for k in ("name", "email", "id") if isinstance(node.get(k), str)]
            path += f" ({_shorten(labels[0])})" if labels and labels[0] else ""
    return path


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _shown(value: Any) -> str:
    """A JSON value as a message shows it: its JSON text, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return _shorten(text)


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
