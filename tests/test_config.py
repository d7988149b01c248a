"""Settings: declared once, validated at start-up, all documented, the password never shown."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netmap import config
from netmap.config import (
    SETTINGS,
    OidcSettings,
    Setting,
    Settings,
    default_db_path,
    demo_settings,
    described,
    read_settings,
)
from netmap.errors import ConfigError
from tests.conftest import REPO


def test_defaults_work_on_a_fresh_machine() -> None:
    settings = read_settings({})
    assert settings.db_path == default_db_path()
    assert settings.neo4j_uri is None and settings.neo4j_database == "neo4j"


def test_db_path_from_environment() -> None:
    assert read_settings({"NETMAP_DB": "~/trust.db"}).db_path == Path("~/trust.db").expanduser()


@pytest.mark.parametrize(("env", "message"), [
    ({"NETMAP_DATABASE": "x"}, "Unknown setting NETMAP_DATABASE. Did you mean NETMAP_NEO4J_DATABASE?"),
    ({"NETMAP_NEO4J_URI": "http://db:7474"}, "is not a Neo4j URI; use neo4j://host:7687"),
    ({"NETMAP_MIN_GROUP_SIZE": "2"}, "NETMAP_MIN_GROUP_SIZE must be at least 3, not 2"),
    ({"NETMAP_TRUSTED_PROXY": "127.0.0.1, nginx.local"},
     "NETMAP_TRUSTED_PROXY: 'nginx.local' is not an IP address or network; give the proxy's address"),
    ({"NETMAP_PROXY_HOPS": "0"}, "NETMAP_PROXY_HOPS must be a whole number above 0, not '0'"),
    ({"NETMAP_TRUSTED_PROXIES": "1"}, "NETMAP_TRUSTED_PROXIES is no longer read: set NETMAP_TRUSTED_PROXY"),
    ({"NETMAP_TEST_PASSWORD_HASH": "md5"},
     "NETMAP_TEST_PASSWORD_HASH must be scrypt:N:r:p or pbkdf2:sha256:ITERATIONS .werkzeug's methods., not 'md5'"),
    ({"NETMAP_NEO4J_URI": "neo4j://db:7687", "NETMAP_NEO4J_ANALYSIS": "graph-data-science"},
     "NETMAP_NEO4J_ANALYSIS must be one of netmap, gds, not 'graph-data-science'"),
    ({"NETMAP_NEO4J_ANALYSIS": "gds"}, "NETMAP_NEO4J_ANALYSIS=gds computes the analysis inside Neo4j, but the store "
     "is the embedded SQLite file .NETMAP_NEO4J_URI is not set.. Set NETMAP_NEO4J_URI to a Neo4j server with the "
     "Graph Data Science plugin, or unset NETMAP_NEO4J_ANALYSIS"),
])
def test_bad_settings_stop_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        read_settings(env)


def test_in_database_analysis_is_read_and_the_demo_never_uses_it() -> None:
    settings = read_settings({"NETMAP_NEO4J_URI": "neo4j://db:7687", "NETMAP_NEO4J_ANALYSIS": "gds"})
    assert settings.neo4j_analysis == "gds" and described(settings)["neo4j_analysis"] == "gds"
    assert read_settings({}).neo4j_analysis == "netmap"
    assert demo_settings(settings).neo4j_analysis == "netmap"  # the demo's store is its own SQLite file


def test_password_never_in_repr() -> None:
    settings = read_settings({"NETMAP_NEO4J_PASSWORD": "s3cret-pa55"})
    assert settings.neo4j_password == "s3cret-pa55"
    assert "s3cret-pa55" not in repr(settings) and "s3cret-pa55" not in str(settings)


def test_every_setting_is_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"{setting.name} is not in README's settings table"


def test_the_public_url_must_be_an_http_address() -> None:
    assert read_settings({"NETMAP_PUBLIC_URL": "https://netmap.trust.example/"}).public_url == \
        "https://netmap.trust.example"
    with pytest.raises(ConfigError, match="NETMAP_PUBLIC_URL must be an http or https address"):
        read_settings({"NETMAP_PUBLIC_URL": "netmap.trust.example"})


def test_the_trusted_proxy_is_a_list_of_addresses_and_networks() -> None:
    settings = read_settings({"NETMAP_TRUSTED_PROXY": " 127.0.0.1 , 10.1.2.0/24,::1", "NETMAP_PROXY_HOPS": "2"})
    assert [str(n) for n in settings.trusted_proxy] == ["127.0.0.1/32", "10.1.2.0/24", "::1/128"]
    assert settings.proxy_hops == 2
    assert read_settings({}).trusted_proxy == ()


# Defaults live in SETTINGS only: the dataclasses declare none, and a changed declaration changes what is read.
OIDC_BASE = {"NETMAP_OIDC_ISSUER": "https://login.example", "NETMAP_OIDC_CLIENT_ID": "netmap",
             "NETMAP_OIDC_ROLE_MAP": "/roles.toml",
             "NETMAP_NEO4J_URI": "neo4j://db.trust.example:7687"}  # NETMAP_NEO4J_ANALYSIS=gds needs Neo4j
DEFAULTED = [s for s in SETTINGS if s.default is not None]
# A valid value other than the declared default, for each setting that declares one
OTHER_VALUE = {
    "NETMAP_NEO4J_USER": "reader", "NETMAP_NEO4J_DATABASE": "trust", "NETMAP_NEO4J_BATCH_SIZE": "7",
    "NETMAP_NEO4J_ANALYSIS": "gds",
    "NETMAP_UPLOAD_LIMIT_MB": "9", "NETMAP_SMTP_PORT": "25", "NETMAP_SMTP_SECURITY": "ssl",
    "NETMAP_PUBLIC_URL": "https://netmap.trust.example", "NETMAP_UPLOAD_MEMORY_MB": "512",
    "NETMAP_UPLOAD_SECONDS": "30", "NETMAP_MIN_GROUP_SIZE": "7", "NETMAP_SNAPSHOT_RETENTION_DAYS": "30",
    "NETMAP_AUDIT_RETENTION_DAYS": "31", "NETMAP_SCENARIO_RETENTION_DAYS": "32", "NETMAP_PROXY_HOPS": "2",
    "NETMAP_REQUIRE_MFA": "0", "NETMAP_THREADS": "3", "NETMAP_OIDC_PROVIDER_NAME": "Microsoft",
    "NETMAP_OIDC_SCOPES": "openid email", "NETMAP_OIDC_REQUIRE_MFA": "0",
    "NETMAP_OIDC_GROUPS_URL": "https://groups.example/me", "NETMAP_TEST_PASSWORD_HASH": "pbkdf2:sha256:1",
}


def field_of(settings: Settings, name: str) -> object:
    """The Settings field that NETMAP_<NAME> (or NETMAP_TEST_<NAME>) sets (NETMAP_OIDC_<NAME>: the field of
    settings.oidc)."""
    key = name.removeprefix("NETMAP_").lower().removeprefix("test_")
    if key.startswith("oidc_"):
        return getattr(settings.oidc, key.removeprefix("oidc_"))
    return getattr(settings, key)


@pytest.mark.parametrize("cls", [Settings, OidcSettings])
def test_the_settings_dataclasses_declare_no_defaults(cls: type) -> None:
    assert [f.name for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING] == []


def test_every_declared_default_has_another_value_to_test() -> None:
    assert sorted(OTHER_VALUE) == sorted(s.name for s in DEFAULTED)


@pytest.mark.parametrize("setting", DEFAULTED, ids=lambda s: s.name)
def test_an_unset_setting_reads_as_its_declared_default(setting: Setting) -> None:
    unset = read_settings(OIDC_BASE)
    assert field_of(unset, setting.name) == field_of(read_settings({**OIDC_BASE, setting.name: setting.default}),
                                                     setting.name)


@pytest.mark.parametrize("setting", DEFAULTED, ids=lambda s: s.name)
def test_the_declaration_is_the_only_default(setting: Setting, monkeypatch: pytest.MonkeyPatch) -> None:
    before = field_of(read_settings(OIDC_BASE), setting.name)
    other = OTHER_VALUE[setting.name]
    monkeypatch.setitem(config._BY_NAME, setting.name, dataclasses.replace(setting, default=other))
    after = field_of(read_settings(OIDC_BASE), setting.name)
    assert after != before
    assert after == field_of(read_settings({**OIDC_BASE, setting.name: other}), setting.name)
