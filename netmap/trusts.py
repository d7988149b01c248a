"""A partnership of trusts in one store: which trust each school belongs to, and a dataset narrowed to some trusts.

A store without `trust_id` on its schools is one trust (`trusts_of` is empty and nothing is narrowed). With it,
a trust's view keeps only what belongs to the trust, and the partnership's view keeps the consenting trusts, whose
ties across trusts count there alone (docs/partnerships.md).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from netmap.dataset import Dataset

__all__ = ["cross_trust_ties", "trust_of_staff", "trusts_of", "within_trusts"]


def trusts_of(schools: pd.DataFrame) -> dict[str, str]:
    """The trusts a schools table names, by id, each with its name (the id when no name is given), sorted by
    id; empty for a store of one trust."""
    if "trust_id" not in schools.columns:
        return {}
    named = schools[schools["trust_id"].notna()]
    names = named["trust_name"] if "trust_name" in named.columns else pd.Series(None, index=named.index)
    found: dict[str, str] = {}
    for trust, name in zip(named["trust_id"], names, strict=True):
        if trust not in found or (found[trust] == trust and isinstance(name, str)):
            found[str(trust)] = str(name) if isinstance(name, str) and name else str(trust)
    return dict(sorted(found.items()))


def trust_of_staff(dataset: Dataset) -> dict[str, str]:
    """Each member of staff's trust (their school's), by staff id; empty for a store of one trust."""
    schools = dataset.schools
    if "trust_id" not in schools.columns or not schools["trust_id"].notna().any():
        return {}
    school_trust = dict(zip(schools["school_id"], schools["trust_id"], strict=True))
    return {str(s): str(school_trust[school]) for s, school in zip(dataset.staff["staff_id"],
                                                                   dataset.staff["school_id"], strict=True)}


def within_trusts(dataset: Dataset, trusts: frozenset[str]) -> Dataset:
    """`dataset` with only the schools of `trusts` and what belongs to them: their staff, those staff's
    memberships and answers, the ties whose two ends both stay, the secondments whose person and both schools
    stay, and the groups that keep a member. Nothing of another trust stays, not even its rows, so a page asked
    for one answers as for an id never loaded. Empty `trusts` keep everything. A dataset whose schools name no
    trust (a store of several trusts can hold one: loaded before trusts were named, or by an import that names
    none) belongs to none of `trusts`, so nothing of it stays (fail closed: not the whole store)."""
    if not trusts:
        return dataset
    schools = dataset.schools
    named = schools["trust_id"] if "trust_id" in schools.columns else pd.Series(None, index=schools.index)
    kept_schools = schools[named.isin(trusts)]
    school_ids = set(kept_schools["school_id"])
    staff = dataset.staff[dataset.staff["school_id"].isin(school_ids)]
    people = set(staff["staff_id"])
    members = dataset.memberships[dataset.memberships["staff_id"].isin(people)]
    ties = dataset.collaborations
    seconded = dataset.secondments
    return replace(dataset, schools=kept_schools, staff=staff, memberships=members,
                   groups=dataset.groups[dataset.groups["group_id"].isin(set(members["group_id"]))],
                   collaborations=ties[ties["source_staff_id"].isin(people) & ties["target_staff_id"].isin(people)],
                   respondents=dataset.respondents[dataset.respondents["staff_id"].isin(people)],
                   secondments=seconded[seconded["staff_id"].isin(people)
                                        & seconded["from_school_id"].isin(school_ids)
                                        & seconded["to_school_id"].isin(school_ids)])


def cross_trust_ties(dataset: Dataset) -> pd.DataFrame:
    """Each member of staff with a soft tie to someone of another trust, and how many such colleagues they
    have (columns staff_id, trust_id, other_trust_colleagues), most first, then by staff id; empty for a store of
    one trust. Counted on the rows of `dataset` as given (narrow it to the consenting trusts first)."""
    trust = trust_of_staff(dataset)
    ties = dataset.collaborations
    if not trust or ties.empty:
        return pd.DataFrame({"staff_id": [], "trust_id": [], "other_trust_colleagues": []})
    source, target = ties["source_staff_id"].map(trust), ties["target_staff_id"].map(trust)
    across = ties[source.notna() & target.notna() & (source != target)]
    pairs = pd.concat([across[["source_staff_id", "target_staff_id"]].set_axis(["staff_id", "other"], axis=1),
                       across[["target_staff_id", "source_staff_id"]].set_axis(["staff_id", "other"], axis=1)])
    counts = pairs.drop_duplicates().groupby("staff_id").size().rename("other_trust_colleagues").reset_index()
    counts.insert(1, "trust_id", counts["staff_id"].map(trust))
    return counts.sort_values(["other_trust_colleagues", "staff_id"], ascending=[False, True],
                              ignore_index=True)
