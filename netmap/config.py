"""Settings declared as data, read from NETMAP_* environment variables and validated at start-up.

Every setting has a name, a default that works on a fresh machine, and help text; README's settings table is
checked against this list by a test. An unknown NETMAP_* variable stops start-up with the closest known name.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from netmap.errors import ConfigError
from netmap.suppression import check_min_group_size

__all__ = ["ANALYSIS_PLACES", "SETTINGS", "OidcSettings", "Setting", "Settings", "check_neo4j_uri", "data_dir",
           "default_db_path", "default_key_file", "demo_settings", "described", "read_settings", "redact_uri"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ANALYSIS_PLACES = ("netmap", "gds")  # NETMAP_NEO4J_ANALYSIS: netmap's engine, or Graph Data Science in Neo4j
_NEO4J_SCHEMES = {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}


@dataclass(frozen=True)
class Setting:
    """One NETMAP_* environment variable: its name, default (None = unset) and what it does."""

    name: str
    default: str | None
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("NETMAP_DB", None,
            "Path of the embedded SQLite store. Default: netmap.db in the user's data directory."),
    Setting("NETMAP_NEO4J_URI", None, "Neo4j URI (neo4j://host:7687 or neo4j+s://...). Unset: embedded store."),
    Setting("NETMAP_NEO4J_USER", "neo4j", "Neo4j user name."),
    Setting("NETMAP_NEO4J_PASSWORD", None, "Neo4j password. Never printed or logged.", secret=True),
    Setting("NETMAP_NEO4J_DATABASE", "neo4j", "Neo4j database name; always passed to the server."),
    Setting("NETMAP_NEO4J_BATCH_SIZE", "5000", "Rows per Neo4j write transaction (UNWIND batch)."),
    Setting("NETMAP_NEO4J_ANALYSIS", "netmap", "Where a Neo4j snapshot's components, degree, betweenness and "
            "communities are computed: netmap (its own engine) or gds (inside Neo4j, by its Graph Data Science "
            "plugin, which the server must have; communities by Leiden). Needs NETMAP_NEO4J_URI; see "
            "docs/deployment.md."),
    Setting("NETMAP_NEO4J_KEY_FILE", None, "Path of the Neo4j store's key file: each person's token and key, without "
            "which nobody's name in Neo4j can be read (back it up with the database). Default: neo4j-keys.db in "
            "the user's data directory."),
    Setting("NETMAP_USERS_DB", None,
            "Path of the web app's users and audit log file. Default: users.db in the user's data directory."),
    Setting("NETMAP_DEMO_DIR", None,
            "Folder of `netmap demo`'s own store and users file, kept apart from the trust's (NETMAP_DB, Neo4j and "
            "NETMAP_USERS_DB are never used by the demo). Default: demo in the user's data directory."),
    Setting("NETMAP_SECRET_KEY", None,
            "Secret that signs web sessions. Default: a random key kept in secret_key in the data directory.",
            secret=True),
    Setting("NETMAP_UPLOAD_LIMIT_MB", "50", "Largest upload the web app accepts, in MB."),
    Setting("NETMAP_SMTP_HOST", None, "Mail server that sends survey links (`netmap survey open --send`). Unset: "
            "links are only downloaded."),
    Setting("NETMAP_SMTP_PORT", "587", "Its port."),
    Setting("NETMAP_SMTP_SECURITY", "starttls", "starttls, ssl, or none (none only for a relay on this machine)."),
    Setting("NETMAP_SMTP_USER", None, "User name on the mail server, if it asks for one."),
    Setting("NETMAP_SMTP_PASSWORD", None, "Its password. Never printed or logged.", secret=True),
    Setting("NETMAP_SMTP_FROM", None, "The sender of survey emails, e.g. survey@trust.example."),
    Setting("NETMAP_PUBLIC_URL", "http://127.0.0.1:5000", "The web app's address as staff reach it: a survey "
            "link is this followed by /survey/ and the person's token."),
    Setting("NETMAP_UPLOAD_MEMORY_MB", "2048", "Memory that checking one upload may use, in MB (it runs in a child "
            "process, stopped when it needs more, so a hostile file cannot exhaust the server)."),
    Setting("NETMAP_UPLOAD_SECONDS", "120", "Time that checking one upload may take, in seconds."),
    Setting("NETMAP_MIN_GROUP_SIZE", "5", "Smallest number of people an aggregate shown to the ceo and network-lead "
            "roles may describe; smaller groups read \"fewer than 5\" (never below 3)."),
    Setting("NETMAP_SNAPSHOT_RETENTION_DAYS", "1095", "Days a snapshot (and the survey answers in it) is kept; the "
            "dashboard warns about older ones, and `netmap forget --older-than` deletes them."),
    Setting("NETMAP_AUDIT_RETENTION_DAYS", "365", "Days the web app keeps audit log entries (who viewed whose data); "
            "older ones are deleted."),
    Setting("NETMAP_SCENARIO_RETENTION_DAYS", "365", "Days the web app keeps saved what-if scenarios (they name "
            "staff); older ones, and those of a forgotten snapshot, are deleted."),
    Setting("NETMAP_VOCABULARY", None, "Path of the trust's own topic vocabulary (CSV with columns term, means, e.g. "
            "sums,maths), added to netmap's own when the expertise finder and challenges read a topic. Unset: "
            "netmap's own only."),
    Setting("NETMAP_ALLOW_HTTP", None, "Set to 1 to let people log in over plain HTTP from other machines on a "
            "trusted network (session cookies then travel unencrypted). Unset: HTTPS (or this machine) only."),
    Setting("NETMAP_TRUSTED_PROXY", None, "The reverse proxy in front of `netmap serve`: its address, or several "
            "addresses and networks separated by commas (127.0.0.1 for an nginx on this machine, 10.1.2.0/24). "
            "Only requests from there have their X-Forwarded-For, -Proto and -Host believed, so throttling and the "
            "audit log see each client's own address. Unset: those headers are ignored (anyone could forge them)."),
    Setting("NETMAP_PROXY_HOPS", "1", "How many proxies in a row stand in front of `netmap serve` (1: one nginx); "
            "used only with NETMAP_TRUSTED_PROXY."),
    Setting("NETMAP_REQUIRE_MFA", "1", "1: every local account needs a second factor (an authenticator app's codes, "
            "with recovery codes), enrolled at its next login; see docs/accounts.md. 0: only accounts that enrolled."),
    Setting("NETMAP_THREADS", "8", "Requests `netmap serve` handles at once (threads of its waitress server)."),
    Setting("NETMAP_OIDC_ISSUER", None, "The identity provider staff sign in with (OpenID Connect), e.g. "
            "https://login.microsoftonline.com/TENANT-ID/v2.0 or https://accounts.google.com. Unset: local accounts "
            "only. See docs/sign-in.md."),
    Setting("NETMAP_OIDC_PROVIDER_NAME", "your trust's account", "What the login page's button names: \"Sign in "
            "with ...\" (e.g. Microsoft, Google)."),
    Setting("NETMAP_OIDC_CLIENT_ID", None, "netmap's client (application) id at the identity provider."),
    Setting("NETMAP_OIDC_CLIENT_SECRET", None, "Its client secret, from the environment only. Never printed or "
            "logged.", secret=True),
    Setting("NETMAP_OIDC_SCOPES", "openid email profile", "Scopes netmap asks the identity provider for."),
    Setting("NETMAP_OIDC_ROLE_MAP", None, "Path of the role map (TOML): which provider groups or email addresses "
            "get which role, and the groups each network lead leads. Re-read at every sign-in. Required with "
            "NETMAP_OIDC_ISSUER."),
    Setting("NETMAP_OIDC_ALLOWED_DOMAIN", None, "Google Workspace: the trust's domain; an id token whose hd claim "
            "differs is refused. Unset: no domain check (Entra ID's tenant issuer already limits who signs in)."),
    Setting("NETMAP_OIDC_REQUIRE_MFA", "1", "1: the admin, hr and network-lead roles (they see names) sign in only "
            "when the provider says a second factor was used (amr has mfa, otp, hwk, swk, sms or sc, or the acr is "
            "one of NETMAP_OIDC_MFA_ACR). 0: trust the provider to enforce it."),
    Setting("NETMAP_OIDC_MFA_ACR", None, "Comma-separated acr values that mean a second factor was used (e.g. your "
            "provider's multi-factor level)."),
    Setting("NETMAP_OIDC_GROUPS_URL", "https://graph.microsoft.com/v1.0/me/getMemberObjects", "Where netmap reads "
            "someone's groups when their id token has too many to carry (Entra ID's group overage), with their "
            "access token."),
    Setting("NETMAP_TEST_NEO4J_URI", None, "Tests only: the Neo4j to test against, instead of starting one from "
            "tools/neo4j-launcher."),
    Setting("NETMAP_TEST_PASSWORD_HASH", "scrypt:32768:8:1", "Tests only: how the web app hashes passwords "
            "(werkzeug's method: scrypt:N:r:p or pbkdf2:sha256:ITERATIONS). The test suite sets a cheap one so that "
            "its thousands of logins run fast; a trust keeps the default, scrypt at werkzeug's cost."),
    Setting("NETMAP_TEST_REQUIRE_NEO4J", None, "Tests only: fail, instead of skipping, the Neo4j tests when no "
            "Neo4j can be started (CI sets it)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}
# Settings that earlier versions read: their replacement, named when one is still set.
_REPLACED = {"NETMAP_TRUSTED_PROXIES": "NETMAP_TRUSTED_PROXY (the proxy's address, e.g. 127.0.0.1) and, behind "
                                      "more than one proxy, NETMAP_PROXY_HOPS"}


def data_dir() -> Path:
    """The user's data directory for netmap (stores, users, the web secret)."""
    return Path(platformdirs.user_data_dir("netmap", appauthor=False))


def default_key_file() -> Path:
    """Where the Neo4j store's key file lives when NETMAP_NEO4J_KEY_FILE does not say otherwise."""
    return data_dir() / "neo4j-keys.db"


def default_db_path() -> Path:
    """Where the embedded store lives when neither --db nor NETMAP_DB says otherwise."""
    return data_dir() / "netmap.db"


@dataclass(frozen=True)
class OidcSettings:
    """Signing in through an OpenID Connect provider (NETMAP_OIDC_*); present only when an issuer is set. Every
    field is given by `read_settings`: the defaults live in SETTINGS only."""

    issuer: str
    client_id: str
    client_secret: str | None = field(repr=False)
    role_map: Path
    provider_name: str
    scopes: str
    allowed_domain: str | None
    require_mfa: bool
    mfa_acr: tuple[str, ...]
    groups_url: str


@dataclass(frozen=True)
class Settings:
    """The validated settings in force; build with `read_settings`, which gives every field: the defaults live in
    SETTINGS only."""

    db_path: Path
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str
    neo4j_batch_size: int
    neo4j_analysis: str  # "netmap" or "gds" (NETMAP_NEO4J_ANALYSIS)
    neo4j_key_file: Path
    users_db_path: Path
    secret_key: str | None
    upload_limit_mb: int
    upload_memory_mb: int
    upload_seconds: int
    allow_http: bool
    require_mfa: bool
    threads: int
    trusted_proxy: tuple[IPNetwork, ...]
    proxy_hops: int
    audit_retention_days: int
    min_group_size: int
    snapshot_retention_days: int
    scenario_retention_days: int
    public_url: str
    smtp_host: str | None
    smtp_port: int
    smtp_security: str
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str | None
    demo_dir: Path | None  # None: demo/ in the data directory (see demo_settings)
    vocabulary: Path | None  # the trust's own topic vocabulary (netmap.ingest.vocabulary), None: netmap's only
    password_hash: str  # werkzeug's method string, for generate_password_hash
    oidc: OidcSettings | None

    def __repr__(self) -> str:  # keep the password and secret key out of logs and tracebacks
        return (f"Settings(db_path={self.db_path!s}, neo4j_uri={self.neo4j_uri!r}, "
                f"neo4j_user={self.neo4j_user!r}, neo4j_database={self.neo4j_database!r}, "
                f"users_db_path={self.users_db_path!s})")


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate NETMAP_* variables; raise ConfigError naming an unknown one and its closest match."""
    env = os.environ if environ is None else environ
    for key in env:
        if key in _REPLACED:
            raise ConfigError(f"{key} is no longer read: set {_REPLACED[key]} instead (see docs/deployment.md).")
        if key.startswith("NETMAP_") and key not in _BY_NAME:
            close = difflib.get_close_matches(key, _BY_NAME, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ConfigError(f"Unknown setting {key}.{hint} Known settings: {', '.join(_BY_NAME)}.")

    def get(name: str) -> str | None:
        """The setting as given, or its declared default (None: unset)."""
        value = env.get(name, "").strip()
        return value or _BY_NAME[name].default

    def text(name: str) -> str:
        """A setting whose declaration gives a default, so it is never unset."""
        value = get(name)
        if value is None:
            raise TypeError(f"{name} is declared without a default; read it with get()")
        return value

    db = get("NETMAP_DB")
    uri = get("NETMAP_NEO4J_URI")
    if uri:
        check_neo4j_uri(uri, "NETMAP_NEO4J_URI")
    batch = _positive_int(text("NETMAP_NEO4J_BATCH_SIZE"), "NETMAP_NEO4J_BATCH_SIZE")
    analysis = _choice(text("NETMAP_NEO4J_ANALYSIS"), ANALYSIS_PLACES, "NETMAP_NEO4J_ANALYSIS")
    if analysis == "gds" and not uri:
        raise ConfigError("NETMAP_NEO4J_ANALYSIS=gds computes the analysis inside Neo4j, but the store is the "
                          "embedded SQLite file (NETMAP_NEO4J_URI is not set). Set NETMAP_NEO4J_URI to a Neo4j "
                          "server with the Graph Data Science plugin, or unset NETMAP_NEO4J_ANALYSIS "
                          "(see docs/deployment.md).")
    upload = _positive_int(text("NETMAP_UPLOAD_LIMIT_MB"), "NETMAP_UPLOAD_LIMIT_MB")
    users = get("NETMAP_USERS_DB")
    keys = get("NETMAP_NEO4J_KEY_FILE")
    demo = get("NETMAP_DEMO_DIR")
    vocabulary = get("NETMAP_VOCABULARY")
    if vocabulary and not Path(vocabulary).expanduser().is_file():
        raise ConfigError(f"NETMAP_VOCABULARY: {vocabulary} is not a file; give the path of the trust's vocabulary "
                          "CSV (columns term, means) or unset it.")
    return Settings(
        vocabulary=Path(vocabulary).expanduser() if vocabulary else None,
        demo_dir=Path(demo).expanduser() if demo else None,
        db_path=Path(db).expanduser() if db else default_db_path(),
        neo4j_uri=uri,
        neo4j_user=text("NETMAP_NEO4J_USER"),
        neo4j_password=get("NETMAP_NEO4J_PASSWORD"),
        neo4j_database=text("NETMAP_NEO4J_DATABASE"),
        neo4j_batch_size=batch,
        neo4j_analysis=analysis,
        neo4j_key_file=Path(keys).expanduser() if keys else default_key_file(),
        users_db_path=Path(users).expanduser() if users else data_dir() / "users.db",
        secret_key=get("NETMAP_SECRET_KEY"),
        upload_limit_mb=upload,
        upload_memory_mb=_positive_int(text("NETMAP_UPLOAD_MEMORY_MB"), "NETMAP_UPLOAD_MEMORY_MB"),
        upload_seconds=_positive_int(text("NETMAP_UPLOAD_SECONDS"), "NETMAP_UPLOAD_SECONDS"),
        allow_http=_flag(get("NETMAP_ALLOW_HTTP"), "NETMAP_ALLOW_HTTP"),
        require_mfa=_flag(get("NETMAP_REQUIRE_MFA"), "NETMAP_REQUIRE_MFA"),
        threads=_positive_int(text("NETMAP_THREADS"), "NETMAP_THREADS"),
        min_group_size=check_min_group_size(_positive_int(text("NETMAP_MIN_GROUP_SIZE"),
                                                          "NETMAP_MIN_GROUP_SIZE"), "NETMAP_MIN_GROUP_SIZE"),
        snapshot_retention_days=_positive_int(text("NETMAP_SNAPSHOT_RETENTION_DAYS"),
                                              "NETMAP_SNAPSHOT_RETENTION_DAYS"),
        audit_retention_days=_positive_int(text("NETMAP_AUDIT_RETENTION_DAYS"),
                                           "NETMAP_AUDIT_RETENTION_DAYS"),
        scenario_retention_days=_positive_int(text("NETMAP_SCENARIO_RETENTION_DAYS"),
                                              "NETMAP_SCENARIO_RETENTION_DAYS"),
        trusted_proxy=_networks(get("NETMAP_TRUSTED_PROXY"), "NETMAP_TRUSTED_PROXY"),
        proxy_hops=_positive_int(text("NETMAP_PROXY_HOPS"), "NETMAP_PROXY_HOPS"),
        public_url=_url(text("NETMAP_PUBLIC_URL"), "NETMAP_PUBLIC_URL"),
        smtp_host=get("NETMAP_SMTP_HOST"),
        smtp_port=_positive_int(text("NETMAP_SMTP_PORT"), "NETMAP_SMTP_PORT"),
        smtp_security=_choice(text("NETMAP_SMTP_SECURITY"), ("starttls", "ssl", "none"),
                              "NETMAP_SMTP_SECURITY"),
        smtp_user=get("NETMAP_SMTP_USER"),
        smtp_password=get("NETMAP_SMTP_PASSWORD"),
        smtp_from=get("NETMAP_SMTP_FROM"),
        password_hash=_password_hash(text("NETMAP_TEST_PASSWORD_HASH"), "NETMAP_TEST_PASSWORD_HASH"),
        oidc=_oidc(get, text),
    )


def _oidc(get: Callable[[str], str | None], text: Callable[[str], str]) -> OidcSettings | None:
    """The NETMAP_OIDC_* settings when NETMAP_OIDC_ISSUER is set; ConfigError naming what is missing otherwise."""
    issuer = get("NETMAP_OIDC_ISSUER")
    if not issuer:
        return None
    issuer = _url(issuer, "NETMAP_OIDC_ISSUER")
    if urllib.parse.urlsplit(issuer).scheme != "https" and urllib.parse.urlsplit(issuer).hostname not in (
            "127.0.0.1", "localhost", "::1"):
        raise ConfigError(f"NETMAP_OIDC_ISSUER must be an https address (plain http only on this machine), not "
                          f"{issuer!r}.")
    client_id, role_map = get("NETMAP_OIDC_CLIENT_ID"), get("NETMAP_OIDC_ROLE_MAP")
    if not client_id or not role_map:
        missing = " and ".join(n for n, v in (("NETMAP_OIDC_CLIENT_ID", client_id),
                                               ("NETMAP_OIDC_ROLE_MAP", role_map)) if not v)
        raise ConfigError(f"NETMAP_OIDC_ISSUER is set but {missing} is not; set it too (see docs/sign-in.md), or "
                          "unset NETMAP_OIDC_ISSUER to use local accounts only.")
    return OidcSettings(
        issuer=issuer, client_id=client_id, client_secret=get("NETMAP_OIDC_CLIENT_SECRET"),
        role_map=Path(role_map).expanduser(),
        provider_name=text("NETMAP_OIDC_PROVIDER_NAME"),
        scopes=_scopes(text("NETMAP_OIDC_SCOPES")),
        allowed_domain=(get("NETMAP_OIDC_ALLOWED_DOMAIN") or "").lower() or None,
        require_mfa=_flag(get("NETMAP_OIDC_REQUIRE_MFA"), "NETMAP_OIDC_REQUIRE_MFA"),
        mfa_acr=tuple(v.strip() for v in (get("NETMAP_OIDC_MFA_ACR") or "").split(",") if v.strip()),
        groups_url=_url(text("NETMAP_OIDC_GROUPS_URL"), "NETMAP_OIDC_GROUPS_URL"),
    )


def _scopes(text: str) -> str:
    if "openid" not in text.split():
        raise ConfigError(f"NETMAP_OIDC_SCOPES must include openid, not {text!r}.")
    return " ".join(text.split())


def _password_hash(text: str, name: str) -> str:
    """A werkzeug password hashing method, scrypt:N:r:p or pbkdf2:sha256:ITERATIONS; ConfigError otherwise."""
    if not re.fullmatch(r"scrypt:[1-9]\d*:[1-9]\d*:[1-9]\d*|pbkdf2:sha256:[1-9]\d*", text):
        raise ConfigError(f"{name} must be scrypt:N:r:p or pbkdf2:sha256:ITERATIONS (werkzeug's methods), "
                          f"not {text!r}.")
    return text


def _choice(text: str, allowed: tuple[str, ...], name: str) -> str:
    if text not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {text!r}.")
    return text


def _url(text: str, name: str) -> str:
    """An http(s) address without a trailing slash; ConfigError otherwise."""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"{name} must be an http or https address such as https://netmap.trust.example, "
                          f"not {text!r}.")
    return text.rstrip("/")


def _flag(text: str | None, name: str) -> bool:
    if text is None:
        return False
    if text.lower() not in ("1", "true", "yes", "0", "false", "no"):
        raise ConfigError(f"{name} must be 1 (on) or 0 (off), not {text!r}.")
    return text.lower() in ("1", "true", "yes")


def demo_settings(settings: Settings) -> Settings:
    """The settings `netmap demo` runs with: its own embedded store and users file in NETMAP_DEMO_DIR (default
    demo/ in the data directory), never the trust's store (NETMAP_DB or Neo4j) nor its users file, so that trying
    the sample can neither replace a trust's snapshot nor add an admin to its users. It signs in with its own local
    account (never the trust's identity provider) and asks no second factor: its people are made up."""
    folder = settings.demo_dir or data_dir() / "demo"
    return dataclasses.replace(settings, db_path=folder / "netmap.db", neo4j_uri=None, neo4j_analysis="netmap",
                               users_db_path=folder / "users.db", demo_dir=folder, oidc=None,
                               require_mfa=False)


def described(settings: Settings) -> dict[str, str]:
    """Every setting in force, for a start-up log line: secrets shown only as set or unset."""
    return {"db": str(settings.db_path), "neo4j_uri": settings.neo4j_uri or "-", "neo4j_user": settings.neo4j_user,
            "neo4j_password": "***" if settings.neo4j_password else "unset",
            "neo4j_database": settings.neo4j_database, "neo4j_analysis": settings.neo4j_analysis,
            "users_db": str(settings.users_db_path),
            "secret_key": "***" if settings.secret_key else "generated",
            "upload_limit_mb": str(settings.upload_limit_mb), "upload_memory_mb": str(settings.upload_memory_mb),
            "upload_seconds": str(settings.upload_seconds),
            "allow_http": str(settings.allow_http), "require_mfa": str(settings.require_mfa),
            "threads": str(settings.threads), "trusted_proxy": ",".join(map(str, settings.trusted_proxy)) or "-",
            "proxy_hops": str(settings.proxy_hops),
            "audit_retention_days": str(settings.audit_retention_days),
            "min_group_size": str(settings.min_group_size),
            "snapshot_retention_days": str(settings.snapshot_retention_days),
            "scenario_retention_days": str(settings.scenario_retention_days),
            "vocabulary": str(settings.vocabulary or "-"),
            "oidc_issuer": settings.oidc.issuer if settings.oidc else "-"}


def _positive_int(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number above 0, not {text!r}.")
    return int(text)


def _networks(text: str | None, name: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP addresses and networks (a lone address is a network of one); ConfigError naming the
    first entry that is neither."""
    networks = []
    for entry in (e.strip() for e in (text or "").split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: {entry!r} is not an IP address or network; give the proxy's address as "
                              "netmap sees it, e.g. 127.0.0.1 for an nginx on this machine, or a network such as "
                              "10.1.2.0/24.") from None
    return tuple(networks)


def check_neo4j_uri(uri: str, where: str) -> None:
    """ConfigError unless `uri` is a well-formed Neo4j URI (neo4j://, neo4j+s://, bolt://, ...) without
    credentials in it; the message never repeats a password found there."""
    shown = redact_uri(uri)
    if uri.split("://", 1)[0] not in _NEO4J_SCHEMES or "://" not in uri:
        raise ConfigError(f"{where} {shown!r} is not a Neo4j URI; use neo4j://host:7687 or neo4j+s://host.")
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"{where} {shown!r} is not a well-formed URI ({exc}); use neo4j://host:7687.") from None
    if not parts.hostname:
        raise ConfigError(f"{where} {shown!r} names no host; use neo4j://host:7687.")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{where} {shown!r} holds credentials; give the URI without them, the user in "
                          "NETMAP_NEO4J_USER and the password in NETMAP_NEO4J_PASSWORD.")


def redact_uri(uri: str) -> str:
    """`uri` with any password in it replaced by *** (for messages and logs)."""
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return uri
    userinfo, _, host = rest.partition("@")
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in userinfo else f"{scheme}://{user}@{host}"
