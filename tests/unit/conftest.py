"""Keys, clocks and a hand-rolled token forger shared by the unit tests.

The forger signs with the standard library directly, not through ``kalos.jwt``, so
tests can build tokens that Kalos itself would never mint (other algorithms, wrong
claim types, missing signatures) and check that verification refuses them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from kalos import base64url
from kalos.keys import KeyRing, SigningKey

NOW = 1_750_000_000


@pytest.fixture
def now() -> int:
    """A fixed clock, so expiry arithmetic in the tests is exact."""
    return NOW


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.from_text("current-secret-for-unit-tests-0123456789")


@pytest.fixture
def old_key() -> SigningKey:
    return SigningKey.from_text("previous-secret-for-unit-tests-0123456789")


@pytest.fixture
def ring(key: SigningKey) -> KeyRing:
    return KeyRing(key)


def _segment(value: Any) -> str:
    return base64url.encode(json.dumps(value, separators=(",", ":")).encode())


def forge_token(
    header: dict[str, Any],
    claims: Any,
    secret: bytes,
    *,
    signature: bytes | None = None,
) -> str:
    """A compact JWT signed with HMAC-SHA256 by the standard library."""
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    if signature is None:
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64url.encode(signature)}"


@pytest.fixture(scope="session")
def forge() -> Callable[..., str]:
    return forge_token
