"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from harness import LocalStack
from helpers import Forge, leaks

from kalos.keys import KeyRing
from kalos_client import Config, KalosBackend


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: waits on a real clock for a minute or more (KV expiry)"
    )


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """The real workers from wrangler.toml on the local runtime, for the session.

    When the session ends, everything the stack logged is scanned for secrets,
    tokens and signatures before it is thrown away.
    """
    local = LocalStack().start()
    yield local
    local.stop()
    found = leaks(local.log(), local.secrets.values())
    local.cleanup()
    assert found == [], "the stack's log holds what it must never log"


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


@pytest.fixture(scope="session")
def forge(stack: LocalStack) -> Forge:
    return Forge(stack)
