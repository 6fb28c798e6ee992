"""Authoritative mode (``cloud.authoritative: true``): the organization holds only who is declared.

Props: ``props.RosterProps``. One resource per stack. ``check`` lists the live organization and
puts the emails that are neither declared nor protected into ``undeclared``, so ``pulumi
preview`` names each person ``up`` would remove, and refuses when that (with the members' own
changes) leaves the organization without an organization admin; ``up`` removes exactly those
(memberships and invitations alike), deciding on a fresh list and never the last admin. The
module path and class name are saved in Pulumi state: do not move or rename them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ..clients.errors import ApiError
from ..core.members.decisions import lockout_refusal, removal_refusal, undeclared
from ..core.members.roster import Roster
from ..core.members.spec import email_key
from ..live.errors import Refused
from .cloud import CloudProvider
from .host_errors import setup_failure
from .props import ROSTER_INPUTS
from .unknowns import deferred_check, unknown_diff


class CloudRosterProvider(CloudProvider):
    """Removes the organization's undeclared members and invitations."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """List the organization and put whom ``up`` would remove into ``undeclared``."""
        unusable = setup_failure(self._live, "cloud", news)
        if unusable is not None:
            return unusable
        deferred = deferred_check(news, adds=("undeclared",))
        if deferred is not None:
            return deferred  # whom up removes is known once every email is (issue 11 §4)
        if not news.get("organizationId"):
            required = "cloud.organizationId: is required in authoritative mode"
            failure = CheckFailure("cloud", required)
            return CheckResult(news, [failure])
        if not self._live.reachable_config:
            message = f"cloud.authoritative needs the Elastic Cloud API: {self._live.missing}"
            return CheckResult(news, [CheckFailure("cloud", message)])
        organization = str(news["organizationId"])
        try:
            roster = self._live.roster(organization)
        except ApiError as error:
            message = f"cloud.authoritative: could not list the organization: {error}"
            return CheckResult(news, [CheckFailure("cloud", message)])
        news = {**news, "undeclared": _undeclared(roster, news)}
        stack = replace(
            self._stack,
            declared=self._stack.declared | {email_key(e) for e in news.get("declared") or ()},
            authoritative=True,
            protect=frozenset(email_key(e) for e in news.get("protect") or ()),
        )
        refusal = lockout_refusal(roster, stack, organization)
        if refusal:
            return CheckResult(news, [CheckFailure("cloud", f"cloud.authoritative: {refusal}")])
        return CheckResult(news, [])

    def _undeclared(self, props: dict[str, Any]) -> list[str]:
        return _undeclared(self._live.roster(str(props["organizationId"])), props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changes when someone is undeclared, or the declared or protected emails change."""
        unknown = unknown_diff(olds, news, replace_keys=("organizationId",))
        if unknown is not None:
            return unknown
        if str(olds.get("organizationId")) != str(news.get("organizationId")):
            return DiffResult(changes=True, replaces=["organizationId"])
        changed = bool(news.get("undeclared")) or any(
            sorted(olds.get(k) or ()) != sorted(news.get(k) or ()) for k in ("declared", "protect")
        )
        return DiffResult(changes=changed, replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Remove the undeclared members and invitations."""
        return CreateResult(str(props["organizationId"]), self._remove_undeclared(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Remove the undeclared members and invitations."""
        return UpdateResult(self._remove_undeclared(news))

    def _remove_undeclared(self, props: dict[str, Any]) -> dict[str, Any]:
        """Remove whoever preview listed and is still undeclared now; nobody else. Decided on
        a fresh list, with the other writes that remove or demote an admin held off, admins
        last: the last organization admin stays (and the up fails, naming it)."""
        organization = str(props["organizationId"])
        protect = props.get("protect") or ()
        removed, refusals = [], []
        with self._live.admin_writes(organization):
            roster = self._live.roster(organization, fresh=True)
            still = set(_undeclared(roster, props)) & set(props.get("undeclared") or ())
            for email in sorted(still, key=lambda e: (e in roster.admins(), e)):
                refusal = removal_refusal(email, roster, protect, organization)
                if refusal:
                    refusals.append(refusal)
                    continue
                self._live.remove(organization, roster[email])  # recorded in ``roster``
                removed.append(email)
        if refusals:
            done = f"removed {', '.join(sorted(removed))}, but " if removed else ""
            raise Refused(f"authoritative mode {done}kept {' '.join(refusals)}")
        return {**{k: props.get(k) for k in ROSTER_INPUTS}, "undeclared": [], "removed": removed}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Who is undeclared now (refresh)."""
        outs = {**props, "undeclared": self._undeclared(props)}
        inputs = {k: props.get(k) for k in ROSTER_INPUTS if k != "undeclared"}
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Turning authoritative mode off removes nobody."""


def _undeclared(roster: Roster, props: dict[str, Any]) -> list[str]:
    return undeclared(roster, props.get("declared") or (), props.get("protect") or ())


__all__ = ["CloudRosterProvider"]
