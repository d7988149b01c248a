"""Gould and Fernandez (1989) brokerage roles on the directed soft graph S, with school as the group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping

import networkx as nx

__all__ = ["ROLES", "brokerage_roles"]

ROLES = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")


def brokerage_roles(G: nx.DiGraph, group: Mapping[Hashable, Hashable]) -> dict[Hashable, dict[str, int]]:
    """Count, for each node v, the open two-paths i -> v -> j it brokers, by the groups of i, v and j.

    A two-path i -> v -> j (i, v, j distinct) is brokered by v when there is no tie i -> j. Its role:
    coordinator (i, v, j in one group), consultant or itinerant broker (i and j in one group, v in another),
    representative (i with v, j elsewhere), gatekeeper (v with j, i elsewhere), liaison (all different).

    Returns
    -------
    dict mapping node to {role: count} for every role in ROLES. The raw counts of R's ``sna::brokerage``.

    Notes
    -----
    Each node's in-neighbours and out-neighbours are counted per group, so the cost is O(sum of degrees)
    plus one step per closed two-path (i -> v -> j with i -> j), which is excluded.

    References
    ----------
    Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage in
    transaction networks. Sociological Methodology 19, 89-126.
    """
    result: dict[Hashable, dict[str, int]] = {}
    for v in G:
        gv = group[v]
        ins = [i for i in G.predecessors(v) if i != v]
        outs = [j for j in G.successors(v) if j != v]
        in_by = Counter(group[i] for i in ins)
        out_by = Counter(group[j] for j in outs)
        in_same, out_same = in_by[gv], out_by[gv]
        in_other, out_other = len(ins) - in_same, len(outs) - out_same
        consultant = sum(n * out_by[g] for g, n in in_by.items() if g != gv)
        counts = {"coordinator": in_same * out_same, "consultant": consultant,
                  "representative": in_same * out_other, "gatekeeper": in_other * out_same,
                  "liaison": in_other * out_other - consultant}
        out_set = set(outs)
        for i in ins:  # remove pairs that are not open two-paths: i == j, or a direct tie i -> j
            closed = out_set & set(G.successors(i))
            if i in out_set:
                closed.add(i)
            for j in closed:
                counts[_role(group[i], gv, group[j])] -= 1
        result[v] = counts
    return result


def _role(gi: Hashable, gv: Hashable, gj: Hashable) -> str:
    if gi == gv:
        return "coordinator" if gj == gv else "representative"
    if gj == gv:
        return "gatekeeper"
    return "consultant" if gi == gj else "liaison"
