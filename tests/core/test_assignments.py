"""Cloud role assignments as atoms: config and API both ways, the smallest change, validation."""

from __future__ import annotations

from typing import Any

from components.core.members.atoms import (
    Atom,
    as_dicts,
    atoms_from_api,
    from_dicts,
    member_atoms,
    plan_change,
    to_api,
)
from components.core.members.spec import MemberSpec
from components.core.members.validation import validate_member

ORG = "1000000001"


def member(raw: dict[str, Any]) -> MemberSpec:
    return MemberSpec.model_validate(raw)


BOB = member(
    {
        "organization": ["billing-admin"],
        "deployments": {"all": "deployment-viewer"},
        "projects": {
            "security": {"all": "security-t2-analyst"},
            "observability": {
                "projects": {
                    "abc123": "observability-editor",
                    "def456": {"role": "observability-viewer", "applicationRoles": ["logs_reader"]},
                }
            },
            "elasticsearch": {"projects": {"es1": {"applicationRoles": []}}},
        },
    }
)


def test_config_becomes_atoms() -> None:
    assert member_atoms(BOB, ORG) == {
        Atom("organization", "", "billing-admin", ORG),
        Atom("deployment", "", "deployment-viewer", "all"),
        Atom("project", "security", "security-t2-analyst", "all"),
        Atom("project", "observability", "observability-editor", "abc123"),
        Atom("project", "observability", "observability-viewer", "def456", ("logs_reader",)),
        Atom("project", "elasticsearch", "elasticsearch-viewer", "es1", ()),
    }


def test_atoms_group_into_one_entry_per_role_with_sorted_ids() -> None:
    atoms = {
        Atom("project", "observability", "observability-editor", "b"),
        Atom("project", "observability", "observability-editor", "a"),
        Atom("deployment", "", "deployment-viewer", "all"),
    }
    assert to_api(atoms, ORG) == {
        "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}],
        "project": {
            "observability": [
                {"role_id": "observability-editor", "organization_id": ORG, "all": False,
                 "project_ids": ["a", "b"]}
            ]
        },
    }  # fmt: skip


def test_api_round_trip_keeps_console_only_and_absent_application_roles_apart() -> None:
    atoms = member_atoms(BOB, ORG)
    assert atoms_from_api(to_api(atoms, ORG)) == atoms
    assert from_dicts(as_dicts(atoms)) == atoms


def test_api_nulls_missing_all_and_split_entries_are_read_as_atoms() -> None:
    api = {
        "organization": None,
        "platform": None,
        "deployment": [
            {"role_id": "deployment-editor", "organization_id": ORG, "deployment_ids": ["x"],
             "application_roles": None},
            {"role_id": "deployment-editor", "organization_id": ORG, "all": False,
             "deployment_ids": ["y"]},
        ],
        "project": {"elasticsearch": None, "observability": [], "security": None},
    }  # fmt: skip
    assert atoms_from_api(api) == {
        Atom("deployment", "", "deployment-editor", "x"),
        Atom("deployment", "", "deployment-editor", "y"),
    }


def test_dropping_one_project_of_three_removes_only_that_atom() -> None:
    old = {Atom("project", "security", "security-editor", p) for p in ("a", "b", "c")}
    new = {Atom("project", "security", "security-editor", p) for p in ("a", "c")}
    change = plan_change(old, new)
    assert change.added == set()
    assert change.removed == {Atom("project", "security", "security-editor", "b")}


def test_switching_from_individual_to_all_adds_all_then_removes_ids() -> None:
    old = {Atom("project", "security", "security-editor", p) for p in ("a", "b")}
    new = {Atom("project", "security", "security-editor", "all")}
    change = plan_change(old, new)
    assert change.added == new and change.removed == old


def test_application_roles_change_is_a_change_of_atom() -> None:
    old = {Atom("project", "observability", "observability-viewer", "p", ("a",))}
    new = {Atom("project", "observability", "observability-viewer", "p", ("a", "b"))}
    assert not plan_change(old, new).empty


def problems(email: str, raw: dict[str, Any]) -> list[str]:
    return [str(p) for p in validate_member(email, member(raw))]


def test_all_and_individual_are_exclusive_per_type() -> None:
    raw = {
        "projects": {"security": {"all": "security-viewer", "projects": {"p": "security-admin"}}}
    }
    assert problems("b@x.io", raw) == [
        "members.b@x.io.projects.security: set either all (one role for all security projects, "
        "present and future) or projects (roles per id), not both: individual roles need the "
        'Cloud console\'s "Role for all" set to None'
    ]


def test_role_of_another_project_type_is_named() -> None:
    raw = {"projects": {"security": {"projects": {"p": "observability-editor"}}}}
    assert problems("b@x.io", raw) == [
        "members.b@x.io.projects.security.projects.p: 'observability-editor' is a role of "
        "observability projects, not of security projects; allowed: security-admin, "
        "security-editor, security-viewer, security-t1-analyst, security-t2-analyst, "
        "security-t3-analyst, security-threat-intel-analyst, security-rule-author, "
        "security-soc-manager, security-endpoint-operations-analyst, security-platform-engineer, "
        "security-detections-admin, security-endpoint-policy-manager"
    ]


def test_deployment_roles_are_checked() -> None:
    assert problems("b@x.io", {"deployments": {"all": "viewer"}}) == [
        "members.b@x.io.deployments.all: 'viewer' is not a role of deployments; "
        "allowed: deployment-admin, deployment-editor, deployment-viewer"
    ]


def test_custom_role_without_role_id_takes_the_type_s_viewer() -> None:
    raw = {"projects": {"elasticsearch": {"projects": {"p": {"applicationRoles": ["x"]}}}}}
    assert problems("b@x.io", raw) == []
    (atom,) = member_atoms(member(raw), ORG)
    assert atom.role_id == "elasticsearch-viewer"


def test_a_member_without_roles_is_a_warning() -> None:
    assert problems("b@x.io", {}) == [
        "warning: members.b@x.io: grants no role; give at least one role"
    ]
