"""`netmap --version` and `netmap --help` answer without importing the analysis stack, yet list every command
with the summary its own help gives (netmap/cli.py's COMMANDS table, checked here against the commands)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib.metadata import entry_points

import click
import pytest
from click.testing import CliRunner

from netmap import __version__
from netmap.cli import COMMANDS, PLUGIN, main
from tests.conftest import REPO

STACK = ("pandas", "networkx", "numpy", "scipy", "igraph")
PROBE = """
import sys
from netmap.cli import main
try:
    main(sys.argv[1:], prog_name="netmap")
except SystemExit as exc:
    print("EXIT:", exc.code)
print("IMPORTED:" + ",".join(m for m in {stack!r} if m in sys.modules))
"""


def _fresh() -> click.Group:
    """A root group like `netmap`'s with nothing loaded yet (the module's own may have loaded commands for other
    tests in this process)."""
    return type(main)(name="netmap", callback=main.callback, params=main.params, help=main.help)


@pytest.mark.parametrize("args", [["--version"], ["--help"], []], ids=["version", "help", "bare"])
def test_version_and_help_import_none_of_the_analysis_stack(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE.format(stack=STACK), *args], capture_output=True,
                            text=True, cwd=REPO, timeout=120, check=True)
    assert result.stdout.strip().endswith("IMPORTED:"), result.stdout[-300:]
    assert ("EXIT: 2" if args == [] else "EXIT: 0") in result.stdout  # bare `netmap`: click's help, as a usage error
    if args == ["--version"]:
        assert result.stdout.startswith(f"netmap, version {__version__}")
    else:
        listed = (result.stdout + result.stderr).split("Commands:")[1]  # bare: the help on stderr
        assert [line.split()[0] for line in listed.splitlines() if line.startswith("  ")] == sorted(COMMANDS)


def test_help_lists_every_command_as_it_would_with_all_of_them_loaded() -> None:
    lazy = _fresh()
    before = CliRunner().invoke(lazy, ["--help"], prog_name="netmap")
    assert lazy.commands == {}  # listing loaded nothing
    ctx = click.Context(lazy)
    for name in lazy.list_commands(ctx):
        assert lazy.get_command(ctx, name) is not None, name
    after = CliRunner().invoke(lazy, ["--help"], prog_name="netmap")
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output
    assert "  whatif " in before.output and "  serve " in before.output


def test_every_command_is_declared_with_its_own_summary() -> None:
    """Each module's register(main) adds exactly the commands declared for it, each plugin is an entry point,
    and each declared summary is the first sentence of the command's help, so the table cannot drift."""
    for module in {module for module, _summary in COMMANDS.values() if module != PLUGIN}:
        group = click.Group()
        importlib.import_module(module).register(group)
        assert sorted(group.commands) == sorted(n for n, (m, _s) in COMMANDS.items() if m == module), module
        for name, command in group.commands.items():
            assert command.get_short_help_str(10_000) == COMMANDS[name][1], name
    assert main.list_commands(click.Context(main)) == sorted(COMMANDS)  # none added to `main` some other way
    plugins = {entry.name: entry for entry in entry_points(group=PLUGIN)}
    assert sorted(plugins) == sorted(n for n, (m, _s) in COMMANDS.items() if m == PLUGIN)
    for name, entry in plugins.items():
        assert entry.load().get_short_help_str(10_000) == COMMANDS[name][1], name


def test_a_command_runs_and_an_unknown_one_is_refused_by_name() -> None:
    lazy = _fresh()
    result = CliRunner().invoke(lazy, ["validate", "--help"], prog_name="netmap")
    assert result.exit_code == 0 and "against the data contract" in result.output
    assert sorted(lazy.commands) == ["analyse", "export", "forget", "init-store", "load", "sample", "snapshots",
                                     "validate"]  # its module's commands, and only those
    result = CliRunner().invoke(lazy, ["valdate"], prog_name="netmap")
    assert result.exit_code == 2 and "No such command 'valdate'" in result.output
