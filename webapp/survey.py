"""The respondent's survey form, opened by a personal link without a netmap account: the round's privacy notice,
then each question with the colleagues already named (kept or removed) and new ones chosen from the roster by
type-ahead; saved as a draft or submitted, changeable ("change my answers") until the round closes. A link shows
only what was saved through it, never another person's answers nor those of an earlier link; every save quotes
the version its page showed and a stale one is refused, the typing kept (docs/surveys.md). Once the round has
closed, the link the answers were submitted through shows the respondent's own network profile. A respondent with a
printed code types it on the code page. The type-ahead offers a few people a search within each link's limits,
and wrong links are throttled without ever refusing a valid one (webapp.accounts.survey_guard)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, NoReturn

import pandas as pd
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from netmap.errors import RoundClosed, StaleAnswers, SurveyError, UnknownLink
from netmap.store.base import GraphStore
from netmap.survey.answers import Nomination
from netmap.survey.links import Link, printable
from netmap.survey.profile import closed_link_of, network_profile
from netmap.survey.questions import FREQUENCY_SCALE
from netmap.survey.roster import Roster
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import FormState, answer, change_answers, form_state, link_of, roster_of, spec_of
from webapp.accounts.survey_guard import Search, SurveyGuard, search_budget
from webapp.auth import accounts
from webapp.data import get_store

bp = Blueprint("survey", __name__, url_prefix="/survey")
SEARCH_LIMITS = {
    Search.TOO_FAST: "Suggestions are paused for a few seconds: type a little more slowly.",
    Search.USED_UP: "This link has used all its name searches for this survey, so no more suggestions are "
                    "offered. Ask whoever runs the survey for a new link if you still need to add names.",
}


def _roster(round_id: str, spec: RoundSpec, me: str) -> Roster:
    """The roster respondent `me` searches and names from: one per round, built on first use (12,000 names take a
    moment to fold). In a store of several trusts (docs/partnerships.md), only their own trust's people, with the
    other consenting trusts' when their trust consents: another trust's names are not shown to them otherwise."""
    cache: dict[Any, Roster] = current_app.extensions.setdefault("netmap_survey_rosters", {})
    if round_id not in cache:
        cache[round_id] = roster_of(get_store(), spec)
    whole = cache[round_id]
    reach = _reach(whole, spec, me)
    if reach is None:
        return whole
    if (round_id, reach) not in cache:
        kept = [e for e in whole.entries if e.school_id in reach]
        cache[round_id, reach] = Roster(pd.DataFrame({"staff_id": [e.staff_id for e in kept],
                                                      "name": [e.name for e in kept],
                                                      "school_id": [e.school_id for e in kept],
                                                      "role": [e.role for e in kept]}),
                                        {e.school_id: e.school for e in kept})
    return cache[round_id, reach]


def _reach(whole: Roster, spec: RoundSpec, me: str) -> frozenset[str] | None:
    """The schools whose people respondent `me` may find: None (all) when the round's base snapshot names no
    trust; else their trust's, and the other consenting trusts' when theirs consents (none when `me` is not on
    the roster: fail closed). Each school's trust is read once per base snapshot."""
    kept: dict[str, dict[str, str]] = current_app.extensions.setdefault("netmap_survey_trusts", {})
    if spec.base_as_of not in kept:
        schools = get_store().read_table(spec.base_as_of, "schools")
        named = schools["trust_id"] if "trust_id" in schools.columns else pd.Series(None, index=schools.index)
        kept[spec.base_as_of] = {str(s): str(t) for s, t in zip(schools["school_id"], named, strict=True)
                                 if isinstance(t, str)}
    school_trust = kept[spec.base_as_of]
    if not school_trust:
        return None
    mine = next((school_trust.get(e.school_id) for e in whole.entries if e.staff_id == me), None)
    consenting = accounts().partnership.consenting()
    trusts = consenting if mine in consenting else frozenset({mine} if mine else ())
    return frozenset(s for s, t in school_trust.items() if t in trusts)


def link_guard() -> SurveyGuard:
    """The app's one SurveyGuard, on its own connection to the users file (created with its tables first); the
    challenges' invitation links share its count of wrong links."""
    guard = current_app.extensions.get("netmap_survey_guard")
    if guard is None:
        accounts()
        guard = current_app.extensions.setdefault("netmap_survey_guard",
                                                  SurveyGuard(current_app.config["NETMAP_USERS_DB"]))
    return guard


def refuse_wrong_link(message: str) -> NoReturn:
    """404 with `message` for a link that opens nothing, or 429 once wrong links come too often from this
    address or from everywhere (SurveyGuard.miss; audited once). Only ever reached for a wrong link: a valid
    link opens from any address."""
    throttled, reached = link_guard().miss(request.remote_addr or "")
    if reached:
        accounts().audit.record("survey link", "wrong survey links throttled", reached)
    if throttled:
        abort(429, description="Too many wrong links have been tried. Check the link or code you were sent and try "
                               "again in 15 minutes; a correct link always opens.")
    abort(404, description=message)


def _opened(token: str) -> tuple[Any, Any, RoundSpec]:
    """The link, round and definition a token opens, from any address; else a page saying why it does not open
    (refuse_wrong_link for an unknown one)."""
    try:
        link, record = link_of(get_store(), token)
    except UnknownLink as exc:
        refuse_wrong_link(str(exc))
    except SurveyError as exc:  # withdrawn, expired, the round has closed or not yet opened
        if request.method == "POST" and request.form.get("autosave") == "1":
            abort(make_response(jsonify(error=str(exc), stale=False), 410))  # the autosave shows it; typing stays
        abort(410, description=str(exc))
    return link, record, spec_of(record)


@bp.route("/", methods=["GET", "POST"])
def code() -> Any:
    """The page where a respondent types the code printed on their letter (any case, with or without dashes
    and spaces): it opens their form as the link would."""
    typed = request.form.get("code", "").strip() if request.method == "POST" else ""
    if typed:
        return redirect(url_for("survey.form", token=printable(typed)))
    return render_template("survey/code.html")


@bp.route("/<token>/people")
def people(token: str) -> Any:
    """Suggestions as the respondent types: up to SHOWN colleagues of the roster (never themself), within the
    link's limits (429 with a message to show when a limit stops it; the budget running out is audited)."""
    link, record, spec = _opened(token)
    budget = search_budget(len(spec.questions) * spec.max_names)
    verdict = link_guard().spend_search(link.digest, budget)
    if verdict is Search.LAST:
        accounts().audit.record("survey link", "survey searches used up",
                                f"round {record.round_id}: the link of {link.staff_id} reached {budget} searches")
    elif verdict is not Search.ALLOWED:
        return jsonify({"message": SEARCH_LIMITS[verdict]}), 429
    roster = _roster(record.round_id, spec, link.staff_id)
    found = roster.search(request.args.get("q", ""), request.args.get("school", ""), exclude=link.staff_id)
    return jsonify([roster.labels[e.staff_id] for e in found])


# Saves are refused as: a change the round does not allow (422), a page older than the answers kept (409), a
# round that has closed or not opened, or a withdrawn link (410)
_VERSION = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() passes "²", which int() refuses
_REFUSED = ((StaleAnswers, 409), (RoundClosed, 410), (SurveyError, 422))
_THANKS = {"submit": "Thank you: your answers are submitted. You can change them until the survey closes on {}.",
           "save": "Saved as a draft: it does not count until you submit it.",
           "change": "Change your answers below and submit them: until you do, the answers you submitted count."}


@bp.route("/<token>", methods=["GET", "POST"])
def form(token: str) -> Any:
    """The form (GET), or one save (POST: action save, submit or change, with the version the page showed);
    the autosave posts with autosave=1 and is answered in JSON. Exempt from the session's CSRF token (see
    create_app): the link in the address is what authenticates this form, not a cookie."""
    if request.method == "GET" and (shown := _profile(token)) is not None:
        return shown
    link, record, spec = _opened(token)
    roster = _roster(record.round_id, spec, link.staff_id)
    store = get_store()
    if request.method == "GET":
        return _page(spec, roster, link.staff_id, form_state(store, link))
    action = request.form.get("action", "save")  # Enter in a field sends the first button's: save
    quiet = request.form.get("autosave") == "1"
    quoted = request.form.get("version", "")
    if not _VERSION.fullmatch(quoted):
        return _refused(spec, roster, store, link, "This page is missing its version: reload it.", 400, quiet)
    try:
        if action == "change":
            version = change_answers(store, token, version=int(quoted))
        else:
            version = answer(store, token, _posted(spec, roster, link.staff_id), submit=action == "submit",
                             version=int(quoted), roster_ids=roster.ids)
    except SurveyError as exc:
        code = next(code for kind, code in _REFUSED if isinstance(exc, kind))
        return _refused(spec, roster, store, link, str(exc), code, quiet)
    if quiet:
        return jsonify(version=version)
    flash(_THANKS.get(action, _THANKS["save"]).format(spec.closes_on))
    return redirect(url_for("survey.form", token=token))


def _profile(token: str) -> str | None:
    """The respondent's network profile when `token` is the link they submitted through and its round has closed
    (netmap.survey.profile); None otherwise, and the form's own answer (closed, withdrawn, unknown) is given."""
    store = get_store()
    threshold = current_app.config["NETMAP_SETTINGS"].min_group_size
    try:
        link, record = closed_link_of(store, token)
        profile = network_profile(store, record, link.staff_id, threshold)
    except (UnknownLink, RoundClosed):  # RoundClosed too for a respondent since excluded from analysis
        return None
    return render_template("survey/profile.html", profile=profile)


def _refused(spec: RoundSpec, roster: Roster, store: GraphStore, link: Link, message: str, code: int,
             quiet: bool) -> Any:
    """A refused save: nothing was kept. The autosave gets the message in JSON (its page keeps what was typed);
    a form sent by a button gets the page back with what was posted still in its fields, and the version it
    was rendered with, so a stale page stays stale until reloaded."""
    if quiet:
        return jsonify(error=message, stale=code == 409), code
    shown = form_state(store, link)
    quoted = request.form.get("version", "")
    ticked = tuple(Nomination(link.staff_id, q.key, person,
                              FREQUENCY_SCALE.get(request.form.get(f"freq-{q.key}-{person}", ""), 1))
                   for q in spec.questions for person in request.form.getlist(f"keep-{q.key}")
                   if person in roster.ids)
    typed = {}
    for q in spec.questions:
        often = request.form.getlist(f"addfreq-{q.key}")
        typed[q.key] = [(label, often[k] if k < len(often) else "")
                        for k, label in enumerate(request.form.getlist(f"add-{q.key}")) if label.strip()]
    version = int(quoted) if _VERSION.fullmatch(quoted) else shown.version
    editing = dataclasses.replace(shown, version=version, draft=ticked)
    return _page(spec, roster, link.staff_id, editing, error=message, typed=typed, stale=code == 409), code


def _posted(spec: RoundSpec, roster: Roster, me: str) -> list[Nomination]:
    """The names the form sends per question: those kept (ticked) and those added (a suggestion's label each),
    each with how often when the round asks; a name given twice for a question counts once."""
    nominations = []
    for q in spec.questions:
        picks = [(p, request.form.get(f"freq-{q.key}-{p}", "")) for p in request.form.getlist(f"keep-{q.key}")]
        often = request.form.getlist(f"addfreq-{q.key}")
        for k, label in enumerate(request.form.getlist(f"add-{q.key}")):
            if not label.strip():
                continue
            person = roster.find(label)
            if person is None:
                raise SurveyError(f"\"{label.strip()}\" is not on the list of staff: choose a name from the "
                                  "suggestions as you type.")
            picks.append((person, often[k] if k < len(often) else ""))
        for person, text in dict(reversed(picks)).items():  # the first time a name is given wins
            if spec.ask_frequency and text not in FREQUENCY_SCALE:
                raise SurveyError(f"Say how often for each name in \"{q.text}\".")
            nominations.append(Nomination(me, q.key, person, FREQUENCY_SCALE[text] if spec.ask_frequency else 1))
    return nominations


def _page(spec: RoundSpec, roster: Roster, me: str, shown: FormState, error: str = "",
          typed: dict[str, list[tuple[str, str]]] | None = None, stale: bool = False) -> str:
    """The form for `shown`: the submission read-only with "change my answers" when there is no draft, else the
    draft (or a blank form) to edit; `typed`, names typed into the add fields of a refused save, put back."""
    editing = (None if shown.locked_elsewhere else shown.draft if shown.draft is not None
               else () if shown.submitted is None else None)
    def listed(nominations: tuple[Nomination, ...] | None) -> dict[str, list[tuple[str, str, int]]]:
        return {q.key: [(n.target, roster.labels.get(n.target, n.target), n.weight) for n in nominations or ()
                        if n.question == q.key] for q in spec.questions}

    weights = {v: k for k, v in FREQUENCY_SCALE.items()}
    schools = sorted({(e.school_id, e.school) for e in roster.entries}, key=lambda s: s[1])
    me_entry = next((e for e in roster.entries if e.staff_id == me), None)
    return render_template("survey/form.html", spec=spec, shown=shown, editing=editing is not None,
                           names=listed(editing), submitted=listed(shown.submitted), weights=weights,
                           scale=FREQUENCY_SCALE, me=me_entry, error=error, schools=schools, typed=typed or {},
                           stale=stale)
