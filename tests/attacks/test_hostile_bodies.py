"""Hostile bodies and headers: lying lengths, chunked, empty, too large, spoofed types,
polyglots.

Refusals that can be decided before the write (length, size, type) leave the grant
unspent, so each of those tests uploads with the same grant afterwards. A body that
ends before its Content-Length and a body whose SHA-256 differs from the grant's are
found only while writing, after the spend: they leave no object, the grant is spent,
and the client asks its backend for a new one.

Polyglots: a file that starts with a complete image header is an image to Kalos,
whatever follows it. Kalos stores it with the sniffed image type and the bucket
serves it with that type, which no browser executes as a page or a script. A
polyglot that declares an executable type is refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from attack_kit import GIF, JPEG, PNG, raw_request, refused, submitted
from harness import LocalStack
from helpers import CORPUS, Forge, object_exists, put

from kalos.policy import IMAGE_TYPES, UploadPolicy

HTML = b"<!doctype html><html><body><script>alert(document.domain)</script></body>"
SVG = (CORPUS / "script.svg").read_bytes()
LOGICAL_SCREEN = b"\x01\x00\x01\x00\x00\x00\x00"
GIF_HTML = b"GIF89a" + LOGICAL_SCREEN + HTML
GIF_JS = b"GIF89a/*" + LOGICAL_SCREEN + b"*/=1;alert(document.domain);//"
GIF_PHP = GIF + b"<?php system($_GET['c']); ?>"
COMMENT = b"<script>alert(document.domain)</script>"
JPEG_SCRIPT = (
    b"\xff\xd8\xff\xfe" + (len(COMMENT) + 2).to_bytes(2, "big") + COMMENT + JPEG[2:]
)
PNG_HTML = PNG + HTML


def usable_afterwards(
    fresh: httpx.Client, forge: Forge, key: str, token: str, body: bytes = GIF
) -> None:
    assert put(fresh, forge, key, token, body).status_code == 201


def test_zero_bytes_are_refused_and_the_grant_stays_usable(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    response = put(fresh, forge, grant.key, token, b"", {"content-type": "image/gif"})

    refused(response, 400, "empty_body", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token)


def test_a_chunked_body_is_refused_and_the_grant_stays_usable(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)
    chunks: Iterator[bytes] = iter([GIF[:100], GIF[100:]])

    response = put(fresh, forge, grant.key, token, chunks)

    refused(response, 411, "length_required", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token)


def test_a_body_over_the_grants_size_is_refused_and_the_grant_stays_usable(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant(policy=UploadPolicy(len(GIF), IMAGE_TYPES))
    token = forge.token(grant)
    submitted(token)

    refused(put(fresh, forge, grant.key, token, PNG), 413, "too_large", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token)


def test_a_huge_declared_length_is_refused_before_the_body_is_read(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    response = raw_request(
        stack.urls["upload"],
        f"PUT /v1/objects/{grant.key} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Length: {10**12}",
        GIF,
    )

    refused(response, 413, "too_large", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token)


def test_a_client_that_sends_less_than_it_declared_and_closes_leaves_no_object(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    # The client is gone before any answer could reach it: the HTTP server says
    # 400 to the closed socket, and the worker's log line tells what it decided.
    raw_request(
        stack.urls["upload"],
        f"PUT /v1/objects/{grant.key} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: image/gif\r\nContent-Length: {len(GIF)}",
        GIF[:100],
        close_after_body=True,
    )

    assert worker_code(stack, grant.id) == "length_mismatch"
    assert not object_exists(fresh, stack, grant.key)
    # The body ended while its head was still being sniffed, before the spend.
    usable_afterwards(fresh, forge, grant.key, token)


def worker_code(stack: LocalStack, grant_id: str, timeout: float = 20) -> str | None:
    """The error code the upload worker logged for the request with this grant."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in stack.log().splitlines():
            if line.startswith("{") and f'"grant":"{grant_id}"' in line:
                return json.loads(line).get("code")
        time.sleep(0.1)
    return None


def test_a_body_that_differs_from_the_grants_sha256_leaves_no_object(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant(sha256="0" * 64)
    token = forge.token(grant)
    submitted(token)

    response = put(fresh, forge, grant.key, token, GIF)

    refused(response, 400, "checksum_mismatch", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    refused(put(fresh, forge, grant.key, token, GIF), 409, "grant_spent", stack, token)


# (declared Content-Type, body, grant's own content type or None, status, code)
SPOOFS = {
    "html declared as jpeg": ("image/jpeg", HTML, None, "type_unrecognized"),
    "svg declared as png": ("image/png", SVG, None, "type_unrecognized"),
    "svg declared as svg": ("image/svg+xml", SVG, None, "type_not_allowed"),
    "html declared as html": ("text/html", HTML, None, "type_not_allowed"),
    "script declared as javascript": (
        "application/javascript",
        b"alert(document.domain)",
        None,
        "type_not_allowed",
    ),
    "png declared as gif": ("image/gif", PNG, None, "type_mismatch"),
    "jpeg declared as png": ("image/png", JPEG, None, "type_mismatch"),
    "jpeg declared with a charset as png": (
        "image/png; charset=utf-8",
        JPEG,
        None,
        "type_mismatch",
    ),
    "pdf undeclared": (None, b"%PDF-1.7\n" + HTML, None, "type_unrecognized"),
    "zip undeclared": (None, b"PK\x03\x04" + b"\x00" * 60, None, "type_unrecognized"),
    "elf undeclared": (
        None,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 60,
        None,
        "type_unrecognized",
    ),
    "windows executable undeclared": (
        None,
        b"MZ\x90\x00" + b"\x00" * 60,
        None,
        "type_unrecognized",
    ),
    "truncated jpeg": (
        "image/jpeg",
        b"\xff\xd8\xff\xe0\x00\x10J",
        None,
        "type_unrecognized",
    ),
    "gif signature alone": ("image/gif", b"GIF89a", None, "type_unrecognized"),
    "png signature without its header chunk": (
        "image/png",
        PNG[:8] + HTML,
        None,
        "type_unrecognized",
    ),
    "gif polyglot declared as html": ("text/html", GIF_HTML, None, "type_not_allowed"),
    "gif polyglot declared as jpeg": ("image/jpeg", GIF_JS, None, "type_mismatch"),
    "jpeg header under a png grant": ("image/jpeg", JPEG, "image/png", "type_mismatch"),
    "gif body under a png grant": (None, GIF, "image/png", "type_mismatch"),
}


@pytest.mark.parametrize("case", sorted(SPOOFS))
def test_a_spoofed_type_is_refused_and_the_grant_stays_usable(
    case: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    declared, body, granted, code = SPOOFS[case]
    grant = forge.grant(content_type=granted)
    token = forge.token(grant)
    submitted(token)
    headers = {"content-type": declared} if declared else {}

    response = put(fresh, forge, grant.key, token, body, headers)

    refused(response, 415, code, stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token, PNG if granted else GIF)


def test_a_type_outside_the_grants_list_is_refused_and_the_grant_stays_usable(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant(policy=UploadPolicy(10_000_000, ("image/png",)))
    token = forge.token(grant)
    submitted(token)

    response = put(fresh, forge, grant.key, token, GIF)

    refused(response, 415, "type_not_allowed", stack, token)
    assert not object_exists(fresh, stack, grant.key)
    usable_afterwards(fresh, forge, grant.key, token, PNG)


POLYGLOTS = {
    "gif header then html": (GIF_HTML, "image/gif"),
    "gif header then javascript": (GIF_JS, "image/gif"),
    "gif then php": (GIF_PHP, "image/gif"),
    "jpeg with a script in a comment": (JPEG_SCRIPT, "image/jpeg"),
    "png then html": (PNG_HTML, "image/png"),
}


@pytest.mark.parametrize("case", sorted(POLYGLOTS))
def test_a_polyglot_is_stored_and_served_only_as_the_image_it_starts_with(
    case: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    body, sniffed = POLYGLOTS[case]
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    stored = put(fresh, forge, grant.key, token, body)

    assert stored.status_code == 201, stored.text
    assert stored.json()["content_type"] == sniffed
    served = fresh.get(stored.json()["url"])
    assert served.headers["content-type"] == sniffed
    assert "html" not in served.headers["content-type"]
    assert "script" not in served.headers["content-type"]
    assert served.content == body
