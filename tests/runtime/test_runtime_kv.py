"""KV on the local runtime expires entries as Cloudflare does."""

from __future__ import annotations

import time

import httpx
import pytest


@pytest.mark.slow
def test_a_kv_entry_expires_after_its_ttl(fixture_worker: httpx.Client) -> None:
    # KV refuses a TTL under 60 s, as in production, so this test waits a real minute.
    fixture_worker.put("/kv/nonce-1?ttl=60", content=b"seen")
    assert fixture_worker.get("/kv/nonce-1").json() == {"value": "seen"}

    time.sleep(61)

    assert fixture_worker.get("/kv/nonce-1").json() == {"value": None}


def test_a_kv_ttl_under_a_minute_is_refused(fixture_worker: httpx.Client) -> None:
    refused = fixture_worker.put("/kv/nonce-2?ttl=10", content=b"seen")

    assert refused.status_code == 500
    assert refused.json()["code"] == "internal_error"
