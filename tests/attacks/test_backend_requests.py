"""Hostile requests to the access worker: replays, bad clocks, tampering, bad headers.

A request whose signature does not verify changes nothing: no grant is minted and
its nonce is not remembered, which each test shows by sending the genuine request
with the same nonce afterwards and getting a grant.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from attack_kit import JWT_SHAPE, refused, submitted
from harness import LocalStack
from helpers import grant_request, signed_post

from kalos import signing
from kalos.crypto import run_sync
from kalos.keys import SigningKey


def signature(
    stack: LocalStack, body: bytes, *, now: int, nonce: str, path: str = "/v1/grants"
) -> signing.Signature:
    key = SigningKey.from_text(stack.secrets["BACKEND_SIGNING_KEY"])
    return run_sync(signing.sign(key, "POST", path, body, now=now, nonce=nonce))


def post(stack: LocalStack, http: httpx.Client, body: bytes, header: str | None):
    headers = {} if header is None else {signing.HEADER: header}
    return http.post(stack.urls["access"] + "/v1/grants", content=body, headers=headers)


def assert_nonce_still_fresh(
    stack: LocalStack, http: httpx.Client, body: bytes, nonce: str
) -> None:
    """The genuine request with ``nonce`` still gets its grant."""
    answer = signed_post(stack, http, body, nonce=nonce)
    assert answer.status_code == 201, answer.text


def test_a_replayed_request_is_refused_and_mints_no_second_grant(
    stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce, now = grant_request(), signing.new_nonce(), int(time.time())
    first = signed_post(stack, fresh, body, now=now, nonce=nonce)
    assert first.status_code == 201

    replay = signed_post(stack, fresh, body, now=now, nonce=nonce)

    refused(
        replay,
        409,
        "nonce_reused",
        stack,
        signature(stack, body, now=now, nonce=nonce).header_value(),
    )
    assert not JWT_SHAPE.search(replay.text)


def test_a_replay_with_a_fresh_timestamp_but_the_old_signature_is_refused(
    stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce, now = grant_request(), signing.new_nonce(), int(time.time())
    captured = signature(stack, body, now=now, nonce=nonce)
    assert post(stack, fresh, body, captured.header_value()).status_code == 201
    moved = signing.Signature(captured.kid, now + 5, captured.nonce, captured.mac)
    submitted(captured.header_value())

    refused(
        post(stack, fresh, body, moved.header_value()), 401, "signature_invalid", stack
    )


@pytest.mark.parametrize("skew", [-301, -3600, -86400, 301, 3600, 10**9])
def test_a_stale_or_future_timestamp_is_refused_and_leaves_the_nonce_unused(
    skew: int, stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce = grant_request(), signing.new_nonce()
    now = max(0, int(time.time()) + skew)

    response = signed_post(stack, fresh, body, now=now, nonce=nonce)

    refused(response, 401, "request_expired", stack)
    assert_nonce_still_fresh(stack, fresh, body, nonce)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"u1"', b'"admin"'),
        (b'"upload"', b'"delete"'),
        (b'"tests/', b'"other/'),
        (b"}", b', "overwrite": true}'),
        (b"}", b', "size": 99999999}'),
        (b'{"user"', b'{ "user"'),
    ],
)
def test_a_tampered_body_is_refused_and_leaves_the_nonce_unused(
    old: bytes, new: bytes, stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce = grant_request(), signing.new_nonce()
    tampered = body.replace(old, new, 1)
    assert tampered != body

    response = signed_post(stack, fresh, tampered, nonce=nonce, sign_body=body)

    refused(response, 401, "signature_invalid", stack)
    assert_nonce_still_fresh(stack, fresh, body, nonce)


def test_a_signature_for_another_path_is_refused(
    stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce = grant_request(), signing.new_nonce()
    other = signature(
        stack, body, now=int(time.time()), nonce=nonce, path="/v1/grants?as=admin"
    )
    submitted(other.header_value())

    refused(
        post(stack, fresh, body, other.header_value()), 401, "signature_invalid", stack
    )
    assert_nonce_still_fresh(stack, fresh, body, nonce)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        "kid=abc",
        "kid=abc,ts=1,nonce={nonce}",
        "kid={kid},ts={ts},nonce={nonce},sig={sig},sig={sig}",
        "kid={kid},ts={ts},nonce={nonce},sig={sig},alg=none",
        "kid={kid},ts={ts},nonce={nonce},sig=not*base64url*at*all*but*forty*three*ch",
        "kid={kid},ts={ts},nonce={nonce},sig=" + "A" * 42,
        "kid={kid},ts={ts},nonce={nonce},sig=" + "A" * 42 + "B",
        "kid=AAAAAAAA,ts={ts},nonce={nonce},sig={sig}",
        "kid={kid},ts=-5,nonce={nonce},sig={sig}",
        "kid={kid},ts={ts},nonce=short,sig={sig}",
        "kid={kid}, ts={ts}, nonce={nonce}, sig={sig}, pad=" + "x" * 200,
        "kid={kid};ts={ts};nonce={nonce};sig={sig}",
        "Bearer {sig}",
    ],
)
def test_a_missing_or_malformed_signature_header_is_refused(
    header: str | None, stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce, now = grant_request(), signing.new_nonce(), int(time.time())
    genuine = signature(stack, body, now=now, nonce=nonce)
    sig = genuine.header_value().rsplit("sig=", 1)[1]
    text = (
        None
        if header is None
        else header.format(kid=genuine.kid, ts=now, nonce=nonce, sig=sig)
    )
    submitted(sig)

    refused(post(stack, fresh, body, text), 401, "signature_invalid", stack, sig)
    assert_nonce_still_fresh(stack, fresh, body, nonce)


def test_a_signature_under_the_grant_key_is_refused(
    stack: LocalStack, fresh: httpx.Client
) -> None:
    body, nonce = grant_request(), signing.new_nonce()
    response = signed_post(
        stack, fresh, body, nonce=nonce, key=stack.secrets["GRANT_SIGNING_KEY"]
    )
    refused(response, 401, "signature_invalid", stack)
    assert_nonce_still_fresh(stack, fresh, body, nonce)


def test_a_refused_request_answers_without_a_grant(
    stack: LocalStack, fresh: httpx.Client
) -> None:
    body = json.dumps({"user": "u", "action": "upload", "object_id": "a"}).encode()
    response = post(stack, fresh, body, None)
    refused(response, 401, "signature_invalid", stack)
    assert "Authorization" not in response.text
