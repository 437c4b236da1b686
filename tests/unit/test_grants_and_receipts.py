"""Grants and receipts: minted by Kalos, verified by Kalos, PyJWT and the client."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt as pyjwt
import pytest

from kalos import grants, receipts
from kalos.crypto import run_sync
from kalos.errors import GrantExpired, GrantInvalid, KeyInvalid
from kalos.keys import KeyRing, SigningKey
from kalos.policy import UploadPolicy
from kalos_client.backend import KalosBackend, KalosError
from kalos_client.config import Config

POLICY = UploadPolicy(max_bytes=5_000_000, types=("image/png", "image/jpeg"))
SHA = "ab" * 32


def upload_grant(now: int, **overrides: Any) -> grants.Grant:
    return grants.new_grant(
        user="alice",
        action="upload",
        key="uploads/cat.png",
        now=now,
        policy=POLICY,
        **overrides,
    )


def verify(token: str, ring: KeyRing, now: int) -> grants.Grant:
    return run_sync(grants.verify_grant(token, ring, now=now))


# Lifetimes.


def test_a_new_grant_lives_three_minutes_by_default(now: int) -> None:
    grant = upload_grant(now)

    assert grant.issued_at == now
    assert grant.expires_at == now + 180


@pytest.mark.parametrize("ttl", [0, -1, 601, 3600])
def test_a_grant_lifetime_outside_one_second_to_ten_minutes_is_refused(
    now: int, ttl: int
) -> None:
    with pytest.raises(ValueError, match="600"):
        upload_grant(now, ttl=ttl)


@pytest.mark.parametrize("ttl", [1, 600])
def test_a_grant_lifetime_at_either_limit_is_accepted(now: int, ttl: int) -> None:
    assert upload_grant(now, ttl=ttl).expires_at == now + ttl


def test_an_upload_grant_without_a_policy_is_refused(now: int) -> None:
    with pytest.raises(ValueError, match="policy"):
        grants.new_grant(user="alice", action="upload", key="a.png", now=now)


def test_a_grant_for_an_unsafe_object_key_is_refused(now: int) -> None:
    with pytest.raises(KeyInvalid):
        grants.new_grant(user="alice", action="delete", key="../etc/passwd", now=now)


def test_each_new_grant_has_a_different_id(now: int) -> None:
    ids = {upload_grant(now).id for _ in range(50)}

    assert len(ids) == 50


# Round trips.


def test_a_signed_upload_grant_verifies_to_the_same_grant(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    grant = upload_grant(now, content_type="image/png", sha256=SHA, overwrite=True)

    token = run_sync(grants.sign_grant(grant, key))

    assert verify(token, ring, now + 10) == grant


def test_a_signed_delete_grant_verifies_without_upload_limits(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    grant = grants.new_grant(user="bob", action="delete", key="a/b.jpg", now=now)

    verified = verify(run_sync(grants.sign_grant(grant, key)), ring, now)

    assert verified == grant
    assert verified.max_bytes == 0
    assert verified.types == ()


def test_a_grant_kalos_signs_verifies_with_pyjwt(key: SigningKey) -> None:
    now = int(time.time())
    grant = upload_grant(now, sha256=SHA)
    token = run_sync(grants.sign_grant(grant, key))

    claims = pyjwt.decode(
        token,
        key.secret,
        algorithms=["HS256"],
        audience=grants.AUDIENCE,
        issuer=grants.ISSUER,
    )

    assert claims == grant.claims()
    assert claims["key"] == "uploads/cat.png"
    assert pyjwt.get_unverified_header(token)["typ"] == grants.GRANT_TYPE
    assert pyjwt.get_unverified_header(token)["kid"] == key.kid


# How verification failures are reported.


def test_an_expired_grant_is_reported_as_grant_expired(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = run_sync(grants.sign_grant(upload_grant(now), key))

    with pytest.raises(GrantExpired) as refused:
        verify(token, ring, now + 180 + grants.LEEWAY_SECONDS)

    assert refused.value.code == "grant_expired"
    assert refused.value.status == 401


def test_a_grant_is_still_accepted_within_the_leeway_after_expiry(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = run_sync(grants.sign_grant(upload_grant(now), key))

    assert verify(token, ring, now + 180 + grants.LEEWAY_SECONDS - 1)


def test_an_expired_grant_with_a_forged_signature_is_invalid_not_expired(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    header = {"alg": "HS256", "typ": grants.GRANT_TYPE, "kid": key.kid}
    claims = upload_grant(now - 3600).claims()
    token = forge(header, claims, b"not the grant key but long enough......")

    with pytest.raises(GrantInvalid):
        verify(token, ring, now)


def test_a_grant_signed_with_a_key_outside_the_ring_is_invalid(
    old_key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = run_sync(grants.sign_grant(upload_grant(now), old_key))

    with pytest.raises(GrantInvalid) as refused:
        verify(token, ring, now)

    assert refused.value.code == "grant_invalid"


def test_a_receipt_presented_as_a_grant_is_invalid(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    receipt = run_sync(
        receipts.sign_receipt(
            key,
            user="alice",
            object_key="a.png",
            size=1,
            etag="e",
            content_type="image/png",
            grant_id="g",
            now=now,
        )
    )

    with pytest.raises(GrantInvalid):
        verify(receipt, ring, now)


@pytest.mark.parametrize(
    "change",
    [
        {"act": "read"},
        {"sub": ""},
        {"key": None},
        {"jti": 7},
        {"max": 0},
        {"max": True},
        {"max": "100"},
        {"types": []},
        {"types": "image/png"},
        {"types": [1]},
        {"ct": 3},
        {"sha256": "AB" * 32},
        {"sha256": "ab" * 31},
    ],
)
def test_a_correctly_signed_grant_with_a_malformed_claim_is_invalid(
    forge: Callable[..., str],
    key: SigningKey,
    ring: KeyRing,
    now: int,
    change: dict[str, Any],
) -> None:
    header = {"alg": "HS256", "typ": grants.GRANT_TYPE, "kid": key.kid}
    token = forge(header, {**upload_grant(now).claims(), **change}, key.secret)

    with pytest.raises(GrantInvalid):
        verify(token, ring, now)


def test_overwrite_is_granted_only_by_a_literal_true(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    header = {"alg": "HS256", "typ": grants.GRANT_TYPE, "kid": key.kid}
    token = forge(header, {**upload_grant(now).claims(), "ow": 1}, key.secret)

    assert verify(token, ring, now).overwrite is False


# Receipts, as the backend client sees them.


def backend_for(receipt_keys: KeyRing | None) -> KalosBackend:
    config = Config(
        access_url="http://127.0.0.1:1",
        backend_keys=KeyRing.from_text("backend-key-for-unit-tests-0123456789"),
        receipt_keys=receipt_keys,
        user="kalos-cli",
    )
    return KalosBackend(config, client=httpx.Client())


def sign_receipt(key: SigningKey, now: int, **extra: Any) -> str:
    return run_sync(
        receipts.sign_receipt(
            key,
            user="alice",
            object_key="uploads/cat.png",
            size=1234,
            etag='"abc123"',
            content_type="image/png",
            grant_id="grant-1",
            now=now,
            **extra,
        )
    )


def test_a_receipt_kalos_signs_verifies_with_the_backend_client(
    key: SigningKey,
) -> None:
    now = int(time.time())
    token = sign_receipt(key, now, sha256=SHA)

    receipt = backend_for(KeyRing(key)).verify_receipt(token)

    assert receipt.as_json() == {
        "user": "alice",
        "key": "uploads/cat.png",
        "size": 1234,
        "etag": '"abc123"',
        "content_type": "image/png",
        "grant_id": "grant-1",
        "issued_at": now,
        "sha256": SHA,
    }


def test_a_receipt_signed_with_the_previous_key_verifies_during_rotation(
    key: SigningKey, old_key: SigningKey
) -> None:
    token = sign_receipt(old_key, int(time.time()))

    receipt = backend_for(KeyRing(key, old_key)).verify_receipt(token)

    assert receipt.user == "alice"


def test_a_receipt_signed_with_an_unknown_key_is_refused_by_the_backend_client(
    key: SigningKey, old_key: SigningKey
) -> None:
    token = sign_receipt(old_key, int(time.time()))

    with pytest.raises(KalosError) as refused:
        backend_for(KeyRing(key)).verify_receipt(token)

    assert refused.value.code == "receipt_invalid"


def test_a_grant_is_not_accepted_as_a_receipt_by_the_backend_client(
    key: SigningKey,
) -> None:
    grant_token = run_sync(grants.sign_grant(upload_grant(int(time.time())), key))

    with pytest.raises(KalosError) as refused:
        backend_for(KeyRing(key)).verify_receipt(grant_token)

    assert refused.value.code == "receipt_invalid"


def test_an_expired_receipt_is_refused_by_the_backend_client(key: SigningKey) -> None:
    issued = int(time.time()) - receipts.RECEIPT_TTL_SECONDS - 60

    with pytest.raises(KalosError) as refused:
        backend_for(KeyRing(key)).verify_receipt(sign_receipt(key, issued))

    assert refused.value.code == "receipt_invalid"


def test_the_backend_client_without_a_receipt_key_says_so(key: SigningKey) -> None:
    with pytest.raises(KalosError) as refused:
        backend_for(None).verify_receipt(sign_receipt(key, int(time.time())))

    assert refused.value.code == "receipt_key_missing"
