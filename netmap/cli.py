"""The `netmap` command line: a thin layer over the library. Expected errors print one line and exit 1.

The commands live in their own modules (netmap/data_cli.py, planner_cli.py, compare_cli.py, survey_cli.py,
expertise_cli.py, import_cli.py, and the web app's through the netmap.commands entry points), each imported only
when one of its commands runs or shows its own help. `netmap --help` lists them from the summaries declared in
COMMANDS, as pip lists its commands, so that `netmap --version` and `netmap --help` import none of the analysis
stack (pandas, NetworkX), which takes several times as long to import as the answer takes to print.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from netmap import __version__
from netmap.errors import NetmapError, ValidationFailed

__all__ = ["COMMANDS", "main"]

log = logging.getLogger("netmap")

PLUGIN = "netmap.commands"  # the entry point group through which other packages add commands (the web app's)
# name: (the module whose register(main) adds it, or PLUGIN; the first sentence of its help, for `netmap --help`).
# tests/test_cli_lazy.py checks each summary against its command's own help, and that every command is here.
COMMANDS: dict[str, tuple[str, str]] = {
    "analyse": ("netmap.data_cli", "Compute every connectivity, brokerage and isolation measure of a snapshot."),
    "audit": (PLUGIN, "The web app's audit log: who logged in, changed what, and viewed or downloaded whose data, "
                      "and why."),
    "compare": ("netmap.compare_cli", "What changed between two snapshots (their ids: a date YYYY-MM-DD, or date-N "
                                      "for a later one of that day; default: the last two): ties gained, lost and "
                                      "persisting, people who joined and left, schools that became isolated or "
                                      "connected, groups, brokers and key connectors."),
    "demo": (PLUGIN, "Load the sample trust into the demo's own folder (NETMAP_DEMO_DIR), create a demo admin with a "
                     "one-time password there, and start the web app on it."),
    "evaluate": ("netmap.evaluate_cli", "Whether joining a group (--group ID) or a secondment (--secondments) "
                                        "changed members' cross-school colleagues beyond comparable staff's, "
                                        "between two snapshots: a difference in differences with a permutation "
                                        "p-value and a bootstrap interval."),
    "export": ("netmap.data_cli", "Write a snapshot's network as GraphML or GEXF (people with their metrics, soft "
                                  "ties with kind and weight, groups as hubs joined to their members), or its "
                                  "analysis as one XLSX workbook."),
    "find-expertise": ("netmap.expertise_cli", "Who knows about TOPIC, ranked by evidence (groups led or joined, "
                                               "subjects, colleagues who named them for it in the survey; recent and "
                                               "same-phase evidence counts more), equal scores by who can be "
                                               "introduced soonest, with who can introduce you."),
    "forget": ("netmap.data_cli", "Delete the snapshot ID (its date, or date-N for a later one of that day: see "
                                  "`netmap snapshots`), or with --older-than every snapshot past the retention "
                                  "period, and everything in them."),
    "import": ("netmap.import_cli", "Bring in data as the trust already holds it: the DfE's register of schools "
                                    "(GIAS), MIS and HR exports through a column mapping, group lists."),
    "init-store": ("netmap.data_cli", "Create the store's schema: constraints and indexes on Neo4j, tables in the "
                                      "embedded store."),
    "introduce": ("netmap.planner_cli", "People at other schools in a colleague's subject or groups who would "
                                        "connect them best."),
    "key-players": ("netmap.planner_cli", "The k people whose leaving most fragments the soft wiring, and the k who "
                                          "reach most in two steps."),
    "load": ("netmap.data_cli", "Validate SOURCE, then store it as one snapshot, all or nothing."),
    "partnership": (PLUGIN, "A partnership of trusts in one store: each trust's consent, and the consenting trusts "
                            "as one network."),
    "person": ("netmap.person_cli", "A person's rights: list ids, export what is held about someone, erase them, or "
                                    "exclude them from analysis after an objection (docs/data-subject-rights.md)."),
    "privacy-report": (PLUGIN, "Write the DPIA pack: what netmap holds, for which purposes and on which lawful "
                               "bases, who sees what (counted on the data loaded), thresholds, retention, what "
                               "leaves the machine with these settings, the risk register, necessity and "
                               "proportionality, profiling, people's rights, and the sign-off for the trust's DPO."),
    "recommend": ("netmap.planner_cli", "Rank secondees from other schools for SCHOOL (new links, then fit less "
                                        "what the home school can least spare; the home school's loss beside), the "
                                        "central team apart; without --school, list the schools to help first "
                                        "(isolated or weakly connected, high priority first)."),
    "risk": ("netmap.planner_cli", "Leaver risk: what the network loses if each person leaves, worst first."),
    "sample": ("netmap.data_cli", "Generate a realistic, deterministic sample trust as CSV files: one folder of "
                                  "dated data (staff start and leave, ties are observed through the 2025/26 school "
                                  "year), or with --series a folder per term."),
    "serve": (PLUGIN, "Start the web app."),
    "snapshots": ("netmap.data_cli", "List the snapshots in the store, oldest first."),
    "survey": ("netmap.survey_cli", "Collect the soft wiring: survey rounds over a snapshot's staff (see README, "
                                    "\"Running a survey\")."),
    "users": (PLUGIN, "Manage who can log in to the web app, and their role (admin, hr, ceo, network-lead)."),
    "validate": ("netmap.data_cli", "Check a folder of CSV files (or an .xlsx workbook) against the data contract."),
    "whatif": ("netmap.planner_cli", "Before and after hypothetical changes, applied in the order given: schools' "
                                     "ties, reach and dependency; trust-level measures."),
}


class _Netmap(click.Group):
    """Loads each command from its module the first time it is asked for (click's lazy-loading pattern), lists
    them all from their declared summaries, and turns any NetmapError into a clean one-line message and exit
    status 1 (and a log record)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        plugins = {entry.name for entry in entry_points(group=PLUGIN)}
        return sorted(set(self.commands) | set(COMMANDS) | plugins)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = COMMANDS.get(cmd_name, (PLUGIN, ""))[0]
            if module == PLUGIN:
                for entry in entry_points(group=PLUGIN, name=cmd_name):
                    self.add_command(entry.load(), entry.name)
            else:
                importlib.import_module(module).register(self)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's listing, with each command not yet loaded stood in for by its declared summary (only a
        command netmap does not know, another package's, is imported to read its help)."""
        listed = [self.commands.get(name) or (click.Command(name, help=COMMANDS[name][1]) if name in COMMANDS
                                              else self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        click.Group.format_commands(click.Group(commands=[c for c in listed if c is not None]), ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            from netmap.cli_common import print_report

            print_report(exc.report)
            log.info("refused: %s", exc)
            raise click.ClickException(str(exc)) from None
        except NetmapError as exc:
            log.info("refused: %s", exc)
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a file the command was told to write or read: unwritable, missing, disk full
            where = f" {exc.filename}" if exc.filename else ""
            log.info("refused: %s", exc)
            raise click.ClickException(f"Cannot use{where}: {exc.strerror or exc}. Check the path exists and you "
                                       "may write there, or choose another.") from None


PRIVATE_UMASK = 0o077  # files 0600, folders 0700


@click.group(cls=_Netmap)
@click.version_option(__version__, prog_name="netmap")
@click.option("-v", "--verbose", is_flag=True, help="Log what netmap does (loads, analyses, refusals) to stderr.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """netmap: map how the colleagues of a multi-academy trust actually connect."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # its errors reach the user as StorageError
    # Every file and folder a command creates (analyses, exports, link files, problem reports, stores) is readable
    # by its owner only: they hold named data about employees. Set once here so that no output can forget it.
    os.umask(PRIVATE_UMASK)
    from netmap.config import read_settings

    try:
        ctx.ensure_object(dict)["settings"] = read_settings()
    except NetmapError as exc:
        raise click.ClickException(str(exc)) from None
