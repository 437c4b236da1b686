"""The runtime's HTTP edge: what reaches a worker is what the request line says."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest
from harness import LocalStack


def raw_get(url: str, path: str, host: str) -> bytes:
    """Send one GET with a Host header of our choosing; return the raw answer."""
    where = urlsplit(url)
    assert where.hostname is not None and where.port is not None
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("host", ["[", "a b", "evil/v1/objects/zz?", "user@host"])
def test_a_host_header_that_is_not_a_host_is_refused_and_never_reaches_the_worker(
    fixture_stack: LocalStack, host: str
) -> None:
    answer = raw_get(fixture_stack.urls["fixture"], "/healthz", host)

    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"code":"request_invalid"' in answer
    assert httpx.get(fixture_stack.urls["fixture"] + "/healthz").text == "ok"


def test_a_host_with_a_port_reaches_the_worker(fixture_stack: LocalStack) -> None:
    answer = raw_get(fixture_stack.urls["fixture"], "/healthz", "upload.example:443")
    assert answer.startswith(b"HTTP/1.1 200")


def test_the_public_bucket_answers_404_for_a_key_longer_than_r2_allows(
    fixture_stack: LocalStack,
) -> None:
    response = httpx.get(f"{fixture_stack.urls['public']}/{'a' * 1025}")
    assert response.status_code == 404
