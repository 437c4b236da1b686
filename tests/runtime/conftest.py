"""The fixture stack: the runtime's conformance tests run against their own workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from harness import LocalStack

FIXTURE_CONFIG = Path(__file__).parent / "fixture" / "wrangler.toml"


@pytest.fixture(scope="session")
def fixture_stack() -> Iterator[LocalStack]:
    """The fixture workers on one local stack, shared by the tests that only read it."""
    local = LocalStack(config=FIXTURE_CONFIG).start()
    yield local
    local.cleanup()


@pytest.fixture
def fixture_worker(fixture_stack: LocalStack) -> Iterator[httpx.Client]:
    """An HTTP client for the fixture worker."""
    with httpx.Client(base_url=fixture_stack.urls["fixture"], timeout=30) as client:
        yield client
