"""A server a worker will need, started in a background thread as soon as the worker has collected a test that uses
it, so that its start (Neo4j's: tens of seconds, mostly waiting on Java) overlaps the tests the worker runs first;
the fixture that hands the server out waits for it. Stopped when the session ends, used or not."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack


class BackgroundServer:
    """`start()`'s context (a server, entered for the value it gives: its URI) entered in a thread of its own."""

    def __init__(self, start: Callable[[], AbstractContextManager[str]]) -> None:
        self._start, self._stack = start, ExitStack()
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._enter, name="server-start", daemon=True)
        self._thread.start()

    def _enter(self) -> None:
        try:
            self._value = self._stack.enter_context(self._start())
        except BaseException as exc:  # noqa: BLE001 - raised again in the thread that asks for the server
            self._error = exc

    def value(self) -> str:
        """The server's URI once it is up; its start's error, raised again here, if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def stop(self) -> None:
        self._thread.join()
        self._stack.close()
