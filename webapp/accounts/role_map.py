"""The role map: which identity-provider groups (or email addresses) give which netmap role, and which expert
networks and subject communities a network lead leads. An admin edits it as a TOML file (NETMAP_OIDC_ROLE_MAP);
it is re-read at every sign-in, so a change applies from each person's next sign-in.

    [[rule]]
    group = "6f1c2b9e-...-entra-object-id"   # Entra ID: the group's object id; Google: the group's email
    role = "hr"

    [[rule]]
    group = "maths-leads"
    role = "network-lead"
    leads = ["EN-MATHS", "SC-SCIENCE"]       # group ids as in netmap's groups.csv

    [[rule]]
    email = "head.of.people@trust.example"   # for providers that send no groups (Google without Cloud Identity)
    role = "hr"

Someone matching several rules gets the role that sees most (admin, hr, network-lead, ceo), and as a network
lead the groups of every matching network-lead rule. Someone matching none is refused.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netmap.errors import ConfigError
from webapp.accounts.users import ROLES

__all__ = ["Grant", "Rule", "grant_of", "read_role_map"]

_BY_REACH = ("admin", "hr", "network-lead", "ceo")  # most seen first
_KEYS = {"group", "email", "role", "leads"}


@dataclass(frozen=True)
class Rule:
    """Who (a provider group, or an email address) gets `role`, leading `leads` when a network lead."""

    role: str
    group: str | None = None
    email: str | None = None
    leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grant:
    """What one sign-in gives: a role, and for a network lead the groups they lead (sorted)."""

    role: str
    leads: tuple[str, ...] = ()


def read_role_map(path: Path) -> tuple[Rule, ...]:
    """The rules in the TOML file at `path`; ConfigError naming the file, the rule and the fix when it is
    missing or malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the role map {path} ({exc.strerror or exc}); check NETMAP_OIDC_ROLE_MAP.") \
            from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The role map {path} is not valid TOML ({exc}); see docs/sign-in.md for its format.") \
            from None
    entries = data.get("rule")
    if set(data) - {"rule"} or not isinstance(entries, list) or not entries:
        raise ConfigError(f"The role map {path} must hold one or more [[rule]] tables and nothing else; see "
                          "docs/sign-in.md.")
    return tuple(_rule(entry, path, n) for n, entry in enumerate(entries, start=1))


def _rule(entry: object, path: Path, n: int) -> Rule:
    where = f"Rule {n} of the role map {path}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table; write it as [[rule]] followed by key = value lines.")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(f"{where} has unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(_KEYS))}.")
    group, email, role, leads = (entry.get(k) for k in ("group", "email", "role", "leads"))
    who = group if email is None else email
    if (group is None) == (email is None) or not isinstance(who, str) or not who.strip():
        raise ConfigError(f"{where} needs exactly one of group = \"...\" or email = \"...\".")
    if role not in ROLES:
        raise ConfigError(f"{where} has role {role!r}; use one of {', '.join(ROLES)}.")
    if leads is not None and (role != "network-lead" or not isinstance(leads, list)
                              or not all(isinstance(x, str) and x for x in leads)):
        raise ConfigError(f"{where}: leads = [\"group id\", ...] belongs only to a network-lead rule, as a list of "
                          "group ids.")
    return Rule(role=role, group=group.strip() if group else None,
                email=email.strip().lower() if email else None, leads=tuple(leads or ()))


def grant_of(rules: Iterable[Rule], groups: Iterable[str], email: str | None) -> Grant | None:
    """What someone in `groups` with the verified address `email` gets; None when no rule matches them."""
    in_groups = set(groups)
    address = email.lower() if email else None
    matched = [r for r in rules if (r.group is not None and r.group in in_groups)
               or (r.email is not None and r.email == address)]
    if not matched:
        return None
    role = min((r.role for r in matched), key=_BY_REACH.index)
    leads = sorted({g for r in matched if r.role == role for g in r.leads})
    return Grant(role, tuple(leads))
