"""Fixtures for tests that drive the real workers on the local runtime over HTTP."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from harness import LocalStack

from kalos.crypto import run_sync
from kalos.grants import Grant, new_grant, sign_grant
from kalos.keys import KeyRing, SigningKey
from kalos.policy import IMAGE_TYPES, UploadPolicy
from kalos_client import Config, KalosBackend

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def backend(stack: LocalStack, http: httpx.Client) -> KalosBackend:
    """A backend configured with the stack's secrets, as a real backend would be."""
    config = Config(
        access_url=stack.urls["access"],
        backend_keys=KeyRing.from_text(stack.secrets["BACKEND_SIGNING_KEY"]),
        receipt_keys=KeyRing.from_text(stack.secrets["RECEIPT_SIGNING_KEY"]),
        user="test-user",
    )
    return KalosBackend(config, http)


def unique_key(suffix: str = ".bin") -> str:
    """A fresh object key, so tests never collide in the shared bucket."""
    return f"tests/{uuid.uuid4().hex}{suffix}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Forge:
    """Mints grants directly with the stack's grant key, to shape the odd ones.

    Only tests hold the grant key; this is how they make an expired grant or one
    for another key without waiting for the clock.
    """

    def __init__(self, stack: LocalStack) -> None:
        self.key = SigningKey.from_text(stack.secrets["GRANT_SIGNING_KEY"])
        self.upload_url = stack.urls["upload"]

    def grant(self, action: str = "upload", key: str | None = None, **kw: Any) -> Grant:
        kw.setdefault("now", int(time.time()))
        if action == "upload":
            kw.setdefault("policy", UploadPolicy(10_000_000, IMAGE_TYPES))
        return new_grant(user="forger", action=action, key=key or unique_key(), **kw)  # type: ignore[arg-type]

    def token(self, grant: Grant, key: SigningKey | None = None) -> str:
        return run_sync(sign_grant(grant, key or self.key))

    def url(self, key: str) -> str:
        return f"{self.upload_url}/v1/objects/{key}"


@pytest.fixture(scope="session")
def forge(stack: LocalStack) -> Forge:
    return Forge(stack)


def problem_code(response: httpx.Response) -> str:
    """The problem code of an error response, checking it is problem+json."""
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code
    return str(body["code"])


def object_exists(http: httpx.Client, stack: LocalStack, key: str) -> bool:
    """Whether the public bucket serves ``key``."""
    response = http.get(f"{stack.urls['public']}/{key}")
    assert response.status_code in (200, 404)
    return response.status_code == 200
