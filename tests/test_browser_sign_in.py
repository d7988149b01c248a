"""Signing in with the trust's accounts once in real Chromium: the login page's "Sign in with" button, the
provider's form (npm's oidc-provider, tests/oidc_provider.py), back to netmap signed in; and the page a person
without a second factor meets. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.browser import _accessibility_problems, _shot, waitress_server
from tests.oidc_provider import ROLE_MAP, USERS, oidc_provider
from tests.trusts import planted_dataset
from tests.web_helpers import make_app

pytestmark = pytest.mark.slow  # a real browser: seconds a test


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """netmap served by waitress on a known port, signing in through a provider that knows that address."""
    folder = tmp_path_factory.mktemp("sign-in")
    address = f"http://127.0.0.1:{_free_port()}"
    with oidc_provider(folder, address + "/login/provider/callback", address + "/login") as provider, \
            pytest.MonkeyPatch.context() as patch:
        provider.set_users(USERS)
        (folder / "roles.toml").write_text(ROLE_MAP, encoding="utf-8")
        for name, value in {"ISSUER": provider.issuer, "CLIENT_ID": provider.client_id,
                            "CLIENT_SECRET": provider.client_secret, "ROLE_MAP": str(folder / "roles.toml"),
                            "PROVIDER_NAME": "Trust Microsoft 365"}.items():
            patch.setenv(f"NETMAP_OIDC_{name}", value)
        patch.setenv("NETMAP_PUBLIC_URL", address)
        app = make_app(folder, planted_dataset())
        with waitress_server(app, port=int(address.rsplit(":", 1)[1]), threads=4):
            yield address


def _sign_in(browser, server: str, name: str, shot: str | None = None):  # noqa: ANN001, ANN202, F811
    context = browser.new_context(viewport={"width": 1200, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/login")
    if shot:
        assert _accessibility_problems(page) == []
        _shot(page, shot)
    page.click("text=Sign in with Trust Microsoft 365")
    page.fill("input[name=login]", name)
    page.fill("input[name=password]", "provider-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/**")
    return context, page


def test_signing_in_through_the_provider_in_chromium(browser, server: str) -> None:  # noqa: ANN001, F811
    context, page = _sign_in(browser, server, "alice", shot="sign-in-with-provider")
    assert page.url == f"{server}/"
    assert page.locator("form.logout").count() == 1  # signed in: the header offers logging out
    context.close()


def test_a_name_seeing_role_without_a_second_factor_meets_a_clear_page(browser, server: str) -> None:  # noqa: ANN001, F811
    context, page = _sign_in(browser, server, "dave")
    assert "needs a second factor" in page.inner_text("main")
    assert _accessibility_problems(page) == []
    _shot(page, "sign-in-refused-no-second-factor")
    context.close()

