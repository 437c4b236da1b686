"""base64url without padding (RFC 4648 section 5), as JWTs and signatures use it."""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """Decode unpadded base64url text.

    Refuses padding, characters outside the URL-safe alphabet and impossible lengths
    with ``ValueError``, so that one value has exactly one accepted spelling.
    """
    if not _ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")

    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not unpadded base64url") from exc

    # Non-zero trailing bits would give a second spelling of the same bytes.
    if encode(data) != text:
        raise ValueError("not canonical base64url")
    return data
