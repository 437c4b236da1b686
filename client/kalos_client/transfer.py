"""The client's part: send a file, or a delete, to the URL a grant names.

A real client (a browser, a mobile app) does the same with the grant its backend
hands it: one request with the grant's method, URL and headers, plus the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from kalos_client.backend import DEFAULT_TIMEOUT, Grant, KalosError

CHUNK_BYTES = 256 * 1024

Progress = Callable[[int], None]
"""Called with the number of bytes just sent."""


def _chunks(path: Path, progress: Progress | None) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
            if progress:
                progress(len(chunk))


def _send(client: httpx.Client | None, grant: Grant, **kwargs: Any) -> httpx.Response:
    own = client or httpx.Client(timeout=DEFAULT_TIMEOUT)
    try:
        return own.request(grant.method, grant.url, **kwargs)
    except httpx.HTTPError as exc:
        raise KalosError("unreachable", f"{grant.url}: {exc}") from exc
    finally:
        if client is None:
            own.close()


def send_file(
    grant: Grant,
    path: Path,
    *,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> dict[str, Any]:
    """Stream ``path`` to the upload worker; returns its answer, with the receipt.

    The body is streamed with an explicit Content-Length: the upload worker refuses
    a chunked body, as R2 needs to know the length before it stores a stream.
    """
    if grant.method != "PUT":
        raise KalosError("action_mismatch", "this grant is not for an upload")
    headers = {**grant.headers, "content-length": str(path.stat().st_size)}
    response = _send(client, grant, headers=headers, content=_chunks(path, progress))
    if response.status_code != 201:
        raise KalosError.from_response(response)
    answer: dict[str, Any] = response.json()
    return answer


def send_delete(grant: Grant, *, client: httpx.Client | None = None) -> None:
    """Delete the object the grant names; raises ``KalosError`` (e.g. not_found)."""
    if grant.method != "DELETE":
        raise KalosError("action_mismatch", "this grant is not for a delete")
    response = _send(client, grant, headers=grant.headers)
    if response.status_code != 204:
        raise KalosError.from_response(response)
