"""Finding expertise on the planted trust, where the answer is known: for maths, a2 (Ash Primary) leads the maths
community and teaches maths (4 + 2 = 6), b2 (Beech, secondary) belongs to it and teaches maths (2 + 2 = 4), c2
(Cedar Primary) teaches maths and c1 named c2 for numeracy in the survey (2 + 1 = 3). Asked from Ash Primary, a
primary school, Beech's secondary evidence counts half (b2: 2). From a1 the introduction chains are a1-a2,
a1-a2-b2 and a1-c1-c2; Damson's head d1 reaches nobody. A colleague at Ash asking "who knows maths?" should read:
ask a2 first; a1 can go straight to them."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest

from netmap.analysis.expertise import HALF_LIFE_DAYS, evidence_topics, find_expertise
from netmap.analysis.topics import read_topic, vocabulary
from netmap.graphs import TrustGraphs, build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED, planted_dataset

SPELLINGS = Path(__file__).parent / "data" / "expertise_spellings.csv"


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("expertise") / "trust"
    shutil.copytree(PLANTED, folder)
    ties = folder / "collaborations.csv"
    lines = ties.read_text().splitlines()
    ties.write_text("\n".join([lines[0] + ",topic"] + [line + "," for line in lines[1:]]
                              + ["c1,c2,expertise,Numeracy"]) + "\n")
    return build_graphs(read_trust(folder)[0], "2026-07-01")


def _trust(folder: Path, files: dict[str, str], as_of: str = "2026-07-01") -> TrustGraphs:
    """A hand-built trust from literal CSV texts."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return build_graphs(read_trust(folder)[0], as_of)


def test_the_best_expert_first_with_the_evidence_and_the_chain(graphs) -> None:  # noqa: ANN001
    found = find_expertise(graphs, "MATHÉMATICS", start="a1").experts
    assert [(e.staff_id, e.score) for e in found] == [("a2", 6), ("c2", 3), ("b2", 2)]
    a2, c2, b2 = found
    assert a2.evidence == ("leads Maths community", "subject: maths") and a2.chain == ("a1", "a2") and a2.steps == 1
    assert b2.chain == ("a1", "a2", "b2") and b2.steps == 2
    assert c2.times_named == 1 and "named by 1 colleague for it" in c2.evidence and c2.chain == ("a1", "c1", "c2")
    assert all(e.chain == () and e.steps is None for e in find_expertise(graphs, "maths", start="d1").experts)
    assert "a2" not in [e.staff_id for e in find_expertise(graphs, "maths", start="a2").experts]  # not oneself
    from_beech = {e.staff_id: e.chain for e in find_expertise(graphs, "maths", school="B").experts}
    assert from_beech["b2"] == ("b2",) and from_beech["a2"] == ("b2", "a2")


def test_the_phase_of_the_problem_comes_first(graphs) -> None:  # noqa: ANN001
    """A Year 5 problem prefers primary evidence, a Year 9 one secondary, whoever asks; a school's own phase
    counts when the request names none."""
    year5 = find_expertise(graphs, "Year 5 fractions", school="B")
    assert year5.phase == "primary" and [(e.staff_id, e.score) for e in year5.experts] == [
        ("a2", 6), ("c2", 3), ("b2", 2)]
    year9 = find_expertise(graphs, "year 9 algebra", school="A")
    assert [(e.staff_id, e.score) for e in year9.experts] == [("b2", 4), ("a2", 3), ("c2", 1.5)]
    assert find_expertise(graphs, "maths", school="B").phase == "secondary"
    assert find_expertise(graphs, "maths").phase is None  # nobody asking: every phase counts fully


@pytest.mark.parametrize(("typed", "concepts", "phase", "corrected"), [
    ("P.E.", {"pe"}, None, ()),
    ("Phonics catch-up", {"phonics"}, None, ()),
    ("assessment data", {"data"}, None, ()),  # the longest phrase first, not curriculum's "assessment"
    ("Year 5 fractions", {"maths"}, "primary", ()),
    ("mathematic", {"maths"}, None, ()),
    ("sciences", {"science"}, None, ()),
    ("mathmatics", {"maths"}, None, (("mathmatics", "maths"),)),
    ("special needs in KS2", {"send"}, "primary", ()),
    ("D&T", {"design-technology"}, None, ()),
    ("behavior", {"pastoral"}, None, ()),
])
def test_requests_are_read_as_people_type_them(typed: str, concepts: set, phase: str | None,
                                               corrected: tuple) -> None:
    reading = read_topic(typed, vocabulary())
    assert (set(reading.concepts), reading.phase, reading.corrected) == (concepts, phase, corrected)


def test_group_names_and_subjects_mean_their_words() -> None:
    vocab = vocabulary()
    assert read_topic("RE community", vocab, label=True).concepts == {"re"}
    assert read_topic("Careers network", vocab, label=True).concepts == {"career"}  # not RE
    assert read_topic("Headteachers' network", vocab, label=True).concepts == {"headship"}
    assert read_topic("primary", vocab, label=True).concepts == {"primary"}  # the generalists' subject


def test_a_trust_extends_the_vocabulary(graphs) -> None:  # noqa: ANN001
    assert find_expertise(graphs, "sums").experts == []
    sums = find_expertise(graphs, "sums", extra_synonyms=[("sums", "maths"), ("", "maths")])
    assert [e.staff_id for e in sums.experts] == ["a2", "b2", "c2"] and sums.topics == ("maths",)
    assert "sums" in sums.terms


def test_nobody_says_what_was_searched_and_suggests_what_exists(graphs) -> None:  # noqa: ANN001
    search = find_expertise(graphs, "mathmatical modelling")
    assert search.experts and search.corrected == (("mathmatical", "maths"),)
    nothing = find_expertise(graphs, "astrophysics")
    assert nothing.experts == [] and nothing.searched() == "astrophysics"
    # nothing close to it: the topics with evidence, most people first
    assert nothing.suggestions == [("headship", 3), ("maths", 3), ("nobody", 3), ("uses", 3)]
    assert find_expertise(graphs, "mats").suggestions[0] == ("maths", 3)  # a short slip: did you mean maths?
    assert find_expertise(graphs, "maths").suggestions == []


def test_evidence_fades_with_age_and_equal_scores_go_to_who_is_nearest(tmp_path: Path) -> None:
    """x1 was named for history by two colleagues a year ago (2 x 0.5 = 1) and left the history network a year
    ago (2 x 0.5 = 1); x2 teaches history (2) and so does "Aaron" (x3). All three score 2: x2 is one step from
    the asker s1, x3 two and x1 four, so that is the order, although "Aaron" comes first by name; asked by
    nobody, the two with two colleagues come before x2 with one (and between equals, the staff id decides)."""
    graphs = _trust(tmp_path / "t", {
        "schools": "school_id,name,phase,joined_on\nA,Ash,primary,2015-09-01\nB,Birch,primary,2015-09-01\n",
        "staff": "staff_id,school_id,role,name,subjects\ns1,A,teacher,Asker,\nx1,A,teacher,Zoe Named,\n"
                 "x2,A,teacher,Zed Near,history\nx3,B,teacher,Aaron Far,history\nm1,B,teacher,Middle,\n"
                 "p1,A,teacher,Pal,\np2,B,teacher,Pal2,\n",
        "groups": "group_id,name,kind,subject,phase\nHIST,History network,subject-community,history,\n",
        "memberships": "staff_id,group_id,role,joined_on,left_on\nx1,HIST,member,2020-01-01,2025-07-01\n",
        "collaborations": "source_staff_id,target_staff_id,kind,observed_on,topic\n"
                          "s1,x2,co-planning,2026-06-01,\ns1,m1,co-planning,2026-06-01,\n"
                          "m1,x3,co-planning,2026-06-01,\np1,x1,expertise,2025-07-01,History\n"
                          "p2,x1,advice,2025-07-01,history\nx3,p2,co-planning,2026-06-01,\n",
    })
    assert HALF_LIFE_DAYS == 365
    found = find_expertise(graphs, "history", start="s1").experts
    assert [(e.staff_id, e.score, e.steps) for e in found] == [("x2", 2.0, 1), ("x3", 2.0, 2), ("x1", 2.0, 4)]
    x1 = found[2]
    assert x1.evidence == ("was a member of History network (left 2025-07-01)",
                           "named by 2 colleagues for it (latest 2025-07-01)")
    assert [e.staff_id for e in find_expertise(graphs, "history").experts] == ["x1", "x3", "x2"]


def test_every_topic_with_evidence_in_the_sample_is_found_as_people_type_it(sample_graphs: TrustGraphs) -> None:
    """The spellings a trust types (tests/data/expertise_spellings.csv: 93, from mathematic and P.E. to D&T)
    each find people, read as the topic they mean; and every topic with evidence in the sample is among them."""
    with SPELLINGS.open(encoding="utf-8") as handle:
        spellings = list(csv.DictReader(handle))
    assert len(spellings) >= 60
    missed = []
    for row in spellings:
        search = find_expertise(sample_graphs, row["spelling"], limit=3)
        if not search.experts or row["topic"] not in search.topics:
            missed.append((row["spelling"], search.topics))
    assert missed == []
    assert set(evidence_topics(sample_graphs)) <= {r["topic"] for r in spellings}


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
    assert lines[0].startswith("Searched for maths (also: math, mathematics, ") and lines[0].endswith(
        "; primary evidence preferred.")
    assert lines[1] == " 1. Maths teacher A (Ash Primary), score 6: leads Maths community; subject: maths"
    assert lines[2] == "    introduction: Head of A > Maths teacher A"
    assert (tmp_path / "experts.csv").read_text().splitlines()[0] == (
        "staff_id,name,school,score,evidence,times_named,introduction")
    nobody = run(main, ["find-expertise", "astronomy"])
    assert nobody.exit_code == 0 and nobody.stdout.splitlines() == [
        "Searched for astronomy.",
        "Nobody in the snapshot of 2026-07-01 shows evidence of 'astronomy'. Topics with evidence nearest to it: "
        "headship (3 people), maths (3 people), nobody (3 people), uses (3 people)."]
    synonyms.write_text("term,means\nsums,maths\nfractions,\n")
    bad = run(main, ["find-expertise", "sums", "--synonyms", str(synonyms)])
    said = " ".join(bad.output.split())
    assert bad.exit_code == 2 and (f"{synonyms}, row 3, column means: empty; write the word people type in term "
                                   "and the topic it means in means, or delete the row.") in said
    unknown = run(main, ["find-expertise", "maths", "--from", "zz"])
    assert unknown.exit_code == 1 and "has the id or name 'zz'" in unknown.output
    by_name = run(main, ["find-expertise", "maths", "--from", "head of a", "--school", "damson"])
    assert by_name.exit_code == 0 and "introduction: Head of A > Maths teacher A" in by_name.output


def test_the_expertise_page_names_experts_within_the_users_scope(tmp_path: Path) -> None:
    """hr sees a2 first with the chain from Head of A; the ceo is refused. (A network lead sees no one outside
    their scope, not even inside a chain: tests/test_access.py.)"""
    from tests.web_helpers import login, make_app

    app = make_app(tmp_path / "web", planted_dataset())
    hr, ceo = app.test_client(), app.test_client()
    login(hr, "hr")
    login(ceo, "ceo", purpose=None)
    page = hr.get("/expertise/?topic=Mathematics&from=Head of A").get_data(as_text=True)
    rows = page[page.index("<tbody>"):]
    # b2 (secondary, asked from a primary school: 2) and c2 (2) tie, both two steps away: b2 has more colleagues
    assert rows.index(">Maths teacher A<") < rows.index(">Head of maths B<") < rows.index(">Teacher C<")
    assert "<td>Head of A &gt; Maths teacher A</td>" in page and "; primary evidence preferred." in page
    nobody = hr.get("/expertise/?topic=astronmy&from=a1").get_data(as_text=True)
    assert 'Nobody in post shows evidence of "astronmy" (searched for astronmy; primary evidence preferred).' in nobody
    assert ('Topics with evidence nearest to it: <a href="/expertise/?topic=headship&amp;school=&amp;from=a1">'
            "headship</a>") in nobody
    own = tmp_path / "vocabulary.csv"  # the trust's own words (NETMAP_VOCABULARY), read again when changed
    own.write_text("term,means\nsums,maths\n")
    app.config["NETMAP_SETTINGS"] = dataclasses.replace(app.config["NETMAP_SETTINGS"], vocabulary=own)
    assert ">Maths teacher A<" in hr.get("/expertise/?topic=sums").get_data(as_text=True)
    csv = hr.get("/expertise/?topic=maths&from=a1&format=csv").get_data(as_text=True).splitlines()
    assert csv[0] == "staff_id,name,school,score,evidence,times_named,steps,introduction"
    assert csv[1].startswith("a2,Maths teacher A,Ash Primary,6,leads Maths community; subject: maths,0,1,")
    assert ceo.get("/expertise/?topic=maths").status_code == 403


def test_the_trusts_vocabulary_file_is_checked(tmp_path: Path) -> None:
    from netmap.config import read_settings
    from netmap.errors import ConfigError, IngestError
    from netmap.ingest.vocabulary import read_vocabulary

    with pytest.raises(ConfigError, match="NETMAP_VOCABULARY: .*nowhere.csv is not a file"):
        read_settings({"NETMAP_VOCABULARY": str(tmp_path / "nowhere.csv")})
    bad = tmp_path / "words.csv"
    bad.write_text("word,topic\nsums,maths\n")
    with pytest.raises(IngestError, match=r"words.csv, row 1, column term: missing; the vocabulary needs the "
                                          r"columns term and means \(e.g. sums,maths\).") as caught:
        read_vocabulary(bad)
    assert (caught.value.row, caught.value.column) == (1, "term")
    bad.write_text("term,means\n  Sums , maths\n")
    assert read_vocabulary(bad) == [("Sums", "maths")]
