"""Receipts: the upload worker's signed statement of what it stored, for the backend.

The client hands the receipt to its backend, which verifies it offline with the
receipt key it shares with the upload worker. A valid receipt proves that this user
stored an object of this size, type and ETag (and SHA-256, when the grant named
one) under this key, at this time, with this grant.
"""

from __future__ import annotations

from typing import Any

from kalos import jwt
from kalos.keys import SigningKey

RECEIPT_TYPE = "kalos-receipt+jwt"
ISSUER = "kalos-upload"
AUDIENCE = "kalos-backend"
# Long enough for a slow client to pass it on; the backend may accept it only once.
RECEIPT_TTL_SECONDS = 3600


async def sign_receipt(
    key: SigningKey,
    *,
    user: str,
    object_key: str,
    size: int,
    etag: str,
    content_type: str,
    grant_id: str,
    now: int,
    sha256: str | None = None,
) -> str:
    """A receipt for one stored object."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "key": object_key,
        "size": size,
        "etag": etag,
        "ct": content_type,
        "jti": grant_id,
        "iat": now,
        "exp": now + RECEIPT_TTL_SECONDS,
    }
    if sha256:
        claims["sha256"] = sha256
    return await jwt.encode(claims, key, RECEIPT_TYPE)
