"""R2 on the local runtime behaves as Cloudflare documents, where Kalos relies on it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
from harness import LocalStack


def chunks(*parts: bytes) -> Iterator[bytes]:
    """A body httpx sends chunked, without a Content-Length."""
    yield from parts


def test_a_body_of_known_length_streams_into_r2(fixture_worker: httpx.Client) -> None:
    body = bytes(range(256)) * 4096

    stored = fixture_worker.put("/stream/known-length", content=body)

    assert stored.status_code == 200
    assert stored.json()["size"] == len(body)
    assert stored.json()["etag"] == hashlib.md5(body).hexdigest()  # noqa: S324


def test_a_chunked_body_is_refused_by_r2_put(fixture_worker: httpx.Client) -> None:
    refused = fixture_worker.put("/stream/chunked", content=chunks(b"abc", b"def"))

    assert refused.status_code == 411
    assert "must have a known length" in refused.json()["error"]
    assert fixture_worker.get("/object/chunked").status_code == 404


def test_a_fixed_length_stream_of_the_declared_length_is_stored(
    fixture_worker: httpx.Client,
) -> None:
    stored = fixture_worker.put("/fixed/exact?n=6", content=chunks(b"abc", b"def"))

    assert stored.status_code == 200
    assert stored.json()["size"] == 6
    assert fixture_worker.get("/object/exact").text == "abcdef"


def test_a_fixed_length_stream_given_too_few_bytes_errors(
    fixture_worker: httpx.Client,
) -> None:
    failed = fixture_worker.put("/fixed/short?n=7", content=chunks(b"abc", b"def"))

    assert failed.status_code == 400
    assert "FixedLengthStream" in failed.json()["error"]
    assert fixture_worker.get("/object/short").status_code == 404


def test_a_fixed_length_stream_given_too_many_bytes_errors(
    fixture_worker: httpx.Client,
) -> None:
    failed = fixture_worker.put("/fixed/long?n=5", content=chunks(b"abc", b"def"))

    assert failed.status_code == 400
    assert "too many bytes" in failed.json()["error"]
    assert fixture_worker.get("/object/long").status_code == 404


def test_a_create_only_put_does_not_overwrite_an_existing_object(
    fixture_worker: httpx.Client,
) -> None:
    first = fixture_worker.put("/create-only/once", content=b"first")
    second = fixture_worker.put("/create-only/once", content=b"second")

    assert first.json() == {"stored": True}
    assert second.json() == {"stored": False}
    assert fixture_worker.get("/object/once").text == "first"


def test_r2_refuses_a_put_whose_sha256_does_not_match(
    fixture_worker: httpx.Client,
) -> None:
    body = b"the bytes that were sent"
    wrong = hashlib.sha256(b"other bytes").hexdigest()
    right = hashlib.sha256(body).hexdigest()

    refused = fixture_worker.put(f"/checked/sums?sha256={wrong}", content=body)
    assert refused.status_code == 400
    assert "SHA-256" in refused.json()["error"]
    assert fixture_worker.get("/object/sums").status_code == 404

    stored = fixture_worker.put(f"/checked/sums?sha256={right}", content=body)
    assert stored.json() == {"size": len(body), "sha256": right}


def test_the_public_bucket_serves_stored_objects_read_only(
    fixture_stack: LocalStack, fixture_worker: httpx.Client
) -> None:
    fixture_worker.put("/create-only/public%20photo.txt", content=b"hello world")
    public = fixture_stack.urls["public"]

    got = httpx.get(f"{public}/public%20photo.txt")
    assert got.status_code == 200
    assert got.content == b"hello world"
    assert got.headers["content-type"] == "text/plain"
    assert got.headers["content-length"] == "11"
    assert got.headers["etag"] == f'"{hashlib.md5(b"hello world").hexdigest()}"'  # noqa: S324
    assert got.headers["access-control-allow-origin"] == "*"

    assert httpx.head(f"{public}/public%20photo.txt").status_code == 200
    assert httpx.get(f"{public}/missing.txt").status_code == 404
    assert httpx.put(f"{public}/public%20photo.txt", content=b"x").status_code == 405
    assert httpx.delete(f"{public}/public%20photo.txt").status_code == 405
