"""The parts of the DPIA pack that are judgements rather than settings, declared once as data and laid out like
the ICO's DPIA template (steps 2-7): the risk register, necessity and proportionality, profiling and automated
decisions, people's rights and the sign-off; and what leaves the machine, worked out from the settings in force.
`netmap privacy-report` renders them (webapp/privacy.py)."""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass

from netmap.config import Settings, redact_uri

__all__ = ["LAWFUL_BASES", "MONITORING", "NECESSITY", "PROFILING", "RIGHTS", "RISKS", "SIGN_OFF", "Outbound",
           "Risk", "outbound"]


@dataclass(frozen=True)
class Risk:
    """One row of the risk register (ICO template, steps 5 and 6): the risk to people, its likelihood (remote,
    possible, probable) and severity (minimal, significant, severe) before the measures, the measures netmap takes
    or the trust must take, and the residual risk after them."""

    risk: str
    likelihood: str
    severity: str
    measures: str
    residual: str


RISKS = (
    Risk("Staff feel watched, or network figures are read as a judgement of a person's performance, and used in "
         "appraisal, capability or disciplinary processes.", "possible", "severe",
         "Purposes stated in the survey's privacy notice and at /about-your-data; figures describe collaboration, "
         "not performance, and each is defined on the definitions page; every person-level view and download asks "
         "for its purpose and is audited. The trust must adopt the OPEN policy below that netmap outputs are never "
         "evidence in individual HR processes.", "medium"),
    Risk("A person's figures are worked out from aggregates shown to roles that see no names (small schools, "
         "subtracting one total from another).", "possible", "significant",
         "Figures about fewer than the minimum group size are hidden for the ceo and network-lead roles, with "
         "complementary suppression so that totals do not give them back; a unit hidden in any snapshot is hidden "
         "in every snapshot's trends, comparisons, alerts and map edges, and new joiners are counted by fixed "
         "terms, not free dates. An attack test subtracts every page's figures across siblings, totals, dates and "
         "snapshots and recovers nothing below the threshold (docs/suppression.md lists what is still inferable, "
         "e.g. that a shown school has some tie to a hidden one).", "low"),
    Risk("An account is used by someone else (a shared or guessed password, a leaver's account, an unlocked "
         "staff-room PC).", "possible", "severe",
         "Personal accounts with roles; passwords hashed with scrypt; throttled logins; sessions end at logout, "
         "after 8 hours and when a user is removed or changes role; every login, failure and person-level view "
         "audited in a tamper-evident log (`netmap audit verify`). The trust removes leavers' accounts at once "
         "and reviews accounts each term.", "medium"),
    Risk("A role sees more people by name than its purpose needs.", "probable", "significant",
         "hr and admin see everyone; network leads only their networks' members and the colleagues an admin "
         "assigned them for a stated purpose (audited); ceo nobody. Section 3 counts how many people each role "
         "sees on the data loaded, for the DPO to judge.", "medium"),
    Risk("A respondent's answers (whom they go to for advice) become known to colleagues or managers.",
         "possible", "significant",
         "Personal survey links kept only as digests; a form shows its own respondent's answers; round pages "
         "show response rates, never answers; named ties are seen only by the roles above.", "low"),
    Risk("Wrong conclusions about people from incomplete data: someone who did not answer the survey shown as "
         "isolated.", "probable", "significant",
         "The respondents file marks who was surveyed and who answered; non-respondents read 'no response', never "
         "'isolated'; response rates with what each supports are shown beside the figures.", "low"),
    Risk("Data kept longer than needed.", "possible", "significant",
         "Retention periods (section 5) enforced by the app and `netmap forget`; deleted rows overwritten in the "
         "files.", "low"),
    Risk("Special category data inferred or loaded (health, trade union membership, religion) through extra "
         "columns or group names.", "possible", "severe",
         "netmap's contract asks for none; extra columns are kept as given, so the trust must not load such "
         "columns or groups (OPEN below).", "medium"),
    Risk("Personal data leaves the trust's control through a service configured around netmap (cloud database, "
         "mail relay, identity provider).", "possible", "significant",
         "Section 6 lists, from the settings in force, every place data goes; each such service needs a "
         "processor contract and, outside the UK, a transfer assessment.", "low"),
    Risk("A ranking (secondment candidates, key-person risk) is treated as a decision about a person.",
         "possible", "significant",
         "Rankings are advice shown with their reasons; nothing is decided by netmap (section 8); HR decides with "
         "the person.", "low"),
)

LAWFUL_BASES = (
    ("Public task (Article 6(1)(e))", "for an academy trust as a public authority, where mapping collaboration "
     "serves its task of running and improving its schools; needs a basis in law the trust can point to."),
    ("Legitimate interests (Article 6(1)(f))", "for purposes outside the trust's public tasks; needs a legitimate "
     "interests assessment balancing the trust's interest against staff's reasonable expectations (ICO: monitoring "
     "workers)."),
    ("Consent (Article 6(1)(a))", "rarely valid between employer and employee (the power imbalance); the survey "
     "itself is voluntary either way."),
)

NECESSITY = (
    ("Does the processing achieve the purpose?", "Yes: the hard wiring comes from existing records, and the soft "
     "wiring can only be known by asking staff; the analysis finds what the purposes name (isolated colleagues "
     "and schools, brokers, formal networks that carry collaboration)."),
    ("Is there a less intrusive way?", "Aggregate-only views serve the ceo role; names are shown only to roles "
     "whose purpose is acting on individuals (supporting a disconnected colleague, planning a secondment). An "
     "anonymous survey could not say who is isolated, which is the point of acting on it."),
    ("Data minimisation", "Staff id, name, school, role, subjects, dates and group memberships only; no contact "
     "details unless survey links are emailed (the email column); no free text about people."),
    ("Accuracy", "Every load is validated and reported row by row; each snapshot is dated; survey non-response is "
     "recorded so that it is not mistaken for isolation."),
    ("Function creep", "Purposes are fixed in this pack and the survey's notice; person-level views record their "
     "purpose in the audit log, which the DPO can read."),
    ("Informing people", "The survey's privacy notice (required before a round opens) and /about-your-data, open "
     "to every member of staff without an account."),
    ("Processors and transfers", "None unless configured: see section 6."),
)

PROFILING = (
    "netmap profiles staff in the sense of UK GDPR Article 4(4): it evaluates how each person collaborates "
    "(colleagues and schools reached, brokerage, key-person risk, isolation). It makes no decision about anyone: "
    "no decision based solely on automated processing with legal or similarly significant effects (Article 22) is "
    "taken by or through netmap. Secondment candidates and leaver risks are ranked as advice, each with its "
    "reasons, for people in the trust to weigh with the person concerned. Staff can read what is held and how it "
    "is used at /about-your-data.")

RIGHTS = (
    ("Right to be informed", "The survey's privacy notice and /about-your-data."),
    ("Right of access", "`netmap person export ID` (or the admin page /admin/person) writes one readable file "
     "with everything held about the person in every snapshot, survey round and the users file; ties others "
     "reported about them are given as counts, not names (third parties' data). Each export is audited."),
    ("Rectification", "Corrected in the source system and loaded as a new snapshot."),
    ("Erasure", "`netmap person erase ID` removes the person from every snapshot, round and store (SQLite and "
     "Neo4j) and redacts the audit entries about them, overwriting the deleted bytes of the SQLite files; on Neo4j, "
     "where people are held only as a token and ciphertext under their own key, their key is deleted from the key "
     "file, so what Neo4j's transaction logs keep of them can no longer be read (docs/data-subject-rights.md)."),
    ("Objection", "`netmap person exclude ID --reason TEXT` leaves the person out of every analysis, map, table, "
     "survey roster and new round from then on, while the record of the objection is kept; `include` undoes it."),
    ("Not to be subject to solely automated decisions", "None are made (section 8)."),
)

MONITORING = (
    ("Is it monitoring? Tell workers what, why and how far.", "Mapping who collaborates with whom is monitoring of "
     "workers in the ICO's sense. netmap collects nothing covertly: the hard wiring comes from HR and group "
     "records, the soft wiring only from surveys whose privacy notice must be accepted before a round opens; "
     "/about-your-data tells every member of staff, without an account, what is held, who sees it and why."),
    ("Identify a lawful basis and complete a DPIA before starting.", "Section 2 (bases to choose from) and this "
     "pack; a round cannot open without its privacy notice."),
    ("Necessary and proportionate, within workers' reasonable expectations.", "Section 9; names only for roles "
     "whose purpose acts on individuals, each person-level view asking for and auditing its purpose; the ceo role "
     "sees aggregates only, small groups hidden (section 4)."),
    ("Do not use the information for a new, incompatible purpose.", "Purposes are fixed here and in the notice; "
     "the OPEN policy in section 13 keeps figures out of appraisal, capability and disciplinary processes."),
    ("Keep only what is needed, for no longer than needed.", "The data contract asks for no contact details, free "
     "text or special category data; retention in section 5, enforced by the app and `netmap forget`."),
    ("Let workers exercise their rights.", "Section 11: access, erasure and objection per person."),
    ("Consult workers and their representatives.", "OPEN in section 13: the trust records who was consulted and "
     "how their views changed the plan (section 14)."),
    ("No solely automated decisions with significant effects.", "None are made (section 8)."),
    ("Keep it secure and restrict access.", "Section 7: personal accounts with roles, second factor, audited "
     "access with tamper evidence, owner-only files."),
)

SIGN_OFF = (
    ("Measures approved by", "Integrate the actions back into the project plan, with dates and responsibility."),
    ("Residual risks approved by", "If accepting any residual high risk, consult the ICO before going ahead."),
    ("DPO advice provided", "The DPO should advise on compliance, the measures and whether processing can proceed."),
    ("Summary of DPO advice", ""),
    ("DPO advice accepted or overruled by", "If overruled, you must explain your reasons."),
    ("Consultation responses reviewed by", "Staff and their representatives; if your decision departs from their "
     "views, you must explain your reasons."),
    ("This DPIA will be kept under review by", "The DPO should also review ongoing compliance with the DPIA."),
)


@dataclass(frozen=True)
class Outbound:
    """Somewhere personal data goes beyond this machine: to whom, what, and what the trust needs in place."""

    to: str
    what: str
    needs: str


def _is_local(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def outbound(settings: Settings) -> list[Outbound]:
    """Every place the settings in force send personal data (empty: nothing leaves the machine)."""
    found = []
    sent = ("every snapshot, pseudonymised: each person a token, their name, role, dates and extra columns "
            "encrypted under keys kept on this machine (the key file); schools, groups, tie kinds and who is tied "
            "to whom (as tokens) in clear")
    if settings.neo4j_uri:
        host = urllib.parse.urlsplit(settings.neo4j_uri).hostname or ""
        if host.endswith(".databases.neo4j.io"):
            found.append(Outbound(f"Neo4j Aura, a cloud service run by Neo4j, Inc. ({redact_uri(settings.neo4j_uri)})",
                                  sent,
                                  "a data processing agreement with Neo4j, the instance's region, and a transfer "
                                  "risk assessment if it is outside the UK"))
        elif not _is_local(host):
            found.append(Outbound(f"the Neo4j server at {redact_uri(settings.neo4j_uri)}",
                                  sent,
                                  "that server held to the same standard as this one (access, backups, "
                                  "encryption in transit: a +s URI)"))
    if settings.smtp_host and not _is_local(settings.smtp_host):
        found.append(Outbound(f"the mail relay {settings.smtp_host}:{settings.smtp_port}, and from it staff "
                              "mailboxes", "each surveyed person's name, email address and personal survey link",
                              "the relay's operator as a processor (usually the trust's own Microsoft 365 or "
                              "Google Workspace)"))
    return found
