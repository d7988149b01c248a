"""One lock for every matplotlib drawing the web makes (charts, map images, the board summary): matplotlib is not
thread-safe (its font cache, FreeType faces and rc parameters are shared), and the server answers on several threads."""

from __future__ import annotations

import threading

__all__ = ["DRAWING"]

DRAWING = threading.RLock()
