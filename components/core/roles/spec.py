"""A Kibana role as the user writes it under ``elastic-access:roles`` (contract section 3).

Shape only: the rules that depend on the target Kibana are in ``validation`` and
``privileges``; turning a spec into a Kibana body is ``expand``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from ..feature_catalog import Solution
from ..model import ConfigModel
from ..problems import echo

Access = Literal["all", "read", "none"]
ACCESS_LEVELS: tuple[str, ...] = ("all", "read", "none")


def _access_shorthand(value: Any) -> Any:
    """``security: all`` is short for ``security: {access: all}``."""
    if isinstance(value, str):
        return {"access": value}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"must be all, read, none or a mapping of access/allow/deny (got {echo(value)})"
        )
    return value


class CustomisedAccess(ConfigModel):
    """``all``/``read``/``none``, optionally with sub-feature privileges added or removed."""

    access: Access
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)

    @property
    def customised(self) -> bool:
        """Whether sub-feature privileges are added or removed (then the grant is ``minimal_*``
        plus sub-features)."""
        return bool(self.allow or self.deny)


AccessSpec = Annotated[CustomisedAccess, BeforeValidator(_access_shorthand)]


class FieldSecurity(ConfigModel):
    """Field-level security of an index entry: fields granted and excepted."""

    grant: list[str] | None = None
    except_: list[str] | None = Field(default=None, alias="except")


class IndexPrivileges(ConfigModel):
    """``elasticsearch.indices[]``: index name patterns, privileges, and optional field and
    document level security."""

    names: list[str] = Field(min_length=1, max_length=100)
    privileges: list[str] = Field(min_length=1, max_length=100)
    field_security: FieldSecurity | None = None
    query: str | dict[str, Any] | None = None
    allow_restricted_indices: bool | None = None


class RemoteIndexPrivileges(IndexPrivileges):
    """``elasticsearch.remote_indices[]``: an index entry on remote clusters (8.10+)."""

    clusters: list[str] = Field(min_length=1, max_length=100)


class RemoteClusterPrivileges(ConfigModel):
    """``elasticsearch.remote_cluster[]``: cluster privileges on remote clusters (8.15+)."""

    privileges: list[str] = Field(min_length=1, max_length=100)
    clusters: list[str] = Field(min_length=1, max_length=100)


class ElasticsearchPrivileges(ConfigModel):
    """``elasticsearch``: the role's Elasticsearch part, as the role API takes it."""

    cluster: list[str] = Field(default_factory=list, max_length=100)
    indices: list[IndexPrivileges] = Field(default_factory=list, max_length=1000)
    remote_indices: list[RemoteIndexPrivileges] = Field(default_factory=list, max_length=1000)
    remote_cluster: list[RemoteClusterPrivileges] = Field(default_factory=list, max_length=100)
    run_as: list[str] = Field(default_factory=list, max_length=100)


class KibanaEntry(ConfigModel):
    """A raw Kibana privilege entry, exactly as the role API takes it."""

    spaces: list[str] = Field(default_factory=lambda: ["*"])
    base: list[str] = Field(default_factory=list, max_length=50)
    feature: dict[str, list[str]] = Field(default_factory=dict)


class RoleSpec(ConfigModel):
    """One entry of ``elastic-access:roles``: shorthands plus raw privileges."""

    # Kibana's role route allows 2,048 characters; Elasticsearch then refuses over 1,000
    # (x-pack/plugin/core/.../security/support/Validation.java, Roles.MAX_DESCRIPTION_LENGTH).
    description: str = Field(default="", max_length=1000)
    spaces: list[str] = Field(default_factory=lambda: ["*"])
    cases: dict[Solution, AccessSpec] = Field(default_factory=dict)
    connectors: AccessSpec | None = None
    alerts: dict[Solution, Access] = Field(default_factory=dict)
    kibana: list[KibanaEntry] = Field(default_factory=list)
    elasticsearch: ElasticsearchPrivileges = Field(default_factory=ElasticsearchPrivileges)
    metadata: dict[str, Any] = Field(default_factory=dict)
    adopt: bool = False

    def space_ids(self) -> set[str]:
        """The space ids the role names (its shorthands' spaces and its raw entries'), ``*``
        left out."""
        named = {*self.spaces, *(s for entry in self.kibana for s in entry.spaces)}
        return named - {"*"}
