"""Sending survey links by email (optional: when NETMAP_SMTP_HOST is set): one message per person, to the address
in their `email` column (a column of the trust's own in staff.csv), over STARTTLS or SSL unless the relay is
this machine. Nobody's link goes anywhere but their own address."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage

from netmap.config import Settings
from netmap.errors import SurveyError
from netmap.survey.rounds import RoundSpec
from netmap.survey.wording import fill_wording

__all__ = ["Delivery", "check_can_send", "message_for", "send_links"]

# A recipient refused by the server (a mistyped address, a full mailbox): that person is counted as failed and
# sending goes on; anything else (connection, login, sender refused) stops it.
_ONE_RECIPIENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


@dataclass
class Delivery:
    """What sending did so far: staff ids sent to, failed (refused or never reached after a stop) and without an
    address, and the error that stopped it, if one did."""

    total: int
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stopped_by: str = ""

    @property
    def remaining(self) -> int:
        return self.total - len(self.sent) - len(self.failed) - len(self.missing)


def message_for(spec: RoundSpec, sender: str, name: str, address: str, link: str) -> EmailMessage:
    """The email to one person: the round's wording with their name and link."""
    subject, body = fill_wording(spec.mail_subject, spec.mail_body, {"name": name, "link": link,
                                                                      "closes_on": spec.closes_on,
                                                                      "title": spec.title})
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = address
    message.set_content(body)
    return message
def check_can_send(settings: Settings) -> None:
    """SurveyError unless a mail server and sender are set: checked before a round opens, so that a refusal
    leaves the round as it was."""
    if not settings.smtp_host or not settings.smtp_from:
        raise SurveyError("Sending needs a mail server: set NETMAP_SMTP_HOST and NETMAP_SMTP_FROM (see README, "
                          "Settings), or send the downloaded links yourself.")


def send_links(settings: Settings, spec: RoundSpec, people: Iterable[tuple[str, str, str | None, str]],
               delivery: Delivery | None = None, on_each: Callable[[Delivery], None] | None = None) -> Delivery:
    """Send each (staff_id, name, email, link) their link, over one connection; returns (and keeps up to date in
    `delivery`, calling `on_each` after each person, for progress) who was sent to, who failed and who has no
    address. A recipient the server refuses is counted as failed and the rest go on; a stop (connection, login)
    counts everyone not yet sent as failed and raises SurveyError saying so. SurveyError, before anything is
    sent, when no mail server is set."""
    check_can_send(settings)
    host, sender = str(settings.smtp_host), str(settings.smtp_from)
    people = [(p, name, address.strip() if isinstance(address, str) and address.strip() else None, link)
              for p, name, address, link in people]  # a table's blank may come as NaN
    done = delivery if delivery is not None else Delivery(len(people))
    done.missing.extend(p for p, _name, address, _link in people if not address)
    context = ssl.create_default_context()
    try:
        if settings.smtp_security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, settings.smtp_port, context=context, timeout=30)
        else:
            server = smtplib.SMTP(host, settings.smtp_port, timeout=30)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password or "")
            for person, name, address, link in people:
                if not address:
                    continue
                try:
                    server.send_message(message_for(spec, sender, name, address, link))
                except _ONE_RECIPIENT:
                    done.failed.append(person)
                else:
                    done.sent.append(person)
                if on_each is not None:
                    on_each(done)
    except (OSError, smtplib.SMTPException) as exc:
        finished = {*done.sent, *done.failed, *done.missing}
        done.failed.extend(p for p, *_rest in people if p not in finished)
        done.stopped_by = (f"The mail server {settings.smtp_host}:{settings.smtp_port} refused or failed after "
                           f"{len(done.sent):,} of {len(people) - len(done.missing):,} emails ({exc}). Check the "
                           "NETMAP_SMTP_* settings, then reissue the links of those not reached.")
        if on_each is not None:
            on_each(done)
        raise SurveyError(done.stopped_by) from None
    return done
