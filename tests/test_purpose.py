"""A stated purpose wherever named data leaves (webapp.purpose, enforced by webapp.gate from webapp.policy): the
survey round forms that hand over personal links (open, reissue, remind) carry their own purpose at each
submission, are refused without one with nothing made or sent, and are audited with it; the staff map's name
suggestions (JSON) answer only once the session has stated a purpose, and are audited with it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask

from netmap.store import SQLiteStore
from netmap.survey.service import create_round, find_round, link_of, open_round
from tests.trusts import SUMMER_ROUND, planted_dataset
from tests.web_helpers import DEFAULT_PURPOSE, csrf_token, login, make_app
from webapp.accounts import Accounts
from webapp.policy import IN_FORM, ROUTES
from webapp.purpose import JSON_REFUSAL, PURPOSES

FORMS = {"open": "rounds.open_", "links": "rounds.reissue", "remind": "rounds.remind_"}
OTHER = "Other (say which below)"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, planted_dataset())


def _trail(app: Flask, user: str) -> list[tuple[str, str, str]]:
    """The user's audit entries, newest first: (action, subject, purpose)."""
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [(r[2], r[3], r[4]) for r in accounts.audit.records(user=user)]


def _round(app: Flask, *, opened: bool) -> tuple[str, str]:
    """A round of the planted trust run by the admins, opened or a draft; with a1's link when opened."""
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        round_id = create_round(store, SUMMER_ROUND)
        return round_id, dict(open_round(store, round_id)).get("a1", "") if opened else ""


def test_the_policy_declares_the_link_forms_person_level_with_their_own_purpose() -> None:
    for endpoint in FORMS.values():
        rule = ROUTES[endpoint]
        assert rule.purpose == IN_FORM and rule.audited and rule.is_named({}) and rule.asks_in_form({}), endpoint
    assert str(IN_FORM[0]) == "always, in the form"


@pytest.mark.parametrize("action", list(FORMS))
def test_a_link_form_without_a_purpose_is_refused_and_changes_nothing(app: Flask, action: str) -> None:
    """Even with a purpose stated in the session (login states one), the form must carry its own."""
    round_id, token = _round(app, opened=action != "open")
    admin = app.test_client()
    login(admin, "admin")
    page = f"/surveys/{round_id}"
    token_of_form = csrf_token(admin, page)  # viewing the page is audited; posting the form must add nothing
    before = _trail(app, "admin")
    for fields, fix in (({}, "Choose why you need named staff data from the Purpose list"),
                        ({"purpose": "Curiosity"}, "Choose why you need named staff data from the Purpose list"),
                        ({"purpose": OTHER, "purpose_detail": "  "}, "Say what the other purpose is.")):
        refused = admin.post(f"{page}/{action}", data={"csrf_token": token_of_form, "format": "csv", **fields})
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400 and refused.mimetype == "text/html", refused.status_code
        assert "Nothing was made or sent: this form hands over named staff data, so it needs a purpose." in text
        assert fix in text and "a1" not in re.sub(r'(value|content)="[^"]*"', "", text)  # a random token may hold "a1"
    assert _trail(app, "admin") == before  # nothing handed over, so nothing to audit
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert find_round(store, round_id).status == ("draft" if action == "open" else "open")
        if token:
            link_of(store, token)  # a1's link still works: nothing was reissued


@pytest.mark.parametrize("action", list(FORMS))
def test_a_link_form_with_a_purpose_hands_the_links_over_and_audits_that_purpose(app: Flask, action: str) -> None:
    round_id, _token = _round(app, opened=action != "open")
    admin = app.test_client()
    login(admin, "admin")  # the session's purpose is DEFAULT_PURPOSE; the form's own is what is audited
    page = f"/surveys/{round_id}"
    token_of_form = csrf_token(admin, page)
    before = len(_trail(app, "admin"))
    done = admin.post(f"{page}/{action}", data={"csrf_token": token_of_form, "format": "csv", "purpose": OTHER,
                                                "purpose_detail": "summer survey"})
    assert done.status_code == 200 and done.mimetype == "text/csv", done.get_data(as_text=True)
    handed = {row["staff_id"] for row in csv.DictReader(io.StringIO(done.get_data(as_text=True)))}
    assert len(handed) == 11
    made = _trail(app, "admin")[:len(_trail(app, "admin")) - before]
    assert made and {purpose for _a, _s, purpose in made} == {f"{OTHER}: summer survey"}
    assert any(action == "download" and subject.startswith(f"survey round {round_id}: ") and "11 staff: a1, a2" in
               subject for action, subject, _p in made), made


def test_the_round_page_labels_the_purpose_of_each_link_form(app: Flask) -> None:
    round_id, _token = _round(app, opened=True)
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/surveys/{round_id}").get_data(as_text=True)
    for form in ("remind", "reissue"):
        assert (f'<label for="{form}-purpose">Purpose: why you need these named links now</label>\n  '
                f'<select id="{form}-purpose" name="purpose" required>') in page
    assert page.count('<option>Planning a secondment</option>') == 2
    assert all(page.count(f"<option>{purpose}</option>".replace("'", "&#39;")) == 2 for purpose in PURPOSES)


def test_name_suggestions_need_a_stated_purpose_and_are_audited(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr", purpose=None)
    refused = client.get("/map/people?q=head")
    assert refused.status_code == 403 and refused.get_json() == {"error": JSON_REFUSAL}
    assert not [e for e in _trail(app, "hr") if e[0] == "search"]
    stated = client.post("/purpose/", data={"purpose": DEFAULT_PURPOSE, "detail": "",
                                            "csrf_token": csrf_token(client, "/purpose/")})
    assert stated.status_code == 302
    answered = client.get("/map/people?q=head")
    assert answered.status_code == 200
    ids = [p["id"] for p in answered.get_json()]
    assert ids == ["a1", "b1", "c1", "d1", "b2"]  # the heads of A to D, then the head of maths
    assert _trail(app, "hr")[0] == ("search", f"the staff map's name suggestions: {len(ids)} staff: "
                                              f"{', '.join(ids)}", DEFAULT_PURPOSE)
