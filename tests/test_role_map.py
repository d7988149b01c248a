"""The role map (webapp.accounts.role_map) and the sign-in settings: who gets which role, and the exact message
an admin sees for a map or setting that cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmap.config import read_settings
from netmap.errors import ConfigError
from webapp.accounts.role_map import Grant, grant_of, read_role_map

MAP = """
[[rule]]
group = "g-hr"
role = "hr"

[[rule]]
group = "g-leads-a"
role = "network-lead"
leads = ["A", "B"]

[[rule]]
group = "g-leads-b"
role = "network-lead"
leads = ["C", "A"]

[[rule]]
group = "g-ceo"
role = "ceo"

[[rule]]
email = "Head@Trust.Example"
role = "admin"
"""


@pytest.fixture
def rules(tmp_path: Path) -> tuple:
    path = tmp_path / "roles.toml"
    path.write_text(MAP, encoding="utf-8")
    return read_role_map(path)


@pytest.mark.parametrize(("groups", "email", "expected"), [
    (["g-hr"], None, Grant("hr")),
    (["g-ceo", "g-hr"], None, Grant("hr")),  # the role that sees most wins
    (["g-ceo", "g-leads-a"], None, Grant("network-lead", ("A", "B"))),
    (["g-leads-a", "g-leads-b"], None, Grant("network-lead", ("A", "B", "C"))),  # every led group, once
    (["g-leads-a", "g-hr"], None, Grant("hr")),  # an hr lead sees everyone: no led groups needed
    ([], "head@trust.example", Grant("admin")),  # addresses compare without case
    (["other"], "someone@trust.example", None),
    ([], None, None),
])
def test_grant_of(rules: tuple, groups: list[str], email: str | None, expected: Grant | None) -> None:
    assert grant_of(rules, groups, email) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("[[rule]]\ngroup = 'x'\nrole = 'boss'\n", "Rule 1 of the role map .* has role 'boss'; use one of admin, hr"),
    ("[[rule]]\nrole = 'hr'\n", "Rule 1 .* needs exactly one of group"),
    ("[[rule]]\ngroup = 'x'\nemail = 'y'\nrole = 'hr'\n", "needs exactly one of group"),
    ("[[rule]]\ngroup = 'x'\nrole = 'hr'\n[[rule]]\ngroup = 'y'\nrole = 'hr'\nleads = ['A']\n",
     "Rule 2 .* leads = .* belongs only to a network-lead rule"),
    ("[[rule]]\ngroup = 'x'\nrole = 'hr'\ngrup = 'typo'\n", "Rule 1 .* has unknown key\\(s\\) grup"),
    ("group = 'x'\n", "must hold one or more \\[\\[rule\\]\\] tables"),
    ("[[rule]\n", "is not valid TOML"),
])
def test_a_malformed_role_map_is_refused_with_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_role_map(path)


def test_a_missing_role_map_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the role map .*missing.toml .*check NETMAP_OIDC_ROLE_MAP"):
        read_role_map(tmp_path / "missing.toml")


@pytest.mark.parametrize(("env", "message"), [
    ({"NETMAP_OIDC_ISSUER": "https://idp.example"}, "NETMAP_OIDC_CLIENT_ID and NETMAP_OIDC_ROLE_MAP is not"),
    ({"NETMAP_OIDC_ISSUER": "http://idp.example", "NETMAP_OIDC_CLIENT_ID": "c", "NETMAP_OIDC_ROLE_MAP": "r"},
     "must be an https address"),
    ({"NETMAP_OIDC_ISSUER": "https://idp.example", "NETMAP_OIDC_CLIENT_ID": "c", "NETMAP_OIDC_ROLE_MAP": "r",
      "NETMAP_OIDC_SCOPES": "email"}, "NETMAP_OIDC_SCOPES must include openid"),
    ({"NETMAP_OIDC_ISSUER": "https://idp.example", "NETMAP_OIDC_CLIENT_ID": "c", "NETMAP_OIDC_ROLE_MAP": "r",
      "NETMAP_OIDC_REQUIRE_MFA": "maybe"}, "NETMAP_OIDC_REQUIRE_MFA must be 1 \\(on\\) or 0 \\(off\\)"),
])
def test_sign_in_settings_that_cannot_work_stop_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_settings(env)


def test_sign_in_settings_are_read_and_the_secret_kept_out_of_their_repr() -> None:
    settings = read_settings({"NETMAP_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0/",
                              "NETMAP_OIDC_CLIENT_ID": "c", "NETMAP_OIDC_CLIENT_SECRET": "s3cret",
                              "NETMAP_OIDC_ROLE_MAP": "/etc/netmap/roles.toml",
                              "NETMAP_OIDC_MFA_ACR": "urn:a, urn:b"}).oidc
    assert settings is not None
    assert (settings.issuer, settings.require_mfa, settings.mfa_acr) == (
        "https://login.microsoftonline.com/t/v2.0", True, ("urn:a", "urn:b"))
    assert "s3cret" not in repr(settings)
    assert read_settings({}).oidc is None


def test_the_web_app_does_not_start_with_a_role_map_it_cannot_read(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp import create_app

    for name, value in {"ISSUER": "https://idp.example", "CLIENT_ID": "netmap",
                        "ROLE_MAP": str(tmp_path / "roles.toml")}.items():
        monkeypatch.setenv(f"NETMAP_OIDC_{name}", value)
    (tmp_path / "roles.toml").write_text("[[rule]]\ngroup = 'g'\nrole = 'headteacher'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Rule 1 of the role map .* has role 'headteacher'"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "NETMAP_USERS_DB": tmp_path / "users.db"})


def test_the_privacy_report_says_what_signing_in_through_the_provider_sends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from netmap.cli import main

    for name, value in {"ISSUER": "https://login.microsoftonline.com/tenant/v2.0", "CLIENT_ID": "netmap",
                        "ROLE_MAP": str(tmp_path / "roles.toml")}.items():
        monkeypatch.setenv(f"NETMAP_OIDC_{name}", value)
    result = CliRunner().invoke(main, ["privacy-report", "--out", str(tmp_path / "dpia")])
    assert result.exit_code == 0, result.output
    for name in ("privacy-report.md", "privacy-report.html"):
        text = " ".join((tmp_path / "dpia" / name).read_text(encoding="utf-8").split())
        assert ("Staff sign in through the trust's identity provider, https://login.microsoftonline.com/tenant/v2.0"
                in text.replace("&#39;", "'")) and "No staff data is sent." in text
