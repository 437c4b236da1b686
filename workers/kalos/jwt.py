"""Strict HS256 JSON Web Tokens (RFC 7519), signed through the crypto seam.

Only what Kalos needs, and nothing a forger could steer: the algorithm is pinned to
HS256 (``none`` and every other ``alg`` are refused before any key is touched), the
key is chosen by ``kid`` from a key ring, the ``typ`` header is pinned per token
kind, and issuer, audience, expiry and not-before are always checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kalos import base64url
from kalos.crypto import constant_time_equal, hmac_sha256
from kalos.keys import KeyRing, SigningKey
from kalos.untrusted_json import loads_object

ALGORITHM = "HS256"
MAX_LEEWAY_SECONDS = 30
# Grants and receipts are a few hundred bytes; anything far larger is not ours.
MAX_TOKEN_LENGTH = 4096
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class TokenError(ValueError):
    """Root of every reason a token is refused. The message is safe to show."""


class TokenMalformed(TokenError):
    """Not three base64url parts holding a JSON header and a JSON object."""


class AlgorithmRefused(TokenError):
    """The header names an algorithm other than HS256, including ``none``."""


class TypeRefused(TokenError):
    """The ``typ`` header is not the one expected for this kind of token."""


class KeyUnknown(TokenError):
    """The ``kid`` names no key in the verifier's ring (retired, or never ours)."""


class SignatureRefused(TokenError):
    """The signature does not match the header and payload."""


class ClaimRefused(TokenError):
    """A registered claim is missing, of the wrong type, or names someone else."""


class TokenExpired(TokenError):
    """The token's ``exp`` has been reached, beyond the leeway."""


class TokenNotYetValid(TokenError):
    """The token's ``nbf`` or ``iat`` lies in the future, beyond the leeway."""


def _segment(value: dict[str, Any]) -> str:
    return base64url.encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


async def encode(claims: dict[str, Any], key: SigningKey, typ: str) -> str:
    """Sign ``claims`` with ``key`` as a compact HS256 JWT of type ``typ``."""
    header = {"alg": ALGORITHM, "typ": typ, "kid": key.kid}
    signing_input = f"{_segment(header)}.{_segment(claims)}"

    signature = await hmac_sha256(key.secret, signing_input.encode("ascii"))
    return f"{signing_input}.{base64url.encode(signature)}"


def _json_object(segment: str, what: str) -> dict[str, Any]:
    # The header is parsed before the signature is checked, so anyone can send it.
    try:
        return loads_object(base64url.decode(segment))
    except ValueError as exc:
        raise TokenMalformed(f"token {what} is not a base64url JSON object") from exc


def _number(claims: dict[str, Any], name: str) -> int:
    value = claims.get(name)
    # bool is an int in Python; a JSON true is not a time.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClaimRefused(f"claim {name!r} is missing or not an integer")
    return value


async def decode(
    token: str,
    keys: KeyRing,
    *,
    typ: str,
    issuer: str,
    audience: str,
    now: int,
    leeway: int = 0,
) -> dict[str, Any]:
    """Verify ``token`` and return its claims, or raise a ``TokenError``.

    The checks run cheapest first, and the signature is verified before any claim
    is trusted. Expiry is reported as ``TokenExpired`` only for a token whose
    signature holds, so a forger learns nothing from the difference.
    """
    if not 0 <= leeway <= MAX_LEEWAY_SECONDS:
        raise ValueError(f"leeway must be between 0 and {MAX_LEEWAY_SECONDS} s")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenMalformed("token is too long")
    if not _COMPACT.fullmatch(token):
        raise TokenMalformed("token is not three dot-separated base64url parts")
    parts = token.split(".")

    header = _json_object(parts[0], "header")
    if header.get("alg") != ALGORITHM:
        raise AlgorithmRefused(f"token algorithm must be {ALGORITHM}")
    if header.get("typ") != typ:
        raise TypeRefused(f"token type must be {typ}")
    kid = header.get("kid")
    key = keys.find(kid) if isinstance(kid, str) else None
    if key is None:
        raise KeyUnknown("token key id is not one this service accepts")

    try:
        signature = base64url.decode(parts[2])
    except ValueError as exc:
        raise TokenMalformed("token signature is not base64url") from exc
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    expected = await hmac_sha256(key.secret, signing_input)
    if not constant_time_equal(signature, expected):
        raise SignatureRefused("token signature does not verify")

    claims = _json_object(parts[1], "payload")
    if claims.get("iss") != issuer:
        raise ClaimRefused(f"token issuer must be {issuer}")
    if claims.get("aud") != audience:
        raise ClaimRefused(f"token audience must be {audience}")
    expires_at = _number(claims, "exp")
    issued_at = _number(claims, "iat")
    not_before = claims.get("nbf", issued_at)
    if not isinstance(not_before, int) or isinstance(not_before, bool):
        raise ClaimRefused("claim 'nbf' is not an integer")

    # RFC 7519 section 4.1.4: exp is the first moment the token is refused.
    if now >= expires_at + leeway:
        raise TokenExpired("token has expired")
    if now + leeway < max(not_before, issued_at):
        raise TokenNotYetValid("token is not valid yet")
    return claims
