"""Helpers for tests that drive the real workers over HTTP: forged grants, signed
backend requests, problem codes, and a look at the public bucket.

Both tests/integration and tests/attacks use them; the fixtures that build on them
(``http``, ``backend``, ``forge``) live in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
from harness import LocalStack

from kalos import signing
from kalos.crypto import run_sync
from kalos.grants import Grant, new_grant, sign_grant
from kalos.keys import SigningKey
from kalos.policy import IMAGE_TYPES, UploadPolicy

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


def unique_key(suffix: str = ".bin") -> str:
    """A fresh object key, so tests never collide in the shared bucket."""
    return f"tests/{uuid.uuid4().hex}{suffix}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Forge:
    """Mints grants directly with the stack's grant key, to shape the odd ones.

    Only tests hold the grant key; this is how they make an expired grant or one
    for another key without waiting for the clock.
    """

    def __init__(self, stack: LocalStack) -> None:
        self.key = SigningKey.from_text(stack.secrets["GRANT_SIGNING_KEY"])
        self.upload_url = stack.urls["upload"]

    def grant(self, action: str = "upload", key: str | None = None, **kw: Any) -> Grant:
        kw.setdefault("now", int(time.time()))
        if action == "upload":
            kw.setdefault("policy", UploadPolicy(10_000_000, IMAGE_TYPES))
        return new_grant(user="forger", action=action, key=key or unique_key(), **kw)  # type: ignore[arg-type]

    def token(self, grant: Grant, key: SigningKey | None = None) -> str:
        return run_sync(sign_grant(grant, key or self.key))

    def url(self, key: str) -> str:
        return f"{self.upload_url}/v1/objects/{key}"


def problem_code(response: httpx.Response) -> str:
    """The problem code of an error response, checking it is problem+json."""
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code
    return str(body["code"])


def object_exists(http: httpx.Client, stack: LocalStack, key: str) -> bool:
    """Whether the public bucket serves ``key``."""
    response = http.get(f"{stack.urls['public']}/{key}")
    assert response.status_code in (200, 404)
    return response.status_code == 200


def signed_post(
    stack: LocalStack,
    http: httpx.Client,
    body: bytes,
    *,
    now: int | None = None,
    nonce: str | None = None,
    key: str | None = None,
    sign_body: bytes | None = None,
    path: str = "/v1/grants",
) -> httpx.Response:
    """POST ``body`` to the access worker, signed over ``sign_body`` (default: body)."""
    signing_key = SigningKey.from_text(key or stack.secrets["BACKEND_SIGNING_KEY"])
    signature = run_sync(
        signing.sign(
            signing_key,
            "POST",
            path,
            body if sign_body is None else sign_body,
            now=int(time.time()) if now is None else now,
            nonce=nonce,
        )
    )
    return http.post(
        stack.urls["access"] + path,
        content=body,
        headers={signing.HEADER: signature.header_value()},
    )


def grant_request(**fields: object) -> bytes:
    """The JSON body of a grant request for a fresh key, with ``fields`` on top."""
    return json.dumps(
        {"user": "u1", "action": "upload", "object_id": unique_key(), **fields}
    ).encode()


def put(
    http: httpx.Client,
    forge: Forge,
    key: str,
    token: str | None,
    body: bytes | Iterator[bytes],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """PUT ``body`` to the upload worker at ``key`` with ``token`` as the grant."""
    auth = {"authorization": f"Bearer {token}"} if token else {}
    return http.put(forge.url(key), content=body, headers={**auth, **(headers or {})})


JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
SIGNATURE_FIELD = re.compile(r"\bsig=([A-Za-z0-9_-]+)")


def leaks(text: str, secrets: Iterable[str], sent: Iterable[str] = ()) -> list[str]:
    """What in ``text`` should never be there: each finding named, never quoted.

    Looks for the literal ``secrets``, anything shaped like a JWT, an Authorization
    or signature header value, and each of the ``sent`` tokens and signatures.
    """
    found = [f"secret #{i}" for i, s in enumerate(secrets) if s and s in text]
    if JWT_SHAPE.search(text):
        found.append("a JWT-shaped token")
    if re.search(r"bearer\s", text, re.IGNORECASE):
        found.append("an Authorization header value")
    if SIGNATURE_FIELD.search(text):
        found.append("a Kalos-Signature header value")
    for value in sent:
        signatures = SIGNATURE_FIELD.findall(value) or [value]
        if any(s in text for s in signatures):
            found.append("a submitted token or signature")
            break
    return found
