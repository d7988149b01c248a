"""The web app's own records, kept apart from the trust's data: users and logins, the audit log, saved scenarios."""

from webapp.accounts.audit import AuditLog
from webapp.accounts.database import Accounts
from webapp.accounts.scenarios import ScenarioStore
from webapp.accounts.users import (
    ADDRESS_FAILURES,
    LOCKOUT_FAILURES,
    LOCKOUT_MINUTES,
    MIN_PASSWORD,
    ROLES,
    LockedOut,
    User,
    UserStore,
)

__all__ = ["ADDRESS_FAILURES", "LOCKOUT_FAILURES", "LOCKOUT_MINUTES", "MIN_PASSWORD", "ROLES", "Accounts",
           "AuditLog", "LockedOut", "ScenarioStore", "User", "UserStore"]
