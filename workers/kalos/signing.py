"""Backend request signatures: how the backend proves a request to the access worker.

The backend sends ``Kalos-Signature: kid=…,ts=…,nonce=…,sig=…``. ``sig`` is an
HMAC-SHA256, under the key named by ``kid``, of one line each for a fixed label, the
key id, the method, the path with its query, the timestamp, the nonce and the
SHA-256 of the body. Changing any of them breaks the signature.

A signature alone can be replayed; the timestamp bounds how long, and the access
worker remembers each nonce for that long, so each signed request works once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from kalos import base64url
from kalos.crypto import constant_time_equal, hmac_sha256, sha256
from kalos.errors import RequestExpired, SignatureInvalid
from kalos.keys import KeyRing, SigningKey

HEADER = "Kalos-Signature"
LABEL = "KALOS-HMAC-SHA256"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_HEADER_LENGTH = 256

_FIELDS = ("kid", "ts", "nonce", "sig")
_FIELD_VALUE = {
    "kid": re.compile(r"[A-Za-z0-9_-]{1,32}"),
    "ts": re.compile(r"[0-9]{1,12}"),
    "nonce": re.compile(r"[A-Za-z0-9_-]{16,64}"),
    "sig": re.compile(r"[A-Za-z0-9_-]{43}"),
}


@dataclass(frozen=True)
class Signature:
    """The parsed fields of one ``Kalos-Signature`` header."""

    kid: str
    timestamp: int
    nonce: str
    mac: bytes

    def header_value(self) -> str:
        """The header text, in canonical field order."""
        return (
            f"kid={self.kid},ts={self.timestamp},nonce={self.nonce},"
            f"sig={base64url.encode(self.mac)}"
        )


def parse_header(value: str | None) -> Signature:
    """Parse a ``Kalos-Signature`` header, refusing anything not exactly well-formed."""
    if not value:
        raise SignatureInvalid(f"the {HEADER} header is missing")
    if len(value) > MAX_HEADER_LENGTH:
        raise SignatureInvalid(f"the {HEADER} header is too long")

    fields: dict[str, str] = {}
    for item in value.split(","):
        name, sep, field = item.strip().partition("=")
        if not sep or name not in _FIELD_VALUE or name in fields:
            raise SignatureInvalid(f"the {HEADER} header is malformed")
        if not _FIELD_VALUE[name].fullmatch(field):
            raise SignatureInvalid(f"the {HEADER} field {name!r} is malformed")
        fields[name] = field
    if set(fields) != set(_FIELDS):
        raise SignatureInvalid(f"the {HEADER} header needs {', '.join(_FIELDS)}")

    try:
        mac = base64url.decode(fields["sig"])
    except ValueError as exc:
        raise SignatureInvalid(f"the {HEADER} field 'sig' is malformed") from exc
    return Signature(fields["kid"], int(fields["ts"]), fields["nonce"], mac)


def string_to_sign(
    kid: str, method: str, path: str, timestamp: int, nonce: str, body: bytes
) -> bytes:
    """The exact bytes that a signature covers."""
    lines = (
        LABEL,
        kid,
        method.upper(),
        path,
        str(timestamp),
        nonce,
        sha256(body).hex(),
    )
    return "\n".join(lines).encode("utf-8")


def new_nonce() -> str:
    """A fresh random nonce: 128 bits, base64url."""
    return base64url.encode(secrets.token_bytes(16))


async def sign(
    key: SigningKey,
    method: str,
    path: str,
    body: bytes,
    *,
    now: int,
    nonce: str | None = None,
) -> Signature:
    """Sign one request; ``path`` includes the query string, if any."""
    nonce = nonce or new_nonce()
    message = string_to_sign(key.kid, method, path, now, nonce, body)
    return Signature(key.kid, now, nonce, await hmac_sha256(key.secret, message))


async def verify(
    signature: Signature,
    keys: KeyRing,
    method: str,
    path: str,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Check a parsed signature against the request it arrived with.

    Refuses an unknown key id or a wrong MAC with ``SignatureInvalid`` and a
    timestamp more than ``tolerance`` seconds away from ``now``, in either
    direction, with ``RequestExpired``. The MAC is checked first, so only the holder
    of a key learns whether a timestamp was in the window.
    """
    key = keys.find(signature.kid)
    if key is None:
        raise SignatureInvalid("the signature's key id is not one this service accepts")

    message = string_to_sign(
        key.kid, method, path, signature.timestamp, signature.nonce, body
    )
    expected = await hmac_sha256(key.secret, message)
    if not constant_time_equal(signature.mac, expected):
        raise SignatureInvalid("the signature does not match the request")

    if abs(now - signature.timestamp) > tolerance:
        raise RequestExpired(
            f"the request timestamp is more than {tolerance} s from the server's clock"
        )
