"""Sending survey links by email (optional: when NETMAP_SMTP_HOST is set): one message per person, to the address
in their `email` column (a column of the trust's own in staff.csv), over STARTTLS or SSL unless the relay is
this machine. Nobody's link goes anywhere but their own address."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage

from netmap.config import Settings
from netmap.errors import SurveyError
from netmap.survey.rounds import RoundSpec

__all__ = ["check_can_send", "send_links"]


def _message(spec: RoundSpec, sender: str, name: str, address: str, link: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = spec.title
    message["From"] = sender
    message["To"] = address
    message.set_content(
        f"Dear {name},\n\nPlease answer the trust's short survey about whom you work with, by {spec.closes_on}:\n\n"
        f"{link}\n\nThe link is yours alone: it opens your own form, and nobody else's answers. How your answers "
        "are used is explained at the top of the form.\n")
    return message


def check_can_send(settings: Settings) -> None:
    """SurveyError unless a mail server and sender are set: checked before a round opens, so that a refusal
    leaves the round as it was."""
    if not settings.smtp_host or not settings.smtp_from:
        raise SurveyError("Sending needs a mail server: set NETMAP_SMTP_HOST and NETMAP_SMTP_FROM (see README, "
                          "Settings), or send the downloaded links yourself.")


def send_links(settings: Settings, spec: RoundSpec, people: Iterable[tuple[str, str, str | None, str]]
               ) -> tuple[int, list[str]]:
    """Send each (staff_id, name, email, link) their link; returns how many were sent and the staff ids with no
    address (to reach another way). SurveyError, before anything is sent, when no mail server is set."""
    check_can_send(settings)
    host, sender = str(settings.smtp_host), str(settings.smtp_from)
    people = [(p, name, address if isinstance(address, str) and address.strip() else None, link)
              for p, name, address, link in people]  # a table's blank may come as NaN
    missing = [p for p, _name, address, _link in people if not address]
    context = ssl.create_default_context()
    sent = 0
    try:
        if settings.smtp_security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, settings.smtp_port, context=context,
                                                    timeout=30)
        else:
            server = smtplib.SMTP(host, settings.smtp_port, timeout=30)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password or "")
            for _person, name, address, link in people:
                if address:
                    server.send_message(_message(spec, sender, name, address, link))
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise SurveyError(f"The mail server {settings.smtp_host}:{settings.smtp_port} refused or failed after {sent} "
                          f"of {len(people) - len(missing)} emails ({exc}). Check the NETMAP_SMTP_* settings; the "
                          "links can still be downloaded.") from None
    return sent, missing
