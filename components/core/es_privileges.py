"""Elasticsearch cluster and index privilege names, so a typo is refused at preview.

Elasticsearch refuses a role naming an unknown privilege ("unknown cluster privilege [x]. a
privilege must be either one of the predefined cluster privilege names [...] or a pattern over
one of the available cluster actions"), which peers only find at apply
(terraform-provider-elasticstack#2403). Sources: ``ClusterPrivilegeResolver.VALUES`` and
``IndexPrivilege`` in elastic/elasticsearch (x-pack/plugin/core/.../authz/privilege), plus the
connector and stats privileges of the 8.x/9.x docs ("Security privileges"). Names with a ``:``
are action patterns (``cluster:monitor/*``, ``indices:data/read/*``) and always accepted. The
check itself is ``roles.privileges.es_privilege_problems``.
"""

from __future__ import annotations

CLUSTER_PRIVILEGES = frozenset(
    {
        "all", "cancel_task", "create_snapshot", "cross_cluster_replication",
        "cross_cluster_search", "delegate_pki", "grant_api_key", "manage", "manage_api_key",
        "manage_autoscaling", "manage_behavioral_analytics", "manage_ccr", "manage_connector",
        "manage_data_frame_transforms", "manage_data_stream_global_retention", "manage_enrich",
        "manage_ilm", "manage_index_templates", "manage_inference", "manage_ingest_pipelines",
        "manage_logstash_pipelines", "manage_ml", "manage_oidc", "manage_own_api_key",
        "manage_pipeline", "manage_rollup", "manage_saml", "manage_search_application",
        "manage_search_query_rules", "manage_search_synonyms", "manage_security",
        "manage_service_account", "manage_slm", "manage_token", "manage_transform",
        "manage_user_profile", "manage_watcher", "monitor", "monitor_connector",
        "monitor_data_frame_transforms", "monitor_data_stream_global_retention", "monitor_enrich",
        "monitor_inference", "monitor_ml", "monitor_rollup", "monitor_snapshot", "monitor_stats",
        "monitor_text_structure", "monitor_transform", "monitor_watcher", "none",
        "post_behavioral_analytics_event", "read_ccr", "read_connector_secrets",
        "read_fleet_secrets", "read_ilm", "read_pipeline", "read_security", "read_slm",
        "transport_client", "write_connector_secrets", "write_fleet_secrets",
    }
)  # fmt: skip

INDEX_PRIVILEGES = frozenset(
    {
        "all", "auto_configure", "create", "create_doc", "create_index",
        "cross_cluster_replication", "cross_cluster_replication_internal", "delete",
        "delete_index", "index", "maintenance", "manage", "manage_data_stream_lifecycle",
        "manage_failure_store", "manage_follow_index", "manage_ilm", "manage_leader_index",
        "monitor", "none", "read", "read_cross_cluster", "read_failure_store",
        "view_index_metadata", "write",
    }
)  # fmt: skip
