"""Sending a round's links in the background: a thread per sending, with a job record (sent, failed, no address,
remaining) that the web page reads while it runs, so that emailing 2,000 people does not hold a web request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from netmap import clock
from netmap.config import Settings
from netmap.errors import SurveyError
from netmap.survey.mail import Delivery, send_links
from netmap.survey.rounds import RoundSpec

__all__ = ["MailJob", "start_mail_job"]

log = logging.getLogger(__name__)


@dataclass
class MailJob:
    """One sending of a round's links: `what` was sent ("links", "new links", "reminders"), by whom, when it
    started, its progress (`delivery`) and whether it has finished."""

    round_id: str
    what: str
    by: str
    delivery: Delivery
    started_at: str = field(default_factory=lambda: clock.now().isoformat(timespec="seconds"))
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.finished.is_set()

    def summary(self) -> dict[str, object]:
        """The job's progress as plain data (for the page and its JSON)."""
        d = self.delivery
        return {"what": self.what, "by": self.by, "started_at": self.started_at, "total": d.total,
                "sent": len(d.sent), "failed": len(d.failed), "no_address": len(d.missing),
                "remaining": d.remaining, "running": self.running, "stopped_by": d.stopped_by}


def start_mail_job(settings: Settings, spec: RoundSpec, job: MailJob,
                   people: list[tuple[str, str, str | None, str]],
                   on_done: Callable[[MailJob], None] | None = None) -> threading.Thread:
    """Send `people` (staff_id, name, email, link) their links in a daemon thread, keeping `job` up to date;
    `on_done(job)` runs when it has finished, whether all were sent or sending stopped."""

    def run() -> None:
        try:
            send_links(settings, spec, people, job.delivery)
        except SurveyError:
            pass  # the stop is in job.delivery.stopped_by, shown on the round's page
        except Exception as exc:  # the thread's edge: whatever went wrong must end the job, not leave it running
            log.exception("sending the links of survey round %s failed", job.round_id)
            job.delivery.stopped_by = f"Sending stopped by an unexpected error ({type(exc).__name__}); see the log."
            done = {*job.delivery.sent, *job.delivery.failed, *job.delivery.missing}
            job.delivery.failed.extend(p for p, *_rest in people if p not in done)
        finally:
            try:
                if on_done is not None:
                    on_done(job)
            finally:
                job.finished.set()  # after on_done: whoever waits for the job sees its audit entry too

    thread = threading.Thread(target=run, name=f"survey-mail-{job.round_id}", daemon=True)
    thread.start()
    return thread
