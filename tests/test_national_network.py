"""A national network with a member in every school makes a snapshot one island for the analysis (its group
measures need every member), yet a page about one school or person still builds only the graphs of the schools
its ties and secondments join (netmap.analysis.islands.Islands): never the whole snapshot's, whatever the mix of
pages, and each page shows exactly what it shows once the whole graphs exist."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from netmap.analysis.islands import island_of_schools_and_groups
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from tests.web_helpers import login, make_app

AS_OF = "2026-07-01"


def _with_a_national_network(folder: Path) -> None:
    """The generated trust with NATIONAL, an expert network with one member in every school."""
    staff = pd.read_csv(folder / "staff.csv", dtype=str)
    first = staff[staff["left_on"].isna()].groupby("school_id")["staff_id"].first()
    with (folder / "groups.csv").open("a", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(["NATIONAL", "National SEND network", "expert-network", "", ""])
    with (folder / "memberships.csv").open("a", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([person, "NATIONAL", "member", "2020-01-01", ""] for person in first)


def _without_token(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_a_network_spanning_every_school_builds_no_whole_snapshot_graph(tmp_path: Path) -> None:
    generate_sample(tmp_path / "trust", schools=15, staff=300, seed=3, hub_schools=5)
    _with_a_national_network(tmp_path / "trust")
    dataset = read_trust(tmp_path / "trust")[0]
    joined = island_of_schools_and_groups(dataset, AS_OF)
    assert len({n for (kind, _), n in joined.items() if kind == "school"}) == 1  # one island for the analysis
    app = make_app(tmp_path, dataset)
    admin = app.test_client()
    login(admin, "admin")
    assert admin.get("/").status_code == 200
    (view,) = app.extensions["netmap_cache"]._views.values()
    schools = view.analysis.schools.set_index("school_id")
    isolated = [s for s in schools.index if schools.at[s, "is_isolated"]]
    risky = [s for s in schools.index if schools.at[s, "is_key_person_risk"] and not schools.at[s, "is_isolated"]]
    assert isolated and risky
    national = set(dataset.memberships.loc[dataset.memberships["group_id"] == "NATIONAL", "staff_id"])
    member = next(p for p, s in view.works_at.items() if p in national and s == risky[0])
    pages = [f"/schools/{isolated[0]}", f"/schools/{risky[0]}", f"/staff/{member}",
             f"/secondments/?school={isolated[0]}"]
    maps = [f"/map/data?view=staff&school={risky[0]}", f"/map/data?view=staff&school={isolated[0]}&hard=1",
            f"/map/data?view=staff&person={member}&hard=1"]
    shown = [_without_token(admin.get(page).get_data(as_text=True)) for page in pages]
    drawn = [admin.get(page).get_json() for page in maps]
    assert "graphs" not in view.__dict__ and "planner" not in view.__dict__  # no whole-snapshot graph built
    assert len(view.islands) >= 3
    assert all(len(g.soft) < len(view.works_at) for g in view._island_graphs.values())
    assert "National SEND network" in shown[2]
    view.graphs  # noqa: B018 - the whole graphs built, as a map of everyone builds them
    assert [_without_token(admin.get(page).get_data(as_text=True)) for page in pages] == shown
    assert [admin.get(page).get_json() for page in maps] == drawn
