"""The one seam between Kalos and cryptography: HMAC-SHA256 and SHA-256.

Inside Workers (Pyodide) HMAC runs on the Web Crypto API, reached through ``js``;
on CPython it runs on the standard library. Both give identical bytes, so a grant
minted by a worker verifies with PyJWT and a request signed by the backend client
verifies in the worker.

The functions are coroutines because Web Crypto is asynchronous. On CPython they
never suspend, which lets synchronous callers use ``run_sync``.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

IN_WORKERS = sys.platform == "emscripten"


def sha256(data: bytes) -> bytes:
    """SHA-256 of ``data``. hashlib is part of Pyodide's standard library too."""
    return hashlib.sha256(data).digest()


def constant_time_equal(a: bytes, b: bytes) -> bool:
    """Compare two MACs without leaking, through timing, where they first differ."""
    return hmac.compare_digest(a, b)


if IN_WORKERS:
    from js import Object, Uint8Array, crypto  # type: ignore[import-not-found]
    from pyodide.ffi import to_js  # type: ignore[import-not-found]

    _HMAC_SHA256 = to_js(
        {"name": "HMAC", "hash": "SHA-256"}, dict_converter=Object.fromEntries
    )
    # Importing a key costs a round trip into Web Crypto; keys live for the isolate.
    _imported: dict[bytes, Any] = {}

    async def _crypto_key(key: bytes) -> Any:
        found = _imported.get(key)
        if found is None:
            found = await crypto.subtle.importKey(
                "raw", Uint8Array.new(key), _HMAC_SHA256, False, to_js(["sign"])
            )
            _imported[key] = found
        return found

    async def hmac_sha256(key: bytes, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under ``key``, computed by Web Crypto."""
        signature = await crypto.subtle.sign(
            "HMAC", await _crypto_key(key), Uint8Array.new(message)
        )
        return bytes(signature.to_bytes())

else:

    async def hmac_sha256(key: bytes, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under ``key``, by the standard library."""
        return hmac.new(key, message, hashlib.sha256).digest()


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine of this package to completion without an event loop.

    On CPython the crypto seam never suspends, so the coroutine finishes on its
    first step. A coroutine that does suspend is refused, not silently dropped.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("run_sync needs a coroutine that completes without waiting")
