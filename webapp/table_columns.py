"""The columns of the tables only the web shows (accounts, uploads, survey rounds, challenges, a person's or a
school's page, the privacy report), declared as data the way netmap.analysis.tables declares the library's: name,
heading, format and description, one row a column.

Templates draw every table heading from a declaration through one macro (`headings` in _macros.html, given
`table_spec(key)`), the CSV downloads of these tables take their columns from the same declaration
(`csv_columns`), and docs/tables.md lists both modules' tables (`python -m webapp.table_columns > docs/tables.md`;
a test checks it is current). A column of format "page" is the page's alone (a rank, a button): never in a CSV.
"""

from __future__ import annotations

from flask import Flask

from netmap.analysis.tables import TABLES, TableSpec, declare_table, table, tables_markdown

__all__ = ["WEB_TABLES", "csv_columns", "init_app", "table_spec"]

_RANK = "rank | # | page | Its place in the list, best first."

WEB_TABLES: tuple[TableSpec, ...] = (
    declare_table(
        "survey rounds", "Survey rounds", "Every survey round, newest first (the Surveys page).",
        "title | Round | text | The round's title, linking to its page.",
        "status | Status | label | draft, open or closed.",
        "base_as_of | Staff of | date | The snapshot whose staff it asks.",
        "opens_on | Opens | date | When its links start working (empty: no date yet).",
        "closes_on | Closes | date | When they stop (empty: no date yet).",
        "snapshot_as_of | Snapshot written | date | The snapshot closing it wrote (empty: not closed)."),
    declare_table(
        "survey response rates", "Response rates", "A round's response rate per school, per role and for the "
        "whole trust; a small school's answers are hidden from roles that see aggregates.",
        "level | By | label | school, role or trust.",
        "id | Id | id | The school's id or the role (empty for the trust).",
        "name | Who | text | The school's name, the role, or whole trust.",
        "surveyed | Surveyed | count | Staff in post the round asks.",
        "responded | Answered | count | Of them, those who submitted.",
        "rate | Rate | share | Answered over surveyed.",
        "reading | Reading | text | What the rate supports, from research on network surveys."),
    declare_table(
        "survey not answered", "Who has not answered", "The staff a round asks who have not submitted (an admin's "
        "download).",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "school_id | School | id | Their school.",
        "role | Role | label | Their role."),
    declare_table(
        "accounts to review", "Accounts to review", "Active accounts unused for the review period (the Users "
        "page).",
        "name | User | text | The account's name.",
        "role | Role | label | Its role.",
        "last_login_at | Last login (UTC) | date | Its last sign-in (never: not yet).",
        "action | Action | page | A button to disable it."),
    declare_table(
        "tie kinds", "Kinds of tie", "The kinds of collaboration a survey records and how each flows (the "
        "metrics page).",
        "kind | Kind | label | The kind's key.",
        "label | Label | text | Its name in the interface.",
        "flow | Flow | text | Which way help flows between the person answering and the colleague named.",
        "question | Question | text | The survey's question for it."),
    declare_table(
        "analysis settings", "Thresholds", "The analysis settings in force (the metrics page).",
        "name | Setting | text | The setting's name, for `netmap analyse --set`.",
        "value | Value | text | Its value.",
        "text | What it changes | text | What it changes in the analysis."),
    declare_table(
        "snapshots on the date", "Already stored on that date", "The snapshots stored on an upload's date (the "
        "upload page).",
        "snapshot_id | Id | id | The snapshot's id.",
        "as_of | Date | date | Its date.",
        "source | Source | text | Where it came from.",
        "loaded_at | Loaded (UTC) | date | When it was stored.",
        "staff | Staff | count | Its staff.",
        "schools | Schools | count | Its schools.",
        "collaborations | Ties | count | Its collaborations."),
    declare_table(
        "upload problems", "Problems in an upload", "What is wrong in the uploaded files, and how to fix it.",
        "severity | Severity | label | error (nothing stored) or warning.",
        "file | File | text | The file.",
        "row | Row | count | The row (empty: the whole file).",
        "column | Column | text | The column (empty: the whole row).",
        "value | Value | text | The value found.",
        "message | Problem | text | What is wrong.",
        "fix | Fix | text | How to fix it."),
    declare_table(
        "wiring clusters", "Informal clusters", "Clusters of staff who collaborate, with the formal group nearest "
        "each (the wiring page).",
        "community | Cluster | id | The cluster's number.",
        "size | People | count | Its people.",
        "schools | Schools | text | The schools they work at.",
        "best_group | Nearest formal group (share of the cluster in it) | text | The group holding most of them, "
        "with that share."),
    declare_table(
        "expertise", "Who knows a topic", "Staff with evidence of a topic, within the user's scope (the expertise "
        "page and its CSV).",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "school | School | text | Their school.",
        "score | Score | number | How strong the evidence is.",
        "evidence | Evidence | text | Where it shows.",
        "times_named | Times named | count | Colleagues who named them for it.",
        "steps | Steps away | count | Steps of the chain from you (or the school) to them; equal scores are ordered "
        "by it, fewest first.",
        "introduction | Who can introduce you | text | The chain of colleagues from you to them."),
    declare_table(
        "challenges", "Challenges", "The challenges posted (the challenges page).",
        "title | Challenge | text | Its title, linking to its page.",
        "topic | Topic | text | What it needs.",
        "schools | Schools concerned | text | The schools it is for.",
        "closes_on | Closes | date | When it closes.",
        "posted_by | Posted by | text | Who posted it."),
    declare_table(
        "challenge experts", "Experts for a challenge", "Colleagues with evidence of the challenge's topic.",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "school | School | text | Their school.",
        "score | Score | number | How strong the evidence is.",
        "evidence | Evidence | text | Where it shows.",
        "introduced_by | Who can bring them in | text | The chain of colleagues to them.",
        "invite |  | page | A button to invite them."),
    declare_table(
        "challenge connectors", "Connectors for a challenge", "Colleagues who link the schools concerned to "
        "several experts.",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "school | School | text | Their school.",
        "experts | Experts | count | The experts they know.",
        "brings_in | Brings in | text | Those experts, by name.",
        "at_a_school_concerned | At a school concerned | flag | Whether they work at one.",
        "invite |  | page | A button to invite them."),
    declare_table(
        "challenge seeds", "Seeds for a challenge", "The people relevant to a challenge (evidence of its topic, or "
        "at a school concerned) who together reach most colleagues within two steps (KPP-Pos).",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "school | School | text | Their school.",
        "why | Why them | text | Evidence of the topic, a school concerned, or both.",
        "reaches | Colleagues within two steps | count | Whom they reach on their own.",
        "invite |  | page | A button to invite them."),
    declare_table(
        "challenge answers", "Invitations and answers", "Whom a challenge invited and what they answered.",
        "staff_id | Staff id | id | The person's id.",
        "name | Name | text | Their name.",
        "invited_at | Invited | date | When they were invited.",
        "answer | Answer | label | offer, decline or no answer yet.",
        "message | What they can bring | text | Their message."),
    declare_table(
        "joiners people named", "New joiners (the web's page and download)", "The rows of `joiners people` within "
        "the user's scope, with each person's name.",
        *table("joiners people").columns, "name | Name | text | Their name."),
    declare_table(
        "joiners schools named", "Schools that joined (the web's download)", "The rows of `joiners schools`, "
        "with each school's name (a small school's figures hidden from roles that see aggregates).",
        *table("joiners schools").columns, "name | School name | text | Its name."),
    declare_table(
        "secondments to help", "Schools to help first (secondments page)", "The schools to help first "
        "(`schools to help`), ranked, each with a link to plan a secondment.",
        _RANK, *table("schools to help").columns,
        "plan |  | page | A link to find secondees for it."),
    declare_table(
        "secondments under way", "Secondments under way or planned", "Current and planned secondments on the "
        "snapshot's date (the secondments page and its CSV).",
        "status | Status | label | current or planned.",
        "staff_id | Staff id | id | The person's id.",
        "name | Who | text | Their name.",
        "from_school | From | text | The school they come from.",
        "to_school | To | text | The school they go to.",
        "starts_on | Starts | date | When it starts.",
        "ends_on | Ends | date | When it ends (empty: open-ended).",
        "purpose | Purpose | text | Why, as secondments.csv says.",
        "from_school_id | From school id | id | The school they come from, by id.",
        "to_school_id | To school id | id | The school they go to, by id."),
    declare_table(
        "secondment candidates", "Possible secondees", "Candidates for a secondment to the chosen school, best "
        "first (the secondments page).",
        _RANK,
        "name | Candidate | text | Their name.",
        "from_school_id | From | id | Their school.",
        "role | Role | label | Their role.",
        "fit | Fit | label | Phase and subject fit: good, partial or poor.",
        "score | Score | number | Fit points less what the home school can least spare (docs/secondments.md).",
        "new_schools | New schools | count | Schools the target would reach that it does not reach now.",
        "external_ties_after | Ties after | count | External ties of the target after the move.",
        "reason | Why | text | Why they rank there: fit, the home school's priority and sole-teacher risk, what "
        "they add.",
        "home_cost | Home school's loss | text | What the school they come from gives up.",
        "add |  | page | A button to add the move to the scenario."),
    declare_table(
        "what-if schools", "What the scenario changes", "Each school the scenario touches, before and after it.",
        "school | School | text | The school.",
        "external_ties | Ties to other schools | text | Its staff's ties to other schools, before and after.",
        "schools_reached | Schools reached | text | Other schools its staff are tied to, before and after.",
        "dependency | Dependency on one person | text | Share of its links held by one person, before and "
        "after."),
    declare_table(
        "introductions", "Introductions", "Colleagues elsewhere who share a person's subject or a group (a "
        "person's page).",
        "name | Colleague | text | Their name.",
        "school_id | School | id | Their school.",
        "shares | Shares | text | The subject or group they share.",
        "schools_reached | Schools they reach | count | Other schools they are tied to."),
    declare_table(
        "person's ties", "Collaborations", "A person's collaborations (a person's page).",
        "name | Name | text | The colleague.",
        "school | School | text | Their school.",
        "kinds | Kinds | text | The kinds of tie between them.",
        "direction | Direction | label | Who named whom: both, or one way."),
    declare_table(
        "possible secondees", "Possible secondees", "Colleagues who could connect an isolated school (a school's "
        "page).",
        "name | Possible secondee | text | Their name.",
        "from_school_id | From | id | Their school.",
        "reason | Why | text | Why they are suggested."),
    declare_table(
        "school links", "Links to other schools", "A school's links to each other school (a school's page and "
        "its CSV).",
        "school_id | School id | id | The other school's id.",
        "school | School | text | Its name.",
        "soft_ties | Soft ties | count | Collaborations between their staff.",
        "hard_links | Hard links | count | Pairs of their staff sharing a group."),
    declare_table(
        "group members by school", "Members by school", "A group's members counted by school (a group's page).",
        "school | School | text | The school.",
        "members | Members | count | The group's members there."),
    declare_table(
        "dashboard change", "Since the previous snapshot", "The trust's figures in the previous snapshot and "
        "this one (the dashboard).",
        "figure | Figure | text | The figure.",
        "previous | {previous} | number | Its value in the previous snapshot (headed by its date).",
        "now | {now} | number | Its value in this one (headed by its date).",
        "change | Change | text | Better, worse or the same, and by how much."),
    declare_table(
        "lawful bases", "Lawful bases", "The privacy report's lawful bases to choose from.",
        "basis | basis (UK GDPR Article 6) | text | The basis.",
        "when | when it fits | text | When it fits."),
    declare_table(
        "role views", "What each role sees", "The privacy report's roles and what each sees.",
        "role | role | label | The role.",
        "sees | sees | text | What it sees."),
    declare_table(
        "role counts", "People each role sees", "The privacy report's count of accounts and people seen by name, "
        "per role, on the loaded data.",
        "role | role | label | The role.",
        "accounts | accounts | count | Its accounts.",
        "seen | people seen by name | text | The people it sees by name."),
    declare_table(
        "retention", "Retention", "The privacy report's retention periods.",
        "what | what | text | What is kept.",
        "kept_for | kept for | text | For how long."),
    declare_table(
        "risk register", "Risk register", "The privacy report's risks to people.",
        "risk | risk to people | text | The risk.",
        "likelihood | likelihood | label | How likely.",
        "severity | severity | label | How severe.",
        "measures | measures | text | What reduces it.",
        "residual | residual | label | What remains."),
    declare_table(
        "ico monitoring", "Monitoring workers", "The privacy report against the ICO's guidance on monitoring "
        "workers.",
        "expectation | ICO expectation | text | What the ICO expects.",
        "how | how netmap and the trust meet it | text | How it is met."),
    declare_table(
        "sign-off", "Sign-off", "The privacy report's sign-off.",
        "item | item | text | What is signed off.",
        "signed | name, date | text | Who signed, and when.",
        "notes | notes | text | Notes."),
    declare_table(
        "mapping fields", "Fields of a staff export mapping", "Which column of the export holds each of netmap's "
        "staff fields (the staff export mapping page).",
        "field | netmap field | text | The staff field netmap reads.",
        "column | Column of your export | text | The export's column that holds it."),
    declare_table(
        "mapping role codes", "Role codes of an export", "What each role code found in the export means.",
        "code | In the export | text | The code as the export writes it.",
        "role | netmap role | label | The role it stands for."),
    declare_table(
        "mapping school codes", "School values of an export", "Which netmap school each school value of the "
        "export is.",
        "code | In the export | text | The value as the export writes it.",
        "school | netmap school | id | The school it is."),
)

_BY_KEY = {spec.key: spec for spec in (*TABLES, *WEB_TABLES)}


def table_spec(key: str) -> TableSpec:
    """The declaration of table `key`, the library's or the web's; KeyError naming the tables otherwise."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no table {key!r}: the tables are {', '.join(_BY_KEY)}") from None


def csv_columns(key: str) -> list[str]:
    """The columns of table `key`'s CSV download, in order: every declared column but the page's own."""
    return [c.name for c in table_spec(key).columns if c.format != "page"]


def init_app(app: Flask) -> None:
    """Templates get table_spec, for the `headings` macro."""
    app.add_template_global(table_spec)


if __name__ == "__main__":
    print(tables_markdown(WEB_TABLES), end="")
