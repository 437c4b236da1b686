"""The bench worker: times the shared core inside Pyodide, and puts into R2 directly.

It runs on the same local stack as the real workers and imports the same ``kalos``
package, so its figures are the workers' own Python work with the I/O left out.

GET /healthz also names the Python and Pyodide versions the workers run on.

GET /bench/mint?n=N&hmac=webcrypto|stdlib times what the access worker does for a
grant once the request is read: check the backend's signature, ``new_grant`` and
``sign_grant``. GET /bench/verify?n=N&hmac=… times ``verify_grant``. Both answer
``{"wall_seconds": [...], "cpu_seconds": [...]}``, one figure per operation. In
production Workers the clock stands still until I/O happens, so these figures exist
only on a host where it moves, like the local runtime on Node.

PUT /bench/direct/<key> puts the request body straight into the bucket with no
checks: the baseline an upload through the upload worker is compared with.

This worker is never deployed; it is the benchmark's instrument.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import platform
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyodide  # type: ignore[import-not-found]
from js import process  # type: ignore[import-not-found]
from workers import Response, WorkerEntrypoint  # type: ignore[import-not-found]

from kalos import jwt, signing
from kalos.grants import new_grant, sign_grant, verify_grant
from kalos.http import json_response
from kalos.keys import KeyRing
from kalos.policy import IMAGE_TYPES, UploadPolicy

MAX_OPERATIONS = 10_000
DIRECT_PREFIX = "/bench/direct/"
GRANTS_PATH = "/v1/grants"
GRANT_REQUEST = json.dumps(
    {"user": "bench", "action": "upload", "object_id": "bench/photo.jpg"}
).encode()


async def stdlib_hmac_sha256(key: bytes, message: bytes) -> bytes:
    """The standard library's HMAC, with the signature of ``kalos.crypto``'s."""
    return hmac.new(key, message, hashlib.sha256).digest()


class Default(WorkerEntrypoint):  # type: ignore[misc]
    """Routes the bench requests; anything else is a 404."""

    async def fetch(self, request: Any) -> Any:
        url = urlsplit(request.url)
        query = parse_qs(url.query)
        if url.path == "/healthz":
            return json_response(
                {
                    "status": "ok",
                    "worker": "bench",
                    "python": platform.python_version(),
                    "pyodide": pyodide.__version__,
                }
            )
        if url.path.startswith(DIRECT_PREFIX) and request.method == "PUT":
            return await self.direct_put(request, url.path.removeprefix(DIRECT_PREFIX))

        timers = {"/bench/mint": self.time_mint, "/bench/verify": self.time_verify}
        timer = timers.get(url.path)
        if timer is None:
            return Response("not found", status=404)
        n = min(int(query.get("n", ["100"])[0]), MAX_OPERATIONS)
        flavour = query.get("hmac", ["webcrypto"])[0]
        if flavour not in ("webcrypto", "stdlib"):
            return Response("hmac is webcrypto or stdlib", status=400)
        return json_response({"hmac": flavour, **await timer(n, flavour)})

    async def direct_put(self, request: Any, key: str) -> Any:
        stored = await self.env.BUCKET.put(key, request.body)
        return json_response({"key": key, "size": int(stored.size)})

    def keys(self) -> tuple[KeyRing, KeyRing]:
        return (
            KeyRing.from_text(self.env.BACKEND_SIGNING_KEY),
            KeyRing.from_text(self.env.GRANT_SIGNING_KEY),
        )

    async def time_mint(self, n: int, flavour: str) -> dict[str, list[float]]:
        backend_keys, grant_keys = self.keys()
        now = int(time.time())
        signature = await signing.sign(
            backend_keys.current, "POST", GRANTS_PATH, GRANT_REQUEST, now=now
        )
        policy = UploadPolicy(max_bytes=100_000_000, types=IMAGE_TYPES)

        async def mint() -> None:
            await signing.verify(
                signature, backend_keys, "POST", GRANTS_PATH, GRANT_REQUEST, now=now
            )
            grant = new_grant(
                user="bench",
                action="upload",
                key="bench/photo.jpg",
                now=now,
                policy=policy,
            )
            await sign_grant(grant, grant_keys.current)

        return await timed(mint, n, flavour)

    async def time_verify(self, n: int, flavour: str) -> dict[str, list[float]]:
        _, grant_keys = self.keys()
        now = int(time.time())
        policy = UploadPolicy(max_bytes=100_000_000, types=IMAGE_TYPES)
        grant = new_grant(
            user="bench",
            action="upload",
            key="bench/photo.jpg",
            now=now,
            policy=policy,
        )
        token = await sign_grant(grant, grant_keys.current)

        async def verify() -> None:
            await verify_grant(token, grant_keys, now=now)

        return await timed(verify, n, flavour)


async def timed(
    operation: Callable[[], Awaitable[None]], n: int, flavour: str
) -> dict[str, list[float]]:
    """Run ``operation`` once to warm up, then ``n`` times, timing each run.

    Each run gets two figures: wall time from ``time.perf_counter``, and the host
    process's CPU time from Node's ``process.cpuUsage``. The second leaves out the
    time an await spends waiting for the event loop to come round, which is not
    work; it does count Web Crypto's HMAC, which Node runs on a helper thread.

    ``flavour`` "stdlib" swaps the HMAC that the JWT and signing modules call for
    the standard library's, for the length of the runs only.
    """
    saved = jwt.hmac_sha256, signing.hmac_sha256
    if flavour == "stdlib":
        jwt.hmac_sha256 = signing.hmac_sha256 = stdlib_hmac_sha256
    try:
        await operation()
        wall, cpu = [], []
        for _ in range(n):
            before = process.cpuUsage()
            started = time.perf_counter()
            await operation()
            wall.append(time.perf_counter() - started)
            used = process.cpuUsage(before)
            cpu.append((used.user + used.system) / 1e6)
        return {"wall_seconds": wall, "cpu_seconds": cpu}
    finally:
        jwt.hmac_sha256, signing.hmac_sha256 = saved
