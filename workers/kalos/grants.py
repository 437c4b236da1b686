"""Grants: short-lived JWTs that allow one action on one object key, once.

The access worker mints a grant after it has verified the backend's request; the
upload worker verifies it, checks that the request matches it, and spends its
``jti`` in the ledger before it writes. A grant carries everything the upload worker
needs to enforce the policy (size limit, allowed types, declared type, expected
SHA-256, whether it may overwrite), so the upload worker needs no policy of its own.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from kalos import base64url, jwt
from kalos.errors import GrantExpired, GrantInvalid
from kalos.keys import KeyRing, SigningKey
from kalos.policy import UploadPolicy, validate_key

GRANT_TYPE = "kalos-grant+jwt"
ISSUER = "kalos-access"
AUDIENCE = "kalos-upload"
DEFAULT_TTL_SECONDS = 180
MAX_TTL_SECONDS = 600
LEEWAY_SECONDS = 30

Action = Literal["upload", "delete"]
ACTIONS: tuple[Action, ...] = ("upload", "delete")
METHOD_FOR_ACTION: dict[Action, str] = {"upload": "PUT", "delete": "DELETE"}

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
"""An expected SHA-256, as grants carry it: 64 lower-case hex digits."""


@dataclass(frozen=True)
class Grant:
    """The verified content of a grant."""

    id: str
    user: str
    action: Action
    key: str
    issued_at: int
    expires_at: int
    max_bytes: int = 0
    types: tuple[str, ...] = ()
    content_type: str | None = None
    sha256: str | None = None
    overwrite: bool = False

    def claims(self) -> dict[str, Any]:
        """The JWT claims that encode this grant."""
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": self.user,
            "act": self.action,
            "key": self.key,
            "jti": self.id,
            "iat": self.issued_at,
            "nbf": self.issued_at,
            "exp": self.expires_at,
        }
        if self.action == "upload":
            claims["max"] = self.max_bytes
            claims["types"] = list(self.types)
            if self.content_type:
                claims["ct"] = self.content_type
            if self.sha256:
                claims["sha256"] = self.sha256
            if self.overwrite:
                claims["ow"] = True
        return claims


def new_grant(
    *,
    user: str,
    action: Action,
    key: str,
    now: int,
    ttl: int = DEFAULT_TTL_SECONDS,
    policy: UploadPolicy | None = None,
    content_type: str | None = None,
    sha256: str | None = None,
    overwrite: bool = False,
) -> Grant:
    """A fresh grant with a random id; an upload grant needs a ``policy``."""
    if not 1 <= ttl <= MAX_TTL_SECONDS:
        raise ValueError(f"a grant lives between 1 and {MAX_TTL_SECONDS} s")
    if action == "upload" and policy is None:
        raise ValueError("an upload grant needs a policy")
    return Grant(
        id=base64url.encode(secrets.token_bytes(16)),
        user=user,
        action=action,
        key=validate_key(key),
        issued_at=now,
        expires_at=now + ttl,
        max_bytes=policy.max_bytes if policy else 0,
        types=policy.types if policy else (),
        content_type=content_type,
        sha256=sha256,
        overwrite=overwrite,
    )


async def sign_grant(grant: Grant, key: SigningKey) -> str:
    """The grant as a signed token."""
    return await jwt.encode(grant.claims(), key, GRANT_TYPE)


def _grant_from_claims(claims: dict[str, Any]) -> Grant:
    """Rebuild a grant from verified claims, refusing any claim of the wrong shape."""
    action = claims.get("act")
    user, key, grant_id = claims.get("sub"), claims.get("key"), claims.get("jti")
    if action not in ACTIONS:
        raise GrantInvalid("the grant names no valid action")
    if not all(isinstance(v, str) and v for v in (user, key, grant_id)):
        raise GrantInvalid("the grant lacks a user, an object key or an id")

    max_bytes = claims.get("max", 0)
    types = claims.get("types", [])
    content_type = claims.get("ct")
    sha256 = claims.get("sha256")
    if action == "upload" and (
        not isinstance(max_bytes, int)
        or isinstance(max_bytes, bool)
        or max_bytes < 1
        or not isinstance(types, list)
        or not types
        or not all(isinstance(t, str) for t in types)
        or (content_type is not None and not isinstance(content_type, str))
        or (sha256 is not None and not SHA256_HEX.fullmatch(str(sha256)))
    ):
        raise GrantInvalid("the grant's upload limits are malformed")

    return Grant(
        id=grant_id,  # type: ignore[arg-type]
        user=user,  # type: ignore[arg-type]
        action=action,
        key=key,  # type: ignore[arg-type]
        issued_at=claims["iat"],
        expires_at=claims["exp"],
        max_bytes=max_bytes,
        types=tuple(types),
        content_type=content_type,
        sha256=sha256,
        overwrite=claims.get("ow") is True,
    )


async def verify_grant(token: str, keys: KeyRing, *, now: int) -> Grant:
    """Verify a grant token, raising ``GrantExpired`` or ``GrantInvalid``."""
    try:
        claims = await jwt.decode(
            token,
            keys,
            typ=GRANT_TYPE,
            issuer=ISSUER,
            audience=AUDIENCE,
            now=now,
            leeway=LEEWAY_SECONDS,
        )
    except jwt.TokenExpired as exc:
        raise GrantExpired(
            "the grant has expired; ask the backend for a new one"
        ) from exc
    except jwt.TokenError as exc:
        raise GrantInvalid(str(exc)) from exc
    return _grant_from_claims(claims)
