"""Properties of the member rules over generated organizations (hypothesis): applying removals
and demotions one at a time, each allowed only by the apply-time rule on the roster as it is
then, never leaves an organization without an admin; preview's end-state rule refuses exactly
when nobody would stay admin; the decision table never fails and names every role a refused
takeover would remove."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from components.core.members.atoms import ALL, Atom, plan_change
from components.core.members.decisions import (
    StackMembers,
    admins_after,
    decide_member,
    demotion_refusal,
    lockout_refusal,
    removal_refusal,
)
from components.core.members.roster import LiveMember, Roster

ORG = "1000000001"
ADMIN = Atom("organization", "", "organization-admin", ORG)
EMAILS = [f"p{i}@example.com" for i in range(6)]
ATOMS = st.sampled_from(
    [
        ADMIN,
        Atom("organization", "", "billing-admin", ORG),
        Atom("deployment", "", "deployment-viewer", ALL),
        Atom("deployment", "", "deployment-editor", "d-1"),
        Atom("project", "security", "security-admin", ALL),
    ]
)
ATOM_SETS = st.frozensets(ATOMS, max_size=4)
STATUSES = st.sampled_from(["active", "pending", "expired"])


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    people = draw(st.lists(st.sampled_from(EMAILS), unique=True, max_size=6))
    return Roster(
        LiveMember(e, draw(STATUSES), draw(ATOM_SETS), user_id=e, token="t") for e in people
    )


@given(rosters(), st.lists(st.tuples(st.sampled_from(EMAILS), st.booleans()), max_size=12))
def test_writes_allowed_one_at_a_time_never_remove_the_last_admin(
    roster: Roster, writes: list[tuple[str, bool]]
) -> None:
    had_admin = bool(roster.admins())
    for email, remove in writes:
        live = roster.get(email)
        if live is None:
            continue
        if remove:
            if removal_refusal(email, roster, ()) is None:
                roster.drop(email)
        else:
            change = plan_change(live.atoms, live.atoms - {ADMIN})
            if demotion_refusal(email, change, roster) is None:
                roster.put(LiveMember(email, live.status, live.atoms - {ADMIN}, user_id=email))
    assert roster.admins() or not had_admin


@given(
    rosters(),
    st.dictionaries(st.sampled_from(EMAILS), st.booleans(), max_size=6),
    st.booleans(),
    st.lists(st.sampled_from(EMAILS), max_size=3),
)
def test_preview_refuses_exactly_when_nobody_stays_admin(
    roster: Roster, declared: dict[str, bool], authoritative: bool, protect: list[str]
) -> None:
    stack = StackMembers.of(declared, authoritative=authoritative, protect=protect)
    refusal = lockout_refusal(roster, stack, ORG)
    after = admins_after(roster, stack)
    assert (refusal is None) == (bool(after) or not roster.admins())
    if refusal is not None:
        assert all(email in refusal for email in roster.admins())


@given(
    st.one_of(st.none(), st.builds(LiveMember, st.just("a@example.com"), STATUSES, ATOM_SETS)),
    ATOM_SETS,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    ATOM_SETS,
)
def test_the_decision_table_always_answers_and_names_what_a_takeover_removes(
    live: LiveMember | None,
    desired: frozenset[Atom],
    creating: bool,
    adopt: bool,
    protected: bool,
    kept: frozenset[Atom],
) -> None:
    decision = decide_member(
        "a@example.com",
        live,
        desired,
        organization=ORG,
        protect=["a@example.com"] if protected else [],
        creating=creating,
        adopt=adopt,
        kept=kept,
    )
    assert decision.action in ("keep", "change", "invite", "reinvite")
    assert not (decision.change.removed & kept)
    takeover = live is not None and creating and not adopt and live.status != "expired"
    if takeover and live is not None and live.atoms != desired:
        assert decision.refusal is not None and "adopt: true" in decision.refusal
        assert all(a.describe() in decision.refusal for a in live.atoms - desired)
