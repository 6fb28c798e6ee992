"""The organization member dynamic provider: one Elastic Cloud member (or invitee) per email.

Props: ``props.MemberProps``. ``check`` adds ``assignments`` (the atoms the config grants);
outputs hold the *live* atoms in ``assignments``. No invitation token is ever an output. What
may run is decided in ``core.members.decisions``. The module path and class name are saved in
Pulumi state: do not move or rename them.
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
from ..core.members.atoms import as_dicts, from_dicts, member_atoms
from ..core.members.decisions import decide_member, removal_refusal
from ..core.members.roster import LiveMember
from ..core.members.spec import EMAIL, CloudSettings, MemberSpec, email_key
from ..core.members.validation import organization_required, validate_member
from ..core.problems import Problem, errors, problems_from
from ..live.cloud import AlreadyBelongs
from ..live.errors import Refused
from .cloud import CloudProvider
from .props import MEMBER_INPUTS
from .unknowns import deferred_check, unknown_diff


def _protect(props: dict[str, Any]) -> list[str]:
    return [str(props["email"])] if props.get("protected") else []


def _outputs(props: dict[str, Any], live: LiveMember) -> dict[str, Any]:
    inputs = {k: props.get(k) for k in MEMBER_INPUTS}
    return {
        **inputs,
        "assignments": as_dicts(live.atoms),
        "status": live.status,
        "userId": live.user_id,
        "expiresAt": live.expires_at if live.user_id is None else None,
    }


class CloudMemberProvider(CloudProvider):
    """Invites, re-invites, changes the roles of, and removes one organization member."""

    # ------------------------------------------------------------ check

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse an invalid member (field path and what is allowed) and, against the live
        organization, a change that may not run; add ``assignments``."""
        deferred = deferred_check(news, adds=("assignments",))
        if deferred is not None:
            return deferred  # checked again by up, once every value is known
        email = str(news.get("email") or "")
        spec, problems = self._parse(email, news)
        if spec is not None and not problems:
            atoms = member_atoms(spec, str(news["organizationId"]))
            news = {**news, "email": email, "assignments": as_dicts(atoms)}
            problems = self._live_problems(news)
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

    def _live_problems(self, news: dict[str, Any]) -> list[Problem]:
        """Refuse at preview what ``up`` would refuse: demoting a protected or last admin."""
        if not self._live.reachable_config:
            return []
        organization, email = str(news["organizationId"]), str(news["email"])
        try:
            roster = self._live.roster(organization)
        except ConnectionFailed:
            return []  # checked again, against the live organization, before any write
        except ApiError as error:  # 401, 403...: what to do is in the message
            return [Problem("cloud", str(error))]
        desired = from_dicts(news["assignments"])
        decision = decide_member(email, roster.get(email), desired, roster, _protect(news))
        return [Problem(f"members.{email}", decision.refusal)] if decision.refusal else []

    # ------------------------------------------------------------ diff

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace on another email or organization; update when the atoms or protection change, or
        the invitation expired."""
        same = {"email": _same_email, "organizationId": _same_text}
        unknown = unknown_diff(olds, news, replace_keys=same)
        if unknown is not None:
            return unknown  # an input from another resource, at preview (issue 11 §4)
        replaces = []
        if email_key(str(olds.get("email", ""))) != email_key(str(news.get("email", ""))):
            replaces.append("email")
        if str(olds.get("organizationId")) != str(news.get("organizationId")):
            replaces.append("organizationId")
        if replaces:
            return DiffResult(changes=True, replaces=replaces)
        changed = [
            key
            for key in ("assignments", "protected")
            if _comparable(key, olds.get(key)) != _comparable(key, news.get(key))
        ]
        if olds.get("status") == "expired":
            changed.append("status")
        return DiffResult(changes=bool(changed), replaces=[])

    # ------------------------------------------------------------ create / update

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Invite the member, or bring an existing one to the config."""
        live = self._converge(props)
        return CreateResult(live.email, _outputs(props, live))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Change the member's roles (smallest change), or re-invite."""
        return UpdateResult(_outputs(news, self._converge(news)))

    def _converge(self, props: dict[str, Any]) -> LiveMember:
        """Bring the live member to the config: smallest role change, or (re-)invite."""
        try:
            return self._converge_once(props)
        except AlreadyBelongs as refused:
            # Joined since this process listed the organization (the list is read again),
            # or a member of another organization, which Cloud allows one at a time.
            live = self._live.member(str(props["organizationId"]), refused.email)
            if live is None or live.status != "active":
                raise Refused(
                    f"{refused.email} already belongs to another Elastic Cloud organization; a "
                    "person can be in one organization at a time: they must leave it (or use "
                    "another email) before they can be invited"
                ) from None
            return self._converge_once(props)

    def _converge_once(self, props: dict[str, Any]) -> LiveMember:
        organization, email = str(props["organizationId"]), str(props["email"])
        desired = from_dicts(props["assignments"])
        roster = self._live.roster(organization)
        live = roster.get(email)
        decision = decide_member(email, live, desired, roster, _protect(props))
        if decision.refusal:
            raise Refused(decision.refusal)
        if live is not None and decision.action == "keep":
            return live
        if live is not None and decision.action == "change":
            return self._live.change(organization, live, decision.change)
        if live is not None:  # reinvite: invitations are immutable
            self._live.withdraw(organization, live)
        expires_in = str(props.get("inviteExpiresIn") or "7d")
        return self._live.invite(organization, email, desired, expires_in)

    # ------------------------------------------------------------ read / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # On import (``import_`` option) only the id is known: the stack's organization applies.
        """The live member (refresh); its live atoms become the inputs, so preview shows live ->
        declared."""
        organization = props.get("organizationId") or self._live.settings.organization_id
        props = {"email": id_, **props, "organizationId": organization}
        live = self._live.member(str(organization), id_)
        if live is None:
            return ReadResult(id_="", outs={})
        # The live atoms as the "old" inputs: after a refresh, preview shows live -> declared.
        inputs = {k: props.get(k) for k in MEMBER_INPUTS if k != "assignments"}
        inputs["assignments"] = as_dicts(live.atoms)
        if live.status == "expired":
            inputs["invitation"] = "expired"  # shown as going away: up issues a new one
        return ReadResult(id_=id_, outs=_outputs(props, live), inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the invitation or membership. A protected member is only forgotten: it stays
        in the organization (``destroy`` leaves it as it found it); the last admin is refused."""
        if props.get("protected"):
            return
        organization = str(props["organizationId"])
        roster = self._live.roster(organization)
        live = roster.get(id_)
        if live is None:
            return
        refusal = removal_refusal(id_, roster, ())
        if refusal:
            raise Refused(refusal)
        self._live.remove(organization, live)


def _same_email(a: Any, b: Any) -> bool:
    return email_key(str(a or "")) == email_key(str(b or ""))


def _same_text(a: Any, b: Any) -> bool:
    return str(a) == str(b)


def _comparable(key: str, value: Any) -> Any:
    if key == "assignments":
        return from_dicts(value)
    return bool(value)


__all__ = ["CloudMemberProvider"]
