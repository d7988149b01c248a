"""Characters a value may not hold because nobody can see them: found and named, so a user can retype the value.

An id is matched exactly, so an invisible character inside one ("S1" with a zero-width space, a byte-order mark
or a right-to-left mark pasted from a web page or a PDF) makes two ids that look the same but are not, and a
person silently drops out of the network. In ids every invisible character is refused: control characters
(Unicode category Cc: C0, DEL and C1), format characters (Cf: zero-width spaces and joiners, BOM, direction
marks and overrides, soft hyphen, tags), line and paragraph separators (Zl, Zp) and every space but the
ordinary one (Zs: no-break, thin, ideographic ...). In other text only control characters are refused, except
tab and line breaks: a name in Arabic or Hebrew may need a direction mark, a Persian one a zero-width non-joiner.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["describe", "first_hidden"]

_CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})


def first_hidden(text: str, *, in_id: bool) -> tuple[int, str] | None:
    """(position, character) of the first character of `text` that may not be there, or None.

    Examples
    --------
    >>> first_hidden("S\\u200b1", in_id=True)
    (1, '\\u200b')
    >>> first_hidden("Zo\\u00eb", in_id=True) is None
    True
    """
    found = (_CONTROL_IN_ID if in_id else _CONTROL_IN_TEXT).search(text)
    if found:
        return found.start(), found.group()
    if in_id and not text.isascii():  # ASCII ids (nearly all) need no look beyond the pattern above
        for index, char in enumerate(text):
            if char != " " and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
                return index, char
    return None


def describe(char: str) -> str:
    """A character as a user can look it up: 'U+200B ZERO WIDTH SPACE'."""
    name = unicodedata.name(char, "") or {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED",
                                          "\r": "CARRIAGE RETURN"}.get(char, "a control character")
    return f"U+{ord(char):04X} {name}"
