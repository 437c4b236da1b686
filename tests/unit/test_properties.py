"""Properties over arbitrary input: every parser either succeeds or refuses cleanly.

Each of these faces untrusted text or bytes. Whatever arrives, the only exception a
caller ever sees is the one it is documented to raise, so a hostile request is
refused with its proper code instead of surfacing as a 500.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kalos import base64url, grants, jwt, signing
from kalos.crypto import run_sync
from kalos.errors import GrantExpired, GrantInvalid, KeyInvalid, SignatureInvalid
from kalos.keys import KeyRing, SigningKey
from kalos.policy import IMAGE_TYPES, MAX_KEY_LENGTH, validate_key
from kalos.sniff import sniff

moderate = settings(max_examples=300, deadline=None)

KEY = SigningKey.from_text("property-test-signing-key-0123456789abcdef")
RING = KeyRing(KEY)
NOW = 1_750_000_000
B64URL = string.ascii_letters + string.digits + "-_"
SAFE_KEY_CHARACTERS = set(string.ascii_letters + string.digits + "-_./")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def decode_token(token: str) -> dict[str, Any]:
    return run_sync(
        jwt.decode(
            token,
            RING,
            typ=grants.GRANT_TYPE,
            issuer=grants.ISSUER,
            audience=grants.AUDIENCE,
            now=NOW,
            leeway=30,
        )
    )


# Object keys.

key_like_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="ab./-_%\\ é\x00\u202e", max_size=40),
    st.text(alphabet="ab./", min_size=MAX_KEY_LENGTH - 4, max_size=MAX_KEY_LENGTH + 4),
)


@moderate
@given(key_like_text)
def test_validate_key_returns_a_safe_key_or_refuses_it_with_key_invalid(
    text: str,
) -> None:
    try:
        accepted = validate_key(text)
    except KeyInvalid:
        return

    assert accepted == text
    assert 1 <= len(accepted) <= MAX_KEY_LENGTH
    assert set(accepted) <= SAFE_KEY_CHARACTERS
    assert not {"", ".", ".."} & set(accepted.split("/"))


# Request signature headers.

header_like_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.tuples(
            st.sampled_from(["kid", "ts", "nonce", "sig", "alg", ""]),
            st.sampled_from(["=", ":", "=="]),
            st.text(alphabet=B64URL + "=+/. \u0661", max_size=50),
        ).map("".join),
        max_size=6,
    ).map(",".join),
)


@moderate
@given(header_like_text)
def test_parse_header_raises_nothing_but_signature_invalid(text: str) -> None:
    try:
        parsed = signing.parse_header(text)
    except SignatureInvalid:
        return

    assert signing.parse_header(parsed.header_value()) == parsed


@moderate
@given(
    method=st.sampled_from(["POST", "PUT", "DELETE", "get"]),
    path=st.text(min_size=1, max_size=60),
    body=st.binary(max_size=200),
    nonce=st.text(alphabet=B64URL, min_size=16, max_size=64),
    skew=st.integers(min_value=-300, max_value=300),
)
def test_any_request_signed_within_the_tolerance_verifies_through_its_header(
    method: str, path: str, body: bytes, nonce: str, skew: int
) -> None:
    signed = run_sync(
        signing.sign(KEY, method, path, body, now=NOW + skew, nonce=nonce)
    )

    parsed = signing.parse_header(signed.header_value())

    run_sync(signing.verify(parsed, RING, method.upper(), path, body, now=NOW))


# Sniffing.

magic_prefixes = st.sampled_from(
    [
        b"",
        b"\xff\xd8\xff",
        b"\xff\xd8\xff\xe0",
        b"\x89PNG\r\n\x1a\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
        b"GIF89a",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"\x00\x00\x00\x18ftypavif",
        b"\x00\x00\x00\x14ftypmif1",
        b"\xff\xff\xff\xffftypheic",
    ]
)


@moderate
@given(
    st.one_of(
        st.binary(max_size=100),
        st.tuples(magic_prefixes, st.binary(max_size=60)).map(b"".join),
    )
)
def test_sniff_never_raises_and_names_only_types_kalos_knows(head: bytes) -> None:
    assert sniff(head) in (None, *IMAGE_TYPES)


# Tokens.


@moderate
@given(st.text(max_size=200))
def test_jwt_decode_refuses_arbitrary_text_only_with_token_errors(text: str) -> None:
    try:
        decode_token(text)
    except jwt.TokenError:
        return
    raise AssertionError("arbitrary text verified as a grant")


b64url_segments = st.text(alphabet=B64URL, min_size=1, max_size=80)
json_segments = (
    json_values | st.dictionaries(st.sampled_from(["alg", "typ", "kid"]), json_values)
).map(lambda value: base64url.encode(json.dumps(value).encode()))


@moderate
@given(st.lists(b64url_segments | json_segments, min_size=3, max_size=3).map(".".join))
def test_jwt_decode_refuses_three_base64url_parts_only_with_token_errors(
    token: str,
) -> None:
    try:
        decode_token(token)
    except jwt.TokenError:
        return
    raise AssertionError("a random three-part token verified as a grant")


VALID_HEADER = {"alg": "HS256", "typ": grants.GRANT_TYPE, "kid": KEY.kid}
VALID_CLAIMS = grants.Grant(
    id="grant-1",
    user="alice",
    action="upload",
    key="a.png",
    issued_at=NOW,
    expires_at=NOW + 180,
    max_bytes=10,
    types=("image/png",),
).claims()

claim_changes = st.dictionaries(
    st.sampled_from([*VALID_CLAIMS, "ct", "sha256", "ow"]),
    json_values | st.integers(min_value=NOW - 1000, max_value=NOW + 1000),
    max_size=3,
)
header_changes = st.dictionaries(
    st.sampled_from(["alg", "typ", "kid"]),
    json_values | st.sampled_from(["HS256", "none", grants.GRANT_TYPE, KEY.kid]),
    max_size=2,
)


@moderate
@given(header_changes, claim_changes)
def test_a_correctly_signed_token_with_any_claims_is_a_grant_or_a_grant_error(
    forge: Callable[..., str],
    header_change: dict[str, Any],
    claim_change: dict[str, Any],
) -> None:
    token = forge(
        {**VALID_HEADER, **header_change}, {**VALID_CLAIMS, **claim_change}, KEY.secret
    )

    try:
        grant = run_sync(grants.verify_grant(token, RING, now=NOW))
    except (GrantInvalid, GrantExpired):
        return

    claims = {**VALID_CLAIMS, **claim_change}
    assert grant.expires_at == claims["exp"] > NOW - grants.LEEWAY_SECONDS
    assert max(claims["iat"], claims["nbf"]) <= NOW + grants.LEEWAY_SECONDS
    assert grant.action in grants.ACTIONS


# base64url.


@moderate
@given(st.text(max_size=60))
def test_base64url_decode_raises_only_value_error(text: str) -> None:
    try:
        data = base64url.decode(text)
    except ValueError:
        return

    assert base64url.encode(data) == text


@moderate
@given(st.text(alphabet=B64URL, max_size=60))
def test_base64url_accepts_only_the_canonical_spelling_of_any_bytes(text: str) -> None:
    try:
        data = base64url.decode(text)
    except ValueError:
        return

    assert base64url.encode(data) == text


@moderate
@given(st.binary(max_size=100))
def test_base64url_round_trips_any_bytes(data: bytes) -> None:
    assert base64url.decode(base64url.encode(data)) == data
