"""Signing keys and key rings: minimum length, stable ids, rotation."""

from __future__ import annotations

import pytest

from kalos import jwt
from kalos.crypto import run_sync
from kalos.keys import KeyRing, KeyTooShort, SigningKey

SECRET_31 = "thirty-one-bytes-of-secret-text"
SECRET_32 = "thirty-two-bytes-of-secret-text!"


def test_a_secret_of_31_bytes_is_refused_without_showing_it() -> None:
    assert len(SECRET_31.encode()) == 31

    with pytest.raises(KeyTooShort) as refused:
        SigningKey.from_text(SECRET_31, "GRANT_SIGNING_KEY")

    message = str(refused.value)
    assert "GRANT_SIGNING_KEY" in message
    assert "31" in message
    assert SECRET_31 not in message
    assert SECRET_31 not in repr(refused.value)


def test_a_secret_of_32_bytes_is_accepted() -> None:
    assert len(SECRET_32.encode()) == 32

    assert SigningKey.from_text(SECRET_32).secret == SECRET_32.encode()


def test_length_is_counted_in_utf8_bytes_not_characters() -> None:
    sixteen_two_byte_characters = "é" * 16

    assert SigningKey.from_text(sixteen_two_byte_characters).secret == (
        sixteen_two_byte_characters.encode()
    )
    with pytest.raises(KeyTooShort):
        SigningKey.from_text("é" * 15 + "a")


def test_the_key_id_is_the_same_every_time_for_the_same_secret() -> None:
    first = SigningKey.from_text(SECRET_32)
    second = SigningKey.from_text(SECRET_32)

    assert first.kid == second.kid
    assert len(first.kid) == 8


def test_different_secrets_have_different_key_ids() -> None:
    secrets = [f"{SECRET_32}{n}" for n in range(100)]

    kids = {SigningKey.from_text(secret).kid for secret in secrets}

    assert len(kids) == 100


def test_the_key_id_reveals_no_prefix_of_the_secret() -> None:
    key = SigningKey.from_text(SECRET_32)

    assert key.kid not in SECRET_32
    assert SECRET_32 not in repr(key)


def test_a_ring_finds_its_current_and_previous_keys_by_id(
    key: SigningKey, old_key: SigningKey
) -> None:
    ring = KeyRing(key, old_key)

    assert ring.find(key.kid) is key
    assert ring.find(old_key.kid) is old_key
    assert ring.find(SigningKey.from_text(SECRET_32).kid) is None


def test_a_ring_built_with_an_empty_previous_key_holds_only_the_current_one() -> None:
    ring = KeyRing.from_text(SECRET_32, "")

    assert ring.previous is None
    assert ring.find(ring.current.kid) == ring.current


def test_a_short_previous_key_is_refused_under_its_own_name() -> None:
    with pytest.raises(KeyTooShort, match="GRANT_SIGNING_KEY_PREVIOUS"):
        KeyRing.from_text(SECRET_32, SECRET_31, "GRANT_SIGNING_KEY")


def test_a_token_signed_with_the_previous_key_verifies_only_while_it_is_in_the_ring(
    key: SigningKey, old_key: SigningKey, now: int
) -> None:
    claims = {"iss": "i", "aud": "a", "iat": now, "exp": now + 60}
    token = run_sync(jwt.encode(claims, old_key, "t"))

    def verify_with(ring: KeyRing) -> dict[str, object]:
        return run_sync(
            jwt.decode(token, ring, typ="t", issuer="i", audience="a", now=now)
        )

    assert verify_with(KeyRing(old_key)) == claims
    assert verify_with(KeyRing(key, previous=old_key)) == claims
    with pytest.raises(jwt.KeyUnknown):
        verify_with(KeyRing(key))
