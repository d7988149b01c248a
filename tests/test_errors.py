"""The exception tree: every class netmap.errors defines is exported and drawn, under its real parent."""

from __future__ import annotations

import inspect
import re

import netmap.errors as errors

DEFINED = {name: cls for name, cls in vars(errors).items()
           if inspect.isclass(cls) and issubclass(cls, Exception) and cls.__module__ == errors.__name__}


def drawn_tree() -> dict[str, str]:
    """Each class the module docstring draws, with the class drawn as its parent (from the indentation)."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        found = re.match(r"^(\s*(?:[│ ]\s*)*(?:[├└]── )?)([A-Z]\w+)", line)
        if not found or not found.group(2).endswith(("Error", "Failed", "Link", "Answers", "Closed")):
            continue
        depth = len(found.group(1))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[found.group(2)] = stack[-1][1] if stack else ""
        stack.append((depth, found.group(2)))
    return parents


def test_every_exception_class_is_in_all() -> None:
    assert set(DEFINED) == set(errors.__all__)


def test_every_exception_class_is_drawn_under_its_parent() -> None:
    tree = drawn_tree()
    assert set(tree) == set(DEFINED)
    for name, cls in DEFINED.items():
        parent = cls.__bases__[0].__name__
        assert tree[name] == ("" if parent == "Exception" else parent), f"{name} is drawn under {tree[name]!r}"
