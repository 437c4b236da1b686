"""Strict HS256 tokens: interoperable with PyJWT, and refusing everything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt as pyjwt
import pytest

from kalos import base64url, jwt
from kalos.crypto import run_sync
from kalos.keys import KeyRing, SigningKey

TYP = "kalos-test+jwt"
ISSUER = "kalos-test-issuer"
AUDIENCE = "kalos-test-audience"


def claims_at(now: int, **extra: Any) -> dict[str, Any]:
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "iat": now,
        "exp": now + 180,
        **extra,
    }


def header_for(key: SigningKey, **extra: Any) -> dict[str, Any]:
    return {"alg": "HS256", "typ": TYP, "kid": key.kid, **extra}


def decode(token: str, ring: KeyRing, now: int, leeway: int = 0) -> dict[str, Any]:
    return run_sync(
        jwt.decode(
            token,
            ring,
            typ=TYP,
            issuer=ISSUER,
            audience=AUDIENCE,
            now=now,
            leeway=leeway,
        )
    )


# Interoperability with PyJWT, in both directions.


def test_a_token_kalos_signs_decodes_with_pyjwt_to_the_same_claims_and_header(
    key: SigningKey,
) -> None:
    now = int(time.time())
    claims = claims_at(now, key="uploads/cat.jpg", types=["image/png"], max=10)

    token = run_sync(jwt.encode(claims, key, TYP))

    decoded = pyjwt.decode(
        token, key.secret, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER
    )
    assert decoded == claims
    assert pyjwt.get_unverified_header(token) == {
        "alg": "HS256",
        "typ": TYP,
        "kid": key.kid,
    }


def test_a_token_pyjwt_signs_with_typ_and_kid_verifies_with_kalos(
    key: SigningKey, ring: KeyRing
) -> None:
    now = int(time.time())
    claims = claims_at(now, nbf=now, jti="grant-1")

    token = pyjwt.encode(
        claims, key.secret, algorithm="HS256", headers={"typ": TYP, "kid": key.kid}
    )

    assert decode(token, ring, now) == claims


def test_a_token_pyjwt_signs_with_another_secret_is_refused_by_kalos(
    key: SigningKey, ring: KeyRing
) -> None:
    now = int(time.time())
    token = pyjwt.encode(
        claims_at(now),
        b"an-attacker-secret-that-is-long-enough!",
        algorithm="HS256",
        headers={"typ": TYP, "kid": key.kid},
    )

    with pytest.raises(jwt.SignatureRefused):
        decode(token, ring, now)


# What a well-formed, correctly signed token must still get right.


def test_a_correctly_signed_token_verifies(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)

    assert decode(token, ring, now)["sub"] == "alice"


def test_an_unsigned_token_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    signed = forge(header_for(key, alg="none"), claims_at(now), key.secret)
    unsigned = signed.rsplit(".", 1)[0] + "."

    with pytest.raises(jwt.TokenMalformed):
        decode(unsigned, ring, now)


@pytest.mark.parametrize("alg", ["none", "None", "HS512", "HS384", "RS256", None, 256])
def test_a_header_naming_any_algorithm_but_hs256_is_refused_even_if_the_mac_holds(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, alg: object
) -> None:
    token = forge(header_for(key, alg=alg), claims_at(now), key.secret)

    with pytest.raises(jwt.AlgorithmRefused):
        decode(token, ring, now)


def test_a_header_without_an_algorithm_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge({"typ": TYP, "kid": key.kid}, claims_at(now), key.secret)

    with pytest.raises(jwt.AlgorithmRefused):
        decode(token, ring, now)


def test_a_token_from_pyjwt_with_hs512_is_refused() -> None:
    # HS512 wants a 64-byte key; anything shorter only adds a PyJWT warning.
    key = SigningKey.from_text("s" * 64)
    ring = KeyRing(key)
    now = int(time.time())
    token = pyjwt.encode(
        claims_at(now),
        key.secret,
        algorithm="HS512",
        headers={"typ": TYP, "kid": key.kid},
    )

    with pytest.raises(jwt.AlgorithmRefused):
        decode(token, ring, now)


@pytest.mark.parametrize("position", [0, 10, 31])
def test_a_token_with_one_signature_byte_flipped_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, position: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)
    signing_input, signature = token.rsplit(".", 1)
    mac = bytearray(base64url.decode(signature))
    mac[position] ^= 0x01

    with pytest.raises(jwt.SignatureRefused):
        decode(f"{signing_input}.{base64url.encode(bytes(mac))}", ring, now)


def test_a_truncated_signature_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)
    signing_input, signature = token.rsplit(".", 1)
    short = base64url.encode(base64url.decode(signature)[:31])

    with pytest.raises(jwt.SignatureRefused):
        decode(f"{signing_input}.{short}", ring, now)


def test_a_token_whose_payload_was_changed_after_signing_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)
    header, _, signature = token.split(".")
    other = forge(header_for(key), claims_at(now, sub="mallory"), key.secret)
    swapped_payload = other.split(".")[1]

    with pytest.raises(jwt.SignatureRefused):
        decode(f"{header}.{swapped_payload}.{signature}", ring, now)


@pytest.mark.parametrize(
    ("claim", "value"),
    [("iss", "someone-else"), ("aud", "someone-else"), ("aud", [AUDIENCE])],
)
def test_a_token_for_another_issuer_or_audience_is_refused(
    forge: Callable[..., str],
    key: SigningKey,
    ring: KeyRing,
    now: int,
    claim: str,
    value: object,
) -> None:
    token = forge(header_for(key), claims_at(now, **{claim: value}), key.secret)

    with pytest.raises(jwt.ClaimRefused):
        decode(token, ring, now)


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "iat"])
def test_a_token_missing_a_required_claim_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, claim: str
) -> None:
    claims = claims_at(now)
    del claims[claim]
    token = forge(header_for(key), claims, key.secret)

    with pytest.raises(jwt.ClaimRefused):
        decode(token, ring, now)


@pytest.mark.parametrize("typ", ["JWT", "kalos-receipt+jwt", None])
def test_a_token_of_another_type_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, typ: object
) -> None:
    token = forge(header_for(key, typ=typ), claims_at(now), key.secret)

    with pytest.raises(jwt.TypeRefused):
        decode(token, ring, now)


@pytest.mark.parametrize("kid", ["AAAAAAAA", "", None, 7])
def test_a_token_naming_a_key_the_ring_does_not_hold_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, kid: object
) -> None:
    token = forge(header_for(key, kid=kid), claims_at(now), key.secret)

    with pytest.raises(jwt.KeyUnknown):
        decode(token, ring, now)


def test_a_token_signed_by_a_key_outside_the_ring_is_refused_by_its_kid(
    old_key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = run_sync(jwt.encode(claims_at(now), old_key, TYP))

    with pytest.raises(jwt.KeyUnknown):
        decode(token, ring, now)


# Time: expiry with leeway, and tokens from the future.


def test_a_token_is_accepted_up_to_its_expiry_and_refused_from_then_on(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    # RFC 7519 section 4.1.4: exp is the time "on or after which" the token
    # must not be accepted, which is also where PyJWT draws the line.
    token = forge(header_for(key), claims_at(now - 60, exp=now), key.secret)

    assert decode(token, ring, now - 1)

    with pytest.raises(jwt.TokenExpired):
        decode(token, ring, now)


def test_an_expired_token_is_accepted_within_the_leeway_and_refused_beyond_it(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    expires_at = now - 100
    token = forge(header_for(key), claims_at(now - 300, exp=expires_at), key.secret)

    assert decode(token, ring, expires_at + 29, leeway=30)
    with pytest.raises(jwt.TokenExpired):
        decode(token, ring, expires_at + 30, leeway=30)
    with pytest.raises(jwt.TokenExpired):
        decode(token, ring, now, leeway=30)


def test_kalos_and_pyjwt_agree_on_when_a_token_expires(key: SigningKey) -> None:
    now = int(time.time())
    ring = KeyRing(key)
    for offset in (-2, -1, 0, 1):
        token = run_sync(jwt.encode(claims_at(now - 60, exp=now + offset), key, TYP))
        try:
            pyjwt.decode(
                token,
                key.secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"verify_iat": False},
            )
            pyjwt_accepts = True
        except pyjwt.ExpiredSignatureError:
            pyjwt_accepts = False
        try:
            decode(token, ring, now)
            kalos_accepts = True
        except jwt.TokenExpired:
            kalos_accepts = False

        assert kalos_accepts == pyjwt_accepts, f"exp = now {offset:+d}"


def test_leeway_beyond_thirty_seconds_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)

    with pytest.raises(ValueError, match="leeway"):
        decode(token, ring, now, leeway=jwt.MAX_LEEWAY_SECONDS + 1)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_a_token_not_valid_until_later_is_refused_beyond_the_leeway(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int, claim: str
) -> None:
    token = forge(header_for(key), claims_at(now, **{claim: now + 31}), key.secret)

    assert decode(token, ring, now + 1, leeway=30)
    with pytest.raises(jwt.TokenNotYetValid):
        decode(token, ring, now, leeway=30)
    with pytest.raises(jwt.TokenNotYetValid):
        decode(token, ring, now + 30, leeway=0)


def test_an_expired_token_with_a_bad_signature_is_refused_for_its_signature(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(
        header_for(key), claims_at(now - 900), key.secret, signature=b"\x00" * 32
    )

    with pytest.raises(jwt.SignatureRefused):
        decode(token, ring, now)


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("value", ["1750000180", 1750000180.5, True, None, [1]])
def test_a_time_claim_that_is_not_an_integer_is_refused(
    forge: Callable[..., str],
    key: SigningKey,
    ring: KeyRing,
    now: int,
    claim: str,
    value: object,
) -> None:
    token = forge(header_for(key), claims_at(now, **{claim: value}), key.secret)

    with pytest.raises(jwt.ClaimRefused):
        decode(token, ring, now)


# Shape: length, parts, characters, JSON.


def test_a_token_longer_than_the_limit_is_refused_even_when_correctly_signed(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    def padded(length: int) -> str:
        return forge(header_for(key), claims_at(now, pad="x" * length), key.secret)

    longest = max(
        (padded(n) for n in range(2000, 3200) if len(padded(n)) <= 4096), key=len
    )
    too_long = next(padded(n) for n in range(2000, 3200) if len(padded(n)) > 4096)

    assert decode(longest, ring, now)["sub"] == "alice"
    with pytest.raises(jwt.TokenMalformed, match="too long"):
        decode(too_long, ring, now)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "abc.def",
        "abc.def.ghi.jkl",
        "abc..ghi",
        ".def.ghi",
        "abc.def.ghi ",
        "abc.def.gh=",
        "abc.déf.ghi",
        "abc.def.ghi\n",
        "\uff41\uff42\uff43.def.ghi",  # full-width letters
    ],
)
def test_text_that_is_not_three_base64url_parts_is_refused_as_malformed(
    ring: KeyRing, now: int, token: str
) -> None:
    with pytest.raises(jwt.TokenMalformed):
        decode(token, ring, now)


def test_a_correctly_signed_token_with_a_non_ascii_character_inserted_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)
    header, payload, signature = token.split(".")

    with pytest.raises(jwt.TokenMalformed):
        decode(f"{header}.{payload}\u00e9.{signature}", ring, now)


def test_a_two_part_token_is_refused_as_malformed(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), claims_at(now), key.secret)

    with pytest.raises(jwt.TokenMalformed):
        decode(token.rsplit(".", 1)[0], ring, now)


@pytest.mark.parametrize("header", [b"not json", b"[1,2]", b'"HS256"', b"\xff\xfe"])
def test_a_header_that_is_not_a_json_object_is_refused_as_malformed(
    ring: KeyRing, now: int, header: bytes
) -> None:
    token = f"{base64url.encode(header)}.e30.AAAA"

    with pytest.raises(jwt.TokenMalformed):
        decode(token, ring, now)


def test_a_deeply_nested_header_is_refused_as_malformed_not_a_crash(
    ring: KeyRing, now: int
) -> None:
    token = f"{base64url.encode(b'[' * 3000)}.e30.AAAA"

    with pytest.raises(jwt.TokenMalformed):
        decode(token, ring, now)


def test_a_correctly_signed_payload_that_is_not_an_object_is_refused(
    forge: Callable[..., str], key: SigningKey, ring: KeyRing, now: int
) -> None:
    token = forge(header_for(key), ["iss", ISSUER], key.secret)

    with pytest.raises(jwt.TokenMalformed):
        decode(token, ring, now)


def test_every_refusal_is_a_token_error_so_callers_can_catch_broadly() -> None:
    refusals = [
        jwt.TokenMalformed,
        jwt.AlgorithmRefused,
        jwt.TypeRefused,
        jwt.KeyUnknown,
        jwt.SignatureRefused,
        jwt.ClaimRefused,
        jwt.TokenExpired,
        jwt.TokenNotYetValid,
    ]

    assert all(issubclass(refusal, jwt.TokenError) for refusal in refusals)
    assert len(set(refusals)) == len(refusals)
