"""netmap deployed as docs/deployment.md says: `netmap serve` in its own process, behind a real nginx (Debian's)
on loopback with TLS, configured with the site block read from docs/deployment.md itself.

Chromium logs in over HTTPS (the CSRF check and the Referrer-Policy agree); clients on different loopback
addresses (127.0.0.2, 127.0.0.3, ...) show that each one's own address reaches throttling and the audit log, so
one person's mistakes do not lock the admin out elsewhere; a forged X-Forwarded-For is ignored; and plain HTTP
from "another machine" (a host name that is not loopback) logs in only where the admin allowed it.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks.serving import wait_until_up
from tests.browser import SHOTS, _missing, _shot, launch_chromium
from tests.conftest import REPO, skip_unless_required
from tests.trusts import planted_dataset
from tests.web_helpers import PASSWORD, make_app
from webapp.accounts import Accounts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

pytestmark = pytest.mark.slow  # nginx, two servers and a browser

NGINX = "/usr/sbin/nginx"
DOC = REPO / "docs" / "deployment.md"
LAN_NAME = "netmap.test"  # "another machine's" address for the browser: not loopback, so Secure cookies need TLS
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _unavailable() -> str | None:
    if not Path(NGINX).exists():
        return "Debian's nginx is not installed (apt-get install nginx; .ci/run does)"
    if shutil.which("openssl") is None:
        return "the openssl command is not installed (apt-get install openssl; .ci/run does)"
    return _missing()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"docs/deployment.md's nginx site no longer has {old!r}: update this test with it"
    return text.replace(old, new)


def site_from_the_guide(https_port: int, netmap_port: int, cert: Path, key: Path) -> str:
    """docs/deployment.md's nginx site, word for word, but on a loopback port with the test's certificate."""
    match = re.search(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/deployment.md has no ```nginx block"
    site = _replaced(match.group(1), "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = _replaced(site, "/etc/ssl/certs/netmap.crt", str(cert))
    site = _replaced(site, "/etc/ssl/private/netmap.key", str(key))
    return _replaced(site, "proxy_pass http://127.0.0.1:5000;", f"proxy_pass http://127.0.0.1:{netmap_port};")


def plain_http_site(port: int, netmap_port: int) -> str:
    """The guide's `location /` block served over plain HTTP (a trust without TLS on its own network)."""
    match = re.search(r"\n(    location / \{.*?\n    \})", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/deployment.md's nginx site has no location / block"
    location = _replaced(match.group(1), "proxy_pass http://127.0.0.1:5000;", f"proxy_pass http://127.0.0.1:{netmap_port};")
    return f"server {{\n    listen 127.0.0.1:{port};\n{location}\n}}\n"


@dataclass
class Deployment:
    https: str           # nginx with TLS, in front of the netmap that requires HTTPS
    plain: str           # nginx over plain HTTP, by a non-loopback name, in front of that same netmap
    plain_allowed: str   # the same, in front of a netmap started with NETMAP_ALLOW_HTTP=1
    netmap_port: int     # the first netmap's own port, reachable directly on loopback
    users_db: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def audited(self, action: str) -> list[str]:
        """The audit log's subjects ("from 127.0.0.3") of `action` by anyone, oldest first."""
        with Accounts(self.users_db) as accounts:
            return [entry[3] for entry in reversed(accounts.audit.entries()) if entry[2] == action]


def _netmap_serve(folder: Path, port: int, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """`netmap serve` as the service runs it: its own process, its settings in the environment, no HOME of the
    user's (the test's folder stands in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETMAP_") or k.startswith("NETMAP_TEST_")}
    env.update(HOME=str(folder), XDG_DATA_HOME=str(folder / "data"),
               PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
               NETMAP_DB=str(folder / "store.db"), NETMAP_USERS_DB=str(folder / "users.db"),
               NETMAP_SECRET_KEY="proxy-test", NETMAP_TRUSTED_PROXY="127.0.0.1",
               # the proxy is under test here, not the second factor (tests/test_mfa.py, test_browser_mfa.py)
               NETMAP_REQUIRE_MFA="0", **settings)
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-c", "from netmap.cli import main; main()", "serve", "--host",
                                 "127.0.0.1", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {log.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nginx did not listen on {port}: {log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    skip_unless_required(_unavailable(), "CI", "the reverse proxy tests")
    folder = tmp_path_factory.mktemp("deployment")
    make_app(folder, planted_dataset())  # the store and a user of each role (tests/web_helpers)
    cert, key = folder / "netmap.crt", folder / "netmap.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True)
    https, plain, allowed, secure_netmap, http_netmap = (_free_port() for _ in range(5))
    config = folder / "nginx.conf"
    # The harness around the guide's site: nginx as a foreground process with every path in the test's folder;
    # responses are buffered in memory only (nginx's workers run as nobody, who cannot write there).
    config.write_text(f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    proxy_max_temp_file_size 0;
{site_from_the_guide(https, secure_netmap, cert, key)}
{plain_http_site(plain, secure_netmap)}
{plain_http_site(allowed, http_netmap)}
}}
""", encoding="utf-8")
    found = Deployment(https=f"https://127.0.0.1:{https}", plain=f"http://{LAN_NAME}:{plain}",
                       plain_allowed=f"http://{LAN_NAME}:{allowed}", netmap_port=secure_netmap,
                       users_db=folder / "users.db")
    try:
        found.processes.append(_netmap_serve(folder, secure_netmap, folder / "netmap.log"))
        found.processes.append(_netmap_serve(folder, http_netmap, folder / "netmap-http.log", NETMAP_ALLOW_HTTP="1"))
        found.processes.append(subprocess.Popen([NGINX, "-e", str(folder / "nginx-error.log"), "-p", str(folder),
                                                 "-c", str(config)], stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))
        _wait_for_port(https, found.processes[-1], folder / "nginx-error.log")
        for port in (secure_netmap, http_netmap):
            wait_until_up(f"http://127.0.0.1:{port}")
        yield found
    finally:
        for process in found.processes:
            process.terminate()
        for process in found.processes:
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Chromium as tests/test_browser.py launches it, resolving netmap.test to loopback (as a LAN's DNS would
    resolve the server's name)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    launched = launch_chromium(playwright_driver, f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1")
    yield launched
    launched.close()


class Visitor:
    """One machine, as far as netmap can tell: every request from its own loopback address, with its own
    session cookie."""

    def __init__(self, address: str, base: str) -> None:
        self.address, self.base = address, base
        parts = urllib.parse.urlsplit(base)
        self._host, self._port, self._tls = parts.hostname or "", parts.port or 443, parts.scheme == "https"
        self._cookie = ""

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        if self._tls:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._host, self._port, source_address=(self.address, 0), timeout=60,
                context=ssl._create_unverified_context())  # the test's own self-signed certificate
        else:
            connection = http.client.HTTPConnection(self._host, self._port, source_address=(self.address, 0),
                                                    timeout=60)
        sent = {"Cookie": self._cookie} if self._cookie else {}
        connection.request(method, path, body, {**sent, **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if cookie := response.getheader("Set-Cookie"):
            self._cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, text

    def log_in(self, name: str, password: str, headers: dict[str, str] | None = None) -> int:
        """The login form's answer: 302 logged in, 401 wrong password, 429 locked, 400 refused form. Sends the
        Referer a browser sends under netmap's Referrer-Policy (same-origin)."""
        _, page = self.request("GET", "/login")
        token = TOKEN.search(page)
        assert token, page
        form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token.group(1)})
        return self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Referer": f"{self.base}/login", **(headers or {})})[0]


def _log_in_page(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_logging_in_over_https_through_nginx(deployment: Deployment, browser: Browser) -> None:
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    posted: list[dict[str, str]] = []
    page.on("request", lambda r: posted.append(r.headers) if r.method == "POST" else None)
    _log_in_page(page, deployment.https)
    page.wait_for_url(f"{deployment.https}/")  # with Referrer-Policy: no-referrer, a 400 here
    page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)  # vis-network, served through nginx, drew
    _shot(page, "proxy-https-dashboard")
    assert posted[0]["referer"] == f"{deployment.https}/login"  # what Flask-WTF's HTTPS check needs
    login_page = page.goto(f"{deployment.https}/login")
    assert login_page is not None and login_page.headers["referrer-policy"] == "same-origin"
    (session,) = [c for c in context.cookies() if c["name"] == "session"]
    assert session["secure"] and session["httpOnly"]  # netmap knows, through nginx, that this was HTTPS
    assert deployment.audited("login")[-1] == "from 127.0.0.1"
    context.close()


def test_each_client_address_reaches_throttling_and_the_audit_log(deployment: Deployment) -> None:
    mistyping, admin = Visitor("127.0.0.3", deployment.https), Visitor("127.0.0.2", deployment.https)
    for _ in range(5):
        assert mistyping.log_in("admin", "not the password") == 401
    assert mistyping.log_in("admin", PASSWORD) == 429  # locked: that name, at that machine
    assert admin.log_in("admin", PASSWORD) == 302      # the admin, at their own machine, is not
    assert deployment.audited("failed login")[-5:] == ["from 127.0.0.3"] * 5
    assert deployment.audited("login refused (locked)")[-1:] == ["from 127.0.0.3"]
    assert deployment.audited("login")[-1] == "from 127.0.0.2"


def test_a_forged_forwarded_for_is_ignored(deployment: Deployment) -> None:
    forged = {"X-Forwarded-For": "203.0.113.9"}
    straight_to_netmap = Visitor("127.0.0.4", f"http://127.0.0.1:{deployment.netmap_port}")
    assert straight_to_netmap.log_in("hr", "not the password", forged) == 401
    assert deployment.audited("failed login")[-1] == "from 127.0.0.4"  # not the proxy: its header is dropped
    through_nginx = Visitor("127.0.0.5", deployment.https)
    assert through_nginx.log_in("hr", "not the password", forged) == 401
    assert deployment.audited("failed login")[-1] == "from 127.0.0.5"  # nginx appends the address it saw


def test_plain_http_from_another_machine_logs_in_only_where_allowed(deployment: Deployment,
                                                                    browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    _log_in_page(page, deployment.plain)
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "You reached netmap over plain HTTP from another machine" in text, text
    assert "NETMAP_ALLOW_HTTP=1" in text
    _shot(page, "proxy-plain-http-refused")
    assert [c for c in context.cookies() if c["name"] == "session"] == []  # the browser refused the Secure cookie
    context.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    _log_in_page(page, deployment.plain_allowed)
    page.wait_for_url(f"{deployment.plain_allowed}/")
    page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
    _shot(page, "proxy-plain-http-allowed")
    (session,) = [c for c in context.cookies() if c["name"] == "session"]
    assert not session["secure"]  # NETMAP_ALLOW_HTTP: the cookie travels unencrypted, as the admin chose
    context.close()
