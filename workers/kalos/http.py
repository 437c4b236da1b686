"""The Workers side of HTTP: JSON and problem responses, CORS, one log line a request.

This module needs the Workers SDK, so only the workers import it; the rest of the
core stays importable on CPython.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from workers import Response  # type: ignore[import-not-found]

from kalos.errors import PROBLEM_CONTENT_TYPE, InternalError, KalosError, Misconfigured


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Any:
    """A JSON response that no cache keeps."""
    return Response(
        json.dumps(body),
        status=status,
        headers={
            "content-type": "application/json",
            "cache-control": "no-store",
            **(headers or {}),
        },
    )


def problem_response(error: KalosError, headers: dict[str, str] | None = None) -> Any:
    """The problem+json response for ``error`` (RFC 9457)."""
    return Response(
        json.dumps(error.problem()),
        status=error.status,
        headers={
            "content-type": PROBLEM_CONTENT_TYPE,
            "cache-control": "no-store",
            **(headers or {}),
        },
    )


def empty_response(status: int, headers: dict[str, str] | None = None) -> Any:
    """A response without a body, such as 204."""
    return Response(None, status=status, headers=headers or {})


class RequestLog:
    """Collects one request's facts and prints them as a single JSON line.

    Only what an operator needs: never a token, a signature, a secret, or a URL
    that could carry one.
    """

    def __init__(self, worker: str, method: str, route: str) -> None:
        self.started = time.monotonic()
        self.fields: dict[str, Any] = {
            "worker": worker,
            "method": method,
            "route": route,
        }

    def add(self, **fields: Any) -> None:
        """Record more facts about this request (object key, size, grant id, …)."""
        self.fields.update(fields)

    def emit(self, status: int, code: str | None = None) -> None:
        """Print the line; called once, when the response is ready."""
        self.fields["status"] = status
        if code:
            self.fields["code"] = code
        self.fields["ms"] = round((time.monotonic() - self.started) * 1000, 1)
        print(json.dumps(self.fields, separators=(",", ":")))


async def guarded(
    log: RequestLog,
    handle: Callable[[], Awaitable[Any]],
    headers: dict[str, str] | None = None,
) -> Any:
    """Run a request handler, turning every failure into a problem response.

    ``headers`` (CORS, for instance) go on error responses too, so a browser page
    can read the problem code. An unexpected exception becomes a bare 500: its
    traceback goes to the log, never to the caller.
    """
    try:
        response = await handle()
    except KalosError as error:
        if isinstance(error, Misconfigured):
            # The detail names the variable at fault; only the operator sees it.
            log.add(detail=error.detail)
            error = Misconfigured()
        log.emit(error.status, error.code)
        return problem_response(error, headers)
    except Exception:
        log.add(traceback=traceback.format_exc(limit=10))
        log.emit(InternalError.status, InternalError.code)
        return problem_response(InternalError(), headers)
    log.emit(response.status)
    return response
