"""A survey round in Chromium, as a trust runs one: the admin creates and opens a round on the Surveys page, 30
staff answer through their personal links (type-ahead suggestions, some on a phone-sized screen, one by keyboard
alone), the response rates update, the admin closes the round, and the resulting snapshot, analysed by the app,
holds the respondents' ties and marks everyone else "no response". A hostile name in the roster stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.analysis import analyse
from netmap.graphs import build_graphs
from netmap.store import SQLiteStore
from tests.browser import AXE, XSS, _accessibility_problems, _log_in, _shot, serve_small_trust
from tests.trusts import NOTICE

pytestmark = pytest.mark.slow

RESPONDENTS = 30
PURPOSE_LABEL = "Purpose: why you need these named links now"  # the round forms that hand over links ask it
CLOSES = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # answers are dated today: within the tie window


@pytest.fixture(scope="module")
def survey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A small trust of its own (closing a round adds the latest snapshot, which the other browser tests must
    not see), with a member of staff whose name tries to inject HTML and some whose names are spelt many ways."""
    yield from serve_small_trust(tmp_path_factory, "survey", _names_to_find)


# Staff renamed in the survey trust: names a respondent may type otherwise than the roster spells them
FOUND_AS = {"Liam Williams": "williams liam", "Łukasz Wiśniewski": "lukasz wisn", "Siobhán O'Brien": "o’brien"}


def _names_to_find(folder: Path) -> None:
    """The hostile name, then the names of FOUND_AS given to the next people in post."""
    _hostile_name(folder)
    staff = folder / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    rows = [k for k, line in enumerate(lines[1:], 1) if line.split(",")[-1] == "" and XSS not in line][:len(FOUND_AS)]
    for row, name in zip(rows, FOUND_AS, strict=True):
        fields = lines[row].split(",")
        fields[3] = name
        lines[row] = ",".join(fields)
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _hostile_name(folder: Path) -> None:
    """Give someone in post a name that tries to inject HTML."""
    staff = folder / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    row = next(k for k, line in enumerate(lines[1:], 1) if line.split(",")[-1] == "")  # someone in post
    fields = lines[row].split(",")
    fields[3] = '"' + XSS + '"'
    lines[row] = ",".join(fields)
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_round_created_answered_by_30_through_their_links_and_closed(browser, survey_server) -> None:  # noqa: ANN001, F811
    server, db = survey_server
    admin = browser.new_context(viewport={"width": 1300, "height": 1000}, accept_downloads=True).new_page()
    _log_in(admin, server, "admin")
    admin.goto(f"{server}/surveys/")
    admin.fill("input[name=title]", "Summer 2026 collaboration survey")
    admin.check("input[name=questions][value=planning]")
    admin.check("input[name=questions][value=send]")
    admin.fill("input[name=opens]", "2026-07-02")
    admin.fill("input[name=closes]", CLOSES)
    admin.fill("textarea[name=notice]", NOTICE)
    admin.click("form.round-form button[type=submit]")
    admin.wait_for_url(re.compile(r"/surveys/[0-9a-f]{8}(#new)?$"))
    assert "Round created as a draft" in admin.content()
    round_page = admin.url.split("#")[0]
    _shot(admin, "survey-round-draft")
    purpose = admin.get_by_label(PURPOSE_LABEL)  # the select is labelled, and the form will not go without it
    assert purpose.evaluate("select => select.required") and not purpose.input_value()
    purpose.select_option("Checking the data's quality")
    with admin.expect_download() as download:
        admin.click("text=Open and hand over the links")
    links = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(links) >= 200 and all(r["link"].startswith("http://127.0.0.1:5000/survey/") for r in links)
    hostile = next(r for r in links if r["name"] == XSS)
    respondents = [r for r in links if r is not hostile][:RESPONDENTS]
    answered = {}
    for k, person in enumerate(respondents):
        phone = k % 3 == 0
        context = browser.new_context(viewport={"width": 390, "height": 844} if phone else
                                      {"width": 1300, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("dialog", lambda d, seen=problems: (seen.append(d.message), d.dismiss()))
        page.goto(server + "/survey/" + person["link"].rsplit("/", 1)[1])
        field = page.locator("input[name=add-planning]").first
        colleague = next(r for r in links if r["school"] == person["school"] and r is not person)
        if k == 1:  # keyboard alone: Tab to the first name field, type, submit with Enter on the button
            page.keyboard.press("Tab")
            while page.evaluate("() => document.activeElement.name") != "add-planning":
                page.keyboard.press("Tab")
        else:
            field.click()
        first_name = colleague["name"].split()[0]
        page.keyboard.type(first_name[:4], delay=30)
        options = page.locator("#" + str(field.get_attribute("aria-controls")) + " [role=option]")
        options.first.wait_for(timeout=5000)
        label = next(o for o in options.all_inner_texts() if o.startswith(first_name))
        if k == 1:  # chosen by the arrow keys and Enter
            _choose_by_keyboard(page, field, label)
        else:
            page.get_by_role("option", name=label, exact=True).click()
        assert field.input_value() == label
        if k == 2:  # names the colleague whose name is hostile: it must stay text on the page
            page.locator("input[name=add-send]").first.fill(hostile_label(page, server, person))
        if k == 1:
            page.locator("button[value=submit]").focus()
            page.keyboard.press("Enter")
        else:
            page.click("button[value=submit]")
        page.locator("p.flash").wait_for(timeout=10_000)
        assert "your answers are submitted" in page.locator("p.flash").inner_text()
        if k in (0, 2):
            _shot(page, f"survey-form-{'phone' if phone else 'desktop'}-{k}")
        assert problems == []  # no script ran: the hostile name stayed text
        answered[person["staff_id"]] = colleague["staff_id"]
        context.close()
        if k == 9:
            admin.goto(round_page)
            assert "whole trust" in admin.content() and "<td>10</td>" in admin.content()
    admin.goto(round_page)
    assert f"<td>{RESPONDENTS}</td>" in admin.content()
    _shot(admin, "survey-round-open")
    assert admin.get_by_label(PURPOSE_LABEL).count() == 2  # the reminder's form and the reissue's
    admin.select_option("#remind-purpose", "Other (say which below)")
    admin.locator("form:has(#remind-purpose)").get_by_label("Details (required for Other)").fill("chasing answers")
    with admin.expect_download() as download:
        admin.click(f"text=Remind {len(links) - RESPONDENTS} people")
    reminded = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(reminded) == len(links) - RESPONDENTS
    admin.goto(round_page)
    admin.click("button:has-text(\"Close the round\")")
    admin.locator("p.flash").wait_for(timeout=30_000)
    assert f"Round closed: snapshot {CLOSES} written" in admin.locator("p.flash").inner_text()
    _shot(admin, "survey-round-closed")
    with SQLiteStore(db) as store:
        dataset = store.read_dataset(CLOSES)
    staff = analyse(build_graphs(dataset, CLOSES)).staff.set_index("staff_id")
    ties = set(zip(dataset.collaborations["source_staff_id"], dataset.collaborations["target_staff_id"], strict=True))
    assert {(p, c) for p, c in answered.items()} <= ties and len(ties) >= RESPONDENTS
    assert (staff.loc[list(answered), "response"] == "responded").all()
    others = staff[~staff.index.isin(list(answered))]
    assert (others["response"] == "no response").all() and (others["ona_role"] != "isolate").all()


def hostile_label(page, server: str, person: dict) -> str:  # noqa: ANN001
    """The suggestion label of the colleague whose name is HTML, fetched as the form's script fetches it."""
    token = person["link"].rsplit("/", 1)[1]
    found = page.request.get(f"{server}/survey/{token}/people?q=img").json()
    return next(label for label in found if label.startswith(XSS))


def _draft_names(page, db: Path, round_id: str, token: str) -> list[str]:  # noqa: ANN001
    """The names in the draft saved through the link `token` once they name the person whose name is HTML (the
    autosave waits a moment after a change), or as they stand after ten seconds."""
    from netmap.survey.service import link_of

    for _ in range(40):
        with SQLiteStore(db) as store:
            respondent = link_of(store, token)[0].staff_id
            draft = store.read_sheet(round_id, respondent).draft or ()
            staff = store.read_dataset(store.list_snapshots()[0].as_of).staff.set_index("staff_id")
        names = [str(staff.loc[n.target, "name"]) for n in draft]
        if names == [XSS]:
            break
        page.wait_for_timeout(250)
    return names


def _choose_by_keyboard(page, field, label: str) -> None:  # noqa: ANN001
    """Arrow down the open suggestions to `label` (the field keeps the focus: the highlighted option is its
    aria-activedescendant), then Enter."""
    for _ in range(int(field.evaluate("f => document.getElementById(f.getAttribute('aria-controls'))"
                                      ".children.length"))):
        page.keyboard.press("ArrowDown")
        active = page.locator("#" + str(field.get_attribute("aria-activedescendant")))
        assert active.get_attribute("aria-selected") == "true"
        if active.inner_text() == label:
            break
    page.keyboard.press("Enter")


def _link(db: Path, title: str, avoid: set[str]) -> tuple[str, str]:
    """A new one-question round and the token of a fresh link in it, for someone not named in `avoid`."""
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round, open_round

        as_of = store.list_snapshots()[0].as_of
        staff = store.read_dataset(as_of).staff
        names = dict(zip(staff["staff_id"], staff["name"], strict=True))
        spec = RoundSpec(title, as_of, (QUESTION_BANK["planning"],), opens_on="2026-07-02",
                         closes_on=CLOSES, privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        return round_id, next(token for person, token in open_round(store, round_id) if names[person] not in avoid)


@pytest.mark.parametrize("screen", ["desktop, keyboard alone", "phone, by tap"])
def test_the_type_ahead_offers_whom_the_server_finds(browser, survey_server, screen: str) -> None:  # noqa: ANN001, F811
    """Names typed in another word order, without their accents, or with a curly apostrophe: the field offers
    every label the server found (a datalist would hide them, filtering again by the typed text), and the person
    is chosen by the arrow keys and Enter (which does not submit the form) or by a tap on a phone-sized screen,
    the list inside the screen. A name that is HTML is offered as text. Escape closes the list."""
    server, db = survey_server
    phone = screen.startswith("phone")
    round_id, token = _link(db, f"Type-ahead on {screen}", set(FOUND_AS) | {XSS})
    context = browser.new_context(viewport={"width": 390, "height": 844} if phone else {"width": 1300, "height": 900},
                                  has_touch=phone, is_mobile=phone)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/survey/{token}")
    field = page.locator("input[name=add-planning]").first
    listbox = page.locator("#" + str(field.get_attribute("aria-controls")))
    assert field.get_attribute("role") == "combobox" and field.get_attribute("aria-autocomplete") == "list"
    assert listbox.get_attribute("role") == "listbox" and field.get_attribute("aria-expanded") == "false"
    for name, typed in [*FOUND_AS.items(), (XSS, "img")]:
        found = page.request.get(f"{server}/survey/{token}/people", params={"q": typed}).json()
        label = next(f for f in found if f.startswith(name + " ("))
        field.fill("")
        if phone:
            field.tap()
        else:
            field.focus()
        page.keyboard.type(typed, delay=20)
        listbox.locator("[role=option]", has_text=label).wait_for(timeout=5000)
        assert field.get_attribute("aria-expanded") == "true"
        from playwright.sync_api import expect

        # all the server found, in its order, once the answer to the last letter typed is in (an earlier letter's
        # list may still be showing: on a busy machine the last answer can take a while)
        expect(listbox.locator("[role=option]")).to_have_text(found, timeout=10_000)
        if name == XSS:  # text, not markup: no element made from it, no script ran
            assert listbox.locator("img").count() == 0
            _shot(page, f"survey-type-ahead-{'phone' if phone else 'desktop'}-html-name")
        if phone:
            box = listbox.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            page.get_by_role("option", name=label, exact=True).tap()
        else:
            _choose_by_keyboard(page, field, label)
        assert field.input_value() == label and field.get_attribute("aria-expanded") == "false"
        assert page.locator("p.flash").count() == 0  # Enter chose the name; the form was not submitted
    assert _draft_names(page, db, round_id, token) == [XSS]  # a choice is a change: the draft saved the last one
    field.fill("")
    page.keyboard.type("al", delay=20)  # Alex, Ali...: a full list
    listbox.locator("[role=option]").nth(7).wait_for(timeout=5000)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    _shot(page, f"survey-type-ahead-{'phone' if phone else 'desktop'}")
    page.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert field.input_value() == "al"  # closing the list leaves what was typed
    page.click("text=Add another name")  # a new field, focused, with suggestions of its own
    added = page.locator("input[name=add-planning]").nth(3)
    assert added.evaluate("f => f === document.activeElement") and added.input_value() == ""
    own = page.locator("#" + str(added.get_attribute("aria-controls")))
    assert added.get_attribute("aria-controls") != field.get_attribute("aria-controls") and own.is_hidden()
    page.keyboard.type("williams liam", delay=20)
    own.locator("[role=option]", has_text="Liam Williams (").wait_for(timeout=5000)
    assert page.locator("[role=listbox]:visible").count() == 1  # its own list, not the copied field's
    assert dialogs == []
    context.close()


def test_a_full_name_typed_without_javascript_is_accepted(browser, survey_server) -> None:  # noqa: ANN001, F811
    """No script, so no suggestions: a colleague's label typed exactly is taken."""
    server, db = survey_server
    round_id, token = _link(db, "Without JavaScript", set())
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    label = page.request.get(f"{server}/survey/{token}/people", params={"q": "o'brien"}).json()[0]
    page.goto(f"{server}/survey/{token}")
    page.locator("input[name=add-planning]").first.fill(label)
    page.click("button[value=submit]")
    assert "your answers are submitted" in page.locator("p.flash").inner_text()
    assert label.split(" (")[0] in page.locator("main").inner_text()  # the submitted name, shown back
    with SQLiteStore(db) as store:
        from netmap.survey.service import link_of

        respondent = link_of(store, token)[0].staff_id
        staff = store.read_dataset(store.list_snapshots()[0].as_of).staff
        named = list(staff.loc[staff["name"] == label.split(" (")[0], "staff_id"])
        assert [n.target for n, _day in store.read_answers(round_id, respondent)[0]] == named
    context.close()


def test_the_survey_pages_have_no_serious_accessibility_problem(browser, survey_server) -> None:  # noqa: ANN001, F811
    from tests.conftest import skip_unless_required

    skip_unless_required(None if AXE.exists() else "axe-core is not installed: npm ci in tools/axe", "CI",
                         "the accessibility checks")
    server, db = survey_server
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    _log_in(page, server, "admin")
    page.goto(f"{server}/surveys/")
    problems = {"surveys": _accessibility_problems(page)}
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round, open_round

        spec = RoundSpec("Axe", store.list_snapshots()[0].as_of, (QUESTION_BANK["planning"],), ask_frequency=True,
                         opens_on="2026-07-02", closes_on="2098-07-20", privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        token = open_round(store, round_id)[0][1]
    page.goto(f"{server}/surveys/{round_id}")
    problems["round"] = _accessibility_problems(page)
    page.goto(f"{server}/survey/{token}")
    problems["form"] = _accessibility_problems(page)
    page.locator("input[name=add-planning]").first.focus()
    page.keyboard.type("al", delay=20)
    page.locator("[role=listbox] [role=option]").nth(1).wait_for(timeout=5000)
    page.keyboard.press("ArrowDown")  # a suggestion highlighted: the field's aria-activedescendant names it
    problems["form, suggestions open"] = _accessibility_problems(page)
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_a_draft_is_saved_as_the_respondent_goes(browser, survey_server) -> None:  # noqa: ANN001, F811
    """More name fields on request, up to the round's limit; a name chosen and left (no button pressed) is saved
    as a draft within seconds: the page says so, and coming back later the name is there, still a draft."""
    server, db = survey_server
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round, open_round

        spec = RoundSpec("Autosave", store.list_snapshots()[0].as_of, (QUESTION_BANK["planning"],),
                         opens_on="2026-07-02", closes_on=CLOSES, privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        staff_id, token = open_round(store, round_id)[0]
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.goto(f"{server}/survey/{token}")
    assert page.locator("input[name=add-planning]").count() == 3
    page.click("text=Add another name")  # ten names allowed: more fields on request
    assert page.locator("input[name=add-planning]").count() == 4
    assert page.evaluate("() => document.activeElement.name") == "add-planning"
    label = page.request.get(f"{server}/survey/{token}/people?q=al").json()[0]  # Alex, Ali...
    field = page.locator("input[name=add-planning]").first
    field.fill(label)
    field.press("Tab")  # leaving the field is a change
    page.locator("#autosave-status", has_text="Draft saved").wait_for(timeout=10_000)
    page.reload()
    assert page.locator("input[name=keep-planning]").count() == 1 and "My network" not in page.content()
    with SQLiteStore(db) as store:
        sheet = store.read_sheet(round_id, staff_id)
        assert store.read_answers(round_id) == ([], {})  # a draft, not submitted
    ticked = page.locator("input[name=keep-planning]").first.get_attribute("value")
    assert sheet.submitted is None and [n.target for n in sheet.draft or ()] == [ticked]


def _width(page) -> int:  # noqa: ANN001
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def test_two_tabs_change_my_answers_and_a_phone_wide_form(browser, survey_server) -> None:  # noqa: ANN001, F811
    """On a 390 px phone: two tabs of one person's form. The second submits; the first, older, tab's autosave
    and its button are refused (the message offers a reload) and what was typed stays in its field; the
    submission stands. "Change my answers" starts a draft from the submission, which counts until the changed
    answers are submitted. No page of the form is wider than the screen."""
    server, db = survey_server
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round, open_round

        spec = RoundSpec("Two tabs", store.list_snapshots()[0].as_of, (QUESTION_BANK["planning"],),
                         ask_frequency=True, opens_on="2026-07-02", closes_on=CLOSES, privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        staff_id, token = open_round(store, round_id)[5]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    older, newer = context.new_page(), context.new_page()
    older.goto(f"{server}/survey/{token}")
    newer.goto(f"{server}/survey/{token}")
    assert _width(older) <= 390
    first, second = older.request.get(f"{server}/survey/{token}/people?q=al").json()[:2]
    newer.locator("input[name=add-planning]").first.fill(first)
    newer.locator("select[name=addfreq-planning]").first.select_option("weekly")
    newer.click("button[value=submit]")
    assert "your answers are submitted" in newer.locator("p.flash").inner_text()
    assert newer.locator("input[name=add-planning]").count() == 0 and _width(newer) <= 390
    _shot(newer, "survey-form-phone-submitted")
    field = older.locator("input[name=add-planning]").first
    field.fill(second)
    older.locator("select[name=addfreq-planning]").first.select_option("termly")  # a change: the autosave
    older.locator("#autosave-status", has_text="Not saved").wait_for(timeout=10_000)
    assert "changed in another tab" in older.locator("#autosave-status").inner_text() and field.input_value() == second
    older.click("button[value=submit]")
    assert "Reload the page" in older.locator("p.error").inner_text()
    assert older.locator("input[name=add-planning]").first.input_value() == second and _width(older) <= 390
    _shot(older, "survey-form-phone-stale")
    with SQLiteStore(db) as store:
        answers, done = store.read_answers(round_id)
    assert len(answers) == 1 and list(done) == [staff_id]
    newer.click("button[value=change]")
    assert "the submitted answers count until you submit these" in newer.content()
    assert newer.locator("input[name=keep-planning]:checked").count() == 1 and _width(newer) <= 390
    _shot(newer, "survey-form-phone-changing")
    newer.locator("input[name=add-planning]").first.fill(second)
    newer.locator("input[name=add-planning]").first.press("Enter")  # chooses a suggestion; sends nothing
    newer.wait_for_timeout(500)
    assert newer.locator("input[name=add-planning]").first.input_value() == second
    with SQLiteStore(db) as store:
        assert store.read_answers(round_id) == (answers, done)
    newer.locator("input[name=keep-planning]").first.uncheck()
    newer.locator("select[name=addfreq-planning]").first.select_option("monthly")
    newer.click("button[value=save]")
    with SQLiteStore(db) as store:
        assert store.read_answers(round_id) == (answers, done)  # the draft has not replaced the submission
    newer.click("button[value=submit]")
    assert "your answers are submitted" in newer.locator("p.flash").inner_text()
    with SQLiteStore(db) as store:
        changed, _done = store.read_answers(round_id)
    assert len(changed) == 1 and changed != answers and changed[0][0].weight == 3


class _SlowInbox:
    """A mail server that takes a moment over each message, as a real relay does, so the sending outlasts a page
    load."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's interface
        import asyncio

        await asyncio.sleep(0.03)
        self.received += 1
        return "250 OK"


def _emails_for_all(folder: Path) -> None:
    staff = folder / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    staff.write_text("\n".join([lines[0] + ",email"] + [line + "," + line.split(",")[0] + "@trust.example"
                                                         for line in lines[1:]]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, _SlowInbox]]:
    """A small trust of its own whose staff all have an email address, served by an app that sends through a
    local (slow) mail server."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with pytest.MonkeyPatch.context() as patch:  # read once, as the app starts
        for name, value in {"NETMAP_SMTP_HOST": "127.0.0.1", "NETMAP_SMTP_PORT": str(port),
                            "NETMAP_SMTP_SECURITY": "none", "NETMAP_SMTP_FROM": "survey@trust.example"}.items():
            patch.setenv(name, value)
        served = serve_small_trust(tmp_path_factory, "mail", _emails_for_all)
        address, db = next(served)
    yield address, db, inbox
    served.close()
    controller.stop()


def test_sending_shows_its_progress_until_it_finishes(browser, mail_server) -> None:  # noqa: ANN001, F811
    """Opening with email ticked returns at once to the round's page, whose progress line counts up by itself
    (the app's own script) until every email is sent."""
    server, db, inbox = mail_server
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round

        round_id = create_round(store, RoundSpec("Emailed", store.list_snapshots()[0].as_of,
                                                 (QUESTION_BANK["planning"],), opens_on="2026-07-02",
                                                 closes_on=CLOSES, privacy_notice=NOTICE))
    admin = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    _log_in(admin, server, "admin")
    admin.goto(f"{server}/surveys/{round_id}")
    admin.check("input[name=send]")
    admin.get_by_label(PURPOSE_LABEL).select_option("Checking the data's quality")
    admin.click("text=Open and hand over the links")
    admin.wait_for_url(re.compile(r"#sending$"))
    state = admin.locator('#sending-progress [data-count="state"]')
    assert state.inner_text() == "Sending…"  # the page came back before the sending finished
    state.filter(has_text="Finished.").wait_for(timeout=90_000)  # no reload: the script updated it
    sent = int(admin.locator('#sending-progress [data-count="sent"]').inner_text().replace(",", ""))
    assert sent == inbox.received >= 200
    assert admin.locator('#sending-progress [data-count="remaining"]').inner_text() == "0"
    assert "Sending" in admin.locator("p.flash").inner_text()  # what the page said as it started
    _shot(admin, "survey-round-sending")


def test_a_printed_code_typed_on_a_phone_opens_the_form(browser, survey_server) -> None:  # noqa: ANN001, F811
    """The code page: a code typed in small letters with spaces for its dashes opens the respondent's form; the
    page has no serious accessibility problem."""
    server, db = survey_server
    with SQLiteStore(db) as store:
        from netmap.survey.questions import QUESTION_BANK
        from netmap.survey.rounds import RoundSpec
        from netmap.survey.service import create_round, open_round

        spec = RoundSpec("Codes", store.list_snapshots()[0].as_of, (QUESTION_BANK["planning"],),
                         opens_on="2026-07-02", closes_on=CLOSES, privacy_notice=NOTICE)
        code = open_round(store, create_round(store, spec))[0][1]
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/survey/")
    page.fill("input[name=code]", code.replace("-", " ").lower())
    _shot(page, "survey-code-typed")
    if AXE.exists():
        assert _accessibility_problems(page) == []
    page.click("text=Open my survey")
    page.wait_for_url(f"{server}/survey/{code}")
    assert page.locator("h1").inner_text() == "Codes" and page.locator("input[name=add-planning]").count() == 3
    context.close()


def test_a_respondent_sees_their_own_network_after_the_round_closes(browser, survey_server) -> None:  # noqa: ANN001, F811
    """A teacher answers, six colleagues name them, the round closes: their link shows whom they named, "6
    colleagues named you" (never who) and three colleagues at other schools to meet; on a desktop and a phone."""
    from netmap.graphs import active_staff
    from netmap.survey.answers import Nomination
    from netmap.survey.questions import QUESTION_BANK
    from netmap.survey.rounds import RoundSpec
    from netmap.survey.service import answer, close_round, create_round, open_round

    server, db = survey_server
    with SQLiteStore(db) as store:
        as_of = store.list_snapshots()[0].as_of
        staff = active_staff(store.read_dataset(as_of), as_of)
        spec = RoundSpec("Profile round", as_of, (QUESTION_BANK["planning"],), opens_on="2026-07-02",
                         closes_on="2097-07-20", privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        tokens = dict(open_round(store, round_id))
        teachers = staff[(staff["role"] == "teacher") & staff["subjects"].notna() & ~staff["name"].str.contains("<")]
        me = str(teachers["staff_id"].iloc[0])
        others = [str(p) for p in staff["staff_id"] if str(p) != me][:8]
        answer(store, tokens[me], [Nomination(me, "planning", p) for p in others[:2]], submit=True, version=0)
        for person in others[2:8]:
            answer(store, tokens[person], [Nomination(person, "planning", me)], submit=True, version=0)
        close_round(store, round_id)
        named_me = set(staff.loc[staff["staff_id"].isin(others[2:8]), "name"])
    for label, viewport in (("desktop", {"width": 1300, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # bypass: axe's script is inline
        page = context.new_page()
        page.goto(f"{server}/survey/{tokens[me]}")
        text = page.inner_text("main")
        assert "Your network" in text and "6\ncolleagues named you" in text.replace("\n\n", "\n")
        assert "Colleagues you might meet" in text and page.locator("main ul").nth(1).locator("li").count() == 3
        suggested = " ".join(page.locator("main ul").nth(1).all_inner_texts())
        assert not any(name in text and name not in suggested for name in named_me)  # who named them: nowhere
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        _shot(page, f"survey-profile-{label}")
        if AXE.exists() and label == "desktop":
            assert _accessibility_problems(page) == []
        context.close()
