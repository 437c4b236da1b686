"""Each refusal of both workers, with its code, and nothing left behind."""

from __future__ import annotations

import time

import httpx
import pytest
from harness import LocalStack
from helpers import (
    CORPUS,
    Forge,
    grant_request,
    object_exists,
    problem_code,
    put,
    signed_post,
    unique_key,
)

from kalos import signing
from kalos.keys import SigningKey
from kalos_client import KalosBackend, send_file

JPEG = (CORPUS / "grace_hopper.jpg").read_bytes()
PNG = (CORPUS / "astronaut.png").read_bytes()


# ---------------------------------------------------------------- access worker


def test_a_signed_request_gets_a_grant_with_url_method_headers_and_expiry(
    stack: LocalStack, http: httpx.Client
) -> None:
    key = unique_key(".png")
    response = signed_post(stack, http, grant_request(object_id=key, size=10))

    assert response.status_code == 201
    answer = response.json()
    assert answer["url"] == f"{stack.urls['upload']}/v1/objects/{key}"
    assert answer["method"] == "PUT"
    assert answer["headers"]["Authorization"].startswith("Bearer ")
    assert 170 <= answer["expires_at"] - time.time() <= 181


def test_a_tampered_body_breaks_the_signature(
    stack: LocalStack, http: httpx.Client
) -> None:
    body = grant_request()
    tampered = body.replace(b'"u1"', b'"admin"')
    response = signed_post(stack, http, tampered, sign_body=body)
    assert response.status_code == 401
    assert problem_code(response) == "signature_invalid"


def test_a_signature_under_another_key_is_refused(
    stack: LocalStack, http: httpx.Client
) -> None:
    response = signed_post(stack, http, grant_request(), key="x" * 32)
    assert problem_code(response) == "signature_invalid"


@pytest.mark.parametrize(
    "header",
    [None, "", "kid=abc", "kid=a,ts=1,nonce=" + "n" * 16 + ",sig=" + "A" * 43],
)
def test_a_missing_or_malformed_signature_header_is_refused(
    stack: LocalStack, http: httpx.Client, header: str | None
) -> None:
    headers = {} if header is None else {signing.HEADER: header}
    response = http.post(
        stack.urls["access"] + "/v1/grants", content=grant_request(), headers=headers
    )
    assert response.status_code == 401
    assert problem_code(response) == "signature_invalid"


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_a_stale_or_future_timestamp_is_refused(
    stack: LocalStack, http: httpx.Client, skew: int
) -> None:
    response = signed_post(stack, http, grant_request(), now=int(time.time()) + skew)
    assert response.status_code == 401
    assert problem_code(response) == "request_expired"


def test_a_replayed_signed_request_is_refused(
    stack: LocalStack, http: httpx.Client
) -> None:
    body = grant_request()
    nonce = signing.new_nonce()
    now = int(time.time())

    first = signed_post(stack, http, body, now=now, nonce=nonce)
    replay = signed_post(stack, http, body, now=now, nonce=nonce)

    assert first.status_code == 201
    assert replay.status_code == 409
    assert problem_code(replay) == "nonce_reused"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"action": "rename"}, "action_unknown"),
        ({"object_id": "../etc/passwd"}, "key_invalid"),
        ({"object_id": "/abs"}, "key_invalid"),
        ({"object_id": "a" * 513}, "key_invalid"),
        ({"user": ""}, "request_invalid"),
        ({"content_type": "image/svg+xml"}, "type_not_allowed"),
        ({"size": 100_000_001}, "too_large"),
        ({"size": 0}, "empty_body"),
    ],
)
def test_an_invalid_grant_request_is_refused_with_its_code(
    stack: LocalStack, http: httpx.Client, fields: dict[str, object], code: str
) -> None:
    response = signed_post(stack, http, grant_request(**fields))
    assert problem_code(response) == code


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_malformed_json_body_is_refused(
    stack: LocalStack, http: httpx.Client, body: bytes
) -> None:
    response = signed_post(stack, http, body)
    assert response.status_code == 400
    assert problem_code(response) == "request_invalid"


def test_an_oversized_request_body_is_refused_before_it_is_read(
    stack: LocalStack, http: httpx.Client
) -> None:
    body = grant_request(padding="x" * 20_000)
    response = signed_post(stack, http, body)
    assert response.status_code == 413
    assert problem_code(response) == "request_too_large"


# ---------------------------------------------------------------- upload worker


def test_an_upload_without_a_grant_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    key = unique_key()
    response = put(http, forge, key, None, JPEG)
    assert response.status_code == 401
    assert problem_code(response) == "grant_invalid"
    assert not object_exists(http, stack, key)


def test_a_grant_signed_with_another_key_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    token = forge.token(grant, SigningKey.from_text("y" * 32))
    response = put(http, forge, grant.key, token, JPEG)
    assert problem_code(response) == "grant_invalid"
    assert not object_exists(http, stack, grant.key)


def test_an_expired_grant_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant(now=int(time.time()) - 300, ttl=180)
    response = put(http, forge, grant.key, forge.token(grant), JPEG)
    assert response.status_code == 401
    assert problem_code(response) == "grant_expired"
    assert not object_exists(http, stack, grant.key)


def test_a_grant_for_another_key_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    other = unique_key()
    response = put(http, forge, other, forge.token(grant), JPEG)
    assert response.status_code == 403
    assert problem_code(response) == "key_mismatch"
    assert not object_exists(http, stack, other)
    assert not object_exists(http, stack, grant.key)


def test_a_delete_grant_used_for_a_put_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant("delete")
    response = put(http, forge, grant.key, forge.token(grant), JPEG)
    assert response.status_code == 403
    assert problem_code(response) == "action_mismatch"
    assert not object_exists(http, stack, grant.key)


def test_zero_bytes_are_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    response = put(http, forge, grant.key, forge.token(grant), b"")
    assert response.status_code == 400
    assert problem_code(response) == "empty_body"
    assert not object_exists(http, stack, grant.key)


def test_a_body_without_content_length_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    chunked = iter([JPEG[:1000], JPEG[1000:]])
    response = put(http, forge, grant.key, forge.token(grant), chunked)
    assert response.status_code == 411
    assert problem_code(response) == "length_required"
    assert not object_exists(http, stack, grant.key)


def test_a_body_larger_than_the_grant_allows_is_refused(
    backend: KalosBackend, http: httpx.Client, stack: LocalStack
) -> None:
    key = unique_key(".png")
    grant = backend.request_grant("upload", key, size=1000)
    with pytest.raises(Exception) as refused:
        send_file(grant, CORPUS / "astronaut.png", client=http)
    assert getattr(refused.value, "code", None) == "too_large"
    assert getattr(refused.value, "status", None) == 413
    assert not object_exists(http, stack, key)


def test_content_that_contradicts_the_declared_type_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant()
    response = put(
        http, forge, grant.key, forge.token(grant), PNG, {"content-type": "image/jpeg"}
    )
    assert response.status_code == 415
    assert problem_code(response) == "type_mismatch"
    assert not object_exists(http, stack, grant.key)


def test_a_type_outside_the_grant_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    from kalos.policy import UploadPolicy

    grant = forge.grant(policy=UploadPolicy(10_000_000, ("image/png",)))
    response = put(http, forge, grant.key, forge.token(grant), JPEG)
    assert response.status_code == 415
    assert problem_code(response) == "type_not_allowed"
    assert not object_exists(http, stack, grant.key)


def test_a_used_grant_cannot_be_used_again(http: httpx.Client, forge: Forge) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    assert put(http, forge, grant.key, token, JPEG).status_code == 201

    again = put(http, forge, grant.key, token, JPEG)
    assert again.status_code in (409,)
    assert problem_code(again) in ("grant_spent", "object_exists")


def test_an_existing_object_is_never_overwritten(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    first = forge.grant()
    assert put(http, forge, first.key, forge.token(first), JPEG).status_code == 201

    second = forge.grant(key=first.key)
    response = put(http, forge, first.key, forge.token(second), PNG)
    assert response.status_code == 409
    assert problem_code(response) == "object_exists"
    served = http.get(f"{stack.urls['public']}/{first.key}")
    assert served.content == JPEG


def test_a_sha256_that_does_not_match_the_content_is_refused(
    http: httpx.Client, forge: Forge, stack: LocalStack
) -> None:
    grant = forge.grant(sha256="0" * 64)
    response = put(http, forge, grant.key, forge.token(grant), JPEG)
    assert response.status_code == 400
    assert problem_code(response) == "checksum_mismatch"
    assert not object_exists(http, stack, grant.key)


def test_unknown_routes_and_methods_get_problem_codes(
    http: httpx.Client, stack: LocalStack, forge: Forge
) -> None:
    assert problem_code(http.get(stack.urls["access"] + "/nope")) == "route_not_found"
    assert problem_code(http.get(stack.urls["access"] + "/v1/grants")) == (
        "method_not_allowed"
    )
    assert problem_code(http.post(forge.url("a.jpg"))) == "method_not_allowed"


def test_both_workers_answer_healthz(http: httpx.Client, stack: LocalStack) -> None:
    for worker in ("access", "upload"):
        response = http.get(stack.urls[worker] + "/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "worker": worker}


def test_a_refused_type_is_named_in_the_detail(
    stack: LocalStack, http: httpx.Client
) -> None:
    response = signed_post(stack, http, grant_request(content_type="image/svg+xml"))
    assert problem_code(response) == "type_not_allowed"
    assert response.json()["detail"].startswith("image/svg+xml is not allowed")


def test_a_content_type_that_is_not_text_is_a_malformed_request(
    stack: LocalStack, http: httpx.Client
) -> None:
    response = signed_post(stack, http, grant_request(content_type=["image/png"]))
    assert problem_code(response) == "request_invalid"


def test_a_deeply_nested_body_is_refused_and_the_worker_keeps_serving(
    stack: LocalStack, http: httpx.Client
) -> None:
    response = signed_post(stack, http, b"[" * 5000)

    assert response.status_code == 400
    assert problem_code(response) == "request_invalid"
    assert http.get(stack.urls["access"] + "/healthz").status_code == 200
