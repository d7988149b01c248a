"""Survey rounds in the web app (admin and network-lead): create a round, open it (everyone's personal link,
handed over once as a CSV for a mail merge or a printable sheet, or emailed in the background: only digests are
kept), follow response rates per school and role with what each supports, reissue links, remind those who have
not answered, word the email, see who has not answered (admin), and close the round into a snapshot the app then
analyses. Who may do what: webapp.access (may_run_round) and docs/survey-rounds.md. The same calls as
`netmap survey` (netmap.survey.service)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from netmap.contract import TIE_KINDS
from netmap.errors import SurveyError
from netmap.suppression import hide_rows
from netmap.survey import service
from netmap.survey.mail import Delivery, check_can_send
from netmap.survey.mailjob import MailJob, start_mail_job
from netmap.survey.questions import QUESTION_BANK, custom_question
from netmap.survey.rounds import MAX_NAMES_LIMIT, RoundSpec
from netmap.survey.wording import PLACEHOLDERS, fill_wording
from webapp.access import may_create_round, may_run_round, require_round_runner, scope
from webapp.auth import accounts, audit, audit_people, current_purpose
from webapp.data import get_store, snapshots
from webapp.hidden import hidden_from_user
from webapp.purpose import PURPOSES
from webapp.table_columns import csv_columns
from webapp.tables import csv_response

bp = Blueprint("rounds", __name__, url_prefix="/surveys")
JOBS = "netmap_mail_jobs"  # app.extensions key: the latest sending of each round (MailJob), while the app runs


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


class WordingForm(FlaskForm):
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("Body", validators=[DataRequired(), Length(max=5000)])


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    """The rounds, and a new one: an admin's asks the whole trust, a network lead's the staff of the schools of
    the groups they lead (a lead who leads none cannot create one)."""
    form = RoundForm()
    # a round's base is named by a date (RoundSpec.base_as_of): the snapshots whose id is their date
    form.base.choices = [s.snapshot_id for s in reversed(snapshots()) if s.snapshot_id == s.as_of]
    creates = may_create_round()
    if request.method == "POST" and not creates:
        abort(403, description="Creating a survey round is for an admin, or a network lead who leads a group: ask "
                               "an admin to assign you the networks you lead.")
    if form.validate_on_submit():
        try:
            chosen = tuple(QUESTION_BANK[k] for k in form.questions.data or [])
            if form.custom_key.data:
                chosen += (custom_question(form.custom_key.data, form.custom_text.data or "", form.custom_kind.data),)
            base = form.base.data or ""
            schools = () if g.user.role == "admin" else service.schools_of_groups(
                get_store(), base, accounts().users.groups_of(g.user.name))
            if g.user.role != "admin" and not schools:
                raise SurveyError(f"The groups you lead have no members in the snapshot of {base}: pick another.")
            spec = RoundSpec(form.title.data or "", base, chosen, form.max_names.data or 10,
                             bool(form.frequency.data), _day(form.opens.data), _day(form.closes.data),
                             form.notice.data or "", owner=g.user.name, schools=schools)
            round_id = service.create_round(get_store(), spec)
        except SurveyError as exc:
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            audit("survey", f"created round {round_id}" + (f" over schools {', '.join(schools)}" if schools else ""))
            flash("Round created as a draft. Open it when its dates and privacy notice are right.")
            return redirect(url_for("rounds.show", round_id=round_id))
    rounds = [(r, service.spec_of(r)) for r in reversed(get_store().list_rounds())]
    return render_template("rounds/index.html", form=form, rounds=rounds, creates=creates), \
        422 if form.errors else 200


@bp.route("/<round_id>")
def show(round_id: str) -> Any:
    store = get_store()
    record = _round(round_id)
    spec = service.spec_of(record)
    found = scope(None)
    hidden = hidden_from_user().schools if found.suppress else frozenset()
    rates, waiting = (service.response_rates(store, round_id, hidden) if record.status != "draft"
                      else (pd.DataFrame(), pd.DataFrame()))
    if len(rates) and found.suppress:  # small schools' rates could single someone out
        small = set(rates.loc[(rates["level"] != "trust") & (rates["surveyed"] < found.min_group_size), "id"])
        rates = hide_rows(rates, rates["id"], small, ["responded", "rate", "reading"], found.min_group_size)
    table = request.args.get("table", "")
    if request.args.get("format") == "csv":
        if table == "waiting":
            if g.user.role != "admin":
                abort(403)
            audit_people("download", f"survey round {round_id}: who has not answered",
                         list(waiting["staff_id"]))
            return csv_response(waiting.reindex(columns=csv_columns("survey not answered")),
                                f"survey-{round_id}-not-answered.csv")
        return csv_response(rates.reindex(columns=csv_columns("survey response rates")),
                            f"survey-{round_id}-response-rates.csv")
    audit("view", f"survey round {round_id}")
    runs = may_run_round(spec)
    wording = WordingForm(subject=spec.mail_subject, body=spec.mail_body) if runs else None
    return render_template("rounds/show.html", record=record, spec=spec, rates=rates, waiting=waiting,
                           admin=g.user.role == "admin", runs=runs, wording=wording,
                           preview=_preview(spec) if runs else None, placeholders=PLACEHOLDERS,
                           job=_job(round_id), smtp=bool(current_app.config["NETMAP_SETTINGS"].smtp_host),
                           purposes=PURPOSES)


def _preview(spec: RoundSpec) -> tuple[str, str]:
    """The round's email as one person would read it (an example name and link)."""
    return fill_wording(spec.mail_subject, spec.mail_body, {
        "name": "Alex Example", "link": f"{current_app.config['NETMAP_SETTINGS'].public_url}/survey/(their own link)",
        "closes_on": spec.closes_on or "(the closing date)", "title": spec.title})


@bp.route("/<round_id>/wording", methods=["POST"])
def wording(round_id: str) -> Any:
    """Keep the round's email wording (subject and body with placeholders; the body must carry {link})."""
    require_round_runner(service.spec_of(_round(round_id)))
    form = WordingForm()
    if not form.validate_on_submit():
        abort(400, description="; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    try:
        service.save_wording(get_store(), round_id, form.subject.data or "", form.body.data or "")
    except SurveyError as exc:
        flash(f"The email's wording was not changed. {exc}", "error")
    else:
        audit("survey", f"changed the email wording of round {round_id}")
        flash("The email's wording is kept: the next links sent use it.")
    return redirect(url_for("rounds.show", round_id=round_id) + "#wording")


@bp.route("/<round_id>/open", methods=["POST"])
def open_(round_id: str) -> Any:
    """Open the round and hand over everyone's link, once, as the format asked."""
    spec = service.spec_of(_round(round_id))
    require_round_runner(spec)
    return _issued(round_id, lambda: service.open_round(get_store(), round_id), "opened round", "links", "survey-links",
                   everyone=True)


@bp.route("/<round_id>/links", methods=["POST"])
def reissue(round_id: str) -> Any:
    """New links for the staff ids given (one per line), or everyone's; the old ones stop working."""
    require_round_runner(service.spec_of(_round(round_id)))
    wanted = [line.strip() for line in request.form.get("staff", "").splitlines() if line.strip()]
    return _issued(round_id, lambda: service.issue_links(get_store(), round_id, wanted or None),
                   "reissued links of round", "new links", "survey-new-links", everyone=not wanted)


@bp.route("/<round_id>/remind", methods=["POST"])
def remind_(round_id: str) -> Any:
    """A reminder for those who have not submitted: an additional link each; the one they hold keeps working."""
    require_round_runner(service.spec_of(_round(round_id)))
    return _issued(round_id, lambda: service.remind(get_store(), round_id),
                   "issued reminders (an additional link each) of round", "reminders", "survey-reminders",
                   everyone=False)


@bp.route("/<round_id>/sending")
def sending(round_id: str) -> Any:
    """The progress of the round's latest sending, as JSON (counts only), for its page to refresh."""
    require_round_runner(service.spec_of(_round(round_id)))
    job = _job(round_id)
    return jsonify(job.summary() if job else {})


def _job(round_id: str) -> MailJob | None:
    jobs: dict[str, MailJob] = current_app.extensions.setdefault(JOBS, {})
    return jobs.get(round_id)


def _issued(round_id: str, issue: Callable[[], list[tuple[str, str]]], done: str, what: str, stem: str, *,
            everyone: bool) -> Any:
    """Issue links (the mail server checked first when they are to be sent, so a refusal changes nothing) and
    hand them over; a refusal goes back to the round's page. Audited with whose links they are."""
    sends = bool(request.form.get("send"))
    try:
        if sends:
            check_can_send(current_app.config["NETMAP_SETTINGS"])
            running = _job(round_id)
            if running is not None and running.running:
                raise SurveyError("Links of this round are being sent: wait until that sending has finished (its "
                                  "progress is below), then try again. Nothing was changed.")
        issued = issue()
    except SurveyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    ids = [p for p, _token in issued]
    if everyone:
        audit("survey", f"{done} {round_id}: links of everyone it asks ({len(ids):,} staff)")
    else:
        audit_people("survey", f"{done} {round_id}", ids)
    return _links(round_id, issued, what, stem)


def _links(round_id: str, issued: list[tuple[str, str]], what: str, stem: str) -> Any:
    """The links as a CSV (staff_id, name, school, email, link) or a printable sheet, one person a page. With
    "send" ticked, each person with an email address is emailed theirs in the background instead (NETMAP_SMTP_*),
    and only the links of those without one are handed over."""
    settings = current_app.config["NETMAP_SETTINGS"]
    rows = service.link_rows(get_store(), round_id, issued, settings.public_url)
    spec = service.spec_of(service.find_round(get_store(), round_id))
    if request.form.get("send"):
        _start_sending(round_id, spec, rows, what)
        rows = rows[rows["email"].isna()]
        if not len(rows):
            return redirect(url_for("rounds.show", round_id=round_id) + "#sending")
        flash(f"{len(rows):,} of them have no email address: their links are in the download; hand those over "
              "yourself.")
    audit_people("download", f"survey round {round_id}: {what} as a {_format()}", list(rows["staff_id"]))
    if _format() == "sheet":
        return render_template("rounds/sheet.html", spec=spec, rows=rows.to_dict("records"))
    return csv_response(rows, f"{stem}-{round_id}.csv")


def _format() -> str:
    return "sheet" if request.form.get("format") == "sheet" else "CSV"


def _start_sending(round_id: str, spec: RoundSpec, rows: pd.DataFrame, what: str) -> None:
    """Email each person with an address their link in a background thread; its progress shows on the round's
    page, and its outcome (whose links were sent, and whose failed) is audited when it finishes."""
    people = [(p, n, e if isinstance(e, str) else None, k) for p, n, e, k in
              rows[["staff_id", "name", "email", "link"]].itertuples(index=False, name=None)]
    with_address = [p for p in people if p[2]]
    job = MailJob(round_id, what, g.user.name, Delivery(len(with_address)))
    current_app.extensions.setdefault(JOBS, {})[round_id] = job
    user, purpose, users_db = g.user.name, current_purpose(), current_app.config["NETMAP_USERS_DB"]

    def finished(ended: MailJob) -> None:
        subject = f"emailed {what} of survey round {round_id}"
        audit_people("survey", f"{subject}: sent", ended.delivery.sent, user=user, purpose=purpose,
                     users_db=users_db)
        if ended.delivery.failed:
            audit_people("survey", f"{subject}: failed", ended.delivery.failed, user=user, purpose=purpose,
                         users_db=users_db)

    start_mail_job(settings=current_app.config["NETMAP_SETTINGS"], spec=spec, job=job, people=with_address,
                   on_done=finished)
    flash(f"Sending {len(with_address):,} emails in the background: progress below.")


@bp.route("/<round_id>/close", methods=["POST"])
def close(round_id: str) -> Any:
    """Close the round: its snapshot becomes the trust's next, seen on every page, so an admin decides it."""
    _round(round_id)
    running = _job(round_id)
    if running is not None and running.running:
        flash("Links of this round are being sent: closing now would end them as they arrive. Close it once the "
              "sending has finished.", "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    try:
        result = service.close_round(get_store(), round_id)
    except SurveyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    audit("survey", f"closed round {round_id}: snapshot {result.snapshot.snapshot_id} {result.status}; every link "
                    "of it ended")
    flash(f"Round closed: snapshot {result.snapshot.snapshot_id} written ({result.status}); it is analysed in the "
          "background and then appears on every page.")
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.route("/<round_id>/reopen", methods=["POST"])
def reopen(round_id: str) -> Any:
    try:
        service.reopen_round(get_store(), round_id)
    except SurveyError as exc:
        flash(str(exc), "error")
    else:
        audit("survey", f"reopened round {round_id}")
        flash("Round open again: its links ended at closing, so reissue them below; closing again rewrites its "
              "snapshot.")
    return redirect(url_for("rounds.show", round_id=round_id))


def _round(round_id: str) -> Any:
    try:
        return service.find_round(get_store(), round_id)
    except SurveyError as exc:
        abort(404, description=str(exc))
