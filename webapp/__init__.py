"""netmap's web app: create_app assembles config, extensions and one blueprint per page family."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from netmap.config import data_dir, read_settings
from netmap.store.files import create_private_file
from webapp.proxy import TrustedProxy

__all__ = ["create_app"]

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Defaults, then NETMAP_* settings, then `test_config` overrides."""
    app = Flask(__name__)
    settings = read_settings()
    app.config.from_mapping(
        NETMAP_SETTINGS=settings,
        NETMAP_DB=settings.db_path,
        NETMAP_STORE=settings.neo4j_uri,
        NETMAP_USERS_DB=settings.users_db_path,
        NETMAP_REQUIRE_MFA=settings.require_mfa,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.upload_limit_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Browsers accept Secure cookies on http://127.0.0.1 and localhost; elsewhere they need HTTPS, unless the
        # trust allows plain HTTP on its own network (NETMAP_ALLOW_HTTP).
        SESSION_COOKIE_SECURE=not settings.allow_http,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
    )
    if test_config:
        app.config.update(test_config)
    # a new snapshot's map places and largest island's graphs computed while idle (webapp.warm_up); in tests if asked
    app.config.setdefault("WARM_UP", not app.config.get("TESTING"))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(data_dir() / "secret_key")

    from webapp import (
        admin,
        auth,
        challenges,
        compare,
        dashboard,
        data,
        expertise,
        exports,
        gate,
        group_lists,
        groups,
        hidden,
        joiners,
        mapping,
        mfa,
        network_map,
        oidc,
        partnership,
        person_rights,
        privacy,
        purpose,
        rounds,
        schools,
        secondments,
        security,
        staff,
        survey,
        table_columns,
        trends,
        trusts,
        upload,
        warm_up,
        wiring,
    )

    # The client's own address behind NETMAP_TRUSTED_PROXY; forwarded headers from anyone else are dropped.
    app.wsgi_app = TrustedProxy(app.wsgi_app, settings.trusted_proxy,  # type: ignore[method-assign]
                                settings.proxy_hops)
    csrf.init_app(app)
    # The survey form is authenticated by the personal link in its address, not by a cookie: a cross-site page
    # can post to it only by knowing the link, which already gives everything the form can do, and a session
    # cookie adds no authority there. So the session's CSRF token (which expires, and would lose a form left
    # open for hours) is not asked of it; docs/surveys.md.
    csrf.exempt("webapp.survey.form")
    data.init_app(app, hidden.view_for_user)  # the one place a role's view of a snapshot is chosen
    warm_up.init_app(app)  # counts requests (inside the proxy's view of them), warms new views while idle
    hidden.init_app(app)
    auth.init_app(app)
    oidc.init_app(app)
    security.init_app(app)
    gate.init_app(app)  # the access policy (webapp.policy), after the user is loaded
    table_columns.init_app(app)
    trusts.init_app(app)
    for module in (auth, mfa, dashboard, schools, staff, groups, wiring, network_map, secondments, upload, mapping,
                   group_lists, admin, purpose, privacy, exports, compare, trends, joiners, survey, rounds, expertise,
                   challenges, oidc, person_rights, partnership):
        app.register_blueprint(module.bp)
    app.register_blueprint(challenges.offers_bp)
    return app


def _instance_secret(path: Path) -> str:
    """A random secret kept in the user's data directory (never in the repository), made on first start."""
    if not path.exists():
        create_private_file(path)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()
