"""What may be stored: object keys, size limits and content types.

Object keys are the names clients ask for, so they are validated before anything
else sees them. The safe set is ASCII letters, digits and ``- _ . /``: it needs no
URL encoding, cannot smuggle a traversal through encoding, and means the same thing
in a path, a log line and a bucket listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kalos.errors import KeyInvalid, Misconfigured

MAX_KEY_LENGTH = 512
KEY_CHARACTERS = "ASCII letters, digits, '-', '_', '.' and '/'"
_KEY = re.compile(r"[A-Za-z0-9._/-]+")

IMAGE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/heic",
    "image/heif",
)
"""Every type that ``kalos.sniff`` recognises, and the default allow-list."""

# The Free and Pro plans refuse request bodies over 100 MB at the edge.
DEFAULT_MAX_UPLOAD_BYTES = 100_000_000


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe object key, else raise ``KeyInvalid``.

    Refused: characters outside the safe set, more than ``MAX_KEY_LENGTH``
    characters, a leading or trailing ``/``, empty segments, and ``.`` or ``..``
    segments.
    """
    if not key:
        raise KeyInvalid("the object key is empty")
    if len(key) > MAX_KEY_LENGTH:
        raise KeyInvalid(f"the object key is longer than {MAX_KEY_LENGTH} characters")
    if not _KEY.fullmatch(key):
        raise KeyInvalid(f"an object key may contain only {KEY_CHARACTERS}")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise KeyInvalid(
            "an object key may not start or end with '/', contain '//', "
            "or have '.' or '..' segments"
        )
    return key


def parse_types(text: str) -> tuple[str, ...]:
    """Parse a comma-separated allow-list, refusing types Kalos cannot recognise."""
    types = tuple(
        dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip())
    )
    unknown = [t for t in types if t not in IMAGE_TYPES]
    if not types or unknown:
        raise Misconfigured(
            f"ALLOWED_TYPES must list some of {', '.join(IMAGE_TYPES)}; "
            f"got {', '.join(unknown) or 'nothing'}"
        )
    return types


def normalise_type(value: str | None) -> str | None:
    """A declared media type without parameters, lower-cased; None when absent."""
    if value is None:
        return None
    media_type = value.split(";", 1)[0].strip().lower()
    return media_type or None


@dataclass(frozen=True)
class UploadPolicy:
    """The limits a grant carries: the largest size and the content types allowed."""

    max_bytes: int
    types: tuple[str, ...]
