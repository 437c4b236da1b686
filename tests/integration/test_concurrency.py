"""Races: one grant, one nonce, one key, each fought over by twenty requests."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx
import pytest
from harness import LocalStack
from helpers import CORPUS, Forge, problem_code, signed_post, unique_key

from kalos import signing

T = TypeVar("T")
RACERS = 20


def race(task: Callable[[int], T]) -> list[T]:
    """Run ``task(i)`` for twenty i at once, each on its own connection."""
    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(task, range(RACERS)))


def outcome(response: httpx.Response) -> str:
    return "ok" if response.status_code < 300 else problem_code(response)


def test_twenty_simultaneous_puts_with_one_grant_store_exactly_once(
    forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    body = (CORPUS / "grace_hopper.jpg").read_bytes()

    def attempt(_: int) -> str:
        with httpx.Client(timeout=60) as client:
            return outcome(
                client.put(
                    forge.url(grant.key),
                    content=body,
                    headers={"authorization": f"Bearer {token}"},
                )
            )

    results = Counter(race(attempt))
    assert results["ok"] == 1
    assert results["grant_spent"] + results["object_exists"] == RACERS - 1
    assert results["grant_spent"] >= 1


def test_twenty_uploads_with_different_grants_to_one_key_leave_the_winners_bytes(
    forge: Forge, stack: LocalStack
) -> None:
    key = unique_key(".png")
    png = (CORPUS / "astronaut.png").read_bytes()
    # Each racer sends a different image: the same PNG with its own trailing bytes.
    bodies = [png + f"racer-{i}".encode() for i in range(RACERS)]
    tokens = [forge.token(forge.grant(key=key)) for _ in range(RACERS)]

    def attempt(i: int) -> str:
        with httpx.Client(timeout=60) as client:
            return outcome(
                client.put(
                    forge.url(key),
                    content=bodies[i],
                    headers={"authorization": f"Bearer {tokens[i]}"},
                )
            )

    results = race(attempt)
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {"object_exists"}
    winner = results.index("ok")
    served = httpx.get(f"{stack.urls['public']}/{key}")
    assert served.content == bodies[winner]


@pytest.fixture(scope="module")
def strict_stack() -> Iterator[LocalStack]:
    """A second stack whose access worker spends nonces in the ledger too."""
    local = LocalStack(env={"KALOS_VAR_NONCE_MODE": "strict"}).start()
    yield local
    local.cleanup()


def test_twenty_simultaneous_replays_of_one_request_in_strict_mode_mint_one_grant(
    strict_stack: LocalStack,
) -> None:
    body = json.dumps(
        {"user": "u", "action": "upload", "object_id": unique_key()}
    ).encode()
    nonce = signing.new_nonce()
    now = int(time.time())

    def attempt(_: int) -> str:
        with httpx.Client(timeout=60) as client:
            return outcome(
                signed_post(strict_stack, client, body, now=now, nonce=nonce)
            )

    results = Counter(race(attempt))
    assert results == {"ok": 1, "nonce_reused": RACERS - 1}
