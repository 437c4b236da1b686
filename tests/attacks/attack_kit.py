"""What every attack test needs: a hand-rolled token forger, a raw HTTP client for
requests no well-behaved library would send, and the check that a refusal is exactly
the documented one and gives nothing away.

Everything an attack sends that must never reach a log (tokens, signatures) is noted
in ``SUBMITTED``; the secret-hygiene test looks for each of them in the stack's log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from harness import LocalStack
from helpers import CORPUS, JWT_SHAPE, problem_code

from kalos import base64url

GIF = (CORPUS / "no_time_for_that_tiny.gif").read_bytes()
JPEG = (CORPUS / "grace_hopper.jpg").read_bytes()
PNG = (CORPUS / "astronaut.png").read_bytes()

SUBMITTED: set[str] = set()
"""Tokens and signature values the attacks sent, for the secret-hygiene scan."""

HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def submitted(*values: str) -> None:
    """Note values that an attack sends and that must never appear in a log."""
    SUBMITTED.update(v for v in values if v)


def forge_token(
    header: dict[str, Any], claims: dict[str, Any], secret: bytes, alg: str = "HS256"
) -> str:
    """A compact JWT signed with the standard library, whatever its header says."""
    signing_input = (
        base64url.encode(json.dumps(header).encode())
        + "."
        + base64url.encode(json.dumps(claims).encode())
    )
    digest = hmac.new(secret, signing_input.encode(), HASHES[alg]).digest()
    return f"{signing_input}.{base64url.encode(digest)}"


def split_token(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The header, the claims and the signature text of a compact JWT."""
    header, claims, signature = token.split(".")
    return (
        json.loads(base64url.decode(header)),
        json.loads(base64url.decode(claims)),
        signature,
    )


def refused(
    response: httpx.Response | RawResponse,
    status: int,
    code: str,
    stack: LocalStack,
    *sent: str,
) -> None:
    """Check the refusal is the documented problem, and leaks no secret or token."""
    text = response.text
    assert response.status_code == status, text
    if isinstance(response, httpx.Response):
        assert problem_code(response) == code
    else:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert json.loads(text)["code"] == code
    leaked = [s for s in (*stack.secrets.values(), *sent) if s and s in text]
    assert not leaked, "the response repeats a secret or the submitted token"
    assert not JWT_SHAPE.search(text)


@dataclass(frozen=True)
class RawResponse:
    """A response read from a raw socket."""

    status_code: int
    headers: dict[str, str]
    text: str


def raw_request(
    base_url: str,
    head: str,
    body: bytes = b"",
    *,
    close_after_body: bool = False,
) -> RawResponse:
    """Send a request byte for byte, as a hostile client would.

    ``head`` is the request line and headers, without the blank line; Host and
    Connection are added. With ``close_after_body`` the client stops sending after
    ``body`` (half-closes the socket) whatever its Content-Length said.
    """
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=60) as sock:
        request = f"{head}\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1") + body)
        if close_after_body:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk

    head_bytes, _, payload = received.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        payload = dechunk(payload)
    return RawResponse(int(lines[0].split()[1]), headers, payload.decode())


def dechunk(payload: bytes) -> bytes:
    body = b""
    while payload:
        size_line, _, payload = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        body, payload = body + payload[:size], payload[size + 2 :]
    return body
