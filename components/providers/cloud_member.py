"""The organization member dynamic provider: one Elastic Cloud member (or invitee) per email.

Props: ``props.MemberProps``. ``check`` adds ``assignments`` (the atoms the config grants) and,
on a create that takes over someone already there, ``adopts``; outputs hold the *live* atoms in
``assignments`` and the roles Cloud refuses to remove in ``kept``. No invitation token is ever
an output. What may run is decided in ``core.members.decisions``. The module path and class
name are saved in Pulumi state: do not move or rename them.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import ValidationError

from ..clients.errors import ApiError, ConnectionFailed
from ..core.members.atoms import (
    Atoms,
    as_dicts,
    as_keyed,
    from_dicts,
    is_organization_admin,
    member_atoms,
)
from ..core.members.decisions import (
    MemberDecision,
    adoption,
    decide_member,
    demotion_refusal,
    kept_reason,
    lockout_refusal,
    removal_refusal,
)
from ..core.members.roster import LiveMember, Roster
from ..core.members.spec import EMAIL, CloudSettings, MemberSpec, email_key
from ..core.members.validation import organization_required, validate_member
from ..core.problems import Problem, errors, problems_from
from ..live.cloud import AlreadyBelongs, AlreadyInvited, Changed, may_have_landed
from ..live.errors import Refused
from ..live.service import cannot_reach
from .cloud import CloudProvider
from .host_errors import setup_failure
from .props import MEMBER_INPUTS
from .unknowns import deferred_check, unknown_diff

CLOUD_URL_SETTING = "elastic-access:cloud.url (or EC_ENDPOINT)"

# Rounds of "list, decide, write" when a write's outcome is unknown or another run got there
# first: each round sends only what the fresh list shows is still missing.
ROUNDS = 3


def _outputs(props: dict[str, Any], live: LiveMember, kept: Atoms = frozenset()) -> dict[str, Any]:
    inputs = {k: props.get(k) for k in MEMBER_INPUTS}
    return {
        **inputs,
        "assignments": as_keyed(live.atoms),
        "status": live.status,
        "userId": live.user_id,
        "expiresAt": live.expires_at if live.user_id is None else None,
        "kept": [{**a.as_dict(), "reason": kept_reason(a)} for a in sorted(kept)],
    }


def _creating(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """Whether the stack does not manage this member in this organization yet (a create, or the
    replacement that moves it to another organization): adoption rules apply."""
    return not olds.get("email") or str(olds.get("organizationId")) != str(
        news.get("organizationId")
    )


def _adopt(props: dict[str, Any]) -> bool:
    member = props.get("member")
    return isinstance(member, dict) and member.get("adopt") is True


class CloudMemberProvider(CloudProvider):
    """Invites, re-invites, changes the roles of, and removes one organization member."""

    # ------------------------------------------------------------ check

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse an invalid member (field path and what is allowed) and, against the live
        organization, a change that may not run; add ``assignments`` (and ``adopts``)."""
        unusable = setup_failure(self._live, "cloud", news)
        if unusable is not None:
            return unusable
        deferred = deferred_check(news, adds=("assignments",))
        if deferred is not None:
            return deferred  # checked again by up, once every value is known
        email = str(news.get("email") or "")
        spec, problems = self._parse(email, news)
        if spec is not None and not problems:
            atoms = member_atoms(spec, str(news["organizationId"]))
            news = {**news, "email": email, "assignments": as_keyed(atoms)}
            news, problems = self._against_live(news, creating=_creating(olds, news))
        return CheckResult(news, [CheckFailure("member", str(p)) for p in problems])

    def _parse(self, email: str, news: dict[str, Any]) -> tuple[MemberSpec | None, list[Problem]]:
        path = ("members", email)
        if not EMAIL.match(email):
            return None, [Problem(".".join(path), f"{email!r} is not an email address")]
        try:
            spec = MemberSpec.model_validate(news.get("member") or {})
            CloudSettings.model_validate({"inviteExpiresIn": news.get("inviteExpiresIn") or "7d"})
        except ValidationError as error:
            return None, problems_from(error, MemberSpec, path)
        problems = errors(validate_member(email, spec))
        return spec, problems + organization_required(news.get("organizationId"))

    def _against_live(
        self, news: dict[str, Any], *, creating: bool
    ) -> tuple[dict[str, Any], list[Problem]]:
        """Refuse at preview what ``up`` would refuse (taking over without ``adopt``, demoting a
        protected member, an end state without organization admin); say what a create adopts."""
        if not self._live.reachable_config:
            return news, []
        organization, email = str(news["organizationId"]), str(news["email"])
        try:
            roster = self._live.roster(organization)
        except ConnectionFailed as error:
            where = f"the Elastic Cloud API at {error.host}"
            return news, [Problem("cloud", cannot_reach(where, error, CLOUD_URL_SETTING))]
        except ApiError as error:  # 401, 403, 404...: what to do is in the message
            return news, [Problem("cloud", str(error))]
        desired = from_dicts(news["assignments"])
        live = roster.get(email)
        decision = self._decide(news, live, desired, creating=creating)
        refusal = decision.refusal
        if refusal is None and decision.demotes_admin:
            stack = self._stack.declaring(email, is_organization_admin(desired))
            refusal = lockout_refusal(roster, stack, organization)
        if refusal is not None:
            return news, [Problem(f"members.{email}", refusal)]
        taken = adoption(email, live, desired, organization) if creating else None
        if taken is not None:
            adopts = {
                "message": taken.message,
                "removes": as_dicts(taken.removes),
                "adds": as_dicts(taken.adds),
            }
            news = {**news, "adopts": adopts}
        return news, []

    def _decide(
        self,
        props: dict[str, Any],
        live: LiveMember | None,
        desired: Atoms,
        *,
        creating: bool,
        kept: Atoms = frozenset(),
    ) -> MemberDecision:
        email = str(props["email"])
        protected = props.get("protected") or email_key(email) in self._live.settings.protect
        return decide_member(
            email,
            live,
            desired,
            organization=str(props["organizationId"]),
            protect=[email] if protected else [],
            creating=creating,
            adopt=_adopt(props),
            kept=kept,
        )

    # ------------------------------------------------------------ diff

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace on another email or organization (the old one removed first: a person is in
        one organization at a time); update when the atoms (other than those Cloud keeps) or
        protection change, or the invitation expired."""
        same = {"email": _same_email, "organizationId": _same_text}
        unknown = unknown_diff(olds, news, replace_keys=same)
        if unknown is not None:
            return unknown  # an input from another resource, at preview (issue 11 §4)
        if str(olds.get("organizationId")) != str(news.get("organizationId")):
            return DiffResult(changes=True, replaces=["organizationId"], delete_before_replace=True)
        if email_key(str(olds.get("email", ""))) != email_key(str(news.get("email", ""))):
            return DiffResult(changes=True, replaces=["email"])
        desired = from_dicts(news.get("assignments"))
        kept = from_dicts(olds.get("kept")) - desired
        changed = from_dicts(olds.get("assignments")) - kept != desired
        changed |= bool(olds.get("protected")) != bool(news.get("protected"))
        changed |= olds.get("status") == "expired"
        return DiffResult(changes=changed, replaces=[])

    # ------------------------------------------------------------ create / update

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Invite the member, or bring an existing one to the config (adoption rules)."""
        done = self._converge(props, creating=True)
        return CreateResult(done.live.email, _outputs(props, done.live, done.kept))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Change the member's roles (smallest change), or re-invite."""
        done = self._converge(news, creating=False, kept=from_dicts(olds.get("kept")))
        return UpdateResult(_outputs(news, done.live, done.kept))

    def _converge(
        self, props: dict[str, Any], *, creating: bool, kept: Atoms = frozenset()
    ) -> Changed:
        """Bring the live member to the config: smallest role change, or (re-)invite. When a
        write's outcome is unknown (a 5xx or a lost answer that was not retried) or another run
        invited the same person first, list again and send only what is still missing."""
        organization, email = str(props["organizationId"]), str(props["email"])
        desired = from_dicts(props["assignments"])
        fresh = belongs_elsewhere = False
        for round_ in range(ROUNDS):
            roster = self._live.roster(organization, fresh=fresh)
            live = roster.get(email)
            if belongs_elsewhere and (live is None or live.status != "active"):
                raise Refused(
                    f"{email} already belongs to another Elastic Cloud organization; a person "
                    "can be in one organization at a time: they must leave it (or use another "
                    "email) before they can be invited"
                )
            try:
                done = self._write(props, roster, desired, creating=creating, kept=kept)
            except AlreadyInvited:
                fresh = True  # another run invited them a moment ago: compare with its invitation
                continue
            except AlreadyBelongs:
                # Joined since this process listed the organization, or a member elsewhere.
                fresh = belongs_elsewhere = True
                continue
            except ApiError as error:
                if not may_have_landed(error) or round_ == ROUNDS - 1:
                    raise
                fresh = True
                continue
            kept_now = (kept | done.kept) & (done.live.atoms - desired)
            return Changed(done.live, kept_now)
        raise Refused(
            f"{email}: Elastic Cloud's list of organization {organization} kept disagreeing with "
            f"what was just sent, {ROUNDS} times; run pulumi up again"
        )

    def _write(
        self,
        props: dict[str, Any],
        roster: Roster,
        desired: Atoms,
        *,
        creating: bool,
        kept: Atoms,
    ) -> Changed:
        """One decision and its writes. A change that takes organization-admin away is decided
        again on a fresh list, one such write at a time per organization in this process."""
        organization, email = str(props["organizationId"]), str(props["email"])
        decision = self._decide(props, roster.get(email), desired, creating=creating, kept=kept)
        if decision.refusal is None and decision.demotes_admin:
            with self._live.admin_writes(organization):
                roster = self._live.roster(organization, fresh=True)
                live = roster.get(email)
                decision = self._decide(props, live, desired, creating=creating, kept=kept)
                refusal = decision.refusal or demotion_refusal(
                    email, decision.change, roster, organization
                )
                if refusal:
                    raise Refused(refusal)
                return self._act(props, live, decision, desired)
        if decision.refusal:
            raise Refused(decision.refusal)
        return self._act(props, roster.get(email), decision, desired)

    def _act(
        self,
        props: dict[str, Any],
        live: LiveMember | None,
        decision: MemberDecision,
        desired: Atoms,
    ) -> Changed:
        organization, email = str(props["organizationId"]), str(props["email"])
        if live is not None and decision.action == "keep":
            return Changed(live)
        if live is not None and decision.action == "change":
            return self._live.change(organization, live, decision.change)
        if live is not None:  # reinvite: invitations are immutable
            self._live.withdraw(organization, live)
        expires_in = str(props.get("inviteExpiresIn") or "7d")
        return Changed(self._live.invite(organization, email, desired, expires_in))

    # ------------------------------------------------------------ read / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # On import (``import_`` option) only the id is known: the stack's organization applies.
        """The live member (refresh); its live atoms become the inputs, so preview shows live ->
        declared. Roles Cloud kept stay ``kept`` while they are live."""
        organization = props.get("organizationId") or self._live.settings.organization_id
        props = {"email": id_, **props, "organizationId": organization}
        live = self._live.member(str(organization), id_)
        if live is None:
            return ReadResult(id_="", outs={})
        # The live atoms as the "old" inputs: after a refresh, preview shows live -> declared.
        inputs = {k: props.get(k) for k in MEMBER_INPUTS if k != "assignments"}
        inputs["assignments"] = as_keyed(live.atoms)
        if live.status == "expired":
            inputs["invitation"] = "expired"  # shown as going away: up issues a new one
        kept = from_dicts(props.get("kept")) & live.atoms
        return ReadResult(id_=id_, outs=_outputs(props, live, kept), inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the invitation or membership. A protected member is only forgotten: it stays
        in the organization (``destroy`` leaves it as it found it). Removing an organization
        admin is decided on a fresh list, one at a time: the last one is refused."""
        if props.get("protected") or email_key(id_) in self._live.settings.protect:
            return
        organization = str(props["organizationId"])
        try:
            live = self._live.roster(organization).get(id_)
            if live is None:
                return
            was_admin = is_organization_admin(from_dicts(props.get("assignments")))
            if not (was_admin or is_organization_admin(live.atoms)):
                self._live.remove(organization, live)
                return
            with self._live.admin_writes(organization):
                roster = self._live.roster(organization, fresh=True)
                live = roster.get(id_)
                if live is None:
                    return
                refusal = removal_refusal(id_, roster, (), organization)
                if refusal:
                    raise Refused(refusal)
                self._live.remove(organization, live)
        except ApiError as error:
            raise self._unreachable(id_, organization, error) from None

    def _unreachable(self, email: str, organization: str, error: ApiError) -> Exception:
        """A failed removal; when the member lives in the organization the stack used before
        ``cloud.organizationId`` changed, the message names both and what to do."""
        now = self._live.settings.organization_id
        if not now or now == organization:
            return error
        return Refused(
            f"could not remove {email} from organization {organization}, where this stack put "
            f"it before cloud.organizationId became {now}: {error} The member stays in the "
            f"stack's state: give the API key access to organization {organization} and run "
            "pulumi up again, or leave it there with `pulumi state delete` on its URN."
        )


def _same_email(a: Any, b: Any) -> bool:
    return email_key(str(a or "")) == email_key(str(b or ""))


def _same_text(a: Any, b: Any) -> bool:
    return str(a) == str(b)


__all__ = ["CloudMemberProvider"]
