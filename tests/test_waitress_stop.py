"""The browser tests' server stops cleanly with a request in flight: the request is answered, nothing is logged
as an error and no thread raises (CI once failed a browser test because the server was closed under a request)."""

from __future__ import annotations

import logging
import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from tests.browser import waitress_server


def test_a_request_in_flight_is_answered_and_the_server_stops_without_error(
        caplog: pytest.LogCaptureFixture) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.set()
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"answered"]

    answers: list[bytes] = []
    with caplog.at_level(logging.ERROR, logger="waitress"), waitress_server(slow, threads=2) as address:
        client = threading.Thread(target=lambda: answers.append(urllib.request.urlopen(address, timeout=10).read()))
        client.start()
        assert entered.wait(5)
        threading.Timer(0.3, release.set).start()  # the answer comes while the server is being stopped
    client.join(10)
    assert answers == [b"answered"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not [t for t in threading.enumerate() if t.name == "waitress"]
