"""Survey rounds in the web app (admin and network-lead): create a round, open it (everyone's personal link,
downloaded at that moment as a CSV for a mail merge or a printable sheet: only digests are kept), follow response
rates per school and role with what each supports, reissue links, see who has not answered (admin), and close
the round into a snapshot the app then analyses. The same calls as `netmap survey` (netmap.survey.service)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from netmap.contract import TIE_KINDS
from netmap.errors import SurveyError
from netmap.suppression import hide_rows
from netmap.survey.mail import check_can_send, send_links
from netmap.survey.questions import QUESTION_BANK, custom_question
from netmap.survey.rounds import MAX_NAMES_LIMIT, RoundSpec
from netmap.survey.service import (
    close_round,
    create_round,
    find_round,
    issue_links,
    link_rows,
    open_round,
    reopen_round,
    response_rates,
    spec_of,
)
from webapp.access import scope
from webapp.auth import audit, role_required
from webapp.data import get_store, snapshots
from webapp.tables import csv_response

bp = Blueprint("rounds", __name__, url_prefix="/surveys")
RUNS_ROUNDS = ("admin", "network-lead")


class RoundForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    base = SelectField("Staff of the snapshot", validators=[DataRequired()])
    questions = SelectMultipleField("Questions from the bank", choices=[SelectChoice(q.key, q.text) for q in
                                                                         QUESTION_BANK.values()])
    custom_key = StringField("Your own question: a short key", validators=[Optional(), Length(max=40)])
    custom_kind = SelectField("records", choices=list(TIE_KINDS))
    custom_text = StringField("and its words", validators=[Optional(), Length(max=300)])
    max_names = IntegerField("Names per question", default=10,
                             validators=[InputRequired(), NumberRange(1, MAX_NAMES_LIMIT)])
    frequency = BooleanField("Ask how often for each name")
    opens = DateField("Opens", validators=[Optional()])
    closes = DateField("Closes", validators=[Optional()])
    notice = TextAreaField("Privacy notice (purpose, who sees what, retention, contact)",
                           validators=[Length(max=5000)])


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@bp.route("/", methods=["GET", "POST"])
@role_required(*RUNS_ROUNDS)
def index() -> Any:
    form = RoundForm()
    # a round's base is named by a date (RoundSpec.base_as_of): the snapshots whose id is their date
    form.base.choices = [s.snapshot_id for s in reversed(snapshots()) if s.snapshot_id == s.as_of]
    if form.validate_on_submit():
        try:
            chosen = tuple(QUESTION_BANK[k] for k in form.questions.data or [])
            if form.custom_key.data:
                chosen += (custom_question(form.custom_key.data, form.custom_text.data or "", form.custom_kind.data),)
            spec = RoundSpec(form.title.data or "", form.base.data or "", chosen, form.max_names.data or 10,
                             bool(form.frequency.data), _day(form.opens.data), _day(form.closes.data),
                             form.notice.data or "")
            round_id = create_round(get_store(), spec)
        except SurveyError as exc:
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            audit("survey", f"created round {round_id}")
            flash("Round created as a draft. Open it when its dates and privacy notice are right.")
            return redirect(url_for("rounds.show", round_id=round_id))
    rounds = [(r, spec_of(r)) for r in reversed(get_store().list_rounds())]
    return render_template("rounds/index.html", form=form, rounds=rounds), 422 if form.errors else 200


@bp.route("/<round_id>")
@role_required(*RUNS_ROUNDS)
def show(round_id: str) -> Any:
    store = get_store()
    record = _round(round_id)
    spec = spec_of(record)
    rates, waiting = response_rates(store, round_id) if record.status != "draft" else (pd.DataFrame(), pd.DataFrame())
    found = scope(None)
    if len(rates) and found.suppress:  # small schools' rates could single someone out
        small = set(rates.loc[(rates["level"] != "trust") & (rates["surveyed"] < found.min_group_size), "id"])
        rates = hide_rows(rates, rates["id"], small, ["responded", "rate", "reading"], found.min_group_size)
    table = request.args.get("table", "")
    if request.args.get("format") == "csv":
        if table == "waiting":
            if g.user.role != "admin":
                abort(403)
            audit("download", f"survey round {round_id}: who has not answered")
            return csv_response(waiting, f"survey-{round_id}-not-answered.csv")
        return csv_response(rates, f"survey-{round_id}-response-rates.csv")
    audit("view", f"survey round {round_id}")
    return render_template("rounds/show.html", record=record, spec=spec, rates=rates, waiting=waiting,
                           admin=g.user.role == "admin",
                           smtp=bool(current_app.config["NETMAP_SETTINGS"].smtp_host))


@bp.route("/<round_id>/open", methods=["POST"])
@role_required(*RUNS_ROUNDS)
def open_(round_id: str) -> Any:
    """Open the round and hand over everyone's link, once, as the format asked."""
    _round(round_id)
    return _issued(round_id, lambda: open_round(get_store(), round_id), "opened round", "survey-links")


@bp.route("/<round_id>/links", methods=["POST"])
@role_required(*RUNS_ROUNDS)
def reissue(round_id: str) -> Any:
    """New links for the staff ids given (one per line), or everyone's; the old ones stop working."""
    wanted = [line.strip() for line in request.form.get("staff", "").splitlines() if line.strip()]
    return _issued(round_id, lambda: issue_links(get_store(), round_id, wanted or None), "reissued links of round",
                   "survey-new-links")


def _issued(round_id: str, issue: Callable[[], list[tuple[str, str]]], done: str, stem: str) -> Any:
    """Issue links (the mail server checked first when they are to be sent, so a refusal changes nothing) and
    hand them over; a refusal goes back to the round's page."""
    try:
        if request.form.get("send"):
            check_can_send(current_app.config["NETMAP_SETTINGS"])
        issued = issue()
    except SurveyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    audit("survey", f"{done} {round_id}: {len(issued)} links issued")
    return _links(round_id, issued, stem)


@bp.route("/<round_id>/close", methods=["POST"])
@role_required(*RUNS_ROUNDS)
def close(round_id: str) -> Any:
    try:
        result = close_round(get_store(), round_id)
    except SurveyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    audit("survey", f"closed round {round_id}: snapshot {result.snapshot.snapshot_id} {result.status}")
    flash(f"Round closed: snapshot {result.snapshot.snapshot_id} written ({result.status}); it is analysed in the "
          "background and then appears on every page.")
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.route("/<round_id>/reopen", methods=["POST"])
@role_required(*RUNS_ROUNDS)
def reopen(round_id: str) -> Any:
    try:
        reopen_round(get_store(), round_id)
    except SurveyError as exc:
        flash(str(exc), "error")
    else:
        audit("survey", f"reopened round {round_id}")
        flash("Round open again: its links ended at closing, so reissue them below; closing again rewrites its "
              "snapshot.")
    return redirect(url_for("rounds.show", round_id=round_id))


def _round(round_id: str) -> Any:
    try:
        return find_round(get_store(), round_id)
    except SurveyError as exc:
        abort(404, description=str(exc))


def _links(round_id: str, issued: list[tuple[str, str]], stem: str) -> Any:
    """The links as a CSV (staff_id, name, school, email, link) or a printable sheet, one person a page; with
    "send" ticked, each person is also emailed theirs (NETMAP_SMTP_*)."""
    settings = current_app.config["NETMAP_SETTINGS"]
    rows = link_rows(get_store(), round_id, issued, settings.public_url)
    spec = spec_of(find_round(get_store(), round_id))
    if request.form.get("send"):
        try:
            sent, missing = send_links(settings, spec, rows[["staff_id", "name", "email", "link"]].itertuples(
                index=False, name=None))
        except SurveyError as exc:
            flash(f"{exc} Nothing else changed: the links below are the only copy.", "error")
        else:
            audit("survey", f"emailed {sent} links of round {round_id}")
            flash(f"{sent:,} links sent by email" + (f"; {len(missing):,} people have no email address: reach "
                                                     "them with the links below." if missing else "."))
    if request.form.get("format") == "sheet":
        return render_template("rounds/sheet.html", spec=spec, rows=rows.to_dict("records"))
    return csv_response(rows, f"{stem}-{round_id}.csv")
