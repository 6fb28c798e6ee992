"""The organization member dynamic provider: one Elastic Cloud member (or invitee) per email.

Inputs: ``email``, ``member`` (its config, as in ``elastic-access:members``), ``organizationId``,
``inviteExpiresIn``, ``protected``; ``check`` adds ``assignments`` (the atoms the config grants).
Outputs add ``status`` (``active``, ``pending`` or ``expired``), ``userId`` and ``expiresAt``,
and hold the *live* atoms in ``assignments``. No invitation token is ever an output.
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

from ..clients import ApiError, ConnectionFailed
from ..core.members.atoms import as_dicts, from_dicts, member_atoms, plan_change
from ..core.members.decisions import demotion_refusal, removal_refusal
from ..core.members.roster import LiveMember
from ..core.members.spec import EMAIL, MemberSpec
from ..core.members.validation import validate_member
from ..core.problems import Problem, errors, problems_from
from ..core.stack import CloudSettings, organization_required
from .cloud_live import AlreadyBelongs, CloudProvider
from .errors import Refused
from .unknowns import has_unknown

INPUTS = ("email", "member", "organizationId", "inviteExpiresIn", "protected", "assignments")


def _protect(props: dict[str, Any]) -> list[str]:
    return [str(props["email"])] if props.get("protected") else []


def _outputs(props: dict[str, Any], live: LiveMember) -> dict[str, Any]:
    inputs = {k: props.get(k) for k in INPUTS}
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
        if has_unknown(news):
            return CheckResult(news, [])  # checked again by up, once every value is known
        email = str(news.get("email") or "")
        problems = self._problems(email, news)
        if not problems:
            spec = MemberSpec.model_validate(news.get("member") or {})
            atoms = member_atoms(spec, str(news["organizationId"]))
            news = {**news, "email": email, "assignments": as_dicts(atoms)}
            problems = self._live_problems(news)
        return CheckResult(news, [CheckFailure("member", str(p)) for p in problems])

    def _problems(self, email: str, news: dict[str, Any]) -> list[Problem]:
        path = ("members", email)
        if not EMAIL.match(email):
            return [Problem(".".join(path), f"{email!r} is not an email address")]
        try:
            spec = MemberSpec.model_validate(news.get("member") or {})
            CloudSettings.model_validate({"inviteExpiresIn": news.get("inviteExpiresIn") or "7d"})
        except ValidationError as error:
            return problems_from(error, MemberSpec, path)
        return errors(validate_member(email, spec)) + organization_required(
            news.get("organizationId")
        )

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
        live = roster.get(email.lower())
        if live is None or live.status != "active":
            return []
        change = plan_change(live.atoms, from_dicts(news["assignments"]))
        refusal = demotion_refusal(email, change, roster, _protect(news))
        return [Problem(f"members.{email}", refusal)] if refusal else []

    # ------------------------------------------------------------ diff

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = []
        if str(olds.get("email", "")).lower() != str(news.get("email", "")).lower():
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
        live = self._converge(props)
        return CreateResult(live.email, _outputs(props, live))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
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
        live = roster.get(email.lower())
        if live is not None and live.status == "active":
            change = plan_change(live.atoms, desired)
            refusal = demotion_refusal(email, change, roster, _protect(props))
            if refusal:
                raise Refused(refusal)
            return self._live.change(organization, live, change) if not change.empty else live
        if live is not None and live.status == "pending" and live.atoms == desired:
            return live  # the invitation already says exactly this
        if live is not None:
            # Invitations are immutable: a changed or expired one is withdrawn and re-issued.
            self._live.withdraw(organization, live)
        expires_in = str(props.get("inviteExpiresIn") or "7d")
        return self._live.invite(organization, email, desired, expires_in)

    # ------------------------------------------------------------ read / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # On import (``import_`` option) only the id is known: the stack's organization applies.
        organization = props.get("organizationId") or self._live.setup.settings.organization_id
        props = {"email": id_, **props, "organizationId": organization}
        live = self._live.member(str(organization), id_)
        if live is None:
            return ReadResult(id_="", outs={})
        # The live atoms as the "old" inputs: after a refresh, preview shows live -> declared.
        inputs = {k: props.get(k) for k in INPUTS if k != "assignments"}
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
        live = roster.get(id_.lower())
        if live is None:
            return
        refusal = removal_refusal(id_, roster, ())
        if refusal:
            raise Refused(refusal)
        self._live.remove(organization, live)


def _comparable(key: str, value: Any) -> Any:
    if key == "assignments":
        return from_dicts(value)
    return bool(value)


__all__ = ["CloudMemberProvider"]
