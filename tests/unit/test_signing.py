"""Backend request signatures: what they cover, when they expire, how they parse."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace

import pytest

from kalos import base64url, signing
from kalos.crypto import run_sync
from kalos.errors import RequestExpired, SignatureInvalid
from kalos.keys import KeyRing, SigningKey

BODY = b'{"user":"alice","action":"upload","object_id":"cat.png"}'
NONCE = "bm9uY2Utbm9uY2Utbm9uY2U"
PATH = "/v1/grants"


def sign(key: SigningKey, now: int, **overrides: object) -> signing.Signature:
    request: dict[str, object] = {
        "method": "POST",
        "path": PATH,
        "body": BODY,
        "nonce": NONCE,
        **overrides,
    }
    return run_sync(signing.sign(key, now=now, **request))  # type: ignore[arg-type]


def verify(
    signature: signing.Signature,
    ring: KeyRing,
    now: int,
    *,
    method: str = "POST",
    path: str = PATH,
    body: bytes = BODY,
) -> None:
    run_sync(signing.verify(signature, ring, method, path, body, now=now))


def test_a_signed_request_verifies(key: SigningKey, ring: KeyRing, now: int) -> None:
    verify(sign(key, now), ring, now)


def test_the_method_is_compared_without_regard_to_case(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    verify(sign(key, now, method="post"), ring, now, method="POST")


@pytest.mark.parametrize(
    "request_change",
    [
        {"method": "PUT"},
        {"path": "/v1/grants/"},
        {"path": "/v1/grants?user=mallory"},
        {"path": "/V1/grants"},
        {"body": BODY.replace(b"alice", b"mallo")},
        {"body": BODY + b" "},
        {"body": b""},
    ],
)
def test_a_request_differing_from_the_signed_one_is_refused(
    key: SigningKey, ring: KeyRing, now: int, request_change: dict[str, object]
) -> None:
    with pytest.raises(SignatureInvalid):
        verify(sign(key, now), ring, now, **request_change)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "field_change",
    [{"timestamp": 1_750_000_001}, {"nonce": NONCE[:-1] + "A"}, {"kid": "AAAAAAAA"}],
)
def test_a_signature_with_a_changed_field_is_refused(
    key: SigningKey, ring: KeyRing, now: int, field_change: dict[str, object]
) -> None:
    tampered = replace(sign(key, now), **field_change)  # type: ignore[arg-type]

    with pytest.raises(SignatureInvalid):
        verify(tampered, ring, now)


def test_a_signature_relabelled_with_another_key_id_in_the_ring_is_refused(
    key: SigningKey, old_key: SigningKey, now: int
) -> None:
    ring = KeyRing(key, old_key)
    relabelled = replace(sign(key, now), kid=old_key.kid)

    with pytest.raises(SignatureInvalid):
        verify(relabelled, ring, now)


def test_a_request_signed_with_the_previous_key_verifies_during_rotation(
    key: SigningKey, old_key: SigningKey, now: int
) -> None:
    verify(sign(old_key, now), KeyRing(key, old_key), now)

    with pytest.raises(SignatureInvalid):
        verify(sign(old_key, now), KeyRing(key), now)


@pytest.mark.parametrize("skew", [-300, 300])
def test_a_timestamp_at_the_edge_of_the_tolerance_is_accepted(
    key: SigningKey, ring: KeyRing, now: int, skew: int
) -> None:
    verify(sign(key, now + skew), ring, now)


@pytest.mark.parametrize("skew", [-301, 301, -86_400])
def test_a_stale_or_future_timestamp_beyond_the_tolerance_is_refused_as_expired(
    key: SigningKey, ring: KeyRing, now: int, skew: int
) -> None:
    with pytest.raises(RequestExpired) as refused:
        verify(sign(key, now + skew), ring, now)

    assert refused.value.code == "request_expired"


def test_the_tolerance_can_be_narrowed(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    signature = sign(key, now - 10)

    with pytest.raises(RequestExpired):
        run_sync(
            signing.verify(signature, ring, "POST", PATH, BODY, now=now, tolerance=5)
        )


def test_a_stale_request_with_a_wrong_mac_is_refused_for_its_mac_not_its_age(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    stale_forgery = replace(sign(key, now - 3600), mac=b"\x00" * 32)

    with pytest.raises(SignatureInvalid):
        verify(stale_forgery, ring, now)


def test_the_mac_is_hmac_sha256_of_the_documented_string_to_sign(
    key: SigningKey, now: int
) -> None:
    signature = sign(key, now, method="post")

    # Restated independently of kalos.signing, from its module docstring.
    message = "\n".join(
        [
            "KALOS-HMAC-SHA256",
            key.kid,
            "POST",
            PATH,
            str(now),
            NONCE,
            hashlib.sha256(BODY).hexdigest(),
        ]
    ).encode()
    assert signing.string_to_sign(key.kid, "post", PATH, now, NONCE, BODY) == message
    assert signature.mac == hmac.new(key.secret, message, hashlib.sha256).digest()


def test_signing_without_a_nonce_draws_a_fresh_random_one(
    key: SigningKey, ring: KeyRing, now: int
) -> None:
    signatures = [
        run_sync(signing.sign(key, "POST", PATH, BODY, now=now)) for _ in "ab"
    ]

    assert signatures[0].nonce != signatures[1].nonce
    assert len(base64url.decode(signatures[0].nonce)) == 16
    for signature in signatures:
        verify(signature, ring, now)


# The header.


def test_the_header_value_parses_back_to_the_same_signature(
    key: SigningKey, now: int
) -> None:
    signature = sign(key, now)

    assert signing.parse_header(signature.header_value()) == signature


def test_the_header_fields_may_come_in_any_order_with_spaces(
    key: SigningKey, now: int
) -> None:
    signature = sign(key, now)
    fields = signature.header_value().split(",")

    reordered = ", ".join(reversed(fields))

    assert signing.parse_header(reordered) == signature


def header(**fields: str) -> str:
    return ",".join(f"{name}={value}" for name, value in fields.items())


GOOD = {"kid": "AbCd_-12", "ts": "1750000000", "nonce": NONCE, "sig": "A" * 43}


def test_a_well_formed_header_parses() -> None:
    parsed = signing.parse_header(header(**GOOD))

    assert parsed.kid == "AbCd_-12"
    assert parsed.timestamp == 1_750_000_000
    assert parsed.mac == bytes(32)


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_header_is_refused(value: str | None) -> None:
    with pytest.raises(SignatureInvalid, match="missing"):
        signing.parse_header(value)


@pytest.mark.parametrize(
    "value",
    [
        header(**GOOD) + ",kid=AbCd_-12",
        header(**GOOD) + ",ts=1",
        header(**GOOD) + ",alg=HS256",
        header(**GOOD) + ",",
        header(kid=GOOD["kid"], ts=GOOD["ts"], nonce=GOOD["nonce"]),
        header(kid=GOOD["kid"], ts=GOOD["ts"], sig=GOOD["sig"]),
        header(**GOOD).replace("kid=", "kid:"),
        header(**GOOD).replace(",", ";"),
        header(**GOOD).replace("kid=", "KID="),
    ],
)
def test_a_header_with_a_duplicated_unknown_or_missing_field_is_refused(
    value: str,
) -> None:
    with pytest.raises(SignatureInvalid):
        signing.parse_header(value)


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("kid", "abc.def"),
        ("kid", ""),
        ("kid", "k" * 33),
        ("kid", "kïd"),
        ("ts", "-1750000000"),
        ("ts", "1.5"),
        ("ts", "\u0661\u0667\u0665\u0660"),  # Arabic-Indic digits
        ("ts", "1" * 13),
        ("nonce", "short"),
        ("nonce", NONCE + "="),
        ("nonce", "n" * 65),
        ("sig", "A" * 42),
        ("sig", "A" * 44),
        ("sig", "A" * 42 + "B"),
        ("sig", "A" * 42 + "+"),
    ],
)
def test_a_header_field_with_bad_characters_or_length_is_refused(
    field: str, bad: str
) -> None:
    with pytest.raises(SignatureInvalid):
        signing.parse_header(header(**{**GOOD, field: bad}))


def test_a_header_longer_than_the_limit_is_refused() -> None:
    # Spaces around a field are allowed, so padding keeps the header well-formed.
    value = header(**GOOD) + " " * (signing.MAX_HEADER_LENGTH - len(header(**GOOD)))
    assert len(value) == signing.MAX_HEADER_LENGTH
    assert signing.parse_header(value) == signing.parse_header(header(**GOOD))

    with pytest.raises(SignatureInvalid, match="too long"):
        signing.parse_header(value + " ")
