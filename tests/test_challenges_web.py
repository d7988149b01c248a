"""The Challenges pages: posting, suggestions, invitation links, offers through them, recorded collaborations
and writing them into a new snapshot, on the planted trust."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.store import SQLiteStore
from tests.web_helpers import csrf_token, login

CLOSES = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    login(client, role)
    return client


def _post_challenge(client: FlaskClient, **change: object) -> object:
    form = {"title": "Maths mastery at Cedar", "topic": "Mathematics", "schools": ["C"], "closes_on": CLOSES,
            "description": "Year 5 fractions: who has cracked it?", "tie_kind": "joint-project"} | change
    return client.post("/challenges/", data={"csrf_token": csrf_token(client, "/challenges/"), **form})


def _invite(client: FlaskClient, who: str) -> str:
    """Invite `who` on challenge 1 and return the token of the link shown once."""
    response = client.post("/challenges/1/invite", data={"csrf_token": csrf_token(client, "/challenges/1"),
                                                         "staff_id": who}, follow_redirects=True)
    match = re.search(r"/challenge/([A-Za-z0-9_\-]+)", response.get_data(as_text=True))
    assert match, "no invitation link shown"
    return match.group(1)


def test_post_see_suggestions_invite_offer_record_and_publish(app: Flask) -> None:
    hr = _client(app, "hr")
    posted = _post_challenge(hr)
    assert posted.status_code == 302 and posted.location.endswith("/challenges/1")
    page = hr.get("/challenges/1").get_data(as_text=True)
    # the experts elsewhere, best first, with who can bring them in from Cedar
    experts = page[page.index('<table class="data experts">'):page.index("Connectors who can bring them in")]
    assert experts.index("Maths teacher A") < experts.index("Head of maths B")
    assert "Head of C &gt; Head of A" in experts and "leads Maths community" in experts
    assert "Teacher C" not in experts  # works at Cedar itself
    connectors = page[page.index('<table class="data connectors">'):]
    assert connectors.index("Head of C") < connectors.index("Head of A")
    token = _invite(hr, "a2")
    # the invited person answers through the link, with no account
    visitor = app.test_client()
    form = visitor.get(f"/challenge/{token}").get_data(as_text=True)
    assert "Maths mastery at Cedar" in form and "Maths teacher A, you are invited" in form
    assert "Year 5 fractions" in form and "Cedar Primary" in form
    visitor.post(f"/challenge/{token}", data={"csrf_token": csrf_token(visitor, f"/challenge/{token}"),
                                              "answer": "offer", "message": "I ran our fractions <b>project</b>"})
    again = visitor.get(f"/challenge/{token}").get_data(as_text=True)
    assert "you offered to help" in again and "&lt;b&gt;project&lt;/b&gt;" in again  # escaped
    page = hr.get("/challenges/1").get_data(as_text=True)
    assert "offered to help" in page and "I ran our fractions &lt;b&gt;project&lt;/b&gt;" in page
    # the collaboration that followed
    recorded = hr.post("/challenges/1/ties", data={"csrf_token": csrf_token(hr, "/challenges/1"), "helper": "a2",
                                                   "with": "teacher c", "kind": "joint-project"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Recorded: Maths teacher A and Teacher C (joint-project)" in recorded
    assert "not yet in a snapshot" in recorded
    csv_rows = hr.get("/challenges/1?format=csv&table=ties").get_data(as_text=True).splitlines()
    assert csv_rows[0] == "source_staff_id,target_staff_id,kind,observed_on,topic,in_snapshot"
    assert csv_rows[1].startswith("a2,c2,joint-project,")
    # a load dated today is already stored: writing the tie must not replace it
    today = dt.datetime.now(dt.UTC).date().isoformat()
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        loaded = store.write_snapshot(store.read_dataset("2026-07-01"), today, source="today's files").snapshot
    # an admin writes it into a new snapshot of its own: the soft wiring now has the tie
    admin = _client(app, "admin")
    done = admin.post("/challenges/publish", data={"csrf_token": csrf_token(admin, "/challenges/")},
                      follow_redirects=True).get_data(as_text=True)
    assert f"Wrote 1 recorded collaboration(s) into snapshot {today}-2, dated {today} (created)" in done
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        ties = store.read_dataset(f"{today}-2").collaborations
        assert store.snapshot(today) == loaded  # the load of the same day, untouched
    added = ties[(ties["source_staff_id"] == "a2") & (ties["target_staff_id"] == "c2")]
    assert list(added["kind"]) == ["joint-project"] and list(added["topic"]) == ["Mathematics"]
    assert f"in the snapshot of {today}-2" in hr.get("/challenges/1?snapshot=2026-07-01").get_data(as_text=True)
    nothing = admin.post("/challenges/publish", data={"csrf_token": csrf_token(admin, "/challenges/")},
                         follow_redirects=True).get_data(as_text=True)
    assert "No recorded collaboration is waiting to be written." in nothing


@pytest.mark.parametrize(("change", "message"), [
    ({"schools": []}, "Schools: choose at least one school concerned."),
    ({"closes_on": "2020-01-01"}, "Closing date: 2020-01-01 has passed"),
    ({"title": ""}, "Title: give the challenge a title"),
])
def test_a_bad_challenge_is_refused_and_the_form_kept(app: Flask, change: dict, message: str) -> None:
    hr = _client(app, "hr")
    html = _post_challenge(hr, **change).get_data(as_text=True)
    assert message in html and "Year 5 fractions" in html  # what was typed stays
    assert "No challenge yet." in html


def test_links_that_are_wrong_replaced_or_closed_open_nothing(app: Flask) -> None:
    hr = _client(app, "hr")
    _post_challenge(hr)
    first = _invite(hr, "Head of maths B")
    second = _invite(hr, "b2")  # invited again: the first link is withdrawn
    visitor = app.test_client()
    assert visitor.get(f"/challenge/{first}").status_code == 410
    assert visitor.get(f"/challenge/{second}").status_code == 200
    assert visitor.get("/challenge/made-up").status_code == 404
    for _ in range(30):
        visitor.get("/challenge/made-up")
    assert visitor.get("/challenge/made-up").status_code == 429  # too many guesses from this address ...
    assert visitor.get(f"/challenge/{second}").status_code == 200  # ... but a valid link still opens


def test_recording_needs_someone_who_offered(app: Flask) -> None:
    hr = _client(app, "hr")
    _post_challenge(hr)
    _invite(hr, "a2")  # invited, but has not answered
    html = hr.post("/challenges/1/ties", data={"csrf_token": csrf_token(hr, "/challenges/1"), "helper": "a2",
                                               "with": "c2", "kind": "joint-project"},
                   follow_redirects=True).get_data(as_text=True)
    assert "Choose someone who offered to help." in html and "None recorded yet." in html


def test_ceo_is_refused_and_hr_may_not_publish(app: Flask) -> None:
    assert _client(app, "ceo").get("/challenges/").status_code == 403
    hr = _client(app, "hr")
    assert hr.post("/challenges/publish", data={"csrf_token": csrf_token(hr, "/challenges/")}).status_code == 403


def test_a_network_lead_sees_only_people_in_scope_by_name(app: Flask) -> None:
    from tests.trusts import LEAD_SCOPE, names_in
    from webapp.accounts import Accounts

    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    lead = _client(app, "network-lead")
    _post_challenge(lead)
    page = lead.get("/challenges/1").get_data(as_text=True)
    assert names_in(page) <= LEAD_SCOPE and "Maths teacher A" in page
    # Cedar has fewer than 5 staff: a lead's pages are computed without it, so no chain runs through its staff
    # (which would give its hidden links away), and the page says why once (docs/suppression.md)
    assert "a colleague at Cedar Primary" not in page and "Figures for your role leave out 4 small schools" in page
    csv_text = lead.get("/challenges/1?format=csv&table=connectors").get_data(as_text=True)
    assert names_in(csv_text) <= LEAD_SCOPE


def test_what_happened_outside_a_leads_scope_is_counted_not_denied(app: Flask) -> None:
    """HR invites Teacher C (outside the maths lead's scope), who offers; HR records a collaboration of theirs.
    The lead's page used to say "Nobody invited yet" and "None recorded yet": it counts them, unnamed."""
    from tests.trusts import LEAD_SCOPE, names_in
    from webapp.accounts import Accounts

    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    hr = _client(app, "hr")
    _post_challenge(hr, schools=["A"])
    token = _invite(hr, "c2")
    visitor = app.test_client()
    visitor.post(f"/challenge/{token}", data={"csrf_token": csrf_token(visitor, f"/challenge/{token}"),
                                              "answer": "offer", "message": "Happy to"})
    hr.post("/challenges/1/ties", data={"csrf_token": csrf_token(hr, "/challenges/1"), "helper": "c2",
                                        "with": "a1", "kind": "joint-project"})
    page = _client(app, "network-lead").get("/challenges/1").get_data(as_text=True)
    assert "Nobody invited yet." not in page and "None recorded yet." not in page
    size = app.config["NETMAP_SETTINGS"].min_group_size
    assert size > 1  # one invitee and one collaboration: below it, so not counted exactly, and no offers told
    assert (f"Fewer than {size} colleagues outside your scope were invited; they are not named here, nor their "
            "answers.") in page
    assert f"Fewer than {size} collaborations with colleagues outside your scope, not named here." in page
    assert "offered to help)" not in page and "1 colleague" not in page and "1 collaboration" not in page
    assert names_in(page) <= LEAD_SCOPE
    mine = hr.get("/challenges/1").get_data(as_text=True)  # hr sees everyone: named, nothing counted apart
    assert "outside your scope" not in mine and "Teacher C" in mine


def test_the_poster_is_offered_key_players_to_seed_it_with_within_scope(app: Flask) -> None:
    """Maths at Cedar on the planted trust: the seeds are chosen among the maths experts (a2, b2, c2) and Cedar's
    staff (c1, c2); any three of them reach the same 5 others (a2, b2 and c1 among them: a1, a3, b1, b3 and c2,
    one at Cedar), and tests/test_challenges.py checks the choice where one set is best. A lead of the maths
    community sees only a2 and b2, so only they can be the seeds."""
    from webapp.accounts import Accounts

    hr = _client(app, "hr")
    _post_challenge(hr)
    page = hr.get("/challenges/1").get_data(as_text=True)
    seeds = page[page.index("<h2>Seed it with these people</h2>"):page.index("<h2>Invited")]
    assert ("these 3 together reach the most other colleagues within two steps: 5 of the 11 people in the soft "
            "wiring, 1 of them at the schools concerned (the best set)") in seeds
    assert seeds.index(">Maths teacher A<") < seeds.index(">Head of maths B<") < seeds.index(">Head of C<")
    assert "<td>at a school concerned</td><td>4</td>" in seeds and "<td>evidence of the topic</td><td>6</td>" in seeds
    csv_rows = hr.get("/challenges/1?format=csv&table=seeds").get_data(as_text=True).splitlines()
    assert csv_rows[0] == "staff_id,name,school,why,reaches"
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    lead = _client(app, "network-lead").get("/challenges/1").get_data(as_text=True)
    mine = lead[lead.index("<h2>Seed it with these people</h2>"):lead.index("<h2>Invited")]
    assert "the staff of the schools concerned you may see by name, these 2 together reach" in mine
    assert ">Maths teacher A<" in mine and ">Head of maths B<" in mine and "Head of C" not in mine


def test_counts_outside_a_scope_are_given_only_from_the_minimum_group_size() -> None:
    from webapp.challenges import _outside

    assert [_outside(n, 5, "colleague") for n in (0, 1, 4, 5, 12)] == [
        "", "fewer than 5 colleagues", "fewer than 5 colleagues", "5 colleagues", "12 colleagues"]
