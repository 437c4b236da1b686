"""What a backend embeds: signed grant requests and offline receipt verification."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import jwt as pyjwt

from kalos import signing
from kalos.crypto import run_sync
from kalos.receipts import AUDIENCE, ISSUER, RECEIPT_TYPE
from kalos_client.config import Config

GRANTS_PATH = "/v1/grants"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, write=None, read=60.0)


class KalosError(Exception):
    """A refusal from a Kalos worker, or a failure on the way to it.

    ``code`` is the problem code from the error contract (``grant_spent``,
    ``type_not_allowed``, …); for an answer that is not problem+json (the edge's own
    413 page, a proxy's 502) it is ``http_<status>``.
    """

    def __init__(self, code: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.status = status

    @classmethod
    def from_response(cls, response: httpx.Response) -> KalosError:
        """Read the problem+json body of a failed response."""
        try:
            problem = response.json()
            return cls(
                str(problem["code"]), str(problem["detail"]), response.status_code
            )
        except (ValueError, KeyError, TypeError):
            return cls(
                f"http_{response.status_code}",
                response.reason_phrase or "unexpected response",
                response.status_code,
            )


@dataclass(frozen=True)
class Grant:
    """The access worker's answer: where and how the client sends the request."""

    url: str
    method: Literal["PUT", "DELETE"]
    headers: dict[str, str]
    expires_at: int
    key: str
    grant_id: str

    def as_json(self) -> dict[str, Any]:
        """The answer as the backend hands it to a client."""
        return {
            "url": self.url,
            "method": self.method,
            "headers": self.headers,
            "expires_at": self.expires_at,
            "key": self.key,
            "grant_id": self.grant_id,
        }


@dataclass(frozen=True)
class Receipt:
    """The verified claims of an upload receipt."""

    user: str
    key: str
    size: int
    etag: str
    content_type: str
    grant_id: str
    issued_at: int
    sha256: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "key": self.key,
            "size": self.size,
            "etag": self.etag,
            "content_type": self.content_type,
            "grant_id": self.grant_id,
            "issued_at": self.issued_at,
            "sha256": self.sha256,
        }


class KalosBackend:
    """Asks the access worker for grants, and verifies receipts, for one backend."""

    def __init__(self, config: Config, client: httpx.Client | None = None) -> None:
        self.config = config
        self.client = client or httpx.Client(timeout=DEFAULT_TIMEOUT)

    def request_grant(
        self,
        action: Literal["upload", "delete"],
        object_id: str,
        *,
        user: str | None = None,
        content_type: str | None = None,
        size: int | None = None,
        sha256: str | None = None,
    ) -> Grant:
        """Ask for a grant for one action on one object; raises ``KalosError``."""
        payload: dict[str, Any] = {
            "user": user or self.config.user,
            "action": action,
            "object_id": object_id,
        }
        if content_type is not None:
            payload["content_type"] = content_type
        if size is not None:
            payload["size"] = size
        if sha256 is not None:
            payload["sha256"] = sha256

        response = self.post_signed(GRANTS_PATH, json.dumps(payload).encode())
        if response.status_code != 201:
            raise KalosError.from_response(response)
        return Grant(**response.json())

    def post_signed(self, path: str, body: bytes) -> httpx.Response:
        """POST ``body`` to the access worker with a fresh signature and nonce."""
        url = self.config.access_url + path
        signed_path = urlsplit(url).path
        signature = run_sync(
            signing.sign(
                self.config.backend_keys.current,
                "POST",
                signed_path,
                body,
                now=int(time.time()),
            )
        )
        headers = {
            "content-type": "application/json",
            signing.HEADER: signature.header_value(),
        }
        try:
            return self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise KalosError("unreachable", f"{url}: {exc}") from exc

    def verify_receipt(self, token: str) -> Receipt:
        """Verify a receipt offline with PyJWT; raises ``KalosError`` if it fails."""
        keys = self.config.receipt_keys
        if keys is None:
            raise KalosError("receipt_key_missing", "no receipt signing key configured")
        try:
            header = pyjwt.get_unverified_header(token)
            key = keys.find(str(header.get("kid")))
            if key is None or header.get("typ") != RECEIPT_TYPE:
                raise pyjwt.InvalidTokenError("unknown key id or token type")
            claims = pyjwt.decode(
                token,
                key.secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=30,
                options={"require": ["exp", "iat", "sub", "key", "jti"]},
            )
        except pyjwt.InvalidTokenError as exc:
            raise KalosError("receipt_invalid", str(exc)) from exc
        return Receipt(
            user=claims["sub"],
            key=claims["key"],
            size=claims["size"],
            etag=claims["etag"],
            content_type=claims["ct"],
            grant_id=claims["jti"],
            issued_at=claims["iat"],
            sha256=claims.get("sha256"),
        )
