"""Survey rounds in the web app on the planted trust: an admin creates a round, a draft will not open without a
notice, opening hands over the links once (CSV and printable sheet), the links open their forms, rates update as
people answer, the list of who has not answered is the admin's alone, and closing writes the snapshot."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from netmap.store import SQLiteStore
from tests.trusts import NOTICE, planted_dataset
from tests.web_helpers import DEFAULT_PURPOSE, csrf_token, login, make_app
from webapp.accounts import Accounts
from webapp.auth import audit_people

FIELDS = {"title": "Summer 2026", "base": "2026-07-01", "questions": ["planning", "send"], "max_names": "3",
          "opens": "2026-07-02", "closes": "2099-07-20", "custom_kind": "advice"}


def _create(client, **fields: object) -> str:  # noqa: ANN001
    response = client.post("/surveys/", data={**FIELDS, **fields, "csrf_token": csrf_token(client, "/surveys/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_an_admin_runs_a_round_from_creation_to_snapshot(tmp_path: Path) -> None:
    app = make_app(tmp_path / "web", planted_dataset())
    admin, lead, ceo = app.test_client(), app.test_client(), app.test_client()
    login(admin, "admin")
    login(lead, "network-lead")
    login(ceo, "ceo", purpose=None)
    assert ceo.get("/surveys/").status_code == 403 and "Surveys</a>" not in ceo.get("/").get_data(as_text=True)
    forged = admin.post("/surveys/", data=FIELDS)  # no CSRF token: refused, nothing created
    assert forged.status_code == 400
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert store.list_rounds() == []
    bare = _create(admin)  # no notice yet: a draft, refused on opening
    refused = admin.post(f"/surveys/{bare}/open", data={"csrf_token": csrf_token(admin, f"/surveys/{bare}"),
                                                         "purpose": DEFAULT_PURPOSE},
                         follow_redirects=True)
    assert "cannot open without a privacy notice" in refused.get_data(as_text=True)
    round_id = _create(admin, notice=NOTICE, custom_key="phonics", custom_text="Whose advice on phonics?")
    page = admin.get(f"/surveys/{round_id}").get_data(as_text=True)
    assert "Whose advice on phonics? <span class=\"base\">(records: advice)</span>" in page
    opened = admin.post(f"/surveys/{round_id}/open", data={"csrf_token": csrf_token(admin, f"/surveys/{round_id}"),
                                                            "format": "csv", "purpose": DEFAULT_PURPOSE})
    assert opened.mimetype == "text/csv"
    links = {row["staff_id"]: row["link"] for row in csv.DictReader(io.StringIO(opened.get_data(as_text=True)))}
    assert len(links) == 11 and links["a1"].startswith("http://127.0.0.1:5000/survey/")
    token = links["a1"].rsplit("/", 1)[1]
    twice = admin.post(f"/surveys/{round_id}/open", data={"csrf_token": csrf_token(admin, f"/surveys/{round_id}"),
                                                           "format": "csv", "purpose": DEFAULT_PURPOSE},
                       follow_redirects=True)
    said = twice.get_data(as_text=True)  # a second click on Open: no links, and a way that exists
    assert twice.mimetype == "text/html" and f"Round {round_id} is already open: its links were handed over" in said
    assert "--reissue" not in said and "remind those who have not answered" in said
    respondent = app.test_client()
    form = respondent.get(f"/survey/{token}")
    assert form.status_code == 200
    respondent.post(f"/survey/{token}", data={"version": "0",  # the form's version: nothing saved yet
                                              "add-planning": "Head of B (Beech Academy, headteacher)",
                                              "action": "submit"})
    rates = admin.get(f"/surveys/{round_id}").get_data(as_text=True)
    assert "<td>trust</td><td>whole trust</td><td>11</td><td>1</td><td>9 %</td><td>interpret with caution</td>" \
        in rates
    assert "10 people have not answered" in rates
    assert "10 people have not submitted their answers. Each gets an additional personal link: the link they " \
        "already hold keeps working" in rates
    lead_page = lead.get(f"/surveys/{round_id}").get_data(as_text=True)
    assert "Ash Primary" not in lead_page  # a small school: its staff count in none of a lead's rows
    assert "have not answered" not in lead_page
    assert lead.get(f"/surveys/{round_id}?table=waiting&format=csv").status_code == 403
    waiting = admin.get(f"/surveys/{round_id}?table=waiting&format=csv").get_data(as_text=True)
    assert "a1" not in waiting and "b1" in waiting
    sheet = admin.post(f"/surveys/{round_id}/links", data={"csrf_token": csrf_token(admin, f"/surveys/{round_id}"),
                                                           "staff": "b1\n", "format": "sheet",
                                                           "purpose": DEFAULT_PURPOSE})
    text = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and text.count('class="slip"') == 1 and "Head of B" in text
    closed = admin.post(f"/surveys/{round_id}/close", data={"csrf_token": csrf_token(admin, f"/surveys/{round_id}")},
                        follow_redirects=True)
    assert "Round closed: snapshot 2099-07-20 written (created)" in closed.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01", "2099-07-20"]
        # closing carries the base snapshot's ties forward (PLANTED's 11, undated: loaded ties) and adds the
        # round's answers (a1 named Head of B, b1): 11 + 1
        written = store.read_dataset("2099-07-20").collaborations
        assert len(written) == 12
        added = written.dropna(subset=["observed_on"])
        assert list(zip(added["source_staff_id"], added["target_staff_id"], strict=True)) == [("a1", "b1")]
    # the round is over: the form is gone; the link a1 submitted through shows their network profile instead
    # (netmap.survey.profile); b1's link, which submitted nothing, says the round has closed
    after = respondent.get(f"/survey/{token}")
    assert after.status_code == 200 and "<h1>Your network</h1>" in after.get_data(as_text=True)
    assert app.test_client().get(f"/survey/{links['b1'].rsplit('/', 1)[1]}").status_code == 410
    for action in ("close", "reopen", "open", "links"):  # every form of the page needs its CSRF token
        assert admin.post(f"/surveys/{round_id}/{action}", data={"format": "csv"}).status_code == 400
    reopened = admin.post(f"/surveys/{round_id}/reopen",
                          data={"csrf_token": csrf_token(admin, f"/surveys/{round_id}")}, follow_redirects=True)
    assert "Round open again" in reopened.get_data(as_text=True)


def test_a_long_list_of_whose_links_is_audited_in_full(tmp_path: Path) -> None:
    """Whose links a reminder or a reissue handed over is kept id by id, across as many entries as the ids need
    (an entry's subject keeps 500 characters)."""
    people = [f"S{i:05d}" for i in range(400)]
    audit_people("survey", "issued reminders of round r1", people, user="lead", purpose="", users_db=tmp_path / "u.db")
    with Accounts(tmp_path / "u.db") as accounts:
        subjects = [r[3] for r in accounts.audit.records(user="lead")]
    assert len(subjects) > 1 and all(len(s) <= 500 for s in subjects)
    assert all(s.startswith("issued reminders of round r1: 400 staff (part ") for s in subjects)
    kept = [p for s in subjects for p in s.split("): ", 1)[1].split(", ")]
    assert sorted(kept) == people


def _rates_seen(tmp_path: Path, answered_at_cedar: int) -> dict[str, str]:
    """The response-rate CSV of a lead's round over Ash, Beech and Cedar (Cedar has fewer than 5 staff) as admin
    and the lead see it, after `answered_at_cedar` of Cedar's staff submitted."""
    import dataclasses

    from netmap.survey.service import answer, create_round, open_round
    from tests.trusts import SUMMER_ROUND

    app = make_app(tmp_path, planted_dataset())
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        round_id = create_round(store, dataclasses.replace(SUMMER_ROUND, owner="network-lead", schools=("A", "B", "C")))
        links = dict(open_round(store, round_id))
        for person in sorted(p for p in links if p.startswith("c"))[:answered_at_cedar]:
            answer(store, links[person], [], submit=True, version=0)
    seen = {}
    for role in ("admin", "network-lead"):
        client = app.test_client()
        login(client, role)
        response = client.get(f"/surveys/{round_id}?format=csv")
        assert response.status_code == 200
        seen[role] = response.get_data(as_text=True)
    return seen


def test_a_hidden_schools_answers_move_no_figure_a_lead_sees(tmp_path: Path) -> None:
    """Whether a Cedar colleague answered changes the admin's rates (the control) and none of the lead's: Cedar's
    staff count in no row of theirs, not even the whole trust's, so no subtraction finds them."""
    nobody, one = _rates_seen(tmp_path / "0", 0), _rates_seen(tmp_path / "1", 1)
    assert nobody["admin"] != one["admin"]
    assert nobody["network-lead"] == one["network-lead"] and "Cedar" not in one["network-lead"]
