"""``elastic-access import``: live roles, spaces and members -> config YAML that, saved as it is
printed, validates and renders back to them (issue 13 §3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from components.cli import common, main
from components.clients import RetryPolicy
from components.core.imported import Section, config_yaml, without_userinfo
from components.core.members.atoms import Atom, atoms_from_api
from components.core.members.importer import member_config
from components.core.roles import importer
from components.core.roles.body import normalise
from components.core.roles.expand import render
from components.core.stack import load_stack_file, parse_config, render_stack
from components.core.versions import KibanaTarget
from tests.conftest import ROOT, peer_roles

KIBANA = "http://kibana.test:5601"
CLOUD = "http://cloud.test"
ORG = "1000000001"
API_KEY = "a2V5LWlkOnN1cGVyLXNlY3JldC1rZXk="  # base64 of key-id:super-secret-key
CLOUD_KEY = "cloud-secret-key-123"
SECRETS = (API_KEY, "super-secret-key", CLOUD_KEY)
RESERVED = {
    "name": "superuser",
    "metadata": {"_reserved": True},
    "elasticsearch": {"cluster": ["all"]},
    "kibana": [{"spaces": ["*"], "base": ["all"], "feature": {}}],
}

# Every peer role Kibana accepts, each under a name of its own (several fixture files share
# the stem "test").
PEERS = {
    f"peer-{i:02d}-{stem}": fixture["kibana_put_body"]
    for i, (stem, fixture) in enumerate(peer_roles())
    if not fixture["expect_error"]
}
# Elasticsearch refuses the first (auto_configure is an index privilege), Kibana the second
# (fleet needs all spaces): no Kibana holds them, and the sandbox test shows both refused.
REFUSED = ("peer-01-data_ingest", "peer-02-devops_readonly")
LIVE_PEERS = {name: body for name, body in PEERS.items() if name not in REFUSED}
# Kibana stores a feature id it does not register and grants nothing by it; import leaves it out.
ABSENT = {"peer-04-security_analyst": "alerting"}
ABSENT_COMMENT = (
    "feature alerting does not exist in Kibana {version}: Kibana keeps such ids but grants "
    "nothing by them; left out here"
)


def without_absent(roles: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The roles as import writes them: the ABSENT feature ids left out."""
    out = dict(roles)
    for name, feature in ABSENT.items():
        if name in out:
            entries = out[name]["kibana"]
            out[name] = {
                **out[name],
                "kibana": [
                    {**e, "feature": {k: v for k, v in e["feature"].items() if k != feature}}
                    for e in entries
                ],
            }
    return out


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIBANA_ENDPOINT", "KIBANA_USERNAME", "KIBANA_PASSWORD", "EC_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    monkeypatch.setenv("EC_API_KEY", CLOUD_KEY)
    monkeypatch.setattr(common, "RETRY", RetryPolicy(max_attempts=1))


def fake_kibana(
    rsps: responses.RequestsMock,
    roles: list[dict[str, Any]],
    version: str = "9.1.0",
    spaces: list[dict[str, Any]] | None = None,
) -> None:
    status = {"version": {"number": version, "build_flavor": "traditional"}}
    rsps.get(f"{KIBANA}/api/status", json=status)
    rsps.get(f"{KIBANA}/api/security/role", json=roles)
    if spaces is not None:
        rsps.get(f"{KIBANA}/api/spaces/space", json=spaces)


def import_text(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[str, str]:
    """What ``import`` prints: (stdout, stderr), checked for secrets."""
    assert main(["import", "--kibana-url", KIBANA, *args]) == 0
    captured = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in captured.out + captured.err
    return captured.out, captured.err


def imported(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[dict[str, Any], str]:
    out, err = import_text(capsys, args)
    return yaml.safe_load(out)["config"], err


def saved_and_rendered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> dict[str, Any]:
    """Save the printed YAML as it is; ``validate`` accepts it (exit 0, warnings at most) and
    ``render`` of it is returned."""
    path = tmp_path / "Pulumi.imported.yaml"
    path.write_text(text)
    assert main(["validate", "--config", str(path)]) == 0, capsys.readouterr().err
    assert "error" not in capsys.readouterr().err
    assert main(["render", "--config", str(path)]) == 0
    rendered: dict[str, Any] = json.loads(capsys.readouterr().out)
    return rendered


def assert_roles_render_back(rendered: dict[str, Any], roles: dict[str, dict[str, Any]]) -> None:
    assert sorted(rendered["roles"]) == sorted(roles)
    for name, body in roles.items():
        assert normalise(rendered["roles"][name]) == normalise(body), name


def comments_above(text: str, key_line: str) -> list[str]:
    """The comments written above ``key_line``, each joined back from its wrapped lines."""
    lines = text.splitlines()
    at = lines.index(key_line)
    start = at
    while start > 0 and lines[start - 1].lstrip().startswith("# "):
        start -= 1
    comments: list[str] = []
    for line in lines[start:at]:
        body = line.lstrip()[2:]
        if body.startswith("  "):
            comments[-1] += " " + body.strip()
        else:
            comments.append(body)
    return comments


def assert_no_anchors(text: str) -> None:
    """No YAML anchor (``&id001``) or alias (``*id001``) anywhere: each event is a plain node."""
    for event in yaml.parse(text):
        assert getattr(event, "anchor", None) is None, event
        assert not isinstance(event, yaml.AliasEvent), event


@pytest.mark.parametrize("version", ["8.16.0", "8.17.0", "9.1.0"])
def test_every_peer_role_imports_validates_and_renders_back(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(LIVE_PEERS) == 17
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [{**body, "name": name} for name, body in LIVE_PEERS.items()], version)
        text, _ = import_text(capsys, [])
    assert_no_anchors(text)
    config = yaml.safe_load(text)["config"]
    assert config["elastic-access:kibana"] == {
        "url": KIBANA,
        "version": version,
        "flavor": "stateful",
    }
    assert all(entry["adopt"] is True for entry in config["elastic-access:roles"].values())
    assert comments_above(text, "    peer-04-security_analyst:") == [
        ABSENT_COMMENT.format(version=version)
    ]
    assert_roles_render_back(saved_and_rendered(tmp_path, capsys, text), without_absent(LIVE_PEERS))


def test_local_stack_roles_import_with_their_shorthands_and_render_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = KibanaTarget.of("9.1.0")
    local = load_stack_file(ROOT / "stacks/Pulumi.local.yaml")
    bodies = render_stack(local, target)["roles"]
    live = [
        {**body, "name": name, "transient_metadata": {"enabled": True}}
        for name, body in bodies.items()
    ]
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, live)
        text, err = import_text(capsys, [])
    assert err == ""
    assert_roles_render_back(saved_and_rendered(tmp_path, capsys, text), bodies)
    roles = yaml.safe_load(text)["config"]["elastic-access:roles"]
    assert roles["security-cases-alerts"] == {
        "description": "Security cases with access to add alerts to cases",
        "spaces": ["soc"],
        "cases": {"security": "all"},
        "alerts": {"security": "read"},
        "adopt": True,
    }
    assert roles["stack-case-editors"]["cases"] == {
        "stack": {"access": "all", "deny": ["cases_delete"]}
    }
    assert "    security-cases-alerts:\n      description: " in text
    assert "      spaces: [soc]\n" in text  # short lists as the contract writes them


def test_a_list_two_entries_share_is_written_twice_not_as_an_anchor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shorthands and the raw entry left beside them take the same spaces list: PyYAML
    # used to print it once as "&id001" and refer to it as "*id001".
    role = {
        "name": "soc-mixed",
        "kibana": [
            {
                "spaces": ["soc"],
                "base": [],
                "feature": {"securitySolutionCasesV3": ["all"], "discover_v2": ["read"]},
            }
        ],
    }
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [role])
        text, _ = import_text(capsys, [])
    assert_no_anchors(text)
    assert "&id" not in text and "*id" not in text
    assert (
        "    soc-mixed:\n"
        "      spaces: [soc]\n"
        "      cases:\n"
        "        security: all\n"
        "      kibana:\n"
        "        - spaces: [soc]\n"
        "          feature:\n"
        "            discover_v2: [read]\n"
        "      adopt: true\n"
    ) in text
    assert_roles_render_back(
        saved_and_rendered(tmp_path, capsys, text), {"soc-mixed": {**role, "name": None}}
    )


def test_reserved_roles_are_skipped_with_one_note(capsys: pytest.CaptureFixture[str]) -> None:
    custom = {
        "name": "custom",
        "metadata": {"team": "a"},
        "kibana": [{"spaces": ["*"], "feature": {"actions": ["read"]}}],
    }
    viewer = {**RESERVED, "name": "viewer"}
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [RESERVED, custom, viewer])
        config, err = imported(capsys, [])
    assert list(config["elastic-access:roles"]) == ["custom"]
    assert err == (
        "note: skipped 2 built-in (reserved) roles, which elastic-access never manages: "
        "superuser, viewer\n"
    )


# What Kibana shows but the config cannot hold exactly: (GET answer fields, the comment).
INEXACT = {
    "transformed": (
        {"_transform_error": ["kibana:reserved_privileges_mixed"], "kibana": []},
        "Kibana could not read this role's Kibana privileges (kibana:reserved_privileges_mixed);"
        " it shows them as empty: they were probably edited through the Elasticsearch API. This"
        " entry declares none of them, so the next pulumi up that changes the role replaces "
        "them: declare them first (Elasticsearch's GET /_security/role shows them)",
    ),
    "other-apps": (
        {"_unrecognized_applications": ["apm-app"]},
        "the role also grants privileges of other applications (apm-app), kept as is by Kibana"
        " on every write; elastic-access does not manage them",
    ),
    "plugin-feature": (
        {"kibana": [{"spaces": ["ops"], "base": [], "feature": {"myPlugin": ["all"]}}]},
        "feature myPlugin does not exist in Kibana 9.1.0: Kibana keeps such ids but grants "
        "nothing by them; left out here",
    ),
    "hidden-metadata": (
        {"metadata": {"team": "a", "_owner": "x"}},
        "metadata _owner left out: keys starting with _ are reserved and Elasticsearch refuses "
        "them on write",
    ),
    "disabled": (
        {"transient_metadata": {"enabled": False}},
        "Kibana marks this role disabled (transient_metadata.enabled: false): it grants "
        "something the license does not cover, and grants nothing until it does",
    ),
}


def test_what_the_config_cannot_hold_exactly_is_a_comment_above_the_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {
        "elasticsearch": {"cluster": ["monitor"], "indices": []},
        "kibana": [{"spaces": ["*"], "base": [], "feature": {"discover_v2": ["read"]}}],
    }
    roles = [{**base, **fields, "name": name} for name, (fields, _) in INEXACT.items()]
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, roles)
        text, err = import_text(capsys, [])
    for name, (_, comment) in INEXACT.items():
        assert comments_above(text, f"    {name}:") == [comment], name
        assert f"note: roles.{name}: {comment}\n" in err
    assert max(len(line) for line in text.splitlines()) <= 100
    rendered = saved_and_rendered(tmp_path, capsys, text)
    bodies = {r["name"]: r for r in roles}
    bodies["hidden-metadata"] = {**bodies["hidden-metadata"], "metadata": {"team": "a"}}
    bodies["plugin-feature"] = {**bodies["plugin-feature"], "kibana": []}
    assert_roles_render_back(rendered, bodies)


def test_a_feature_the_catalog_cannot_judge_is_kept_raw_with_a_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 9.2 is a release the catalog does not cover: the live Kibana decides (validate --live).
    role = {
        "name": "plugin-feature",
        "kibana": [{"spaces": ["ops"], "base": [], "feature": {"myPlugin": ["all"]}}],
    }
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [role], version="9.2.0")
        text, _ = import_text(capsys, [])
    assert comments_above(text, "    plugin-feature:") == [
        "feature myPlugin is not in the catalog of Kibana 9.2.0: kept as raw entries, which "
        "validate --live checks against the live privileges API"
    ]
    assert_roles_render_back(saved_and_rendered(tmp_path, capsys, text), {"plugin-feature": role})


def test_named_roles_are_fetched_one_by_one(capsys: pytest.CaptureFixture[str]) -> None:
    body = {"kibana": [{"spaces": ["default"], "feature": {"generalCasesV3": ["read"]}}]}
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/security/role/viewer%20one", json={**body, "name": "viewer one"})
        config, _ = imported(
            capsys, ["--role", "viewer one", "--kibana-version", "9.1.0", "--flavor", "stateful"]
        )
    assert config["elastic-access:roles"] == {
        "viewer one": {"spaces": ["default"], "cases": {"stack": "read"}, "adopt": True}
    }


def test_a_missing_named_role_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/status", json={"version": {"number": "9.1.0"}})
        rsps.get(f"{KIBANA}/api/security/role/nope", status=404, json={"statusCode": 404})
        assert main(["import", "--kibana-url", KIBANA, "--role", "nope"]) == 2
    assert "Kibana has no role named 'nope'" in capsys.readouterr().err


SPACES = [
    {
        "id": "default",
        "name": "Default",
        "description": "This is your default space!",
        "color": "#00bfb3",
        "disabledFeatures": [],
        "_reserved": True,
    },
    {"id": "ops", "name": "Ops", "disabledFeatures": ["ml", "dev_tools"], "initials": "OP"},
    {
        "id": "soc",
        "name": "SOC",
        "solution": "security",
        "disabledFeatures": ["apm", "infrastructure"],
    },
]


def test_spaces_import_with_what_kibana_does_not_derive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [], spaces=SPACES)
        text, _ = import_text(capsys, ["--spaces"])
    config = yaml.safe_load(text)["config"]
    assert config["elastic-access:spaces"] == {
        "default": {
            "name": "Default",
            "description": "This is your default space!",
            "color": "#00bfb3",
            "adopt": True,
        },
        "ops": {
            "name": "Ops",
            "initials": "OP",
            "disabledFeatures": ["dev_tools", "ml"],
            "adopt": True,
        },
        "soc": {"name": "SOC", "solution": "security", "adopt": True},
    }
    assert comments_above(text, "    soc:") == [
        "its hidden features follow from solution security, so they are not listed"
    ]
    assert comments_above(text, "    default:") == [
        "Kibana's reserved space: neither Kibana nor elastic-access ever deletes it"
    ]
    rendered = saved_and_rendered(tmp_path, capsys, text)
    assert rendered["spaces"]["ops"] == {
        "id": "ops",
        "name": "Ops",
        "initials": "OP",
        "disabledFeatures": ["dev_tools", "ml"],
    }


def cloud_members(
    rsps: responses.RequestsMock, members: list[dict[str, Any]], invitations: list[dict[str, Any]]
) -> None:
    rsps.get(f"{CLOUD}/api/v1/organizations/{ORG}/members", json={"members": members})
    rsps.get(f"{CLOUD}/api/v1/organizations/{ORG}/invitations", json={"invitations": invitations})


def test_members_import_with_the_organization_and_render_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = load_stack_file(ROOT / "stacks/Pulumi.local.yaml")
    assignments = render_stack(local, KibanaTarget.of("9.1.0"))["members"]
    members = [
        {"user_id": f"u{i}", "email": email.upper(), "role_assignments": body}
        for i, (email, body) in enumerate(assignments.items())
    ]
    invitation = {
        "token": "tok-secret",
        "email": "dan@example.com",
        "expired": False,
        "expires_at": "2030-01-01T00:00:00Z",
        "role_assignments": {
            "deployment": [{"role_id": "deployment-admin", "organization_id": ORG, "all": True}]
        },
    }
    expired = {**invitation, "email": "old@example.com", "expired": True, "token": "tok-2"}
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [])
        cloud_members(rsps, members, [invitation, expired])
        text, err = import_text(capsys, ["--cloud-url", CLOUD, "--cloud-org", ORG])
    config = yaml.safe_load(text)["config"]
    assert list(config) == [
        "elastic-access:kibana",
        "elastic-access:cloud",
        "elastic-access:roles",
        "elastic-access:members",
    ]
    assert config["elastic-access:cloud"] == {"url": CLOUD, "organizationId": ORG}
    imported_members = config["elastic-access:members"]
    assert imported_members["dan@example.com"] == {
        "deployments": {"all": "deployment-admin"},
        "adopt": True,
    }
    assert comments_above(text, "    dan@example.com:") == [
        "invited, not yet accepted (it expires 2030-01-01T00:00:00Z)"
    ]
    assert imported_members["bob@example.com"]["projects"]["observability"] == {
        "projects": {
            "abc123": "observability-editor",
            "def456": {"applicationRoles": ["logs_reader"]},
        }
    }
    assert all(entry["adopt"] is True for entry in imported_members.values())
    assert "old@example.com" not in imported_members
    assert "note: skipped old@example.com: their invitation has expired" in err
    assert "tok-secret" not in text + err
    rendered = saved_and_rendered(tmp_path, capsys, text)
    expected = {**assignments, "dan@example.com": invitation["role_assignments"]}
    assert sorted(rendered["members"]) == sorted(expected)
    for email, body in expected.items():
        assert atoms_from_api(rendered["members"][email]) == atoms_from_api(body), email


def test_a_member_the_config_cannot_hold_exactly_is_not_adopted_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    two_roles = {
        "user_id": "u1",
        "email": "x@example.com",
        "role_assignments": {
            "deployment": [
                {"role_id": "deployment-admin", "organization_id": ORG, "all": True},
                {"role_id": "deployment-viewer", "organization_id": ORG, "all": True},
            ]
        },
    }
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [])
        cloud_members(rsps, [two_roles], [])
        text, err = import_text(capsys, ["--cloud-url", CLOUD, "--cloud-org", ORG])
    note = (
        "members.x@example.com.deployments.all: Cloud grants several roles here; the config "
        "holds one: kept deployment-admin, left out deployment-viewer"
    )
    assert yaml.safe_load(text)["config"]["elastic-access:members"] == {
        "x@example.com": {"deployments": {"all": "deployment-admin"}}
    }
    assert comments_above(text, "    x@example.com:") == [
        note,
        "no adopt: true, since adopting this entry would remove what it leaves out; pulumi up "
        "refuses and names it until you add adopt: true or change Cloud",
    ]
    assert f"note: {note}\n" in err


def test_refused_credentials_exit_2_without_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"{KIBANA}/api/status",
            status=401,
            json={"statusCode": 401, "message": f"bad key {API_KEY}"},
        )
        assert main(["import", "--kibana-url", KIBANA]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "401" in captured.err
    for secret in SECRETS:
        assert secret not in captured.err


def test_unreachable_kibana_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "--kibana-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "could not reach 127.0.0.1:9" in err
    assert API_KEY not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import"]) == 2
    assert "no Kibana URL" in capsys.readouterr().err
    assert main(["import", "--kibana-url", "ftp://x"]) == 2
    assert "http(s) URL" in capsys.readouterr().err


def test_a_url_with_a_password_is_printed_without_it() -> None:
    assert without_userinfo("https://elastic:hunter2@kb.example:9243/base") == (
        "https://kb.example:9243/base"
    )
    assert without_userinfo("http://kibana.test:5601") == "http://kibana.test:5601"


def test_roles_fall_back_to_raw_entries_when_shorthands_would_not_render_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importer, "flatten", lambda body, target: {"cases": {"stack": "all"}})
    target = KibanaTarget.of("9.1.0")
    for name, body in without_absent(PEERS).items():
        entry = importer.role_config(body, target)
        assert "cases" not in entry
        spec = parse_config({"roles": {"r": entry}}).roles["r"]
        assert normalise(render(spec, target)) == normalise(body), name


def test_other_organizations_and_double_grants_become_notes() -> None:
    atoms = [
        Atom("organization", "", "organization-admin", "other-org"),
        Atom("deployment", "", "deployment-admin", "all"),
        Atom("deployment", "", "deployment-viewer", "all"),
    ]
    entry, notes = member_config(atoms, ORG, "x@example.com")
    assert entry == {"deployments": {"all": "deployment-admin"}}
    assert notes == [
        "members.x@example.com: left out organization-admin of organization other-org "
        "(importing organization 1000000001)",
        "members.x@example.com.deployments.all: Cloud grants several roles here; the config "
        "holds one: kept deployment-admin, left out deployment-viewer",
    ]


# ---------------------------------------------------------------- the YAML writer, any input

_SCALARS = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.dictionaries(st.text(), st.dictionaries(st.text(), _VALUES, max_size=4), max_size=4),
    comments=st.lists(st.text(), max_size=3),
    header=st.lists(st.text(), max_size=2),
)
def test_the_printed_yaml_reads_back_as_the_entries_whatever_names_and_comments_hold(
    entries: dict[str, dict[str, Any]], comments: list[str], header: list[str]
) -> None:
    shared = ["soc"]  # one list object in every entry: still no alias
    entries = {name: {**entry, "spaces": shared} for name, entry in entries.items()}
    notes = {name: comments for name in entries}
    text = config_yaml([Section("roles", entries, notes), Section("kibana", {})], header)
    assert_no_anchors(text)
    assert yaml.safe_load(text) == {
        "config": {"elastic-access:roles": entries or {}, "elastic-access:kibana": {}}
    }
