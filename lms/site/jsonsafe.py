"""JSON answers that no browser can read as HTML: <, > and & are written as \\u escapes (the same data once parsed)."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class HtmlSafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with the characters of markup escaped (they only ever occur inside JSON strings)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return super().dumps(obj, **kwargs).translate(_ESCAPES)
