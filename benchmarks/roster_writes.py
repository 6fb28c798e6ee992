"""What recording one write in the cached roster costs, for organizations of several sizes: it
must not grow with the organization (it copied the whole roster before issue 12).

Run with ``python -m benchmarks roster_writes [N ...]`` (default 1000 8000).
"""

from __future__ import annotations

import time

from components.core.members.atoms import Atom
from components.core.members.roster import LiveMember, Roster
from components.core.members.spec import CloudSettings
from components.live.cloud import LiveCloud

ORG = "1000000001"
WRITES = 2000
BILLING = frozenset({Atom("organization", "", "billing-admin", ORG)})


def run(count: int) -> None:
    invited = [
        LiveMember(f"user{i}@example.com", "pending", BILLING, token=f"t{i}") for i in range(count)
    ]
    live = LiveCloud(CloudSettings(organizationId=ORG), None, "offline")
    roster = live._rosters.get(ORG, lambda: Roster(invited))
    start = time.perf_counter()
    for i in range(WRITES // 2):  # withdrawn, then invited again
        member = invited[i % count]
        live._record(ORG, member.email, None)
        live._record(ORG, member.email, member)
    per_write = (time.perf_counter() - start) / WRITES
    assert len(roster) == count
    print(f"  {count:>6} members and invitations: {1e6 * per_write:7.1f} µs per recorded write")


def main(counts: list[int] | None = None) -> None:
    for count in counts or [1000, 8000]:
        run(count)


if __name__ == "__main__":
    main()
