"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import LocalStack


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: waits on a real clock for a minute or more (KV expiry)"
    )


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """The real workers from wrangler.toml on the local runtime, for the session."""
    local = LocalStack().start()
    yield local
    local.cleanup()
