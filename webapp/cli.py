"""The web app's commands, plugged into `netmap` through the netmap.commands entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from netmap.cli import SAMPLE_ARGS, load_sample, store_options
from netmap.config import read_settings
from netmap.users import UserStore

DEMO_ADMIN = "demo-admin"


def _run(host: str, port: int, db: Path | None, store: str | None) -> None:
    from webapp import create_app

    config = {"NETMAP_DB": db or read_settings().db_path}
    if store:
        config["NETMAP_STORE"] = store
    app = create_app(config)
    click.echo(f"netmap is running at http://{host}:{port}/  (Ctrl+C stops it)")
    app.run(host=host, port=port, threaded=True, debug=False, load_dotenv=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@store_options
def serve(host: str, port: int, db: Path | None, store: str | None) -> None:
    """Start the web app."""
    _run(host, port, db, store)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Load and create the user, but do not start the web app.")
@store_options
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool, db: Path | None, store: str | None) -> None:
    """Load the sample trust if needed, create a demo admin with a one-time password, and start the web app."""
    where = load_sample(ctx, db, store)
    users = UserStore(read_settings().users_db_path)
    try:
        if users.get(DEMO_ADMIN):
            users.remove(DEMO_ADMIN)
        password = users.add(DEMO_ADMIN, "admin")
    finally:
        users.close()
    click.echo(f"The sample trust ({SAMPLE_ARGS['staff']} staff) is in {where}, as of "
               f"{dt.date(2026, 7, 1).isoformat()}.")
    click.echo(f"Log in as {DEMO_ADMIN} with password {password} (a new one each time you run netmap demo).")
    if not no_serve:
        _run(host, port, db, store)
