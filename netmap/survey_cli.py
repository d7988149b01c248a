"""`netmap survey`: run a survey round from the command line, as the web app does: create, open (writing the
personal links for a mail merge), reissue links, follow response rates, close into a snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from netmap.cli_common import analyse_and_keep, audit_command, open_store_of, progress, settings_of, store_options
from netmap.errors import SurveyError
from netmap.snapshot import Snapshot
from netmap.spreadsheet import neutralise
from netmap.store.base import GraphStore
from netmap.store.files import create_private_file
from netmap.survey.mail import Delivery, check_can_send, send_links
from netmap.survey.questions import FREQUENCY_SCALE, QUESTION_BANK, Question, custom_question
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import (
    close_round,
    create_round,
    fence_round,
    find_round,
    issue_links,
    link_rows,
    open_round,
    remind,
    reopen_round,
    response_rates,
    round_dataset,
    save_wording,
    spec_of,
)

__all__ = ["register"]

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _custom(text: str) -> Question:
    key, _, rest = text.partition(":")
    kind, _, words = rest.partition(":")
    if not words:
        raise click.BadParameter(f"{text!r}: write KEY:KIND:QUESTION, e.g. phonics:advice:Whose advice do you seek "
                                 "on phonics?", param_hint="--custom")
    try:
        return custom_question(key.strip(), words, kind.strip())
    except SurveyError as exc:
        raise click.BadParameter(str(exc), param_hint="--custom") from None


def _hand_over(ctx: click.Context, store: GraphStore, round_id: str, issued: list[tuple[str, str]], out: Path,
               send: bool) -> tuple[str, str]:
    """Write the links as a CSV for a mail merge (readable by its owner only: whoever holds a link can answer as
    that person) or, with `send`, email each person theirs (with a progress bar) and write only the links of
    those not reached (no address, refused, or after the sending stopped); returns what was done, for the user,
    and why sending stopped ("" when it did not)."""
    settings = settings_of(ctx)
    rows = link_rows(store, round_id, issued, settings.public_url)
    done, stopped = "", ""
    if send:
        people = [(p, n, e if isinstance(e, str) else None, k)
                  for p, n, e, k in rows[["staff_id", "name", "email", "link"]].itertuples(index=False, name=None)]
        delivery = Delivery(len(people))
        with progress(sum(1 for p in people if p[2]), "Sending") as advance:
            try:
                send_links(settings, spec_of(find_round(store, round_id)), people, delivery,
                           lambda _d: advance(1))
            except SurveyError as exc:
                stopped = str(exc)
        rows = rows[~rows["staff_id"].isin(set(delivery.sent))]
        done = (f"{len(delivery.sent):,} of {len(people):,} links sent by email"
                + (f", {len(delivery.failed):,} failed" if delivery.failed else "")
                + (f", {len(delivery.missing):,} with no email address" if delivery.missing else "") + "; ")
    out.unlink(missing_ok=True)
    create_private_file(out)
    rows.map(neutralise).to_csv(out, index=False)
    return done + f"{len(rows):,} links written to {out}" + (" (those not emailed)" if send else ""), stopped


def _on_a_round(command: Callable[..., Any]) -> Callable[..., Any]:
    """A `netmap survey` command about one round: its ROUND_ID argument, the store options, and the click context
    passed first (under the command's own options, so that --help lists them in the same order)."""
    return click.argument("round_id")(store_options(click.pass_context(command)))


def register(main: click.Group) -> None:
    """Add `survey` and its commands to the `netmap` group."""

    @main.group("survey")
    def survey() -> None:
        """Collect the soft wiring: survey rounds over a snapshot's staff (see README, "Running a survey")."""

    @survey.command("questions")
    def questions() -> None:
        """The question bank: each question's key, the tie kind it records and its words."""
        for q in QUESTION_BANK.values():
            click.echo(f"{q.key:16} {q.kind:17} {q.text}")
        click.echo("How often (with --frequency): " + ", ".join(f"{k} = {v}" for k, v in FREQUENCY_SCALE.items()))

    @survey.command("create")
    @click.option("--base", "base", type=DATE, required=True, help="The snapshot whose staff in post are surveyed.")
    @click.option("--title", required=True, help='e.g. "Summer 2026 collaboration survey".')
    @click.option("--question", "keys", multiple=True, help="A question of the bank by key (repeat; see "
                                                             "`netmap survey questions`).")
    @click.option("--custom", "customs", multiple=True, help="Your own question as KEY:KIND:QUESTION (repeat).")
    @click.option("--max-names", type=click.IntRange(1), default=10, show_default=True,
                  help="Names a respondent may give per question.")
    @click.option("--frequency", is_flag=True, help="Ask how often for each name (kept as the tie's weight).")
    @click.option("--opens", type=DATE, help="Opening date.")
    @click.option("--closes", type=DATE, help="Closing date: the date of the snapshot closing writes.")
    @click.option("--notice", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                  help="A text file with the privacy notice every respondent reads first.")
    @store_options
    @click.pass_context
    def create(ctx: click.Context, base: dt.datetime, title: str, keys: tuple[str, ...],
               customs: tuple[str, ...], max_names: int, frequency: bool, opens: dt.datetime | None,
               closes: dt.datetime | None, notice: Path | None, db: Path | None, store: str | None) -> None:
        """Create a draft round (opened with `netmap survey open`)."""
        unknown = [k for k in keys if k not in QUESTION_BANK]
        if unknown:
            raise click.BadParameter(f"{', '.join(unknown)} not in the question bank ({', '.join(QUESTION_BANK)}).",
                                     param_hint="--question")
        chosen = tuple(QUESTION_BANK[k] for k in keys) + tuple(_custom(c) for c in customs)
        spec = RoundSpec(title, _day(base), chosen, max_names, frequency, _day(opens), _day(closes),
                         notice.read_text(encoding="utf-8") if notice else "")
        with open_store_of(ctx, db, store) as opened:
            round_id = create_round(opened, spec)
        click.echo(f"Created round {round_id} (draft): {len(chosen)} question(s) over the staff of {_day(base)}.")

    @survey.command("list")
    @store_options
    @click.pass_context
    def list_rounds(ctx: click.Context, db: Path | None, store: str | None) -> None:
        """Every round: id, status, title, dates, and the snapshot a closed one wrote."""
        with open_store_of(ctx, db, store) as opened:
            for kept in opened.list_rounds():
                spec = spec_of(kept)
                wrote = f", snapshot {kept.snapshot_as_of}" if kept.snapshot_as_of else ""
                click.echo(f"{kept.round_id}  {kept.status:6}  {spec.title} ({spec.opens_on or '?'} to "
                           f"{spec.closes_on or '?'}{wrote})")

    @survey.command("open")
    @click.option("--links-out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="CSV of everyone's link for a mail merge (kept readable by you only; the links are not "
                       "stored and cannot be listed again, only reissued).")
    @click.option("--send", is_flag=True, help="Email each person their link, with progress (NETMAP_SMTP_* "
                                               "settings, and an email column in staff.csv); --links-out then "
                                               "holds only the links of those not emailed.")
    @_on_a_round
    def open_command(ctx: click.Context, round_id: str, links_out: Path, send: bool, db: Path | None,
                     store: str | None) -> None:
        """Open a draft round: a personal link for everyone it surveys."""
        if send:
            check_can_send(settings_of(ctx))  # before opening: a refusal leaves the round a draft
        with open_store_of(ctx, db, store) as opened:
            issued = open_round(opened, round_id)
            done, stopped = _hand_over(ctx, opened, round_id, issued, links_out, send)
        audit_command(ctx, "survey round opened", f"round {round_id}: links handed out ({done})",
                      [p for p, _token in issued])
        click.echo(f"Opened round {round_id}: {done}.")
        if stopped:
            raise SurveyError(stopped)

    @survey.command("links")
    @click.option("--staff", "staff_ids", multiple=True, help="Reissue only these people's links (repeat).")
    @click.option("--remind", "remind_", is_flag=True,
                  help="Instead, remind those who have not submitted: an additional link each, and the one they hold "
                       "keeps working.")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="CSV of the new links (with --send: of those not emailed).")
    @click.option("--send", is_flag=True, help="Email each person their new link, with progress.")
    @_on_a_round
    def links(ctx: click.Context, round_id: str, staff_ids: tuple[str, ...], remind_: bool, out: Path, send: bool,
              db: Path | None, store: str | None) -> None:
        """Reissue links (everyone's, or --staff: the old ones stop working at once), or --remind."""
        if remind_ and staff_ids:
            raise click.UsageError("--remind reaches everyone who has not submitted; leave out --staff, or reissue "
                                   "those people's links without --remind.")
        if send:
            check_can_send(settings_of(ctx))
        with open_store_of(ctx, db, store) as opened:
            issued = remind(opened, round_id) if remind_ else issue_links(opened, round_id, list(staff_ids) or None)
            done, stopped = _hand_over(ctx, opened, round_id, issued, out, send)
        audit_command(ctx, "survey reminders" if remind_ else "survey links reissued",
                      f"round {round_id}: {done}", [p for p, _token in issued])
        if remind_:
            click.echo(f"Reminded {len(issued):,} people who have not submitted, round {round_id}: {done}; the links "
                       "they already hold keep working.")
        else:
            whose = f"of {', '.join(staff_ids)}" if staff_ids else f"of everyone it asks ({len(issued):,})"
            click.echo(f"Reissued links {whose}, round {round_id}: {done}; their old links no longer work.")
        if stopped:
            raise SurveyError(stopped)

    @survey.command("wording")
    @click.option("--subject", help="The email's subject (placeholders {title}, {closes_on}, {name}).")
    @click.option("--body", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                  help="A text file with the email's body: it must contain {link}; also {name}, {closes_on}, "
                       "{title}.")
    @_on_a_round
    def wording(ctx: click.Context, round_id: str, subject: str | None, body: Path | None, db: Path | None,
                store: str | None) -> None:
        """Show the round's email wording, or change it (--subject, --body)."""
        with open_store_of(ctx, db, store) as opened:
            spec = spec_of(find_round(opened, round_id))
            if subject is not None or body is not None:
                spec = save_wording(opened, round_id, spec.mail_subject if subject is None else subject,
                                    spec.mail_body if body is None else body.read_text(encoding="utf-8"))
                audit_command(ctx, "survey email wording", f"round {round_id}")
                click.echo(f"Kept the email wording of round {round_id}:")
        click.echo(f"Subject: {spec.mail_subject}\n\n{spec.mail_body}")

    @survey.command("status")
    @click.option("--waiting", type=click.Path(dir_okay=False, path_type=Path),
                  help="CSV of who has not answered yet, for reminders.")
    @_on_a_round
    def status(ctx: click.Context, round_id: str, waiting: Path | None, db: Path | None, store: str | None) -> None:
        """Response rates per school and role, with what each supports."""
        with open_store_of(ctx, db, store) as opened:
            rates, missing = response_rates(opened, round_id)
        for row in rates.itertuples():
            click.echo(f"{row.level:6} {row.name:32} {row.responded:>6,} of {row.surveyed:<6,} "
                       f"{100 * row.rate:5.1f} %  {row.reading}")
        if waiting is not None:
            waiting.unlink(missing_ok=True)
            create_private_file(waiting)
            missing.map(neutralise).to_csv(waiting, index=False)
            audit_command(ctx, "download", f"round {round_id}: who has not answered, written to {waiting}",
                          [str(p) for p in missing["staff_id"]])
            click.echo(f"{len(missing):,} people have not answered: {waiting}.")

    @survey.command("delete")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @_on_a_round
    def delete(ctx: click.Context, round_id: str, yes: bool, db: Path | None, store: str | None) -> None:
        """Delete a round with its links and answers (the snapshot a closed round wrote stays: `netmap forget`
        deletes it)."""
        with open_store_of(ctx, db, store) as opened:
            spec = spec_of(find_round(opened, round_id))
            if not yes:
                click.confirm(f"Delete round {round_id} ({spec.title}) and every answer given in it?", abort=True)
            opened.delete_round(round_id)
        audit_command(ctx, "survey round deleted", f"round {round_id} ({spec.title}) with its links and answers")
        click.echo(f"Deleted round {round_id} with its links and answers.")

    @survey.command("reopen")
    @_on_a_round
    def reopen(ctx: click.Context, round_id: str, db: Path | None, store: str | None) -> None:
        """Open a closed round again; its links ended at closing: reissue them with `netmap survey links`."""
        with open_store_of(ctx, db, store) as opened:
            reopen_round(opened, round_id)
        audit_command(ctx, "survey round reopened", f"round {round_id}")
        click.echo(f"Round {round_id} is open. Reissue links with `netmap survey links {round_id} --out FILE`; "
                   "closing it again rewrites its snapshot.")

    @survey.command("close")
    @_on_a_round
    def close(ctx: click.Context, round_id: str, db: Path | None, store: str | None) -> None:
        """Close the round: its snapshot (dated its closing day) is written from the submitted answers."""
        with open_store_of(ctx, db, store) as opened:
            spec = spec_of(find_round(opened, round_id))
            fence_round(opened, round_id)  # no answer lands after this: the snapshot below has them all
            dataset = round_dataset(opened, round_id)
            with progress(sum(dataset.counts().values()), f"Writing snapshot {spec.closes_on}") as advance:
                result = close_round(opened, round_id, progress=advance, dataset=dataset)
            analyse_and_keep(Snapshot(result.snapshot, opened))
        audit_command(ctx, "survey round closed", f"round {round_id}: snapshot {result.snapshot.snapshot_id} "
                      f"{result.status}")
        click.echo(f"Closed round {round_id}: snapshot {result.snapshot.snapshot_id} {result.status}, analysed "
                   f"({result.snapshot.counts.get('collaborations', 0):,} collaborations).")
