"""The access worker: turns a signed backend request into a grant.

POST /v1/grants with a ``Kalos-Signature`` header and a JSON body
``{"user", "action": "upload"|"delete", "object_id", "content_type"?, "size"?,
"sha256"?, "overwrite"?}`` answers ``{"url", "method", "headers", "expires_at",
"key", "grant_id"}``. GET /healthz answers when the worker is configured.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from workers import WorkerEntrypoint  # type: ignore[import-not-found]

from kalos import errors, signing
from kalos.config import AccessSettings
from kalos.grants import (
    ACTIONS,
    METHOD_FOR_ACTION,
    SHA256_HEX,
    new_grant,
    sign_grant,
)
from kalos.http import RequestLog, guarded, json_response
from kalos.ledger import spend_once
from kalos.policy import UploadPolicy, normalise_type, validate_key
from kalos.untrusted_json import loads_object

GRANTS_PATH = "/v1/grants"
# A grant request is a few hundred bytes of JSON.
MAX_REQUEST_BYTES = 16 * 1024
MAX_USER_LENGTH = 256
# KV refuses an expirationTtl under 60 s.
MIN_KV_TTL_SECONDS = 60


class Default(WorkerEntrypoint):  # type: ignore[misc]
    """Routes requests and reports every failure under the error contract."""

    async def fetch(self, request: Any) -> Any:
        url = urlsplit(request.url)
        log = RequestLog("access", request.method, url.path)
        return await guarded(log, lambda: self.route(request, url.path, url.query, log))

    async def route(self, request: Any, path: str, query: str, log: RequestLog) -> Any:
        settings = AccessSettings.from_env(self.env)
        if path == "/healthz" and request.method == "GET":
            return json_response({"status": "ok", "worker": "access"})
        if path != GRANTS_PATH:
            raise errors.RouteNotFound(f"no route for {path}")
        if request.method != "POST":
            raise errors.MethodNotAllowed(f"{GRANTS_PATH} takes POST")
        return await self.mint(
            request, path + (f"?{query}" if query else ""), settings, log
        )

    async def mint(
        self, request: Any, signed_path: str, settings: AccessSettings, log: RequestLog
    ) -> Any:
        now = int(time.time())
        signature = signing.parse_header(request.headers.get(signing.HEADER))
        body = await read_small_body(request)

        await signing.verify(
            signature,
            settings.backend_keys,
            request.method,
            signed_path,
            body,
            now=now,
            tolerance=settings.tolerance,
        )
        await self.remember_nonce(signature, settings)

        fields = parse_grant_request(body, settings.policy)
        log.add(action=fields["action"], key=fields["key"])
        grant = new_grant(now=now, ttl=settings.grant_ttl, **fields)
        token = await sign_grant(grant, settings.grant_keys.current)
        log.add(grant=grant.id)

        headers = {"Authorization": f"Bearer {token}"}
        if grant.action == "upload" and grant.content_type:
            headers["Content-Type"] = grant.content_type
        return json_response(
            {
                "url": f"{settings.upload_base_url}/v1/objects/{grant.key}",
                "method": METHOD_FOR_ACTION[grant.action],
                "headers": headers,
                "expires_at": grant.expires_at,
                "key": grant.key,
                "grant_id": grant.id,
            },
            status=201,
        )

    async def remember_nonce(
        self, signature: signing.Signature, settings: AccessSettings
    ) -> None:
        """Refuse a nonce seen within the tolerance window, then remember it.

        KV is eventually consistent, so this only catches replays that reach a
        location which has already seen the nonce. NONCE_MODE=strict also spends
        the nonce in the ledger, which no concurrent replay can pass.
        """
        name = f"nonce:{signature.kid}:{signature.nonce}"
        if await self.env.NONCES.get(name) is not None:
            raise errors.NonceReused("this signed request was already used")
        # A nonce must outlive every timestamp that could still pass the window.
        ttl = max(MIN_KV_TTL_SECONDS, 2 * settings.tolerance)
        await self.env.NONCES.put(name, "1", expirationTtl=ttl)

        if settings.nonce_mode == "strict":
            expires_at = signature.timestamp + settings.tolerance
            if not await spend_once(self.env.LEDGER, name, expires_at):
                raise errors.NonceReused("this signed request was already used")


async def read_small_body(request: Any) -> bytes:
    """The request body, refusing one over ``MAX_REQUEST_BYTES`` before reading it."""
    declared = request.headers.get("content-length")
    if declared is None:
        raise errors.LengthRequired("send the grant request with a Content-Length")
    if not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES:
        raise errors.RequestTooLarge(
            f"a grant request is at most {MAX_REQUEST_BYTES} B"
        )

    body = bytes(await request.bytes())
    if len(body) > MAX_REQUEST_BYTES:
        raise errors.RequestTooLarge(
            f"a grant request is at most {MAX_REQUEST_BYTES} B"
        )
    return body


def parse_grant_request(body: bytes, policy: UploadPolicy) -> dict[str, Any]:
    """Validate the JSON body of a grant request into ``new_grant`` arguments."""
    try:
        data = loads_object(body)
    except ValueError as exc:
        raise errors.RequestInvalid(f"the body must be a JSON object: {exc}") from exc

    user = data.get("user")
    if not isinstance(user, str) or not 0 < len(user) <= MAX_USER_LENGTH:
        raise errors.RequestInvalid(f"'user' must be 1 to {MAX_USER_LENGTH} characters")
    action = data.get("action")
    if action not in ACTIONS:
        raise errors.ActionUnknown(f"'action' must be one of {', '.join(ACTIONS)}")
    object_id = data.get("object_id")
    if not isinstance(object_id, str):
        raise errors.KeyInvalid("'object_id' must be a string")
    fields: dict[str, Any] = {
        "user": user,
        "action": action,
        "key": validate_key(object_id),
    }
    if action == "delete":
        return fields

    fields["policy"] = upload_policy(data.get("size"), policy)
    content_type = data.get("content_type")
    if content_type is not None:
        if not isinstance(content_type, str):
            raise errors.RequestInvalid("'content_type' must be a string")
        declared = normalise_type(content_type)
        if declared not in policy.types:
            raise errors.TypeNotAllowed(
                f"{declared} is not allowed; allowed types are "
                f"{', '.join(policy.types)}"
            )
        fields["content_type"] = declared
    sha256 = data.get("sha256")
    if sha256 is not None:
        if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
            raise errors.RequestInvalid("'sha256' must be 64 lower-case hex digits")
        fields["sha256"] = sha256
    overwrite = data.get("overwrite", False)
    if not isinstance(overwrite, bool):
        raise errors.RequestInvalid("'overwrite' must be true or false")
    fields["overwrite"] = overwrite
    return fields


def upload_policy(size: Any, policy: UploadPolicy) -> UploadPolicy:
    """The grant's limits: the declared size, if any, tightens the configured cap."""
    if size is None:
        return policy
    if not isinstance(size, int) or isinstance(size, bool):
        raise errors.RequestInvalid("'size' must be an integer number of bytes")
    if size < 1:
        raise errors.EmptyBody("an upload needs at least one byte")
    if size > policy.max_bytes:
        raise errors.TooLarge(f"uploads are limited to {policy.max_bytes} bytes")
    return UploadPolicy(max_bytes=size, types=policy.types)
