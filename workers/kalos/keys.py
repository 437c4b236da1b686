"""Signing keys, their ids, and key rings that make rotation possible without downtime.

A key ring holds the current key, which signs, and optionally the previous key, which
is still accepted while the clients of the old key drain. Every signature names its
key by ``kid`` so a verifier picks the right key instead of trying each in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from kalos import base64url
from kalos.crypto import sha256

# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
MIN_KEY_BYTES = 32


class KeyTooShort(ValueError):
    """A secret shorter than ``MIN_KEY_BYTES``; the message names it, never shows it."""


@dataclass(frozen=True)
class SigningKey:
    """One HMAC secret and its public id.

    The id is derived from the secret (a truncated, domain-separated SHA-256), so
    operators never configure ids and two deployments cannot disagree about them.
    48 bits of a hash of a 256-bit secret reveal nothing useful about it.
    """

    secret: bytes
    kid: str

    @classmethod
    def from_text(cls, secret: str, name: str = "key") -> SigningKey:
        """Build a key from configuration text, refusing one that is too short."""
        raw = secret.encode("utf-8")
        if len(raw) < MIN_KEY_BYTES:
            raise KeyTooShort(
                f"{name} is {len(raw)} bytes; Kalos needs at least {MIN_KEY_BYTES}"
            )
        return cls(raw, base64url.encode(sha256(b"kalos-kid\x00" + raw))[:8])

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r})"


@dataclass(frozen=True)
class KeyRing:
    """The current key and, during a rotation, the previous one."""

    current: SigningKey
    previous: SigningKey | None = None

    @classmethod
    def from_text(
        cls, current: str, previous: str | None = None, name: str = "key"
    ) -> KeyRing:
        """Build a ring from configuration text; an empty ``previous`` means none."""
        return cls(
            SigningKey.from_text(current, name),
            SigningKey.from_text(previous, f"{name}_PREVIOUS") if previous else None,
        )

    def find(self, kid: str) -> SigningKey | None:
        """The key with this id, or None when the ring does not hold it."""
        for key in (self.current, self.previous):
            if key is not None and key.kid == kid:
                return key
        return None
