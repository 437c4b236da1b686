"""Key rotation: the previous key keeps working while it drains, then stops.

Each phase is a fresh stack on the same state folder, as a redeploy with new secrets
would be: the grant ledger, the nonces and the bucket survive the restart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from harness import LocalStack, StackFailedToStart, random_secret
from helpers import CORPUS, object_exists, problem_code, signed_post, unique_key

from kalos import base64url
from kalos.crypto import run_sync
from kalos.grants import new_grant, sign_grant
from kalos.keys import SigningKey
from kalos.policy import IMAGE_TYPES, UploadPolicy

GIF = (CORPUS / "no_time_for_that_tiny.gif").read_bytes()


class Keys:
    """The old and new secrets of the grant, backend and receipt keys."""

    def __init__(self) -> None:
        self.old = {n: random_secret() for n in ("GRANT", "BACKEND", "RECEIPT")}
        self.new = {n: random_secret() for n in ("GRANT", "BACKEND", "RECEIPT")}

    def before(self) -> dict[str, str]:
        return {f"{n}_SIGNING_KEY": v for n, v in self.old.items()}

    def during(self) -> dict[str, str]:
        secrets = {f"{n}_SIGNING_KEY": v for n, v in self.new.items()}
        secrets.update({f"{n}_SIGNING_KEY_PREVIOUS": v for n, v in self.old.items()})
        return secrets

    def after(self) -> dict[str, str]:
        return {f"{n}_SIGNING_KEY": v for n, v in self.new.items()}


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def stacks() -> Iterator[list[LocalStack]]:
    """Every stack a test starts, cleaned up at its end."""
    started: list[LocalStack] = []
    yield started
    for local in started:
        local.cleanup()


def start(
    stacks: list[LocalStack], state_dir: Path, secrets: dict[str, str]
) -> LocalStack:
    if stacks:
        stacks[-1].stop()
    local = LocalStack(state_dir=state_dir, extra_secrets=secrets).start()
    stacks.append(local)
    return local


def token_kid(token: str) -> str:
    header = json.loads(base64url.decode(token.split(".")[0]))
    return str(header["kid"])


def grant_token(answer: httpx.Response) -> str:
    assert answer.status_code == 201, answer.text
    return str(answer.json()["headers"]["Authorization"]).removeprefix("Bearer ")


def upload(
    http: httpx.Client, local: LocalStack, key: str, token: str
) -> httpx.Response:
    """PUT the test GIF to ``key`` on ``local`` with ``token`` as the grant."""
    return http.put(
        f"{local.urls['upload']}/v1/objects/{key}",
        content=GIF,
        headers={"authorization": f"Bearer {token}"},
    )


def upload_request(key: str) -> bytes:
    return json.dumps({"user": "u", "action": "upload", "object_id": key}).encode()


def test_grants_and_backend_requests_signed_with_the_previous_key_work_until_it_retires(
    stacks: list[LocalStack], state_dir: Path
) -> None:
    keys = Keys()
    old_grant_kid = SigningKey.from_text(keys.old["GRANT"]).kid
    new_grant_kid = SigningKey.from_text(keys.new["GRANT"]).kid
    new_receipt_kid = SigningKey.from_text(keys.new["RECEIPT"]).kid

    with httpx.Client(timeout=60) as http:
        # Before: a grant minted under the old grant key, not used yet.
        before = start(stacks, state_dir, keys.before())
        early_key = unique_key(".gif")
        early = grant_token(signed_post(before, http, upload_request(early_key)))
        assert token_kid(early) == old_grant_kid

        # During: both keys are accepted, new grants and receipts use the new keys.
        during = start(stacks, state_dir, keys.during())
        stored = upload(http, during, early_key, early)
        assert stored.status_code == 201, stored.text
        assert token_kid(stored.json()["receipt"]) == new_receipt_kid

        late_key = unique_key(".gif")
        signed_with_old = signed_post(
            during, http, upload_request(late_key), key=keys.old["BACKEND"]
        )
        late = grant_token(signed_with_old)
        assert token_kid(late) == new_grant_kid
        signed_with_new = signed_post(during, http, upload_request(unique_key()))
        assert signed_with_new.status_code == 201

        # After: the old keys are gone, and whatever they signed is refused.
        after = start(stacks, state_dir, keys.after())
        retired_key = unique_key(".gif")
        retired = run_sync(
            sign_grant(
                new_grant(
                    user="u",
                    action="upload",
                    key=retired_key,
                    now=int(time.time()),
                    policy=UploadPolicy(10_000_000, IMAGE_TYPES),
                ),
                SigningKey.from_text(keys.old["GRANT"]),
            )
        )
        refused = upload(http, after, retired_key, retired)
        assert refused.status_code == 401
        assert problem_code(refused) == "grant_invalid"
        assert not object_exists(http, after, retired_key)

        old_request = signed_post(
            after, http, upload_request(unique_key()), key=keys.old["BACKEND"]
        )
        assert old_request.status_code == 401
        assert problem_code(old_request) == "signature_invalid"

        # A grant minted under the new key during the rotation still works.
        assert upload(http, after, late_key, late).status_code == 201
        assert object_exists(http, after, early_key)


@pytest.mark.parametrize(
    "name", ["BACKEND_SIGNING_KEY", "GRANT_SIGNING_KEY", "RECEIPT_SIGNING_KEY"]
)
def test_a_key_shorter_than_32_bytes_stops_the_stack_at_start_up(name: str) -> None:
    short = random_secret()[:31]
    local = LocalStack(extra_secrets={name: short})
    try:
        with pytest.raises(StackFailedToStart) as failed:
            local.start()
    finally:
        local.cleanup()

    message = str(failed.value)
    assert "exited with 1" in message
    assert "worker is misconfigured" in message
    assert f"{name} is 31 bytes; Kalos needs at least 32" in message
    assert short not in message
