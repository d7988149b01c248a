"""The web app's commands, plugged into `netmap` through the netmap.commands entry point: `serve`, `demo`, and
`users` (the web app's users and roles live with the web app, in NETMAP_USERS_DB)."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from netmap import clock
from netmap.cli_common import load_sample, open_store_of, settings_of, store_options
from netmap.config import Settings, demo_settings, described
from netmap.errors import NetmapError
from netmap.sample.generator import SAMPLE_TRUST, TERM_ENDS
from netmap.store import open_store
from webapp.accounts import ROLES, Accounts, User, UserStore
from webapp.accounts.leavers import read_leavers
from webapp.accounts.partnership import PARTNERSHIP

DEMO_ADMIN = "demo-admin"
T = TypeVar("T")
log = logging.getLogger("netmap.serve")


def _run(host: str, port: int, settings: Settings, config: dict[str, object]) -> None:
    """Serve the app with waitress, a production WSGI server, logging to stderr at INFO."""
    from waitress import serve

    from webapp import create_app

    app = create_app(config)
    for name in ("netmap", "webapp", "waitress"):
        logging.getLogger(name).setLevel(logging.INFO)
    log.info("serving on http://%s:%s with %d threads; settings: %s", host, port, settings.threads,
             " ".join(f"{k}={v}" for k, v in described(settings).items()))
    click.echo(f"netmap is running at http://{host}:{port}/  (Ctrl+C stops it)")
    # waitress drops X-Forwarded-* unless told otherwise; behind NETMAP_TRUSTED_PROXY it hands them on, and the
    # app believes them only from the proxy's address (webapp/proxy.py).
    serve(app, host=host, port=port, threads=settings.threads, ident="netmap",
          clear_untrusted_proxy_headers=not settings.trusted_proxy)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@store_options
def serve(host: str, port: int, db: Path | None, store: str | None) -> None:
    """Start the web app."""
    settings = settings_of(click.get_current_context())
    config: dict[str, object] = {"NETMAP_DB": db or settings.db_path}
    if store:
        config["NETMAP_STORE"] = store
    _run(host, port, settings, config)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Load and create the user, but do not start the web app.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    """Load the sample trust into the demo's own folder (NETMAP_DEMO_DIR), create a demo admin with a one-time
    password there, and start the web app on it. The trust's own store and users file are never opened."""
    settings = demo_settings(settings_of(ctx))
    with open_store(settings, create=True) as opened:
        load_sample(opened)
    with Accounts(settings.users_db_path) as accounts:
        if accounts.users.get(DEMO_ADMIN):
            accounts.users.remove(DEMO_ADMIN)
        password = accounts.users.add(DEMO_ADMIN, "admin")
    click.echo(f"The sample trust ({SAMPLE_TRUST['staff']} staff) is in {settings.db_path}, as of the end of each "
               f"term of 2025/26: {', '.join(TERM_ENDS)}.")
    click.echo(f"The demo keeps its store and users in {settings.demo_dir}, apart from your trust's own "
               "(NETMAP_DEMO_DIR moves it; delete the folder to start again).")
    click.echo(f"Log in as {DEMO_ADMIN} with password {password} (a new one each time you run netmap demo). The "
               "demo asks for no second factor, since its people are made up; a trust's own server asks every "
               "account for one (NETMAP_REQUIRE_MFA, docs/accounts.md).")
    if not no_serve:
        _run(host, port, settings, {"NETMAP_SETTINGS": settings, "NETMAP_DB": settings.db_path,
                                    "NETMAP_STORE": None, "NETMAP_USERS_DB": settings.users_db_path,
                                    "NETMAP_REQUIRE_MFA": settings.require_mfa})


@click.group()
def users() -> None:
    """Manage who can log in to the web app, and their role (admin, hr, ceo, network-lead)."""


def _accounts(ctx: click.Context) -> Accounts:
    return Accounts(settings_of(ctx).users_db_path)


def _change(ctx: click.Context, change: Callable[[UserStore], T], action: str, subject: str) -> T:
    """Apply one change to the users file and record it in the audit log, as the person at the terminal."""
    with _accounts(ctx) as accounts:
        result = change(accounts.users)
        accounts.audit.record(_by(), action, subject)
    return result


def _by() -> str:
    """Who ran a command, for the audit log: the operating-system account on the server."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"


def _user_command(command: str) -> Callable[[Callable[..., None]], click.Command]:
    """`netmap users COMMAND NAME ...`: a users command acting on the user NAME, called with the click context, so
    that each command declares only its own arguments (after NAME) and options."""

    def register(action: Callable[..., None]) -> click.Command:
        return users.command(command)(click.argument("name")(click.pass_context(action)))

    return register


@_user_command("add")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of "
              "generating one.")
@click.option("--staff-id", default="", help="The person's staff_id in staff.csv: the account closes when the "
              "trust's data says they have left.")
def users_add(ctx: click.Context, name: str, role: str, password_stdin: bool, staff_id: str) -> None:
    """Add a user; prints a generated password unless one is given on stdin. They set up an authenticator app at
    their first login (NETMAP_REQUIRE_MFA)."""
    given = sys.stdin.readline().strip() if password_stdin else None
    linked = f", staff {staff_id}" if staff_id else ""
    password = _change(ctx, lambda users: users.add(name, role, given, staff_id), "user added",
                       f"{name} ({role}{linked})")
    click.echo(f"Added {name} ({role}{linked})." + ("" if given else f" Password: {password}"))
    _check_in_latest_snapshot(ctx, staff_id)


@_user_command("remove")
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove a user; they lose access at their next click, and adding the name again revives no old session."""
    _change(ctx, lambda users: users.remove(name), "user removed", name)
    click.echo(f"Removed {name}.")


@_user_command("set-role")
@click.argument("role", type=click.Choice(ROLES))
def users_set_role(ctx: click.Context, name: str, role: str) -> None:
    """Change a user's role; their sessions end, and the new role applies when they log in again."""
    _change(ctx, lambda users: users.set_role(name, role), "role changed", f"{name} is now {role}")
    click.echo(f"{name} is now {role}.")


@_user_command("set-password")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input instead of "
              "generating one.")
def users_set_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Give a user a new password; their sessions end at once and any lock on their name is lifted."""
    given = sys.stdin.readline().strip() if password_stdin else None
    password = _change(ctx, lambda users: users.set_password(name, given), "password set", name)
    click.echo(f"New password set for {name}; their sessions have ended." + ("" if given else f" Password: {password}"))


@_user_command("unlock")
def users_unlock(ctx: click.Context, name: str) -> None:
    """Lift the locks that failed logins and wrong second-factor codes put on a user name, from every address."""
    forgotten = _change(ctx, lambda users: users.unlock(name), "user unlocked", name)
    click.echo(f"Unlocked {name} ({forgotten} recent failed login(s) forgotten).")


@_user_command("set-groups")
@click.argument("groups", nargs=-1)
def users_set_groups(ctx: click.Context, name: str, groups: tuple[str, ...]) -> None:
    """Set the expert networks and subject communities (group ids) a network lead leads; they see those
    groups' members by name. No GROUPS: none."""
    _change(ctx, lambda users: users.set_groups(name, list(groups)), "groups assigned",
            f"{name}: {', '.join(groups) or 'none'}")
    click.echo(f"{name} leads {', '.join(groups) or 'no group'}.")


@_user_command("set-people")
@click.argument("staff_ids", nargs=-1)
@click.option("--purpose", default="", help="Why the lead needs to see them by name (recorded in the audit log).")
def users_set_people(ctx: click.Context, name: str, staff_ids: tuple[str, ...], purpose: str) -> None:
    """Set the colleagues outside their groups a network lead may see by name, for a stated purpose (e.g. the
    disconnected colleagues they were asked to support). No STAFF_IDS: nobody."""
    _change(ctx, lambda users: users.set_people(name, list(staff_ids), purpose), "people assigned",
            f"{name}: {', '.join(staff_ids) or 'nobody'}" + (f" ({purpose.strip()})" if staff_ids else ""))
    click.echo(f"{name} may see {len(staff_ids)} colleague(s) outside their groups by name.")


@_user_command("set-trust")
@click.argument("trust", required=False)
@click.option("--partnership", "of_partnership", is_flag=True,
              help="An account of the partnership: the consenting trusts as one network.")
@click.option("--none", "of_none", is_flag=True, help="An account of no trust (in a store of several trusts: only "
                                                      "an admin, the store's operator, sees anything).")
def users_set_trust(ctx: click.Context, name: str, trust: str | None, of_partnership: bool, of_none: bool) -> None:
    """Set the trust (a trust_id of schools.csv) whose people, schools and figures the account sees, in a store
    shared by a partnership of trusts (docs/partnerships.md)."""
    if sum((trust is not None, of_partnership, of_none)) != 1:
        raise click.UsageError("Give one of TRUST, --partnership or --none.")
    said = f"trust {trust}" if trust else "the partnership" if of_partnership else "no trust"
    with _accounts(ctx) as accounts:
        accounts.partnership.set_trust(name, PARTNERSHIP if of_partnership else trust)
        accounts.audit.record(_by(), "trust assigned", f"{name}: {said}")
    click.echo(f"{name} sees {said}.")


@_user_command("link")
@click.argument("staff_id")
def users_link(ctx: click.Context, name: str, staff_id: str) -> None:
    """Link a user to their staff_id in staff.csv (\"\" unlinks): the account closes when the trust's data says
    they have left."""
    _change(ctx, lambda users: users.link(name, staff_id), "user linked", f"{name} to staff {staff_id or 'none'}")
    click.echo(f"{name} is linked to staff {staff_id}." if staff_id else f"{name} is linked to nobody.")
    _check_in_latest_snapshot(ctx, staff_id)


def _check_in_latest_snapshot(ctx: click.Context, staff_id: str) -> None:
    """Warn when `staff_id` is not in the latest snapshot's staff: a mistyped id would never close the account.
    Only a warning, since an account may be made before the first load."""
    if not staff_id:
        return
    try:
        with open_store_of(ctx, None, None) as store:
            snapshots = store.list_snapshots()
            if not snapshots:
                return
            latest = snapshots[-1].snapshot_id
            known = set(store.read_table(latest, "staff")["staff_id"].astype(str))
    except NetmapError as exc:
        click.echo(f"Could not check staff {staff_id} against the store ({exc}).", err=True)
        return
    if staff_id not in known:
        click.echo(f"Warning: staff {staff_id} is not in the latest snapshot ({latest}); check the id, since the "
                   "account closes only when that person's record says they have left.", err=True)


@_user_command("reset-mfa")
def users_reset_mfa(ctx: click.Context, name: str) -> None:
    """Forget a user's authenticator and recovery codes (a lost phone); their sessions end and they set up an
    authenticator again at their next login."""
    with _accounts(ctx) as accounts:
        accounts.second_factors.reset(name)
        accounts.audit.record(_by(), "second factor reset", name)
    click.echo(f"{name}'s authenticator is reset; their sessions have ended. They set it up again at their next "
               "login.")


@_user_command("disable")
@click.option("--reason", default="disabled by an admin", show_default=True)
def users_disable(ctx: click.Context, name: str, reason: str) -> None:
    """Stop a user logging in, and end their sessions, keeping the account (see also `netmap users remove`)."""
    _change(ctx, lambda users: users.disable(name, reason), "account disabled", f"{name}: {reason}")
    click.echo(f"{name} is disabled ({reason}).")


@_user_command("enable")
def users_enable(ctx: click.Context, name: str) -> None:
    """Let a disabled user log in again (one whose linked person has left is disabled again at their next
    request: unlink them first if the link was wrong)."""
    _change(ctx, lambda users: users.enable(name), "account enabled", name)
    click.echo(f"{name} may log in again.")


@users.command("leavers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def users_leavers(ctx: click.Context, file: Path) -> None:
    """Record HR's leavers: a CSV with columns staff_id and left_on (YYYY-MM-DD). An account linked to one of them
    stops working at its next request once the day has come."""
    leavers = read_leavers(file.read_text(encoding="utf-8-sig"), file.name)
    with _accounts(ctx) as accounts:
        accounts.leavers.record(leavers)
        accounts.audit.record(_by(), "leavers recorded", f"{len(leavers)} from {file.name}")
        linked = [u for u in accounts.users.all_users() if u.staff_id in leavers]
    click.echo(f"Recorded {len(leavers)} leaver(s) from {file.name}.")
    for user in linked:
        click.echo(f"{user.name} (staff {user.staff_id}) leaves on {leavers[user.staff_id]}: the account stops "
                   "working at its next request from that day.")


@users.command("list")
@click.option("--unused", type=click.IntRange(1), metavar="DAYS",
              help="Only accounts nobody has logged in to for DAYS days (the 90-day review: --unused 90).")
@click.pass_context
def users_list(ctx: click.Context, unused: int | None) -> None:
    """Every user: role, linked staff id, second factor, last login, disabled, the groups a network lead leads,
    the colleagues assigned them, and the identity provider of those who sign in through one (tab-separated)."""
    with _accounts(ctx) as accounts:
        listed = accounts.users.unused(unused) if unused else accounts.users.all_users()
        for user in listed:
            led = accounts.users.groups_of(user.name)
            people = accounts.users.people_of(user.name)
            issuer = accounts.users.issuer_of(user.name)
            click.echo("\t".join([*_described(user), ", ".join(led)]).rstrip("\t")
                       + (f"\t+{len(people)} named colleague(s)" if people else "")
                       + (f"\tsigns in through {issuer}" if issuer else ""))


def _described(user: User) -> list[str]:
    """A user's columns in `netmap users list`."""
    return [user.name, user.role, f"staff {user.staff_id}" if user.staff_id else "unlinked",
            "authenticator" if user.has_second_factor else "no authenticator",
            f"last login {user.last_login_at[:10]}" if user.last_login_at else "never logged in",
            f"disabled: {user.disabled}" if user.disabled else "active"]


@click.group()
def audit() -> None:
    """The web app's audit log: who logged in, changed what, and viewed or downloaded whose data, and why."""


@audit.command("verify")
@click.option("--head", default="", metavar="HASH", help="A head printed by an earlier verify (kept somewhere the "
              "server's administrators cannot write): it must still be in the chain.")
@click.pass_context
def audit_verify(ctx: click.Context, head: str) -> None:
    """Check that no audit entry was changed, removed or inserted since it was written (each is chained to the one
    before by a SHA-256 hash); prints the head to keep for the next check. Exit 1 when the chain is broken."""
    with _accounts(ctx) as accounts:
        check = accounts.audit.verify(head.strip().lower())
    if check.broken_at:
        at, user, action = check.broken_at
        raise click.ClickException(f"The audit log was altered: the entry of {at} ({user}: {action}), entry "
                                   f"{check.entries} in order, or the one before it, does not match its chain. "
                                   "Restore the users file from a backup and investigate who had access.")
    if not check.head_seen:
        raise click.ClickException(f"The head {head.strip()} is not in the audit log's chain: the log was rebuilt "
                                   "or pruned past it since it was recorded.")
    click.echo(f"The audit log is intact: {check.entries} entries chained. Head: {check.head}")


@audit.command("prune")
@click.option("--older-than", "days", type=click.IntRange(1), required=True, metavar="DAYS",
              help="Delete entries older than this many days.")
@click.pass_context
def audit_prune(ctx: click.Context, days: int) -> None:
    """Delete audit entries older than DAYS (the web app also deletes those past NETMAP_AUDIT_RETENTION_DAYS)."""
    with _accounts(ctx) as accounts:
        removed = accounts.audit.delete_before(clock.now() - dt.timedelta(days=days))
        accounts.audit.record(_by(), "audit pruned", f"{removed} entries older than {days} days")
    click.echo(f"Deleted {removed} audit entries older than {days} days.")
