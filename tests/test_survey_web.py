"""The respondent's form on the planted trust, over HTTP: opened by a personal link without an account, answered
with names from the roster, saved as a draft and submitted, showing only what that link saved; a page older than
the answers kept is refused with what was typed kept; a draft (autosave, "Save as a draft", Enter) never
withdraws a submission; a form open for hours submits (the link, not a session token, authenticates it); a
closed round's link says so; made-up links refused and throttled without ever refusing a valid one; printed codes
typed on the code page; the type-ahead bounded per link; names stay text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from netmap.survey.links import Link, digest
from netmap.survey.roster import SHOWN
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import create_round, open_round
from tests.trusts import PLANTED, SUMMER_ROUND
from tests.web_helpers import csrf_token, make_app
from webapp.accounts.survey_guard import MISSES_PER_ADDRESS

HOSTILE_B = "<b>Head</b> of B (Beech Academy, headteacher)"  # b1's label, after the fixture's renaming
SPEC = SUMMER_ROUND


@pytest.fixture
def opened(tmp_path: Path) -> tuple[Flask, dict[str, str]]:
    folder = tmp_path / "trust"
    import shutil

    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    staff.write_text(staff.read_text().replace("Head of B", "<b>Head</b> of B"))
    app = make_app(tmp_path / "web", read_trust(folder)[0])
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        tokens = dict(open_round(store, create_round(store, SPEC)))
    return app, tokens


def _version(client, token: str) -> str:  # noqa: ANN001
    """The version the form's page quotes, as a browser holds it."""
    match = re.search(r'name="version" value="(\d+)"', client.get(f"/survey/{token}").get_data(as_text=True))
    assert match, "the form quotes no version"
    return match.group(1)


def _post(client, token: str, **fields: str | list[str]):  # noqa: ANN001, ANN202
    """Post the form as a page loaded just now would (no session CSRF token: the link is the key)."""
    return client.post(f"/survey/{token}", data={"version": _version(client, token), **fields})


def test_a_link_opens_its_own_form_and_keeps_its_answers(opened) -> None:  # noqa: ANN001
    app, tokens = opened
    client = app.test_client()  # no account: the link is the key
    page = client.get(f"/survey/{tokens['a1']}").get_data(as_text=True)
    assert "For <strong>Head of A</strong> (Ash Primary)" in page and "Retention: answers are kept" in page
    assert "Who do you plan lessons" in page and "Who would you ask for advice about SEND?" in page
    suggestions = client.get(f"/survey/{tokens['a1']}/people?q=head").get_json()
    assert "&lt;b&gt;Head&lt;/b&gt; of B (Beech Academy, headteacher)" not in suggestions  # JSON keeps text as is
    assert "<b>Head</b> of B (Beech Academy, headteacher)" in suggestions
    assert not any(s.startswith("Head of A ") for s in suggestions)  # never oneself
    assert client.get(f"/survey/{tokens['a1']}/people?q=head&school=C").get_json() == [
        "Head of C (Cedar Primary, headteacher)"]
    draft = _post(client, tokens["a1"], **{"add-planning": ["<b>Head</b> of B (Beech Academy, headteacher)", ""],
                                           "action": "save"})
    assert draft.status_code == 302
    page = client.get(f"/survey/{tokens['a1']}").get_data(as_text=True)
    assert "Saved as a draft" in page and 'value="b1" checked' in page and "My network" not in page
    submitted = _post(client, tokens["a1"], **{"keep-planning": "b1",
                                               "add-send": "head of c (cedar primary, headteacher)",
                                               "action": "submit"})
    assert submitted.status_code == 302
    page = client.get(f"/survey/{tokens['a1']}").get_data(as_text=True)
    assert "your answers are submitted" in page and "My network" in page
    assert 'name="add-planning"' not in page and 'value="change"' in page  # no field left to press Enter in
    assert "&lt;b&gt;Head&lt;/b&gt; of B" in page and "<b>Head</b>" not in page  # a hostile name stays text
    other = app.test_client().get(f"/survey/{tokens['b1']}").get_data(as_text=True)
    assert "Head of C (Cedar" not in other and "My network" not in other  # nobody else's answers
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        answers, done = store.read_answers(store.list_rounds()[0].round_id)
    assert sorted((n.question, n.target) for n, _day in answers) == [("planning", "b1"), ("send", "c1")]
    assert list(done) == ["a1"]


def test_the_form_refuses_what_the_round_does_not_allow(opened) -> None:  # noqa: ANN001
    app, tokens = opened
    client = app.test_client()
    unknown = _post(client, tokens["a1"], **{"add-planning": "Somebody Else", "action": "submit"})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and "is not on the list of staff" in page
    assert 'value="Somebody Else"' in page  # what was typed is put back in its field
    no_version = client.post(f"/survey/{tokens['a1']}", data={"add-planning": "", "action": "submit"})
    assert no_version.status_code == 400 and "missing its version" in no_version.get_data(as_text=True)
    for crafted in ("²", "٣", "1" * 13, "-1", " 0"):  # digits to str.isdigit(), not to int(), or out of range
        sent = client.post(f"/survey/{tokens['a1']}", data={"version": crafted, "action": "submit"})
        assert sent.status_code == 400 and "missing its version" in sent.get_data(as_text=True), crafted
        quiet = client.post(f"/survey/{tokens['a1']}", data={"version": crafted, "autosave": "1"})
        assert quiet.status_code == 400 and "missing its version" in quiet.get_json()["error"], crafted


def _audited(app: Flask, action: str) -> list[str]:
    from webapp.accounts import Accounts

    with Accounts(app.config["NETMAP_USERS_DB"]) as kept:
        return [subject for _at, _user, done, subject in kept.audit.entries() if done == action]


def test_wrong_links_are_throttled_but_a_valid_link_always_opens(opened) -> None:  # noqa: ANN001
    """One colleague mistyping behind a school's one address must not lock out everyone else there."""
    app, tokens = opened
    client = app.test_client()
    for k in range(MISSES_PER_ADDRESS):
        assert client.get(f"/survey/made-up-{k}").status_code == 404
    refused = client.get("/survey/made-up-again")
    assert refused.status_code == 429 and "a correct link always opens" in refused.get_data(as_text=True)
    assert client.get(f"/survey/{tokens['a1']}").status_code == 200  # same address: the valid link opens
    assert client.get(f"/survey/{tokens['a1']}/people?q=head").status_code == 200
    assert app.test_client().get("/survey/made-up", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404
    assert _audited(app, "wrong survey links throttled") == [
        f"{MISSES_PER_ADDRESS} wrong survey links within 15 minutes from 127.0.0.1"]  # once, not per refusal


def test_codes_open_forms_however_typed_and_old_tokens_still_work(opened) -> None:  # noqa: ANN001
    app, tokens = opened
    client = app.test_client()
    code = tokens["a1"]
    assert len(code) == 64 and code.count("-") == 12
    page = client.get("/survey/")
    assert page.status_code == 200 and "Type the code printed on your letter" in page.get_data(as_text=True)
    typed = code.replace("-", " ").lower()
    sent = client.post("/survey/", data={"csrf_token": csrf_token(client, "/survey/"), "code": typed})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/survey/{code}")
    assert "For <strong>Head of A</strong>" in client.get(f"/survey/{code.replace('-', '').lower()}").get_data(
        as_text=True)
    old = "Old-Style_Token" + "x" * 28  # 43 characters of base64url, as issued before codes
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        link = store.find_link(digest(code))
        store.add_links([Link(link.round_id, "b1", digest(old), link.expires_at)])
    assert "For <strong>&lt;b&gt;Head&lt;/b&gt; of B</strong>" in client.get(f"/survey/{old}").get_data(as_text=True)
    assert client.get(f"/survey/{old.lower()}").status_code == 404  # an old token is read exactly as it was sent


def test_suggestions_are_few_and_each_link_has_a_budget(opened, monkeypatch) -> None:  # noqa: ANN001
    """At most SHOWN people a search; a burst limit and a total per link, audited once when it runs out; another
    link is unaffected."""
    from webapp.accounts import survey_guard

    app, tokens = opened
    client = app.test_client()
    assert len(client.get(f"/survey/{tokens['a1']}/people?q=te").get_json()) <= SHOWN
    assert client.get(f"/survey/{tokens['a1']}/people?q=h").get_json() == []  # one letter: nobody
    monkeypatch.setattr(survey_guard, "BURST_SEARCHES", 3)
    for _ in range(3):
        assert client.get(f"/survey/{tokens['b1']}/people?q=head").status_code == 200
    paused = client.get(f"/survey/{tokens['b1']}/people?q=head")
    assert paused.status_code == 429 and "paused for a few seconds" in paused.get_json()["message"]
    monkeypatch.setattr(survey_guard, "BURST_SEARCHES", 1000)
    monkeypatch.setattr(survey_guard, "SEARCHES_PER_NAME", 1)  # 2 questions of 3 names: 6 searches
    monkeypatch.setattr(survey_guard, "MIN_SEARCHES", 1)
    statuses = [client.get(f"/survey/{tokens['b1']}/people?q=head").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]  # 3 used before, 3 more: 6
    used_up = client.get(f"/survey/{tokens['b1']}/people?q=head").get_json()["message"]
    assert "used all its name searches" in used_up and "no more suggestions are offered" in used_up
    assert "Ask whoever runs the survey for a new link" in used_up
    assert [s.split(": ")[1] for s in _audited(app, "survey searches used up")] == [
        "the link of b1 reached 6 searches"]
    assert client.get(f"/survey/{tokens['c1']}/people?q=head").status_code == 200
    assert client.get(f"/survey/{tokens['b1']}").status_code == 200  # the form itself still opens


def test_the_next_round_does_not_show_last_rounds_answers(opened) -> None:  # noqa: ANN001
    """a1 named b1 in a closed round; the next round's link, which a round runner's file of links also holds,
    opens a blank form: nothing of before is shown. The closed round's link a1 submitted through shows a1's
    network profile (whom they named, as its form did); a link that submitted nothing says the round closed."""
    from netmap.survey.service import close_round

    app, tokens = opened
    client = app.test_client()
    _post(client, tokens["a1"], **{"add-planning": "<b>Head</b> of B (Beech Academy, headteacher)",
                                   "action": "submit"})
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        close_round(store, store.list_rounds()[0].round_id)
        later = dict(open_round(store, create_round(store, SPEC)))
    page = client.get(f"/survey/{later['a1']}").get_data(as_text=True)
    assert "Beech Academy, headteacher" not in page and "checked" not in page and "My network" not in page
    profile = client.get(f"/survey/{tokens['a1']}").get_data(as_text=True)
    assert "<h1>Your network</h1>" in profile and "&lt;b&gt;Head&lt;/b&gt; of B (Beech Academy" in profile
    closed = client.get(f"/survey/{tokens['b1']}")
    assert closed.status_code == 410 and "This survey round has closed" in closed.get_data(as_text=True)
    assert "withdrawn" not in closed.get_data(as_text=True)


def _submitted(app: Flask) -> tuple[list[tuple[str, str]], dict[str, str]]:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        answers, done = store.read_answers(store.list_rounds()[0].round_id)
    return sorted((n.question, n.target) for n, _day in answers), done


def test_an_older_tab_is_refused_and_keeps_what_was_typed(opened) -> None:  # noqa: ANN001
    """Two tabs open at version 0; the second submits. The first's autosave is refused in JSON (its page keeps
    its fields), its buttons get the page back with the refusal, a reload link and what was typed; nothing of it
    is kept, and the submission stands."""
    app, tokens = opened
    first, second = app.test_client(), app.test_client()
    url = f"/survey/{tokens['a1']}"
    assert _version(first, tokens["a1"]) == _version(second, tokens["a1"]) == "0"
    assert second.post(url, data={"version": "0", "add-planning": "Head of C (Cedar Primary, headteacher)",
                                  "action": "submit"}).status_code == 302
    late = {"version": "0", "add-planning": "<b>Head</b> of B (Beech Academy, headteacher)", "action": "save"}
    refused = first.post(url, data={**late, "autosave": "1"})
    assert refused.status_code == 409 and refused.get_json() == {"error": refused.get_json()["error"], "stale": True}
    assert "changed in another tab" in refused.get_json()["error"]
    for action in ("save", "submit"):
        page = first.post(url, data={**late, "action": action})
        text = page.get_data(as_text=True)
        assert page.status_code == 409 and "Reload the page" in text
        assert 'value="&lt;b&gt;Head&lt;/b&gt; of B (Beech Academy, headteacher)"' in text  # typed, kept, text
        assert 'name="version" value="0"' in text  # still stale: only a reload saves from here
    assert _submitted(app) == ([("planning", "c1")], {"a1": _submitted(app)[1]["a1"]})


def test_a_draft_never_withdraws_a_submission(opened) -> None:  # noqa: ANN001
    """After submitting: "Change my answers" (a draft from the submission), then the autosave, "Save as a
    draft" and Enter in a name field (which sends the form's first button, save) all leave the submission
    counting, until the changed answers are submitted."""
    app, tokens = opened
    client = app.test_client()
    url = f"/survey/{tokens['a1']}"
    _post(client, tokens["a1"], **{"add-planning": HOSTILE_B, "action": "submit"})
    submitted = _submitted(app)
    assert _post(client, tokens["a1"], action="change").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="b1" checked' in page and "the submitted answers count until you submit these" in page
    version = _version(client, tokens["a1"])
    saved = client.post(url, data={"version": version, "autosave": "1", "action": "save"})  # b1 unticked
    assert saved.status_code == 200 and saved.get_json() == {"version": int(version) + 1}
    _post(client, tokens["a1"], **{"add-planning": "Head of C (Cedar Primary, headteacher)", "action": "save"})
    _post(client, tokens["a1"], **{"add-send": "Head of C (Cedar Primary, headteacher)"})  # Enter: no button
    assert _submitted(app) == submitted
    _post(client, tokens["a1"], **{"keep-send": "c1", "action": "submit"})
    assert _submitted(app)[0] == [("send", "c1")]


def test_a_form_open_for_hours_submits_without_a_session(opened) -> None:  # noqa: ANN001
    """No cookie at all (a session long expired, a browser restarted): the link in the address is the form's
    authority, so the submission is taken."""
    app, tokens = opened
    html = app.test_client().get(f"/survey/{tokens['b1']}").get_data(as_text=True)
    assert "csrf_token" not in html
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    later = app.test_client()  # a new browser: no session cookie
    sent = later.post(f"/survey/{tokens['b1']}", data={"version": version, "action": "submit",
                                                        "add-planning": "Head of A (Ash Primary, headteacher)"})
    assert sent.status_code == 302 and _submitted(app) == ([("planning", "a1")], {"b1": _submitted(app)[1]["b1"]})


def test_a_reissued_link_shows_nothing_of_the_answers_before(opened) -> None:  # noqa: ANN001
    from netmap.survey.service import issue_links

    app, tokens = opened
    client = app.test_client()
    _post(client, tokens["a1"], **{"add-planning": HOSTILE_B, "action": "submit"})
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        new = dict(issue_links(store, store.list_rounds()[0].round_id, ["a1"]))["a1"]
    page = client.get(f"/survey/{new}").get_data(as_text=True)
    assert "Beech Academy, headteacher" not in page and "My network" not in page and "checked" not in page
    assert "are kept and counted" in page and "submitting through this link replaces them" in page


def test_a_closed_round_refuses_a_late_autosave_in_words(opened) -> None:  # noqa: ANN001
    from netmap.survey.service import close_round

    app, tokens = opened
    client = app.test_client()
    version = _version(client, tokens["c1"])
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        close_round(store, store.list_rounds()[0].round_id)
    late = client.post(f"/survey/{tokens['c1']}", data={"version": version, "autosave": "1", "action": "save"})
    assert late.status_code == 410 and "This survey round has closed" in late.get_json()["error"]


def test_a_link_after_the_closing_day_says_the_round_closed_not_to_ask_for_a_new_one(opened) -> None:  # noqa: ANN001
    """The closing day has passed but nobody has closed the round: no new link can be issued, so neither the form
    nor the autosave tells the respondent to ask for one."""
    import datetime as dt

    app, _tokens = opened
    past = RoundSpec(**{**SPEC.__dict__, "opens_on": "2020-07-02", "closes_on": "2020-07-20"})
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        token = dict(open_round(store, create_round(store, past), now=dt.datetime(2020, 7, 10, tzinfo=dt.UTC)))["a1"]
    client = app.test_client()
    page = client.get(f"/survey/{token}")
    assert page.status_code == 410 and "This survey closed on 2020-07-20" in page.get_data(as_text=True)
    assert "expired" not in page.get_data(as_text=True) and "for a new one" not in page.get_data(as_text=True)
    late = client.post(f"/survey/{token}", data={"version": "0", "autosave": "1", "action": "save"})
    assert late.status_code == 410 and late.get_json()["error"].startswith("This survey closed on 2020-07-20")


def test_a_reminder_link_shows_no_form_once_the_first_link_submitted(opened) -> None:  # noqa: ANN001
    """The reminder's link, once a1 submitted through the first: the page says to use the first link and offers
    no form, and a crafted post saves nothing (422 with the same words)."""
    from netmap.survey.service import issue_links

    app, tokens = opened
    client = app.test_client()
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        reminder = dict(issue_links(store, store.list_rounds()[0].round_id, ["a1"], keep_old=True))["a1"]
    assert 'name="add-planning"' in client.get(f"/survey/{reminder}").get_data(as_text=True)  # nothing yet
    _post(client, tokens["a1"], **{"add-planning": HOSTILE_B, "action": "submit"})
    page = client.get(f"/survey/{reminder}").get_data(as_text=True)
    assert "already submitted through the link sent to you earlier: use that link" in page
    assert "<form" not in page.split("</details>")[1] and "Beech Academy, headteacher" not in page
    sent = client.post(f"/survey/{reminder}", data={"version": "1", "action": "submit",
                                                    "add-planning": "Head of C (Cedar Primary, headteacher)"})
    assert sent.status_code == 422 and "already submitted through the link sent to you earlier; use that link" in (
        sent.get_data(as_text=True))
    quiet = client.post(f"/survey/{reminder}", data={"version": "1", "autosave": "1", "action": "save"})
    assert quiet.status_code == 422 and quiet.get_json()["stale"] is False
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        answers, _done = store.read_answers(store.list_rounds()[0].round_id)
    assert [(n.question, n.target) for n, _day in answers] == [("planning", "b1")]
