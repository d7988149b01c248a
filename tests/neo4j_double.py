"""A test double with the Neo4j driver's interface: records every query by name, answers from a script."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graph_queries import load_query, query_names
from netmap.store.shredding import Shredder

_NAMES = {load_query(name): name for name in query_names()}


@dataclass
class Call:
    name: str
    parameters: dict[str, Any]
    database: str | None
    transaction: int | None  # calls in one managed transaction share a number; None for execute_query


class Record(dict):
    def data(self) -> dict[str, Any]:
        return dict(self)


@dataclass
class FakeDriver:
    """`responses` maps a query name to records (or a function of the parameters giving them); `errors` maps a
    query name (or "verify_connectivity") to the exception that call raises."""

    responses: dict[str, list[dict] | Callable[[dict], list[dict]]] = field(default_factory=dict)
    # What a live server answers when nothing else is scripted: a load's heartbeat and publish find the load.
    defaults: dict[str, list[dict]] = field(default_factory=lambda: {"touch_snapshot": [{"touched": 1}],
                                                                     "complete_snapshot": [{"as_of": "?"}]})
    errors: dict[str, Exception] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    closed: bool = False
    _transactions: itertools.count = field(default_factory=lambda: itertools.count(1))

    def verify_connectivity(self) -> None:
        if "verify_connectivity" in self.errors:
            raise self.errors["verify_connectivity"]

    def execute_query(self, query_: str, parameters_: dict | None = None, routing_: Any = None,
                      database_: str | None = None) -> SimpleNamespace:
        return SimpleNamespace(records=self._run(query_, parameters_ or {}, database_, None))

    def session(self, database: str | None = None) -> _Session:
        return _Session(self, database)

    def close(self) -> None:
        self.closed = True

    def names(self) -> list[str]:
        return [c.name for c in self.calls]

    def _run(self, query: str, parameters: dict, database: str | None, transaction: int | None) -> list[Record]:
        name = _NAMES[query]  # only queries from graph_queries/ may be sent
        self.calls.append(Call(name, parameters, database, transaction))
        if name in self.errors:
            raise self.errors[name]
        answer = self.responses.get(name, self.defaults.get(name, []))
        return [Record(r) for r in (answer(parameters) if callable(answer) else answer)]


@dataclass
class _Session:
    driver: FakeDriver
    database: str | None

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def execute_write(self, work: Callable, *args: Any, **kwargs: Any) -> Any:
        return work(_Transaction(self, next(self.driver._transactions)), *args, **kwargs)

    execute_read = execute_write


class _Result(list):
    """The records of one statement, iterable like the driver's Result."""

    def consume(self) -> None:
        pass

    def data(self) -> list[dict[str, Any]]:
        return [r.data() for r in self]


@dataclass
class _Transaction:
    session: _Session
    number: int

    def run(self, query: str, parameters: dict | None = None) -> _Result:
        return _Result(self.session.driver._run(query, parameters or {}, self.session.database, self.number))


class InClear(Shredder):
    """The shredder's interface writing what netmap wrote before crypto-shredding: staff ids and values as they are
    (set as a store's `_shredder` to make a database an earlier netmap left)."""

    def tokens(self, staff_ids: Any) -> dict[str, str]:
        return {s: s for s in staff_ids}

    def known_token(self, staff_id: str) -> str | None:
        return staff_id

    def staff_id(self, token: str) -> str:
        return token

    def seal_rows(self, rule: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows

    def open_rows(self, rule: Any, rows: Any) -> list[dict[str, Any]]:
        return list(rows)

    def seal_payload(self, name: str, part: str, payload: bytes) -> bytes:
        return payload
