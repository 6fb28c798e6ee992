"""The stack-config schema: every shape mistake named by its field path and allowed values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.core.problems import InvalidConfig
from components.core.stack import load_stack_file, parse_config, validate_stack
from components.core.versions import KibanaTarget


def mistakes(values: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidConfig) as caught:
        parse_config(values)
    return str(caught.value).splitlines()


def test_the_contract_example_parses() -> None:
    config = parse_config(
        {
            "kibana": {"url": "https://kibana.example.com:9243", "flavor": "stateful",
                       "version": "9.1.0", "caCert": "certs/ca.pem", "insecure": False},
            "cloud": {"organizationId": 1234567890, "inviteExpiresIn": "7d",
                      "authoritative": False, "protect": ["Owner@Example.com"]},
            "roles": {"soc": {"spaces": ["soc"], "cases": {"security": "all"}, "connectors": "all"}},
            "members": {"alice@example.com": {"organization": "billing-admin"}},
        }
    )  # fmt: skip
    assert config.cloud.organization_id == "1234567890"
    assert config.cloud.protect == ["owner@example.com"]
    assert config.roles["soc"].cases["security"].access == "all"
    assert config.members["alice@example.com"].organization == ["billing-admin"]


def test_wrong_access_level_names_the_path_and_the_levels() -> None:
    assert mistakes({"roles": {"obs-triage": {"cases": {"observability": "write"}}}}) == [
        "roles.obs-triage.cases.observability.access: 'write' is not allowed; "
        "allowed: all, read, none"
    ]


def test_a_role_description_over_1000_characters_says_its_length() -> None:
    """Elasticsearch refuses a longer one at the write (found by a new user with 1,900)."""
    parse_config({"roles": {"r": {"description": "x" * 1000}}})
    assert mistakes({"roles": {"r": {"description": "x" * 1900}}}) == [
        "roles.r.description: is 1,900 characters long; 1,000 at most are accepted"
    ]


def test_unknown_solution_lists_the_solutions() -> None:
    assert mistakes({"roles": {"r": {"cases": {"siem": "all"}}}}) == [
        "roles.r.cases.siem: 'siem' is not allowed; allowed: observability, security, stack"
    ]


def test_misspelt_field_lists_the_fields_of_its_place() -> None:
    assert mistakes({"roles": {"r": {"conectors": "all"}}}) == [
        "roles.r.conectors: unknown field (did you mean connectors?); allowed: description, spaces, cases, connectors, "
        "alerts, kibana, elasticsearch, metadata, adopt"
    ]
    assert mistakes({"roles": {"r": {"kibana": [{"spaces": ["*"], "features": {}}]}}}) == [
        "roles.r.kibana[0].features: unknown field (did you mean feature?); allowed: spaces, base, feature"
    ]


def test_cases_value_of_the_wrong_type() -> None:
    assert mistakes({"roles": {"r": {"cases": {"stack": 3}}}}) == [
        "roles.r.cases.stack: must be all, read, none or a mapping of access/allow/deny (got 3)"
    ]


def test_sub_feature_list_of_the_wrong_type_names_the_item() -> None:
    assert mistakes({"roles": {"r": {"cases": {"stack": {"access": "all", "deny": [1]}}}}}) == [
        'roles.r.cases.stack.deny[0]: is the number 1, but must be text: quote it: - "1"'
    ]


def test_index_privileges_need_names_and_privileges() -> None:
    assert mistakes({"roles": {"r": {"elasticsearch": {"indices": [{"names": []}]}}}}) == [
        "roles.r.elasticsearch.indices[0].names: must have at least 1 item(s)",
        "roles.r.elasticsearch.indices[0].privileges: is required",
    ]


def test_member_mistakes() -> None:
    assert mistakes(
        {
            "members": {
                "bob@example.com": {"organization": "owner", "projects": {"search": {}}},
                "carol@example.com": {"projects": {"security": {"projects": {"p1": 5}}}},
            }
        }
    ) == [
        "members.bob@example.com.organization[0]: 'owner' is not allowed; "
        "allowed: organization-admin, billing-admin",
        "members.bob@example.com.projects.search: 'search' is not allowed; "
        "allowed: elasticsearch, observability, security",
        "members.carol@example.com.projects.security.projects.p1: must be a role id or a mapping "
        "of role/applicationRoles (got 5)",
    ]


def test_member_emails_are_checked_and_compared_ignoring_case() -> None:
    assert mistakes({"members": {"bob": {}, "Ann@x.io": {}, "ann@x.io": {}}}) == [
        "members.ann@x.io: same address as members.Ann@x.io (emails ignore case)",
        "members.bob: 'bob' is not an email address",
    ]


def test_cloud_settings_are_checked() -> None:
    assert mistakes({"cloud": {"inviteExpiresIn": "1 week", "protect": ["root"]}}) == [
        "cloud.inviteExpiresIn: '1 week' is not a duration: write whole hours or days with the "
        'unit, such as "7d" or "72h"',
        "cloud.protect: 'root' is not an email address",
    ]


def test_kibana_settings_are_checked() -> None:
    assert mistakes({"kibana": {"flavor": "cloud", "version": "latest"}}) == [
        "kibana.flavor: 'cloud' is not allowed; allowed: stateful, serverless",
        "kibana.version: 'latest' is not a Kibana version such as 8.17.2 or 9.1.0",
    ]


def test_stack_file_keys_outside_the_schema_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(
        "config:\n  aws:region: eu-west-1\n  elastic-access:role: {}\n"
        "  elastic-access:kibanaApiKey:\n    secure: v1:abc\n"
    )
    with pytest.raises(InvalidConfig) as caught:
        load_stack_file(path)
    assert str(caught.value) == (
        "elastic-access:role: unknown config key (did you mean roles?); allowed: kibana, cloud, "
        "roles, members, spaces, "
        "kibanaApiKey, kibanaUsername, kibanaPassword, cloudApiKey"
    )


def test_secrets_in_the_stack_file_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config:\n  elastic-access:kibanaApiKey:\n    secure: v1:abc\n")
    config = load_stack_file(path)
    assert "abc" not in config.model_dump_json()


def test_a_dls_query_string_nested_deep_is_refused_before_parsing() -> None:
    index = {"names": ["logs-*"], "privileges": ["read"], "query": '{"bool":' * 5000}
    config = parse_config({"roles": {"r": {"elasticsearch": {"indices": [index]}}}})
    assert [str(p) for p in validate_stack(config, KibanaTarget.of("9.1.0"))] == [
        "roles.r.elasticsearch.indices[0].query: is nested more than 64 levels deep; no query "
        "needs that many"
    ]
