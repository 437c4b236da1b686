"""Fixtures for the attack suite: a client that never reuses a connection."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture(scope="session")
def fresh() -> Iterator[httpx.Client]:
    """An HTTP client that opens a new connection for every request.

    A refused upload may be answered before its body was read; a fresh connection
    keeps one attack's leftovers from touching the next.
    """
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(timeout=60, limits=limits) as client:
        yield client
