"""Settings read from a worker's environment: vars from wrangler.toml, secrets.

Reading is strict: a missing secret, a key shorter than 32 bytes or a value out of
range raises ``Misconfigured`` with a message for the operator's log. The caller gets
only the code, never the message, which names variables it has no business knowing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kalos.errors import Misconfigured
from kalos.grants import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS
from kalos.keys import KeyRing, KeyTooShort
from kalos.policy import (
    DEFAULT_MAX_UPLOAD_BYTES,
    IMAGE_TYPES,
    UploadPolicy,
    parse_types,
)
from kalos.signing import DEFAULT_TOLERANCE_SECONDS

NONCE_MODES = ("kv", "strict")


def _text(env: Any, name: str, default: str | None = None) -> str | None:
    value = getattr(env, name, None)
    if value is None or not isinstance(value, str) or not value.strip():
        return default
    return value.strip()


def _required(env: Any, name: str) -> str:
    value = _text(env, name)
    if value is None:
        raise Misconfigured(f"{name} is not set")
    return value


def _integer(env: Any, name: str, default: int, low: int, high: int) -> int:
    text = _text(env, name, str(default))
    try:
        value = int(text or "")
    except ValueError as exc:
        raise Misconfigured(f"{name} must be an integer") from exc
    if not low <= value <= high:
        raise Misconfigured(f"{name} must be between {low} and {high}")
    return value


def _key_ring(env: Any, name: str) -> KeyRing:
    try:
        return _cached_ring(_required(env, name), _text(env, f"{name}_PREVIOUS"), name)
    except KeyTooShort as exc:
        raise Misconfigured(str(exc)) from exc


@lru_cache(maxsize=16)
def _cached_ring(current: str, previous: str | None, name: str) -> KeyRing:
    # Deriving key ids hashes each secret; do it once per isolate, not per request.
    return KeyRing.from_text(current, previous, name)


def _base_url(env: Any, name: str) -> str:
    url = _required(env, name).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise Misconfigured(f"{name} must be an http(s) URL")
    return url


@dataclass(frozen=True)
class AccessSettings:
    """What the access worker needs: its keys, the grant policy and nonce handling."""

    backend_keys: KeyRing
    grant_keys: KeyRing
    upload_base_url: str
    grant_ttl: int
    policy: UploadPolicy
    tolerance: int
    nonce_mode: str

    @classmethod
    def from_env(cls, env: Any) -> AccessSettings:
        """Read and validate the access worker's settings."""
        nonce_mode = _text(env, "NONCE_MODE", "kv")
        if nonce_mode not in NONCE_MODES:
            raise Misconfigured(f"NONCE_MODE must be one of {', '.join(NONCE_MODES)}")
        return cls(
            backend_keys=_key_ring(env, "BACKEND_SIGNING_KEY"),
            grant_keys=_key_ring(env, "GRANT_SIGNING_KEY"),
            upload_base_url=_base_url(env, "UPLOAD_BASE_URL"),
            grant_ttl=_integer(
                env, "GRANT_TTL_SECONDS", DEFAULT_TTL_SECONDS, 1, MAX_TTL_SECONDS
            ),
            policy=UploadPolicy(
                max_bytes=_integer(
                    env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, 5 * 10**9
                ),
                types=parse_types(_text(env, "ALLOWED_TYPES") or ",".join(IMAGE_TYPES)),
            ),
            tolerance=_integer(
                env, "SIGNATURE_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS, 5, 900
            ),
            nonce_mode=nonce_mode,
        )


@dataclass(frozen=True)
class UploadSettings:
    """What the upload worker needs: grant and receipt keys, URLs, browser origins."""

    grant_keys: KeyRing
    receipt_keys: KeyRing
    public_base_url: str
    allowed_origins: tuple[str, ...]

    @classmethod
    def from_env(cls, env: Any) -> UploadSettings:
        """Read and validate the upload worker's settings."""
        origins = tuple(
            o.strip().rstrip("/")
            for o in (_text(env, "ALLOWED_ORIGINS", "") or "").split(",")
            if o.strip()
        )
        return cls(
            grant_keys=_key_ring(env, "GRANT_SIGNING_KEY"),
            receipt_keys=_key_ring(env, "RECEIPT_SIGNING_KEY"),
            public_base_url=_base_url(env, "PUBLIC_BASE_URL"),
            allowed_origins=origins,
        )
