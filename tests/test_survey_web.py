"""The respondent's form on the planted trust: opened by a personal link without an account, answered with names
from the roster, saved as a draft and submitted, showing only that person's answers; CSRF on the form, made-up
links refused and, from one address, throttled; names stay text."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import create_round, open_round
from tests.test_compare import PLANTED
from tests.test_survey import NOTICE
from tests.web_helpers import csrf_token, make_app

SPEC = RoundSpec("Summer 2026", "2026-07-01", (QUESTION_BANK["planning"], QUESTION_BANK["send"]), max_names=3,
                 opens_on="2026-07-02", closes_on="2099-07-20", privacy_notice=NOTICE)


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


def _post(client, token: str, **fields: str | list[str]):  # noqa: ANN001, ANN202
    return client.post(f"/survey/{token}", data={"csrf_token": csrf_token(client, f"/survey/{token}"), **fields})


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
    assert unknown.status_code == 422 and "is not on the list of staff" in unknown.get_data(as_text=True)
    no_csrf = client.post(f"/survey/{tokens['a1']}", data={"add-planning": "", "action": "submit"})
    assert no_csrf.status_code == 400


def test_made_up_links_are_refused_and_throttled(opened) -> None:  # noqa: ANN001
    app, tokens = opened
    client = app.test_client()
    for k in range(5):
        assert client.get(f"/survey/made-up-{k}").status_code == 404
    assert client.get(f"/survey/{tokens['a1']}").status_code == 429  # this address has guessed too often
    assert app.test_client().get(f"/survey/{tokens['a1']}",
                                 environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_the_next_round_offers_last_rounds_names_to_confirm(opened) -> None:  # noqa: ANN001
    """a1 named b1 for planning in a closed round; in the next round a1's form starts with b1 ticked (untick to
    remove), and b1's form, who submitted nothing, starts empty."""
    from netmap.survey.service import close_round

    app, tokens = opened
    client = app.test_client()
    _post(client, tokens["a1"], **{"add-planning": "<b>Head</b> of B (Beech Academy, headteacher)",
                                   "action": "submit"})
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        close_round(store, store.list_rounds()[0].round_id)
        later = dict(open_round(store, create_round(store, SPEC)))
    page = client.get(f"/survey/{later['a1']}").get_data(as_text=True)
    assert "The names you gave in the last round are ticked below" in page and 'value="b1" checked' in page
    other = client.get(f"/survey/{later['b1']}").get_data(as_text=True)
    assert "in the last round" not in other and "checked" not in other
