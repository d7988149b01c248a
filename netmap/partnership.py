"""The partnership view of a store of several trusts (docs/partnerships.md): the consenting trusts analysed as one
network, and the people who bridge them, each beside how their own trust alone sees them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from netmap.errors import AnalysisError
from netmap.snapshot import Hidden, Snapshot
from netmap.trusts import cross_trust_ties, trusts_of

__all__ = ["MIN_TRUSTS", "PartnershipReport", "partnership_report"]

MIN_TRUSTS = 2  # a partnership view needs at least this many consenting trusts


@dataclass(frozen=True)
class PartnershipReport:
    """The partnership view (`view`: the snapshot narrowed to the consenting `trusts`, by id with their names)
    and `bridges`: each member of staff with a tie to another trust, with their betweenness and ONA role in the
    partnership and in their own trust alone (columns staff_id, trust_id, other_trust_colleagues,
    betweenness_partnership, betweenness_own_trust, ona_role_partnership, ona_role_own_trust), most bridging
    first."""

    view: Snapshot
    trusts: dict[str, str]
    bridges: pd.DataFrame


def partnership_report(snapshot: Snapshot, consenting: frozenset[str]) -> PartnershipReport:
    """The partnership of the `consenting` trusts in `snapshot` (trusts it does not name are ignored); each view
    is analysed once and kept with the snapshot. AnalysisError saying what to do when the snapshot names no trust
    or fewer than MIN_TRUSTS of them consent."""
    named = trusts_of(snapshot.table("schools"))
    if not named:
        raise AnalysisError(f"Snapshot {snapshot.snapshot_id} holds one trust (its schools name no trust_id): "
                            "there is no partnership. docs/partnerships.md says how a partnership's files name "
                            "each school's trust.")
    trusts = {t: named[t] for t in sorted(consenting & set(named))}
    if len(trusts) < MIN_TRUSTS:
        raise AnalysisError(f"The partnership view needs at least {MIN_TRUSTS} trusts to consent; {len(trusts)} "
                            f"of {len(named)} ({', '.join(named)}) do. Each trust's admin turns it on: netmap "
                            "partnership consent TRUST on, or the web app's Partnership page.")
    view = snapshot.without(Hidden(within=frozenset(trusts)))
    bridges = cross_trust_ties(view.dataset)
    whole = view.analysis.staff.set_index("staff_id")
    own = pd.concat([snapshot.without(Hidden(within=frozenset({t}))).analysis.staff.set_index("staff_id")
                     for t in sorted(set(bridges["trust_id"]))]) if len(bridges) else whole.iloc[:0]
    in_post = bridges[bridges["staff_id"].isin(whole.index)]
    bridges = in_post.assign(
        betweenness_partnership=in_post["staff_id"].map(whole["betweenness"]),
        betweenness_own_trust=in_post["staff_id"].map(own["betweenness"]),
        ona_role_partnership=in_post["staff_id"].map(whole["ona_role"]),
        ona_role_own_trust=in_post["staff_id"].map(own["ona_role"]))
    bridges = bridges.sort_values(["betweenness_partnership", "staff_id"], ascending=[False, True],
                                  ignore_index=True)
    return PartnershipReport(view, trusts, bridges)
