"""How the runtime hosts a worker: its bindings, its errors and its configuration."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from harness import LocalStack, StackFailedToStart

FIXTURE = Path(__file__).parent / "fixture"
INTERNAL_ERROR = {
    "type": "about:blank",
    "title": "Internal error",
    "status": 500,
    "code": "internal_error",
}


def test_bindings_are_the_classes_the_workers_sdk_wraps(
    fixture_worker: httpx.Client,
) -> None:
    env = fixture_worker.get("/env").json()

    assert env["bucket_class"] == "R2Bucket"
    assert env["kv_class"] == "KvNamespace"
    assert env["bucket_wrapper"] == "_BindingWrapper"
    assert env["kv_wrapper"] == "_BindingWrapper"


def test_a_worker_gets_its_vars_and_secrets(fixture_worker: httpx.Client) -> None:
    env = fixture_worker.get("/env").json()

    assert env["greeting"] == "hello"
    assert env["has_secret"] is True


def test_an_exception_in_fetch_is_a_500_problem_and_the_worker_keeps_serving(
    fixture_stack: LocalStack, fixture_worker: httpx.Client
) -> None:
    failed = fixture_worker.get("/boom")

    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.json().items() >= INTERNAL_ERROR.items()
    assert "Traceback" not in failed.text
    assert "on purpose" not in failed.text
    assert "RuntimeError: the fixture failed on purpose" in fixture_stack.log()

    assert fixture_worker.get("/healthz").text == "ok"


def test_a_worker_that_fails_to_import_answers_500_and_is_logged(
    fixture_stack: LocalStack,
) -> None:
    answer = httpx.get(f"{fixture_stack.urls['broken']}/anything")

    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {**INTERNAL_ERROR, "detail": "the worker failed to start"}
    log = fixture_stack.log()
    assert "[broken] worker failed to start" in log
    assert "ModuleNotFoundError: No module named 'module_that_does_not_exist'" in log


def test_the_log_never_contains_a_secret(fixture_stack: LocalStack) -> None:
    log = fixture_stack.log()

    for secret in fixture_stack.secrets.values():
        assert secret not in log


def test_a_missing_secret_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "wrangler.toml"
    config.write_text(
        f"""
[env.needy]
name = "needy"
main = "{FIXTURE / "worker" / "relay.py"}"
secrets = {{ required = ["NOT_IN_DEV_VARS"] }}
"""
    )
    stack = LocalStack(config=config, ready_timeout=30)

    with pytest.raises(StackFailedToStart) as failure:
        stack.start()

    stack.cleanup()
    assert "needs secret NOT_IN_DEV_VARS" in str(failure.value)


def test_a_durable_object_binding_without_a_migration_is_refused(
    tmp_path: Path,
) -> None:
    config = tmp_path / "wrangler.toml"
    config.write_text(
        f"""
[env.unmigrated]
name = "unmigrated"
main = "{FIXTURE / "worker" / "entry.py"}"

[[env.unmigrated.durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
"""
    )
    stack = LocalStack(config=config, ready_timeout=30)

    with pytest.raises(StackFailedToStart) as failure:
        stack.start()

    stack.cleanup()
    assert "class Counter, which no migration of worker unmigrated creates" in str(
        failure.value
    )
