"""Elasticsearch's built-in cluster, index and remote_cluster privilege names, per release.

Elasticsearch refuses a role naming an unknown privilege ("unknown index privilege
[auto_create]. a privilege must be either one of the predefined fixed indices privileges [...]
or a pattern over one of the available index actions"), which peers find only at apply
(terraform-provider-elasticstack#2403). For a release this table covers, a name it does not hold
is therefore refused at preview; the live Kibana's ``GET /internal/security/esPrivileges/builtin``
(Elasticsearch's ``GET /_security/privilege/_builtin``) settles it where reachable. Names with a
``:`` are action patterns (``cluster:monitor/*``, ``indices:data/read/*``), never names. The
checks are ``roles.privileges.es_privilege_problems``.

Sources: the 8.16 base is elastic/elasticsearch ``docs/reference/rest-api/security/
get-builtin-privileges.asciidoc`` @09694a0cdae1 (its example answer; ``x-pack/plugin/src/
yamlRestTest/.../privileges/11_builtin.yml`` at the same commit counts 62 cluster and 23 index
names: ``read_failures`` is behind the failure-store feature flag, off in release builds), each
later change from ``docs/reference/elasticsearch/security-privileges.md`` (``applies_to`` per
name) unless its row says otherwise; serverless from the same page (names not marked
"serverless: unavailable", plus the serverless-only ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .versions import KibanaTarget, Version

Kind = Literal["cluster", "index", "remote_cluster"]
KINDS: tuple[Kind, ...] = ("cluster", "index", "remote_cluster")


@dataclass(frozen=True)
class Names:
    """The privilege names of one release (or of serverless), per kind."""

    cluster: frozenset[str]
    index: frozenset[str]
    remote_cluster: frozenset[str]

    def of(self, kind: Kind) -> frozenset[str]:
        """The names of one kind."""
        names: frozenset[str] = getattr(self, kind)
        return names


@dataclass(frozen=True)
class Change:
    """Names added in release ``since``; ``earliest`` is set where the sources leave open
    whether an earlier release already had them (those releases neither refuse nor accept them
    for certain)."""

    since: Version
    cluster: tuple[str, ...] = ()
    index: tuple[str, ...] = ()
    remote_cluster: tuple[str, ...] = ()
    earliest: Version | None = None
    source: str = ""


BASE_RELEASE = Version(8, 16)
BASE = Names(
    cluster=frozenset(
        {
            "all", "cancel_task", "create_snapshot", "cross_cluster_replication",
            "cross_cluster_search", "delegate_pki", "grant_api_key", "manage", "manage_api_key",
            "manage_autoscaling", "manage_behavioral_analytics", "manage_ccr", "manage_connector",
            "manage_data_frame_transforms", "manage_data_stream_global_retention",
            "manage_enrich", "manage_ilm", "manage_index_templates", "manage_inference",
            "manage_ingest_pipelines", "manage_logstash_pipelines", "manage_ml", "manage_oidc",
            "manage_own_api_key", "manage_pipeline", "manage_rollup", "manage_saml",
            "manage_search_application", "manage_search_query_rules", "manage_search_synonyms",
            "manage_security", "manage_service_account", "manage_slm", "manage_token",
            "manage_transform", "manage_user_profile", "manage_watcher", "monitor",
            "monitor_connector", "monitor_data_frame_transforms",
            "monitor_data_stream_global_retention", "monitor_enrich", "monitor_inference",
            "monitor_ml", "monitor_rollup", "monitor_snapshot", "monitor_text_structure",
            "monitor_transform", "monitor_watcher", "none", "post_behavioral_analytics_event",
            "read_ccr", "read_connector_secrets", "read_fleet_secrets", "read_ilm",
            "read_pipeline", "read_security", "read_slm", "transport_client",
            "write_connector_secrets", "write_fleet_secrets",
        }
    ),
    index=frozenset(
        {
            "all", "auto_configure", "create", "create_doc", "create_index",
            "cross_cluster_replication", "cross_cluster_replication_internal", "delete",
            "delete_index", "index", "maintenance", "manage", "manage_data_stream_lifecycle",
            "manage_follow_index", "manage_ilm", "manage_leader_index", "monitor", "none",
            "read", "read_cross_cluster", "view_index_metadata", "write",
        }
    ),
    remote_cluster=frozenset({"monitor_enrich"}),
)  # fmt: skip

CHANGES: tuple[Change, ...] = (
    Change(
        Version(8, 18),
        cluster=("monitor_stats",),
        remote_cluster=("monitor_stats",),
        earliest=Version(8, 17),
        source="elasticsearch#114964, backported to 8.x by #116517 on 2024-11-08, about when "
        "the 8.17 branch was cut: 8.17 is uncertain",
    ),
    Change(
        Version(9, 1),
        cluster=("monitor_esql",),
        index=("manage_failure_store", "read_failure_store"),
        source="security-privileges.md (applies_to stack: ga 9.1)",
    ),
    Change(
        Version(9, 4),
        cluster=("clone_api_key",),
        index=("create_view", "delete_view", "manage_view", "read_view_metadata"),
        source="security-privileges.md (clone_api_key ga 9.4+; ES|QL view privileges 9.4)",
    ),
    Change(
        Version(9, 5),
        cluster=("manage_reindex", "monitor_reindex"),
        source="security-privileges.md (applies_to stack: ga 9.5)",
    ),
)

SERVERLESS = Names(
    cluster=frozenset(
        {
            "all", "cancel_task", "manage", "manage_api_key", "manage_connector",
            "manage_enrich", "manage_index_templates", "manage_inference",
            "manage_ingest_pipelines", "manage_logstash_pipelines", "manage_ml",
            "manage_own_api_key", "manage_pipeline", "manage_project_routing", "manage_reindex",
            "manage_search_application", "manage_search_query_rules", "manage_search_synonyms",
            "manage_security", "manage_transform", "monitor", "monitor_connector",
            "monitor_enrich", "monitor_esql", "monitor_inference", "monitor_ml",
            "monitor_reindex", "monitor_transform", "none", "read_pipeline",
            "read_project_routing", "read_security",
        }
    ),
    index=frozenset(
        {
            "all", "auto_configure", "create", "create_doc", "create_index", "create_view",
            "delete", "delete_index", "delete_view", "index", "maintenance", "manage",
            "manage_data_stream_lifecycle", "manage_failure_store", "manage_view", "monitor",
            "none", "read", "read_failure_store", "read_view_metadata", "view_index_metadata",
            "write",
        }
    ),
    remote_cluster=frozenset(),  # remote clusters do not exist on serverless
)  # fmt: skip

# The stateful releases (major, minor) the table holds completely. 8.19 is left out: it shipped
# after 9.0 with backports this table does not record.
COVERED_RELEASES: frozenset[tuple[int, int]] = frozenset(
    {(8, 16), (8, 17), (8, 18), (9, 0), (9, 1), (9, 2), (9, 3), (9, 4), (9, 5)}
)


def covers(target: KibanaTarget) -> bool:
    """Whether the table holds every name of the target's Elasticsearch (its release is the
    Kibana's: the two run the same minor). Serverless changes continuously: not covered."""
    version = target.version
    return not target.serverless and (version.major, version.minor) in COVERED_RELEASES


def names_for(target: KibanaTarget) -> Names:
    """The names of the target's release (of the newest release the table knows when the target
    is newer; of 8.16 when older); on serverless, the serverless list."""
    if target.serverless:
        return SERVERLESS
    out = {kind: set(BASE.of(kind)) for kind in KINDS}
    for change in CHANGES:
        if change.since <= target.version:
            for kind in KINDS:
                out[kind] |= set(getattr(change, kind))
    return Names(*(frozenset(out[kind]) for kind in KINDS))


def uncertain(name: str, kind: Kind, target: KibanaTarget) -> Change | None:
    """The change that adds ``name`` when the sources leave open whether the target's release
    already has it (it then is neither refused nor accepted for certain)."""
    if target.serverless:
        return None
    for change in CHANGES:
        if (
            name in getattr(change, kind)
            and change.earliest is not None
            and change.earliest <= target.version < change.since
        ):
            return change
    return None


def stateful_only(name: str, kind: Kind) -> bool:
    """Whether ``name`` is a stateful name that serverless does not offer."""
    if name in SERVERLESS.of(kind):
        return False
    return name in BASE.of(kind) or any(name in getattr(c, kind) for c in CHANGES)


def every_name(kind: Kind) -> frozenset[str]:
    """Every name of ``kind`` any release or serverless has (for "did you mean")."""
    names = set(BASE.of(kind)) | set(SERVERLESS.of(kind))
    for change in CHANGES:
        names |= set(getattr(change, kind))
    return frozenset(names)


def from_builtin(body: object, target: KibanaTarget) -> Names | None:
    """The names in Kibana's ``GET /internal/security/esPrivileges/builtin`` answer
    (``{cluster: [...], index: [...], remote_cluster: [...]}``), or None when it is not of that
    shape. Kibana drops ``none`` from ``index`` (security plugin get_builtin.ts): it is put back;
    releases before remote_cluster privileges answer without that key: the target's offline
    list stands in for it."""
    if not isinstance(body, dict):
        return None
    lists: dict[str, frozenset[str]] = {}
    for kind in KINDS:
        value = body.get(kind)
        if value is None and kind == "remote_cluster":
            lists[kind] = names_for(target).remote_cluster
            continue
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            return None
        lists[kind] = frozenset(n.lower() for n in value)
    return Names(
        cluster=lists["cluster"] | {"none"},
        index=lists["index"] | {"none"},
        remote_cluster=lists["remote_cluster"],
    )
