"""The whole flow, as the CLI and a real client run it, for every corpus file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from harness import LocalStack
from helpers import CORPUS, object_exists, unique_key

from kalos_client import KalosBackend, KalosError, send_delete, send_file

ACCEPTED = {
    "grace_hopper.jpg": "image/jpeg",
    "astronaut.png": "image/png",
    "astronaut.webp": "image/webp",
    "astronaut.heic": "image/heic",
    "no_time_for_that_tiny.gif": "image/gif",
}
# What the CLI declares for each hostile file (its name's type), and the refusal.
REFUSED = {
    "script.svg": ("image/svg+xml", "type_not_allowed"),
    "page-named-png.png": ("image/png", "type_unrecognized"),
    "truncated.jpg": ("image/jpeg", "type_unrecognized"),
    "empty.bin": (None, "empty_body"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_a_real_image_uploads_and_its_url_serves_the_same_bytes(
    name: str, backend: KalosBackend, http: httpx.Client
) -> None:
    path = CORPUS / name
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = unique_key(path.suffix)

    grant = backend.request_grant(
        "upload", key, content_type=ACCEPTED[name], size=len(data), sha256=digest
    )
    stored = send_file(grant, path, client=http)

    assert stored["key"] == key
    assert stored["size"] == len(data)
    assert stored["content_type"] == ACCEPTED[name]
    served = http.get(stored["url"])
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == digest
    assert served.headers["content-type"] == ACCEPTED[name]

    receipt = backend.verify_receipt(stored["receipt"])
    assert (receipt.key, receipt.size, receipt.sha256) == (key, len(data), digest)
    assert receipt.user == "test-user"
    assert receipt.etag == stored["etag"]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_file_is_refused_with_its_code_and_leaves_no_object(
    name: str,
    backend: KalosBackend,
    http: httpx.Client,
    stack: LocalStack,
) -> None:
    path = CORPUS / name
    declared, code = REFUSED[name]
    key = unique_key(path.suffix)

    with pytest.raises(KalosError) as refused:
        size = path.stat().st_size
        grant = backend.request_grant("upload", key, content_type=declared, size=size)
        send_file(grant, path, client=http)

    assert refused.value.code == code
    assert not object_exists(http, stack, key)


def test_a_refused_upload_leaves_its_grant_unspent(
    backend: KalosBackend, http: httpx.Client, stack: LocalStack, tmp_path: Path
) -> None:
    key = unique_key(".jpg")
    grant = backend.request_grant("upload", key, content_type="image/jpeg")
    with pytest.raises(KalosError) as refused:
        send_file(grant, CORPUS / "truncated.jpg", client=http)
    assert refused.value.code == "type_unrecognized"

    stored = send_file(grant, CORPUS / "grace_hopper.jpg", client=http)
    assert stored["key"] == key
    assert object_exists(http, stack, key)


def test_delete_removes_the_object_then_reports_not_found(
    backend: KalosBackend, http: httpx.Client, stack: LocalStack
) -> None:
    key = unique_key(".gif")
    upload = backend.request_grant("upload", key)
    send_file(upload, CORPUS / "no_time_for_that_tiny.gif", client=http)
    assert object_exists(http, stack, key)

    send_delete(backend.request_grant("delete", key), client=http)
    assert not object_exists(http, stack, key)

    with pytest.raises(KalosError) as missing:
        send_delete(backend.request_grant("delete", key), client=http)
    assert missing.value.code == "not_found"
    assert missing.value.status == 404


def test_the_stored_object_carries_its_type_and_etag_and_the_receipt_its_user(
    backend: KalosBackend, http: httpx.Client
) -> None:
    key = unique_key(".png")
    grant = backend.request_grant("upload", key, user="alice")
    stored = send_file(grant, CORPUS / "astronaut.png", client=http)

    served = http.get(stored["url"])
    assert served.headers["content-type"] == "image/png"
    assert served.headers["etag"].strip('"') == stored["etag"]
    assert backend.verify_receipt(stored["receipt"]).user == "alice"
