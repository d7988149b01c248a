"""Two snapshots compared: which collaborations were gained, lost or kept, by whom, in which schools and groups;
who joined and left; which schools became isolated or connected; brokers, key connectors and groups' conductivity
before and after. The same question asked backwards gives the mirror answer (gained <-> lost, joined <-> left).

Ties are the pairs of U (one per pair of colleagues, whichever way and however often they named each other):
a tie "persists" when the same two people are tied in both snapshots. A tie counts for the schools its two people
work at in the snapshot that has it (the later one for a persisting tie), so a school's figures read as "its
staff's collaborations". A lost tie says why (LOST_REASONS): it ended (its reporter answered the later round
without naming the colleague again: netmap.tie_status), one of the two left, it is older than the later
snapshot's tie window, or the later data do not have it; a kept or gained one reads "unconfirmed" when every
report of it comes from an earlier round whose reporter did not answer the later one.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from netmap.analysis.communities import stability_of
from netmap.analysis.engine import Analysis, plain_json
from netmap.analysis.tables import columns_of
from netmap.graphs import TrustGraphs, ties_with_status
from netmap.spreadsheet import neutralised_frame

__all__ = ["COMMUNITY_EVENTS", "LOST_REASONS", "MIRROR", "Comparison", "Snapshot", "community_events", "compare",
           "track_communities",
           "write_comparison"]

TIE_STATUSES = ("gained", "lost", "persisting")
LOST_REASONS = ("ended", "a person left", "older than the tie window", "not in the later data")


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: a snapshot's graphs and its analysis."""

    graphs: TrustGraphs
    analysis: Analysis

    @property
    def as_of(self) -> str:
        return self.graphs.as_of


@dataclass(frozen=True)
class Comparison:
    """What changed from `before` to `after` (dates), table by table; `summary` holds the counts."""

    before: str
    after: str
    ties: pd.DataFrame      # person_a, person_b, school_a, school_b, cross_school, status
    people: pd.DataFrame    # staff_id, name, status (joined / left / stayed), school_before, school_after
    schools: pd.DataFrame   # per school: ties and cross-school ties gained, lost, persisting; isolation change
    groups: pd.DataFrame    # per group: members and conductivity before and after, change
    roles: pd.DataFrame     # brokers and key connectors gained and lost: kind, staff_id, name, school_id, change
    communities: pd.DataFrame  # each community followed from before to after (track_communities)
    summary: dict[str, Any] = field(default_factory=dict)


def _pairs(graphs: TrustGraphs) -> set[tuple[Hashable, Hashable]]:
    return {_pair(a, b) for a, b in graphs.undirected.edges()}


def compare(before: Snapshot, after: Snapshot) -> Comparison:
    """Everything that changed from `before` to `after`."""
    ties = _ties(before, after)
    people = _people(before, after)
    schools = _schools(before, after, ties)
    groups = _groups(before, after, ties)
    roles = _roles(before, after)
    communities, tracked = _communities(before, after)
    status = ties["status"].value_counts()
    cross = ties.loc[ties["cross_school"].astype(bool), "status"].value_counts()  # also when no one is tied
    joined = people["status"].value_counts()
    summary = {
        "before": before.as_of, "after": after.as_of,
        "ties": {s: int(status.get(s, 0)) for s in TIE_STATUSES},
        "cross_school_ties": {s: int(cross.get(s, 0)) for s in TIE_STATUSES},
        "lost_ties": {r: int(((ties["status"] == "lost") & (ties["reason"] == r)).sum()) for r in LOST_REASONS},
        "unconfirmed_ties": int((ties["reason"] == "unconfirmed").sum()),
        "people": {s: int(joined.get(s, 0)) for s in ("joined", "left", "stayed")},
        "schools_became_isolated": sorted(schools.loc[schools["isolation"] == "became isolated", "school_id"]),
        "schools_became_connected": sorted(schools.loc[schools["isolation"] == "became connected", "school_id"]),
        "groups_conductivity_rose": sorted(groups.loc[groups["change"] == "rose", "group_id"]),
        "groups_conductivity_fell": sorted(groups.loc[groups["change"] == "fell", "group_id"]),
        "brokers": {c: int(((roles["kind"] == "broker") & (roles["change"] == c)).sum()) for c in ("gained", "lost")},
        "key_connectors": {c: int(((roles["kind"] == "key connector") & (roles["change"] == c)).sum())
                           for c in ("gained", "lost")},
        "communities": tracked,
    }
    return Comparison(before.as_of, after.as_of, ties, people, schools, groups, roles, communities, summary)


def _community_counts(events: pd.DataFrame) -> dict[str, int]:
    """How many changes of each kind (COMMUNITY_EVENTS): a merge of three communities counts once."""
    found = events.drop_duplicates("change")["event"].value_counts()
    return {event: int(found.get(event, 0)) for event in COMMUNITY_EVENTS}


def _communities(before: Snapshot, after: Snapshot) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The communities followed, and the summary's entry: compared only when both snapshots' communities are
    stable over seeds (netmap.analysis.communities); otherwise no row, and the sentence saying why. People
    without a tie are left out: alone in a community of one, they are no informal cluster."""
    unstable = [side.as_of for side in (before, after) if not stability_of(side.analysis.summary)["stable"]]
    if unstable:
        note = (f"Informal communities are not compared: the trust has no stable informal clusters on "
                f"{' and '.join(unstable)}, so there is nothing lasting to follow.")
        return (pd.DataFrame(columns=columns_of("compare communities")),
                {"compared": False, "note": note, "events": dict.fromkeys(COMMUNITY_EVENTS, 0)})
    tied = [side.analysis.staff[side.analysis.staff["soft_degree"] > 0] for side in (before, after)]
    events = track_communities(*(dict(zip(staff["staff_id"], staff["community"], strict=True)) for staff in tied))
    return events, {"compared": True, "note": None, "events": _community_counts(events)}


def _ties(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Every pair tied in either snapshot, with the schools of the snapshot that has it (the later one if both)
    and, for a lost one, why (LOST_REASONS); a kept or gained one all of whose reports are unconfirmed in the
    later snapshot reads "unconfirmed"."""
    old, new = _pairs(before.graphs), _pairs(after.graphs)
    ended, dropped = _ended_and_dropped(after.graphs)
    unconfirmed = _unconfirmed(after.graphs)
    rows = []
    for pairs, status, graphs in ((new - old, "gained", after.graphs), (old - new, "lost", before.graphs),
                                  (old & new, "persisting", after.graphs)):
        school_of = graphs.school_of
        for a, b in pairs:
            sa, sb = school_of[a], school_of[b]
            if status != "lost":
                reason = "unconfirmed" if (a, b) in unconfirmed else ""
            elif a not in after.graphs.school_of or b not in after.graphs.school_of:
                reason = "a person left"
            else:
                reason = "ended" if (a, b) in ended else (
                    "older than the tie window" if (a, b) in dropped else "not in the later data")
            rows.append((a, b, sa, sb, sa != sb, status, reason))
    frame = pd.DataFrame(rows, columns=columns_of("compare ties"))
    return frame.sort_values(["status", "person_a", "person_b"], ignore_index=True, key=lambda c: c.astype(str))


def _pair(a: Hashable, b: Hashable) -> tuple[Hashable, Hashable]:
    return (a, b) if str(a) <= str(b) else (b, a)


def _ended_and_dropped(graphs: TrustGraphs) -> tuple[set[tuple[Hashable, Hashable]], set[tuple[Hashable, Hashable]]]:
    """The pairs of people in post whose ties all ended on the snapshot's date (netmap.tie_status), and those
    whose ties were observed on or before it but all outside its tie window."""
    people = set(graphs.soft)
    ties = ties_with_status(graphs.dataset, graphs.as_of, people, window_days=graphs.tie_window_days)
    ended = {_pair(a, b) for a, b, status in zip(ties["source_staff_id"], ties["target_staff_id"], ties["status"],
                                                 strict=True) if status == "ended"} - _pairs(graphs)
    seen = graphs.dataset.collaborations
    seen = seen[seen["source_staff_id"].isin(people) & seen["target_staff_id"].isin(people)
                & (seen["observed_on"].fillna(graphs.as_of) <= graphs.as_of)]
    dropped = {_pair(a, b) for a, b in zip(seen["source_staff_id"], seen["target_staff_id"], strict=True)}
    return ended, dropped - _pairs(graphs) - ended


def _unconfirmed(graphs: TrustGraphs) -> set[tuple[Hashable, Hashable]]:
    """Pairs every tie of which (either way) is unconfirmed in the snapshot."""
    pairs: dict[tuple[Hashable, Hashable], bool] = {}
    for a, b, flag in graphs.soft.edges(data="unconfirmed", default=False):
        pairs[_pair(a, b)] = pairs.get(_pair(a, b), True) and bool(flag)
    return {pair for pair, flag in pairs.items() if flag}


def _people(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Everyone in post in either snapshot: joined, left or stayed, with their school on each side."""
    was, now = before.graphs.school_of, after.graphs.school_of
    names = {**_names(before), **_names(after)}
    rows = [(p, names.get(p, p), "joined" if p not in was else "left" if p not in now else "stayed",
             was.get(p, ""), now.get(p, "")) for p in sorted(set(was) | set(now), key=str)]
    return pd.DataFrame(rows, columns=columns_of("compare people"))


def _names(side: Snapshot) -> dict[Hashable, str]:
    staff = side.graphs.dataset.staff
    return dict(zip(staff["staff_id"], staff["name"].fillna(staff["staff_id"]), strict=True))


def _schools(before: Snapshot, after: Snapshot, ties: pd.DataFrame) -> pd.DataFrame:
    """Per school in either snapshot: its staff's ties and cross-school ties gained, lost and persisting, and
    whether it became isolated (no collaboration with another school) or connected."""
    counts: dict[str, dict[str, int]] = {}
    for sa, sb, cross, status, reason in ties[["school_a", "school_b", "cross_school", "status", "reason"]
                                              ].itertuples(index=False):
        for school in {sa, sb}:
            row = counts.setdefault(school, {})
            row[f"ties_{status}"] = row.get(f"ties_{status}", 0) + 1
            if status == "lost" and reason == "ended":
                row["ties_ended"] = row.get("ties_ended", 0) + 1
            if cross:
                row[f"cross_school_{status}"] = row.get(f"cross_school_{status}", 0) + 1
    isolated_before = set(before.analysis.summary["isolated_schools"])
    isolated_after = set(after.analysis.summary["isolated_schools"])
    schools_before = set(before.analysis.schools["school_id"])
    schools_after = set(after.analysis.schools["school_id"])
    rows = []
    for school in sorted(schools_before | schools_after | set(counts)):
        row = counts.get(school, {})
        if school not in schools_before:
            isolation = "joined the trust, isolated" if school in isolated_after else "joined the trust, connected"
        elif school not in schools_after:
            isolation = "left the trust"
        elif school in isolated_after and school not in isolated_before:
            isolation = "became isolated"
        elif school in isolated_before and school not in isolated_after:
            isolation = "became connected"
        else:
            isolation = "isolated" if school in isolated_after else ""
        rows.append({"school_id": school,
                     **{f"ties_{s}": row.get(f"ties_{s}", 0) for s in TIE_STATUSES},
                     **{f"cross_school_{s}": row.get(f"cross_school_{s}", 0) for s in TIE_STATUSES},
                     "ties_ended": row.get("ties_ended", 0), "isolation": isolation})
    return pd.DataFrame(rows, columns=columns_of("compare schools"))


def _group_ties(before: Snapshot, after: Snapshot, ties: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per group: ties between two of its members gained, lost and persisting (members as of the snapshot that
    has the tie: the later one for a persisting tie)."""
    counts: dict[str, dict[str, int]] = {}
    for a, b, status in ties[["person_a", "person_b", "status"]].itertuples(index=False):
        groups_of = (before if status == "lost" else after).graphs.groups_of
        for group in groups_of.get(a, frozenset()) & groups_of.get(b, frozenset()):
            row = counts.setdefault(group, {})
            row[status] = row.get(status, 0) + 1
    return counts


def _groups(before: Snapshot, after: Snapshot, ties: pd.DataFrame) -> pd.DataFrame:
    """Per group in either snapshot: members and conductivity before and after, the change in words, and the
    ties between its members gained, lost and persisting."""
    between = _group_ties(before, after, ties)
    columns = ["members", "collaborating_pairs", "conductivity", "is_dormant"]
    old = before.analysis.groups.set_index("group_id")[columns]
    new = after.analysis.groups.set_index("group_id")[columns]
    rows = []
    for group in sorted(set(old.index) | set(new.index)):
        was = old.loc[group] if group in old.index else None
        now = new.loc[group] if group in new.index else None
        c0 = _number(was["conductivity"]) if was is not None else None
        c1 = _number(now["conductivity"]) if now is not None else None
        if was is None:
            change = "new"
        elif now is None:
            change = "ended"
        elif c0 is None or c1 is None or abs(c1 - c0) < 1e-12:
            change = "same"
        else:
            change = "rose" if c1 > c0 else "fell"
        rows.append({"group_id": group,
                     "members_before": int(was["members"]) if was is not None else 0,
                     "members_after": int(now["members"]) if now is not None else 0,
                     "conductivity_before": c0, "conductivity_after": c1,
                     "dormant_before": bool(was["is_dormant"]) if was is not None else None,
                     "dormant_after": bool(now["is_dormant"]) if now is not None else None,
                     "change": change,
                     **{f"ties_{s}": between.get(group, {}).get(s, 0) for s in TIE_STATUSES}})
    return pd.DataFrame(rows, columns=columns_of("compare groups"))


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _roles(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Brokers (ona_role "broker") and key connectors (per school) in one snapshot and not the other."""
    names = {**_names(before), **_names(after)}

    def brokers(side: Snapshot) -> dict[Hashable, str]:
        staff = side.analysis.staff
        chosen = staff[staff["ona_role"] == "broker"]
        return dict(zip(chosen["staff_id"], chosen["school_id"], strict=True))

    def connectors(side: Snapshot) -> set[tuple[str, str]]:
        schools = side.analysis.schools
        return {(p, s) for s, held in zip(schools["school_id"], schools["key_connectors"], strict=True)
                for p in (held or "").split(";") if p}

    rows = []
    old, new = brokers(before), brokers(after)
    rows += [("broker", p, names.get(p, p), new[p], "gained") for p in set(new) - set(old)]
    rows += [("broker", p, names.get(p, p), old[p], "lost") for p in set(old) - set(new)]
    was, now = connectors(before), connectors(after)
    rows += [("key connector", p, names.get(p, p), s, "gained") for p, s in now - was]
    rows += [("key connector", p, names.get(p, p), s, "lost") for p, s in was - now]
    frame = pd.DataFrame(rows, columns=columns_of("compare roles"))
    return frame.sort_values(["kind", "change", "school_id", "staff_id"], ignore_index=True,
                             key=lambda c: c.astype(str))


def write_comparison(result: Comparison, out: Path) -> list[Path]:
    """ties.csv, people.csv, schools.csv, groups.csv, roles.csv, communities.csv and summary.json in `out`;
    returns the paths.
    Text a spreadsheet would run as a formula is neutralised (netmap.spreadsheet)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("ties", "people", "schools", "groups", "roles", "communities"):
        path = out / f"{name}.csv"
        neutralised_frame(getattr(result, name)).to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
        written.append(path)
    path = out / "summary.json"
    path.write_text(json.dumps(result.summary, indent=2, default=plain_json) + "\n", encoding="utf-8")
    return [*written, path]


COMMUNITY_EVENTS = ("continued", "merged", "split", "regrouped", "born", "dissolved")
MIRROR = {"continued": "continued", "merged": "split", "split": "merged", "regrouped": "regrouped",
          "born": "dissolved", "dissolved": "born"}  # each event read backwards
MATCH_JACCARD = 0.3  # an earlier and a later community match when their Jaccard overlap is at least this


def track_communities(before: dict[Hashable, int], after: dict[Hashable, int]) -> pd.DataFrame:
    """Each earlier community matched to the later ones by the people in post in both snapshots (Greene,
    Doyle and Cunningham 2010): community C (earlier) and D (later) match when |C & D| / |C | D| is at least
    MATCH_JACCARD, C and D counting only the people in both snapshots. The matches form groups (connected
    components); a group of

    - one earlier and one later community: it *continued*;
    - several earlier and one later: they *merged*; one earlier and several later: it *split*;
    - several of each: they *regrouped*;
    - one later community alone: it was *born*; one earlier alone: it *dissolved*.

    Overlap is symmetric, so the pair read backwards gives the mirror events (MIRROR: merged <-> split,
    born <-> dissolved). One row per matched pair, or per community born or dissolved, with every part listed:
    change (the group's number, 1, 2, ... by its smallest community), community_before, community_after,
    size_before, size_after (all their people), shared (people in both), overlap (Jaccard), event.
    """
    old, new = _members(before), _members(after)
    stayed = before.keys() & after.keys()
    kept_old = {c: people & stayed for c, people in old.items()}
    kept_new = {d: people & stayed for d, people in new.items()}
    matches = nx.Graph()
    matches.add_nodes_from([("before", c) for c in old] + [("after", d) for d in new])
    overlap: dict[tuple[int, int], float] = {}
    for c, d in {(before[p], after[p]) for p in stayed}:
        overlap[c, d] = len(kept_old[c] & kept_new[d]) / len(kept_old[c] | kept_new[d])
        if overlap[c, d] >= MATCH_JACCARD:
            matches.add_edge(("before", c), ("after", d))
    groups = sorted((sorted(g) for g in nx.connected_components(matches)),
                    key=lambda g: (g[0][0] != "before", g[0][1], g[-1][1]))
    rows = []
    for change, group in enumerate(groups, start=1):
        was = [c for side, c in group if side == "before"]
        now = [d for side, d in group if side == "after"]
        event = (("born" if not was else "dissolved" if not now else "continued") if len(was) + len(now) <= 2
                 else "merged" if len(now) == 1 else "split" if len(was) == 1 else "regrouped")
        pairs = [(c, d) for c in was for d in now if matches.has_edge(("before", c), ("after", d))]
        for c, d in pairs or [(was[0] if was else None, now[0] if now else None)]:
            rows.append({"change": change, "community_before": c, "community_after": d,
                         "size_before": len(old[c]) if c is not None else 0,
                         "size_after": len(new[d]) if d is not None else 0,
                         "shared": len(old[c] & new[d]) if c is not None and d is not None else 0,
                         "overlap": overlap.get((c, d), 0.0) if c is not None and d is not None else None,
                         "event": event})
    return pd.DataFrame(rows, columns=columns_of("compare communities")).astype(
        {"community_before": "Int64", "community_after": "Int64", "overlap": float})


def community_events(events: pd.DataFrame) -> list[str]:
    """One sentence per change of track_communities' table, every part named: "Community 3 (8 people) split
    into 5 (5 people) and 8 (3 people)."; continued communities are left out."""
    lines = []
    for _, rows in events.groupby("change", sort=True):
        event = rows["event"].iloc[0]
        was = _listed(rows, "community_before", "size_before")
        now = _listed(rows, "community_after", "size_after")
        lines += {"continued": [], "born": [f"Community {now} is new."],
                  "dissolved": [f"Community {was} dissolved."],
                  "merged": [f"Communities {was} merged into {now}."],
                  "split": [f"Community {was} split into {now}."],
                  "regrouped": [f"Communities {was} regrouped into {now}."]}[event]
    return lines


def _listed(rows: pd.DataFrame, number: str, size: str) -> str:
    """The distinct communities of one side of a change, as "5 (5 people) and 8 (3 people)"."""
    found = rows[[number, size]].dropna().drop_duplicates().sort_values(number)
    parts = [f"{int(n)} ({int(k)} {'person' if k == 1 else 'people'})" for n, k in found.itertuples(index=False)]
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)


def _members(labels: dict[Hashable, int]) -> dict[int, set[Hashable]]:
    """Each community's people."""
    members: dict[int, set[Hashable]] = {}
    for person, number in labels.items():
        members.setdefault(number, set()).add(person)
    return members
