"""Challenges (roles that see names, within their scope): post a challenge, see who has the expertise and who
can bring them in, invite them with a personal link, read their offers, record the collaborations that follow,
and write those into a new snapshot (admins and network leads). An invited person answers through their link,
without an account (`offer` below), and sees only the challenge they were invited to."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from netmap import clock
from netmap.challenges import (
    DEFAULT_TIE_KIND,
    ChallengeSpec,
    check_challenge,
    known_tie_kinds,
    seed_players,
    suggest,
    with_recorded_ties,
)
from netmap.errors import ChallengeError
from netmap.suppression import fewer_than
from webapp.access import Scope, named_view
from webapp.accounts.challenges import Challenge
from webapp.auth import accounts, audit
from webapp.data import TrustView, get_store
from webapp.expertise import trust_vocabulary
from webapp.network_map import one_person
from webapp.policy import ROUTES
from webapp.survey import refuse_wrong_link
from webapp.table_columns import csv_columns
from webapp.tables import csv_response

bp = Blueprint("challenges", __name__, url_prefix="/challenges")
offers_bp = Blueprint("challenge_offer", __name__, url_prefix="/challenge")
MESSAGE_MAX = 1000
SHOWN = 10  # experts suggested, and connectors to them



def _challenge(challenge_id: int) -> Challenge:
    found = accounts().challenges.get(challenge_id)
    if found is None:
        abort(404, description="No such challenge.")
    return found


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    """The challenges, newest first, and the form to post one."""
    view, _ = named_view()
    form = request.form
    if request.method == "POST":
        spec = ChallengeSpec(form.get("title", ""), form.get("topic", ""), tuple(form.getlist("schools")),
                             form.get("closes_on", ""), form.get("description", ""),
                             form.get("tie_kind", DEFAULT_TIE_KIND))
        try:
            spec = check_challenge(spec, view.dataset, clock.today())
        except ChallengeError as exc:
            flash(str(exc), "error")
        else:
            challenge_id = accounts().challenges.post(spec, g.user.name)
            audit("challenge", f"posted challenge {challenge_id}: {spec.title}")
            flash(f"Posted {spec.title!r}. Invite the people suggested below.", "ok")
            return redirect(url_for("challenges.show", challenge_id=challenge_id))
    challenges = accounts().challenges.all()
    return render_template("challenges/index.html", view=view, challenges=challenges, today=clock.today(),
                           schools=sorted(view.school_names.items(), key=lambda s: s[1]),
                           kinds=known_tie_kinds(view.dataset), form=form,
                           default_close=(clock.today() + dt.timedelta(days=28)).isoformat(),
                           unpublished=len(accounts().challenges.ties(unpublished=True)),
                           may_publish=g.user.role in ROUTES["challenges.publish"].who)


def _who(view: TrustView, found: Scope, person: str) -> str:
    """A name the user may see, otherwise where the person works (a chain passes through people outside a
    network lead's scope)."""
    if found.may_name(person):
        return view.staff_names.get(person, person)
    return f"a colleague at {view.school_names.get(view.graphs.school_of.get(person, ''), 'another school')}"


@bp.route("/<int:challenge_id>")
def show(challenge_id: int) -> Any:
    """A challenge: what it asks, experts and connectors to invite, invitations and answers, recorded ties."""
    view, found = named_view()
    challenge = _challenge(challenge_id)
    store = accounts().challenges
    suggestions = suggest(view.graphs, challenge.spec, extra_synonyms=trust_vocabulary(), top=SHOWN,
                          allowed=found.may_name)
    school_of = view.graphs.school_of
    experts = pd.DataFrame([{"staff_id": e.staff_id, "name": view.staff_names.get(e.staff_id, e.staff_id),
                             "school": view.school_names.get(school_of[e.staff_id], ""), "score": e.score,
                             "evidence": "; ".join(e.evidence),
                             "introduced_by": " > ".join(_who(view, found, p) for p in e.chain[:-1]) or
                             ("nobody: no chain of colleagues" if not e.chain else "")}
                            for e in suggestions.experts],
                           columns=csv_columns("challenge experts"))
    connectors = pd.DataFrame([{"staff_id": c.staff_id, "name": view.staff_names.get(c.staff_id, c.staff_id),
                                "school": view.school_names.get(school_of.get(c.staff_id, ""), ""),
                                "experts": len(c.experts),
                                "brings_in": ", ".join(view.staff_names.get(e, e) for e in c.experts
                                                       if found.may_name(e)),
                                "at_a_school_concerned": c.at_school}
                               for c in suggestions.connectors if found.may_name(c.staff_id)],
                              columns=csv_columns("challenge connectors"))
    seeds = seed_players(view.graphs, challenge.spec, suggestions.search, allowed=found.may_name)
    seeded = pd.DataFrame([{"staff_id": s.staff_id, "name": view.staff_names.get(s.staff_id, s.staff_id),
                            "school": view.school_names.get(school_of.get(s.staff_id, ""), ""),
                            "why": " and ".join(w for w, yes in (("evidence of the topic", s.expert),
                                                                 ("at a school concerned", s.at_school)) if yes),
                            "reaches": s.reaches} for s in seeds.seeds], columns=csv_columns("challenge seeds"))
    answers = {o.staff_id: o for o in store.offers(challenge_id)}
    # A network lead sees by name only people in their scope; the others are counted, never left unsaid (a page
    # saying "Nobody invited yet" after invitations, offers and collaborations outside the scope misleads)
    every_invite, every_tie = store.invites(challenge_id), store.ties(challenge_id)
    invited = [(i, answers.get(i.staff_id)) for i in every_invite if found.may_name(i.staff_id)]
    offered = [(p, view.staff_names.get(p, p)) for p, o in answers.items() if o.answer == "offer" and found.may_name(p)]
    ties = [(t, published) for t, published in every_tie if found.may_name(t.source) and found.may_name(t.target)]
    unnamed = {"invited": _outside(len(every_invite) - len(invited), found.min_group_size, "colleague"),
               "ties": _outside(len(every_tie) - len(ties), found.min_group_size, "collaboration")}
    table = request.args.get("table")
    if request.args.get("format") == "csv" and table in ("experts", "connectors", "seeds", "answers", "ties"):
        audit("download", f"challenge {challenge_id} {table}")
        frames = {"experts": experts, "connectors": connectors, "seeds": seeded,
                  "answers": pd.DataFrame([(i.staff_id, view.staff_names.get(i.staff_id, i.staff_id), i.invited_at,
                                            o.answer if o else "no answer yet", o.message if o else "")
                                           for i, o in invited],
                                          columns=csv_columns("challenge answers")),
                  "ties": pd.DataFrame([(t.source, t.target, t.kind, t.recorded_on, t.topic, published or "")
                                        for t, published in ties],
                                       columns=["source_staff_id", "target_staff_id", "kind", "observed_on", "topic",
                                                "in_snapshot"])}
        return csv_response(frames[table], f"challenge-{challenge_id}-{table}.csv")
    audit("view", f"challenge {challenge_id}")
    return render_template("challenges/show.html", view=view, challenge=challenge, spec=challenge.spec,
                           experts=experts, connectors=connectors, invited=invited, offered=offered, ties=ties,
                           unnamed=unnamed, search=suggestions.search, seeds=seeds, seeded=seeded,
                           scoped=found.people is not None,
                           is_open=challenge.is_open(clock.today()), kinds=known_tie_kinds(view.dataset))


def _outside(count: int, min_group_size: int, noun: str) -> str:
    """How many `noun`s involve people outside the viewer's scope, as shown to them: "" for none, "fewer than N
    colleagues" below the minimum group size (a small count would point at someone), else the count. Who among them
    answered is never said."""
    if count == 0:
        return ""
    if count < min_group_size:
        return f"{fewer_than(min_group_size)} {noun}s"
    return f"{count} {noun}s"


@bp.route("/<int:challenge_id>/invite", methods=["POST"])
def invite(challenge_id: int) -> Any:
    """Invite someone (chosen by name, or from the suggestions) with a personal link, shown once to pass on."""
    view, found = named_view()
    challenge = _challenge(challenge_id)
    if not challenge.is_open(clock.today()):
        flash("This challenge has closed: nobody more can be invited.", "error")
    elif person := one_person(view, request.form.get("staff_id", "").strip(), found.people):
        token = accounts().challenges.invite(challenge, person)
        audit("challenge", f"invited {person} to challenge {challenge_id}")
        link = f"{current_app.config['NETMAP_SETTINGS'].public_url}{url_for('challenge_offer.offer', token=token)}"
        flash(f"Invitation for {view.staff_names.get(person, person)}: send them this link (it is shown only once, "
              f"and works until {challenge.spec.closes_on}): {link}", "link")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.route("/<int:challenge_id>/ties", methods=["POST"])
def record(challenge_id: int) -> Any:
    """Record a collaboration the challenge brought about: someone who offered, with a colleague, of a kind."""
    view, found = named_view()
    challenge = _challenge(challenge_id)
    store = accounts().challenges
    helper = request.form.get("helper", "")
    offered = {o.staff_id for o in store.offers(challenge_id) if o.answer == "offer"}
    kind = request.form.get("kind", challenge.spec.tie_kind)
    back = redirect(url_for("challenges.show", challenge_id=challenge_id))
    if helper not in offered or not found.may_name(helper):
        flash("Choose someone who offered to help.", "error")
        return back
    partner = one_person(view, request.form.get("with", "").strip(), found.people)
    if not partner:  # one_person has said why
        return back
    if partner == helper:
        flash("A collaboration needs two people: choose the colleague they worked with.", "error")
    elif kind not in known_tie_kinds(view.dataset):
        flash(f"{kind!r} is not a kind of tie this trust uses.", "error")
    else:
        store.record_tie(challenge_id, helper, partner, kind, clock.today().isoformat(), g.user.name)
        audit("challenge", f"recorded a {kind} tie {helper} - {partner} for challenge {challenge_id}")
        flash(f"Recorded: {view.staff_names.get(helper, helper)} and {view.staff_names.get(partner, partner)} "
              f"({kind}). It joins the soft wiring when the recorded collaborations are written into a snapshot.",
              "ok")
    return back


@bp.route("/publish", methods=["POST"])
def publish() -> Any:
    """Write every recorded collaboration not yet in a snapshot into a new one, dated today, made from the
    latest snapshot; all-or-nothing, like any load."""
    store = accounts().challenges
    ties = [t for t, _ in store.ties(unpublished=True)]
    if not ties:
        flash("No recorded collaboration is waiting to be written.", "error")
        return redirect(url_for("challenges.index"))
    graph_store = get_store()
    today = clock.today().isoformat()
    try:
        # as stored, people excluded from analysis included: the exclusion applies when the new snapshot is read
        dataset = with_recorded_ties(graph_store.read_dataset(with_excluded=True), ties)
    except ChallengeError as exc:
        flash(str(exc), "error")
        return redirect(url_for("challenges.index"))
    # always a snapshot of its own (never replacing a load or a round's snapshot of the same day)
    result = graph_store.write_snapshot(dataset, today, source=f"{len(ties)} collaboration(s) recorded from challenges")
    written = result.snapshot.snapshot_id
    marked = store.mark_published(written)
    audit("challenge", f"wrote {marked} recorded collaboration(s) into snapshot {written}")
    dated = "" if written == today else f", dated {today}"
    flash(f"Wrote {marked} recorded collaboration(s) into snapshot {written}{dated} ({result.status}).", "ok")
    return redirect(url_for("challenges.index", snapshot=written))


def _invited(token: str) -> tuple[Any, Challenge]:
    """The invitation and challenge a token opens, from any address; for an unknown link 404, or 429 once wrong
    links come too often (webapp.survey.refuse_wrong_link); 410 for one withdrawn, expired or of a closed
    challenge."""
    found = accounts().challenges.find_invite(token)
    if found is None:
        refuse_wrong_link("This invitation link is not valid. Use the link you were sent.")
    challenge = _challenge(found.challenge_id)
    if found.revoked_at is not None:
        abort(410, description="This invitation has been replaced by a newer one: use the latest link you were sent.")
    if dt.datetime.fromisoformat(found.expires_at) <= clock.now() or not challenge.is_open(clock.today()):
        abort(410, description="This challenge has closed. Thank you for looking.")
    return found, challenge


@offers_bp.route("/<token>", methods=["GET", "POST"])
def offer(token: str) -> Any:
    """An invited person's page: the challenge, and their answer (offer to help, with what they can bring, or
    not this time); changeable until the challenge closes."""
    invite_, challenge = _invited(token)
    store = accounts().challenges
    if request.method == "POST":
        answer = request.form.get("answer")
        message = request.form.get("message", "").strip()[:MESSAGE_MAX]
        if answer in ("offer", "decline"):
            store.answer(challenge.challenge_id, invite_.staff_id, answer, message)
            flash("Thank you: your offer has reached the challenge's organiser." if answer == "offer" else
                  "Thank you for answering.", "ok")
        return redirect(url_for("challenge_offer.offer", token=token))
    mine = next((o for o in store.offers(challenge.challenge_id) if o.staff_id == invite_.staff_id), None)
    graph_store = get_store()
    latest = graph_store.snapshot().snapshot_id
    schools = graph_store.read_table(latest, "schools")
    staff = graph_store.read_table(latest, "staff")
    names = dict(zip(schools["school_id"], schools["name"], strict=True))
    person = staff.loc[staff["staff_id"] == invite_.staff_id, "name"]
    return render_template("challenges/offer.html", spec=challenge.spec, mine=mine,
                           name=person.iloc[0] if len(person) and person.iloc[0] else "",
                           schools=[names.get(s, s) for s in challenge.spec.schools])
