"""The sample trust generator: deterministic, valid, and holding the structure it claims."""

from __future__ import annotations

import filecmp
from pathlib import Path

import networkx as nx
import pytest

from netmap.errors import ConfigError
from netmap.graphs import active_memberships, build_graphs
from netmap.ingest.validate import validate_source
from netmap.sample.generator import REFERENCE_DATE, SampleTrust, generate_sample
from netmap.sample.generator import SAMPLE_TRUST as SAMPLE_ARGS
from tests.conftest import REPO

AS_OF = REFERENCE_DATE.isoformat()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> SampleTrust:
    return generate_sample(tmp_path_factory.mktemp("sample"), **SAMPLE_ARGS)


def test_committed_sample_is_exactly_the_documented_command(generated: SampleTrust) -> None:
    committed = REPO / "data" / "samples" / "trust"
    names = sorted(p.name for p in committed.glob("*.csv"))
    assert names == sorted(p.name for p in generated.out.glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(committed, generated.out, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    readme = (REPO / "data" / "samples" / "README.md").read_text(encoding="utf-8")
    assert "netmap sample --schools 24 --staff 2000 --seed 42 --out data/samples/trust" in readme


def test_same_seed_same_trust_other_seed_other_trust(tmp_path: Path) -> None:
    a = generate_sample(tmp_path / "a", schools=6, staff=300, seed=7)
    b = generate_sample(tmp_path / "b", schools=6, staff=300, seed=7)
    c = generate_sample(tmp_path / "c", schools=6, staff=300, seed=8)
    same = [filecmp.cmp(a.out / n, b.out / n, shallow=False) for n in ("staff.csv", "collaborations.csv")]
    assert same == [True, True]
    assert not filecmp.cmp(a.out / "collaborations.csv", c.out / "collaborations.csv", shallow=False)


def test_sample_is_valid_and_realistically_sized(generated: SampleTrust) -> None:
    dataset, report = validate_source(generated.out)
    assert report.ok and dataset is not None
    assert set(report.counts_by_rule("warning")) <= {"no-ties"}
    counts = dataset.counts()
    assert counts["schools"] == 25 and counts["staff"] == 2000 and counts["groups"] == 26
    assert 18_000 <= counts["collaborations"] <= 24_000  # about 10 reported ties per person
    phases = set(dataset.schools["phase"])
    assert {"primary", "secondary", "central"} <= phases
    kinds = dataset.groups["kind"].value_counts().to_dict()
    assert kinds["expert-network"] >= 8 and kinds["subject-community"] >= 8
    assert (dataset.memberships["role"] == "lead").sum() >= 20


def test_planted_structure_holds(generated: SampleTrust) -> None:
    dataset, _ = validate_source(generated.out)
    assert dataset is not None
    graphs = build_graphs(dataset, AS_OF)
    undirected = graphs.soft.to_undirected()
    school = nx.get_node_attributes(undirected, "school_id")
    # Isolated schools (recent joiners): no soft tie to any other school.
    assert len(generated.isolated_schools) == 2
    for sid in generated.isolated_schools:
        assert not any((school[a] == sid) != (school[b] == sid) for a, b in undirected.edges)
        joined = dataset.schools.set_index("school_id").at[sid, "joined_on"]
        assert joined > "2025-07-01"  # joined within the last year
    # Every other school has soft ties to others.
    linked = {school[x] for a, b in undirected.edges if school[a] != school[b] for x in (a, b)}
    assert linked == set(dataset.schools["school_id"]) - set(generated.isolated_schools)
    # The hard-isolated school belongs to no group at all.
    members = active_memberships(dataset, AS_OF).merge(dataset.staff[["staff_id", "school_id"]])
    assert not set(members["school_id"]) & set(generated.hard_isolated_schools)
    # Isolates: in post, and no soft tie at all; about 3 % of staff.
    assert 30 <= len(generated.isolates) <= 90
    assert all(undirected.degree(s) == 0 for s in generated.isolates)
    # Dormant networks: under 20 % of members have a tie to another member.
    for gid in generated.dormant_groups:
        group = set(members.loc[members["group_id"] == gid, "staff_id"])
        active = {s for s in group if any(n in group for n in undirected[s])}
        assert len(group) >= 10 and len(active) < 0.2 * len(group)
    # Brokers: each reaches several other schools.
    for sid in generated.brokers:
        reached = {school[n] for n in undirected[sid]} - {school[sid]}
        assert len(reached) >= 2


def test_generator_scales_by_hubs(tmp_path: Path) -> None:
    trust = generate_sample(tmp_path / "big", schools=60, staff=3000, seed=1)
    dataset, report = validate_source(trust.out)
    assert report.ok and dataset is not None
    assert (dataset.schools["phase"] == "central").sum() == 2  # one central team per hub of ~25 schools
    assert dataset.groups["group_id"].is_unique and len(dataset.groups) == 52  # 26 per hub, oracy included


def test_too_small_a_sample_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="10 staff per school"):
        generate_sample(tmp_path, schools=5, staff=20, seed=1)
