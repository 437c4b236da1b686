"""JSON from strangers: parsed only when its nesting is shallow enough to be safe.

Python's JSON parser recurses once per nesting level. Inside a Worker that recursion
runs on the JavaScript stack, and a few thousand ``[`` exhaust it: Pyodide then fails
fatally and the isolate stops answering, instead of raising an error Kalos could
report. Everything Kalos parses (JWT headers and claims, grant requests) is a flat
object, so anything nested deeper than ``MAX_DEPTH`` is refused before parsing.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 16


def _too_deep(text: str, limit: int) -> bool:
    # Nesting can be no deeper than the number of opening brackets, and counting is
    # fast; only text with many brackets is scanned, skipping those inside strings.
    if text.count("[") + text.count("{") <= limit:
        return False

    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_object(data: bytes | str) -> dict[str, Any]:
    """Parse a JSON object; ``ValueError`` for anything else, or anything too deep."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if _too_deep(text, MAX_DEPTH):
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value
