"""May this member change run? Every rule the member and roster providers act on, as pure
functions of the live organization (``Roster``) and the config.

* ``decide_member``: keep, change the roles of, invite, or withdraw and re-invite one member
  (invitations are immutable: a changed or expired one is issued again); refused when it would
  take roles from a protected member, or take over a member that exists already without
  ``adopt`` (contract section 5: adoption).
* ``adoption``: what a create takes over (preview says which creates adopt).
* ``lockout_refusal``: at preview, whether the end state of the whole up (every declared member,
  authoritative removals, ``cloud.protect``) leaves the organization without an organization
  admin (contract section 5: invariants of an up, not of one resource).
* ``removal_refusal``, ``demotion_refusal``: at apply, on a list read just before the write
  (and with the writes that remove or demote an admin serialised), whether this one write
  would leave the organization without an admin; ``removal_refusal`` also keeps
  ``cloud.protect`` members.
* ``undeclared``: whom authoritative mode removes.

Elastic Cloud is not known to refuse removing its last admin (the sandbox's 400 is a sandbox
choice), so these rules are the only guard. Sources: contract section 5;
../shared/reference/cloud-org.md sections 6 and 10; issue 10 sections 1 and 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .atoms import (
    AssignmentChange,
    Atom,
    Atoms,
    describe_all,
    is_organization_admin,
    plan_change,
)
from .roster import LiveMember, Roster
from .spec import email_key

Action = Literal["keep", "change", "invite", "reinvite"]
NO_CHANGE = AssignmentChange(frozenset(), frozenset())


@dataclass(frozen=True)
class MemberDecision:
    """What bringing one member to its config takes.

    ``keep``: nothing to do. ``change``: POST ``change.added`` then DELETE ``change.removed``
    (an active member). ``invite``: send an invitation. ``reinvite``: withdraw the live
    invitation, then invite. ``refusal``, when set, says why nothing may run.
    """

    action: Action
    change: AssignmentChange = NO_CHANGE
    refusal: str | None = None

    @property
    def demotes_admin(self) -> bool:
        """Whether the change takes ``organization-admin`` away (such writes are serialised and
        decided on a fresh list)."""
        return is_organization_admin(self.change.removed) and not is_organization_admin(
            self.change.added
        )


@dataclass(frozen=True)
class StackMembers:
    """What the stack declares about the organization as a whole: ``declared`` (every email
    under ``elastic-access:members``), ``admins`` (those whose config grants
    ``organization-admin``), ``authoritative`` and ``protect`` (``elastic-access:cloud``).
    Emails in ``email_key`` form."""

    declared: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    authoritative: bool = False
    protect: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        admin_by_email: Mapping[str, bool],
        *,
        authoritative: bool = False,
        protect: Iterable[str] = (),
    ) -> StackMembers:
        """From ``{email: whether its config grants organization-admin}``."""
        keys = {email_key(e): admin for e, admin in admin_by_email.items()}
        return cls(
            declared=frozenset(keys),
            admins=frozenset(e for e, admin in keys.items() if admin),
            authoritative=authoritative,
            protect=frozenset(email_key(e) for e in protect),
        )

    def declaring(self, email: str, admin: bool) -> StackMembers:
        """The same, with ``email`` declared (as admin or not): a member resource knows its
        own config even when the provider's stack config does not list it."""
        key = email_key(email)
        admins = self.admins | {key} if admin else self.admins - {key}
        return StackMembers(self.declared | {key}, admins, self.authoritative, self.protect)


# ---------------------------------------------------------------- one member


def decide_member(
    email: str,
    live: LiveMember | None,
    desired: Atoms,
    *,
    organization: str,
    protect: Iterable[str] = (),
    creating: bool = False,
    adopt: bool = False,
    kept: Atoms = frozenset(),
) -> MemberDecision:
    """The decision table for one member.

    ``live`` is its standing now (None: unknown to the organization), ``desired`` the atoms its
    config grants, ``protect`` the protected emails, ``creating`` true when the stack does not
    manage it yet (a create, or a move to this organization), ``adopt`` its config's ``adopt``,
    ``kept`` atoms Cloud refuses to remove (hidden deployments and projects: never sent again).
    """
    if live is None:
        return MemberDecision("invite")
    email = email_key(email)
    if creating and not adopt and live.status != "expired" and live.atoms != desired:
        return MemberDecision("keep", refusal=adoption_refusal(email, live, desired, organization))
    lost = live.atoms - desired - kept
    if lost and _protected(email, protect) and live.status != "expired":
        return MemberDecision("keep", refusal=_protected_loses(email, lost))
    if live.status == "active":
        change = plan_change(live.atoms, desired)
        change = AssignmentChange(change.added, change.removed - kept)
        return MemberDecision("keep" if change.empty else "change", change)
    if live.status == "pending" and live.atoms == desired:
        return MemberDecision("keep")  # the invitation already says exactly this
    return MemberDecision("reinvite")


def _standing(live: LiveMember) -> str:
    return "a member" if live.status == "active" else "invited"


def adoption_refusal(email: str, live: LiveMember, desired: Atoms, organization: str) -> str:
    """Why a create may not take over ``live`` (contract section 5): it holds other roles and
    the config does not say ``adopt: true``. Names the live roles that would go."""
    lost, gained = live.atoms - desired, desired - live.atoms
    effects = []
    if lost:
        effects.append(f"remove {describe_all(lost)}")
    if gained:
        effects.append(f"add {describe_all(gained)}")
    return (
        f"{email} is already {_standing(live)} in organization {organization} with other roles "
        f"than members.{email} declares: taking it over would {' and '.join(effects)}. Set "
        f"adopt: true under members.{email} to take it over with the declared roles, or "
        "declare the roles it holds (elastic-access import --cloud-org prints them)."
    )


@dataclass(frozen=True)
class Adoption:
    """A create that takes over a member or invitation that exists already: what it removes
    and adds (both empty when the live roles equal the declaration)."""

    email: str
    organization: str
    standing: str
    removes: Atoms = field(default_factory=frozenset)
    adds: Atoms = field(default_factory=frozenset)

    @property
    def message(self) -> str:
        """``adopts <email>, already ... : up removes ...`` as preview shows it."""
        where = f"adopts {self.email}, already {self.standing} in organization {self.organization}"
        if not self.removes and not self.adds:
            return f"{where} with exactly the declared roles: nothing changes"
        effects = []
        if self.removes:
            effects.append(f"removes {describe_all(self.removes)}")
        if self.adds:
            effects.append(f"adds {describe_all(self.adds)}")
        return f"{where} (adopt: true): up {' and '.join(effects)}"


def adoption(
    email: str, live: LiveMember | None, desired: Atoms, organization: str
) -> Adoption | None:
    """What creating ``email`` takes over (None: nobody there, or an expired invitation, which
    grants nothing and is simply issued again)."""
    if live is None or live.status == "expired":
        return None
    return Adoption(
        email_key(email),
        organization,
        _standing(live),
        removes=live.atoms - desired,
        adds=desired - live.atoms,
    )


# ---------------------------------------------------------------- hidden deployments and projects


def kept_reason(atom: Atom) -> str:
    """Why a role stays although the config dropped it: Cloud refused to remove it (403
    ``unauthorized_role_assignments``) because it names a deployment or project Cloud hides
    (terraform-provider-ec#1040; cloud-org.md section 10 item 6)."""
    what = "deployment" if atom.scope == "deployment" else f"{atom.project_type} project"
    return (
        f"kept: {atom.target} is hidden by Cloud (a shut-down or deleted {what}), which "
        f"refuses any change naming it, even to an organization owner's key, so "
        f"{atom.describe()} stays and elastic-access no longer counts it as a change (or the "
        "API key may not revoke it)"
    )


# ---------------------------------------------------------------- protection


def _protected(email: str, protect: Iterable[str]) -> bool:
    return email_key(email) in {email_key(p) for p in protect}


def _protected_loses(email: str, lost: Atoms) -> str:
    return (
        f"{email} is in cloud.protect: elastic-access never demotes it, but the config drops "
        f"{describe_all(lost)}. Keep those roles in members.{email}; to change them, remove it "
        "from cloud.protect (taking organization-admin from the last admin stays refused: make "
        "another member organization-admin first)."
    )


# ---------------------------------------------------------------- the organization's admins


def other_admins(roster: Roster, email: str) -> list[str]:
    """Active organization admins other than ``email``."""
    return [admin for admin in roster.admins() if admin != email_key(email)]


def _holds_admin(live: LiveMember | None) -> bool:
    return live is not None and live.status == "active" and is_organization_admin(live.atoms)


def removal_refusal(
    email: str, roster: Roster, protect: Iterable[str], organization: str = "the organization"
) -> str | None:
    """Why ``email`` may not leave the organization now, or None: it is protected, or it is
    the last active organization admin of ``roster`` (read just before the write)."""
    email = email_key(email)
    if _protected(email, protect):
        return (
            f"{email} is in cloud.protect: elastic-access never removes or demotes it. Remove it "
            "from cloud.protect first if it really should go."
        )
    if _holds_admin(roster.get(email)) and not other_admins(roster, email):
        return (
            f"{email} is the last organization-admin of organization {organization}: removing "
            "it would leave nobody able to manage the organization's members and billing, so "
            "elastic-access keeps it. Make another member organization-admin first (an invited "
            f"one counts once they accept), or add {email} to cloud.protect: the stack then "
            "forgets it and leaves it in the organization."
        )
    return None


def demotion_refusal(
    email: str, change: AssignmentChange, roster: Roster, organization: str = "the organization"
) -> str | None:
    """Why ``change`` may not run now, or None: it takes ``organization-admin`` from the last
    active organization admin of ``roster`` (read just before the write)."""
    email = email_key(email)
    demotes = is_organization_admin(change.removed) and not is_organization_admin(change.added)
    if demotes and _holds_admin(roster.get(email)) and not other_admins(roster, email):
        return (
            f"{email} is the last organization-admin of organization {organization}: taking "
            "organization-admin from it would leave nobody able to manage the organization's "
            "members and billing. Make another member organization-admin first (an invited one "
            f"counts once they accept), or keep organization-admin in members.{email}."
            "organization."
        )
    return None


def admins_after(roster: Roster, stack: StackMembers) -> list[str]:
    """The active organization admins once the whole up has run: declared members hold what
    their config grants, protected ones keep their roles, undeclared ones keep theirs unless
    authoritative mode removes them. Invitees do not count until they accept."""
    kept = []
    for email, live in roster.items():
        if live.status != "active":
            continue
        if email in stack.protect:
            admin = is_organization_admin(live.atoms)
        elif email in stack.declared:
            admin = email in stack.admins
        else:
            admin = not stack.authoritative and is_organization_admin(live.atoms)
        if admin:
            kept.append(email)
    return sorted(kept)


def lockout_refusal(roster: Roster, stack: StackMembers, organization: str) -> str | None:
    """At preview: why the up may not run because its end state leaves ``organization``
    without an active organization admin, naming each admin it takes away and why (None when
    one stays, or when the organization has none today)."""
    now = roster.admins()
    if not now or admins_after(roster, stack):
        return None
    reasons, fixes = [], []
    for email in now:
        if email in stack.declared:
            reasons.append(
                f"{email} loses it (members.{email}.organization no longer grants "
                "organization-admin)"
            )
            fixes.append(f"keep organization-admin in members.{email}.organization")
        else:
            reasons.append(
                f"{email} is removed (not declared under members, and cloud.authoritative "
                "removes undeclared members)"
            )
            fixes.append(
                f"add {email} to cloud.protect or declare it with organization: organization-admin"
            )
    invited = sorted(
        e for e in stack.admins if (live := roster.get(e)) is None or live.status != "active"
    )
    pending = (
        f" ({', '.join(invited)}: invited as organization-admin, which counts only once they "
        "accept)"
        if invited
        else ""
    )
    # Each fix is one admins_after counts: a declared admin, a protected or kept undeclared one.
    fixes.append("give organization-admin to another active member under members")
    return (
        f"this up would leave organization {organization} without an organization-admin, so "
        f"nobody could manage its members and billing: {'; '.join(reasons)}{pending}. Any one "
        f"of these resolves it: {'; '.join(fixes)}."
    )


def undeclared(roster: Roster, declared: Iterable[str], protect: Iterable[str]) -> list[str]:
    """Members and invitees that authoritative mode removes: not declared, not protected."""
    keep = {email_key(e) for e in (*declared, *protect)}
    return sorted(email for email in roster if email not in keep)
