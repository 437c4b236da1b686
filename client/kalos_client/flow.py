"""The whole upload flow in one process, playing both backend and client.

This is what ``kalos upload`` and ``make dev`` run; a real deployment splits it, the
backend asking for the grant and verifying the receipt, the client sending the bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kalos.sniff import SNIFF_BYTES, sniff
from kalos_client.backend import KalosBackend
from kalos_client.transfer import Progress, send_file

# mimetypes knows no extension for HEIC or HEIF before Python 3.13.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/heic": ".heic",
    "image/heif": ".heif",
}


@dataclass(frozen=True)
class FileFacts:
    """What the backend tells the access worker about a file before it is sent."""

    size: int
    content_type: str | None
    sha256: str


def describe_file(path: Path) -> FileFacts:
    """Size, content type and SHA-256 of a file.

    The type comes from the bytes when Kalos recognises them, and otherwise from
    the name, so that the upload worker, not the client, decides what to refuse.
    """
    digest = hashlib.sha256()
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES)
        digest.update(head)
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    content_type = sniff(head) or mimetypes.guess_type(path.name)[0]
    return FileFacts(path.stat().st_size, content_type, digest.hexdigest())


def upload_file(
    backend: KalosBackend,
    path: Path,
    *,
    key: str | None = None,
    facts: FileFacts | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Upload ``path`` under a grant bound to its exact size, type and SHA-256.

    Returns ``{url, key, size, content_type, sha256, receipt}``, with the receipt
    verified (None when no receipt key is configured). Raises ``KalosError``.
    """
    facts = facts or describe_file(path)
    extension = EXTENSIONS.get(facts.content_type or "", "")
    key = key or f"uploads/{uuid.uuid4().hex}{extension}"

    grant = backend.request_grant(
        "upload",
        key,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
    )
    stored = send_file(grant, path, progress=progress, client=backend.client)
    receipt = (
        backend.verify_receipt(stored["receipt"]).as_json()
        if backend.config.receipt_keys
        else None
    )
    return {
        "url": stored["url"],
        "key": stored["key"],
        "size": stored["size"],
        "content_type": stored["content_type"],
        "sha256": facts.sha256,
        "receipt": receipt,
    }
