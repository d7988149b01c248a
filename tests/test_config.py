"""Settings: declared once, validated at start-up, all documented, the password never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmap.config import SETTINGS, default_db_path, read_settings
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
])
def test_bad_settings_stop_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        read_settings(env)


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
