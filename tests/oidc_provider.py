"""A real OpenID Connect provider for the sign-in tests: npm's certified `oidc-provider`, run by
tools/oidc-provider/server.js as its own process on a loopback port, and the browser-free walk through its
login form that a person's browser would do."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.conftest import REPO, skip_unless_required

SERVER = REPO / "tools" / "oidc-provider" / "server.js"
# The provider's accounts for the sign-in tests (set_users) and the role map that turns their groups into roles.
MFA, PWD = ["pwd", "mfa"], ["pwd"]
ROLE_MAP = """
[[rule]]
group = "grp-hr"
role = "hr"

[[rule]]
group = "grp-admin"
role = "admin"

[[rule]]
group = "grp-ceo"
role = "ceo"

[[rule]]
group = "grp-maths-leads"
role = "network-lead"
leads = ["MATHS"]

[[rule]]
group = "grp-heads-leads"
role = "network-lead"
leads = ["HEADS"]

[[rule]]
email = "frank@trust.example"
role = "ceo"
"""


def provider_user(groups: list[str], amr: list[str], **more: object) -> dict[str, object]:
    name = str(more.pop("name", "someone"))
    return {"password": "provider-pw", "name": name, "email": f"{name}@trust.example", "groups": groups, "amr": amr,
            "hd": "trust.example", **more}


USERS = {
    "alice": provider_user(["grp-hr", "grp-unrelated"], MFA, name="alice"),
    "bob": provider_user(["grp-maths-leads"], ["pwd", "otp"], name="bob"),
    "carol": provider_user(["grp-ceo"], PWD, name="carol"),
    "dave": provider_user(["grp-hr"], PWD, name="dave"),
    "erin": provider_user(["grp-nothing-mapped"], MFA, name="erin"),
    "frank": provider_user([], PWD, name="frank"),
    "gina": provider_user(["grp-hr"], MFA, name="gina", hd="gmail.com"),
    # more groups than Entra puts in a token: the token names a source instead, read with the access token
    "olga": provider_user(["grp-admin", *(f"grp-{n}" for n in range(250))], MFA, name="olga", overage=True),
}


@dataclass(frozen=True)
class Provider:
    """A running test provider: its issuer, netmap's client there, and the users file it re-reads."""

    issuer: str
    client_id: str
    client_secret: str
    users_file: Path

    def set_users(self, users: dict[str, dict[str, object]]) -> None:
        """Replace the provider's users (read afresh at each sign-in)."""
        self.users_file.write_text(json.dumps(users), encoding="utf-8")

    def tamper_next_id_token(self, mode: str) -> None:
        """Make the next id token wrong in one way: audience, expired, nonce or signature."""
        requests.post(f"{self.issuer}/test/tamper", params={"mode": mode}, timeout=10).raise_for_status()


def unavailable() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm; .ci/run does)"
    if not (SERVER.parent / "node_modules" / "oidc-provider").is_dir():
        return "tools/oidc-provider has no node_modules (cd tools/oidc-provider && npm ci; .ci/run does)"
    return None


@contextmanager
def oidc_provider(folder: Path, redirect_uri: str, post_logout_uri: str) -> Iterator[Provider]:
    """Start the provider (netmap's client registered with these addresses), stop it afterwards; skipped where
    Node.js or the package is missing, failed there in CI."""
    skip_unless_required(unavailable(), "CI", "the sign-in tests")
    users = folder / "provider-users.json"
    users.write_text("{}", encoding="utf-8")
    process = subprocess.Popen(["node", str(SERVER), str(users), redirect_uri, post_logout_uri],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the test provider {SERVER} stopped at start-up (exit {process.wait(10)})")
        started = json.loads(line)
        yield Provider(started["issuer"], started["client_id"], started["client_secret"], users)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def walk_to(url: str, stop_at: str, http: requests.Session, login: str, password: str) -> str:
    """Follow the provider's redirects from `url`, submitting its login form as `login` (and saying yes to its
    sign-out page), until it sends the browser to an address starting with `stop_at`; returns that address."""
    method, data = "GET", None
    for _ in range(12):
        response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if url.startswith(stop_at):
                return url
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert action, f"{response.status_code} from {url} with no form: {response.text[:300]}"
        url, method = urljoin(url, unescape(action.group(1))), "POST"
        fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text))
        if 'name="password"' in response.text:
            fields.update(login=login, password=password)
        if 'name="logout"' in response.text:  # the provider's "sign out?" page: yes
            fields["logout"] = "yes"
        data = fields
    raise AssertionError(f"the provider never sent the browser to {stop_at}")
