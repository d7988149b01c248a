"""Finding expertise on the planted trust, where the answer is known: for maths, a2 leads the maths community and
teaches maths (6), b2 belongs to it and teaches maths (4), c2 teaches maths and c1 named c2 for numeracy in the
survey (2 + 1 = 3). From a1 the introduction chains are a1-a2, a1-a2-b2 and a1-c1-c2; Damson's head d1 reaches
nobody. A colleague asking "who knows maths?" should read: ask a2 first; a1 can go straight to them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netmap.analysis.expertise import _mentions, find_expertise, topic_terms
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("expertise") / "trust"
    shutil.copytree(PLANTED, folder)
    ties = folder / "collaborations.csv"
    lines = ties.read_text().splitlines()
    ties.write_text("\n".join([lines[0] + ",topic"] + [line + "," for line in lines[1:]]
                              + ["c1,c2,expertise,Numeracy"]) + "\n")
    return build_graphs(read_trust(folder)[0], "2026-07-01")


def test_the_best_expert_first_with_the_evidence_and_the_chain(graphs) -> None:  # noqa: ANN001
    found = find_expertise(graphs, "MATHÉMATICS", start="a1")
    assert [(e.staff_id, e.score) for e in found] == [("a2", 6), ("b2", 4), ("c2", 3)]
    a2, b2, c2 = found
    assert a2.evidence == ("leads Maths community", "subject: maths") and a2.chain == ("a1", "a2")
    assert b2.chain == ("a1", "a2", "b2")
    assert c2.times_named == 1 and "named by 1 colleague for it" in c2.evidence and c2.chain == ("a1", "c1", "c2")
    assert all(e.chain == () for e in find_expertise(graphs, "maths", start="d1"))  # Damson reaches nobody
    assert "a2" not in [e.staff_id for e in find_expertise(graphs, "maths", start="a2")]  # not oneself
    from_beech = {e.staff_id: e.chain for e in find_expertise(graphs, "maths", school="B")}
    assert from_beech["b2"] == ("b2",) and from_beech["a2"] == ("b2", "a2")


def test_topics_match_through_synonyms_case_and_accents_and_the_trusts_own() -> None:
    assert "maths" in topic_terms("Mathematics") and "maths" in topic_terms("NUMERACY")
    assert topic_terms("Sums") == {"sums"} and "maths" in topic_terms("sums", [("sums", "maths")])
    assert "early years" in topic_terms("EYFS") and "send" in topic_terms("Special Educational Needs")
    assert _mentions("RE community", topic_terms("re")) and not _mentions("Careers network", topic_terms("re"))


def test_no_evidence_no_expert(graphs) -> None:  # noqa: ANN001
    assert find_expertise(graphs, "astrophysics") == []


def test_the_command_lists_experts_with_their_introductions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from netmap.cli import main

    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    run = CliRunner().invoke
    assert run(main, ["load", str(PLANTED), "--as-of", "2026-07-01"]).exit_code == 0
    synonyms = tmp_path / "synonyms.csv"
    synonyms.write_text("term,means\nsums,maths\n")
    result = run(main, ["find-expertise", "sums", "--from", "a1", "--synonyms", str(synonyms), "--out",
                        str(tmp_path / "experts.csv")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == " 1. Maths teacher A (Ash Primary), score 6: leads Maths community; subject: maths"
    assert lines[1] == "    introduction: Head of A > Maths teacher A"
    assert (tmp_path / "experts.csv").read_text().splitlines()[0] == (
        "staff_id,name,school,score,evidence,times_named,introduction")
    unknown = run(main, ["find-expertise", "maths", "--from", "zz"])
    assert unknown.exit_code == 1 and "has the id or name 'zz'" in unknown.output
    by_name = run(main, ["find-expertise", "maths", "--from", "head of a", "--school", "damson"])
    assert by_name.exit_code == 0 and "introduction: Head of A > Maths teacher A" in by_name.output


def test_the_expertise_page_names_experts_within_the_users_scope(tmp_path: Path) -> None:
    """hr sees a2 first with the chain from Head of A; the ceo is refused. (A network lead sees no one outside
    their scope, not even inside a chain: tests/test_access.py.)"""
    from tests.web_helpers import login, make_app

    app = make_app(tmp_path / "web", read_trust(PLANTED)[0])
    hr, ceo = app.test_client(), app.test_client()
    login(hr, "hr")
    login(ceo, "ceo", purpose=None)
    page = hr.get("/expertise/?topic=Mathematics&from=Head of A").get_data(as_text=True)
    assert page.index("Maths teacher A") < page.index("Head of maths B") < page.index("Teacher C")
    assert "<td>Head of A &gt; Maths teacher A</td>" in page
    csv = hr.get("/expertise/?topic=maths&from=a1&format=csv").get_data(as_text=True).splitlines()
    assert csv[1].startswith("a2,Maths teacher A,Ash Primary,6,leads Maths community; subject: maths,0,")
    assert ceo.get("/expertise/?topic=maths").status_code == 403
