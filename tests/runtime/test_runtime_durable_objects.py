"""Durable Objects in Python: one call at a time, persisted storage, alarms."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from harness import LocalStack

FIXTURE_CONFIG = Path(__file__).parent / "fixture" / "wrangler.toml"


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_concurrent_calls_to_one_object_run_one_at_a_time(
    fixture_worker: httpx.Client,
) -> None:
    # increment() awaits between its read and its write: interleaved calls would lose
    # counts, so an exact total shows the calls ran one after another.
    calls = 25
    with ThreadPoolExecutor(max_workers=calls) as pool:
        counts = list(
            pool.map(
                lambda _: fixture_worker.post("/counter/serial/increment").json(),
                range(calls),
            )
        )

    assert sorted(c["count"] for c in counts) == list(range(1, calls + 1))
    assert fixture_worker.get("/counter/serial/value").json() == {"count": calls}


def test_another_worker_reaches_the_object_through_script_name(
    fixture_stack: LocalStack, fixture_worker: httpx.Client
) -> None:
    relay = fixture_stack.urls["relay"]

    assert httpx.post(f"{relay}/shared").json() == {"count": 1}
    assert fixture_worker.post("/counter/shared/increment").json() == {"count": 2}


def test_an_alarm_fires_and_runs_the_objects_alarm_method(
    fixture_worker: httpx.Client,
) -> None:
    fixture_worker.post("/counter/alarmed/arm?ms=300")

    def fired() -> bool:
        return fixture_worker.get("/counter/alarmed/alarms").json()["fired"] == 1

    assert wait_for(fired, timeout=15)
    assert fixture_worker.get("/counter/alarmed/alarms").json()["pending"] is None


def test_storage_and_alarms_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"

    with LocalStack(config=FIXTURE_CONFIG, state_dir=state) as first:
        worker = first.urls["fixture"]
        httpx.post(f"{worker}/counter/durable/increment")
        httpx.post(f"{worker}/counter/durable/increment")
        httpx.post(f"{worker}/counter/durable/arm?ms=4000")

    with LocalStack(config=FIXTURE_CONFIG, state_dir=state) as second:
        worker = second.urls["fixture"]
        assert httpx.get(f"{worker}/counter/durable/value").json() == {"count": 2}

        def fired() -> bool:
            alarms = httpx.get(f"{worker}/counter/durable/alarms").json()
            return alarms["fired"] == 1

        assert wait_for(fired, timeout=20)


def test_kalos_var_overrides_a_var_from_wrangler_toml() -> None:
    with LocalStack(
        config=FIXTURE_CONFIG, env={"KALOS_VAR_GREETING": "overridden"}
    ) as local:
        env = httpx.get(f"{local.urls['fixture']}/env").json()

    assert env["greeting"] == "overridden"
