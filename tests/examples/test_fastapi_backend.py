"""The FastAPI example backend, served by uvicorn, against the real workers."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from demo_backend import DemoServer, load_app, stack_config
from harness import ROOT, LocalStack, random_secret

from kalos.crypto import run_sync
from kalos.keys import SigningKey
from kalos.receipts import sign_receipt
from kalos_client import Grant, send_file

PHOTO = ROOT / "tests" / "fixtures" / "corpus" / "grace_hopper.jpg"
ALICE = {"authorization": "Bearer demo-token-alice"}
BOB = {"authorization": "Bearer demo-token-bob"}


@pytest.fixture(scope="module")
def client(stack: LocalStack) -> Iterator[httpx.Client]:
    app = load_app().create_app(stack_config(stack))
    with DemoServer(app) as server, httpx.Client(base_url=server.origin) as http:
        yield http


@pytest.fixture(scope="module")
def uploaded(client: httpx.Client) -> dict[str, object]:
    """The upload worker's answer for a real photo, uploaded with alice's grant."""
    answer = client.post(
        "/api/grants",
        json={"content_type": "image/jpeg", "size": PHOTO.stat().st_size},
        headers=ALICE,
    )
    assert answer.status_code == 201, answer.text
    return send_file(Grant(**answer.json()), PHOTO)


def tamper(token: str) -> str:
    """The token with its size claim raised, and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["size"] += 1
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    return f"{header}.{forged.decode()}.{signature}"


@pytest.mark.parametrize("path", ["/api/grants", "/api/receipts"])
@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer not-a-demo-token"}, {"authorization": "Basic x"}],
    ids=["no token", "unknown token", "wrong scheme"],
)
def test_a_request_without_a_known_demo_token_gets_401(
    client: httpx.Client, path: str, headers: dict[str, str]
) -> None:
    response = client.post(path, json={"receipt": "x"}, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_a_signed_in_user_gets_an_upload_grant_for_a_key_in_their_folder(
    client: httpx.Client, stack: LocalStack
) -> None:
    response = client.post(
        "/api/grants", json={"content_type": "image/png", "size": 1234}, headers=ALICE
    )

    assert response.status_code == 201
    grant = response.json()
    assert grant["method"] == "PUT"
    assert grant["key"].startswith("users/alice/")
    assert grant["key"].endswith(".png")
    assert grant["url"] == f"{stack.urls['upload']}/v1/objects/{grant['key']}"
    assert grant["headers"]["Authorization"].startswith("Bearer ")
    assert grant["headers"]["Content-Type"] == "image/png"
    assert grant["expires_at"] > time.time()


def test_a_type_the_policy_forbids_is_refused_before_any_grant(
    client: httpx.Client,
) -> None:
    response = client.post(
        "/api/grants", json={"content_type": "image/svg+xml"}, headers=ALICE
    )

    assert response.status_code == 415
    assert response.json()["code"] == "type_not_allowed"


def test_a_receipt_from_a_real_upload_verifies_with_the_users_claims(
    client: httpx.Client, uploaded: dict[str, object]
) -> None:
    response = client.post(
        "/api/receipts", json={"receipt": uploaded["receipt"]}, headers=ALICE
    )

    assert response.status_code == 200
    claims = response.json()
    assert claims["user"] == "alice"
    assert claims["key"] == uploaded["key"]
    assert claims["size"] == PHOTO.stat().st_size
    assert claims["content_type"] == "image/jpeg"
    assert claims["etag"] == uploaded["etag"]


def test_a_receipt_is_refused_to_a_user_who_did_not_upload_it(
    client: httpx.Client, uploaded: dict[str, object]
) -> None:
    response = client.post(
        "/api/receipts", json={"receipt": uploaded["receipt"]}, headers=BOB
    )

    assert response.status_code == 403
    assert response.json()["code"] == "receipt_not_yours"


def test_a_forged_receipt_is_refused(
    client: httpx.Client, uploaded: dict[str, object]
) -> None:
    foreign_key = SigningKey.from_text(random_secret())
    forgeries = [
        tamper(str(uploaded["receipt"])),
        run_sync(
            sign_receipt(
                foreign_key,
                user="alice",
                object_key="users/alice/forged.jpg",
                size=1,
                etag="0" * 32,
                content_type="image/jpeg",
                grant_id="forged",
                now=int(time.time()),
            )
        ),
    ]

    for forged in forgeries:
        response = client.post("/api/receipts", json={"receipt": forged}, headers=ALICE)
        assert response.status_code == 400
        assert response.json()["code"] == "receipt_invalid"


def test_the_demo_page_is_served_from_the_same_origin(client: httpx.Client) -> None:
    page = client.get("/")
    script = client.get("/upload.js")

    assert page.status_code == 200
    assert '<script src="upload.js"' in page.text
    assert script.status_code == 200
    assert "XMLHttpRequest" in script.text
