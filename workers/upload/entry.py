"""The upload worker: spends a grant once and streams the file into R2.

PUT /v1/objects/<key> uploads and DELETE /v1/objects/<key> deletes, each with
``Authorization: Bearer <grant>``. OPTIONS answers CORS preflights without touching
any grant. GET /healthz answers when the worker is configured.

The grant is spent only once every check that can run before the write has passed,
so a malformed request leaves the grant unused. What fails after the spend (the
object appeared meanwhile, storage failed, the body was shorter than declared)
leaves no object, and the client asks its backend for a new grant.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

from js import FixedLengthStream  # type: ignore[import-not-found]
from workers import WorkerEntrypoint  # type: ignore[import-not-found]

from kalos import errors
from kalos.config import UploadSettings
from kalos.grants import METHOD_FOR_ACTION, Grant, verify_grant
from kalos.http import RequestLog, empty_response, guarded, json_response
from kalos.ledger import GrantLedger, spend_once
from kalos.policy import normalise_type, validate_key
from kalos.receipts import sign_receipt
from kalos.sniff import SNIFF_BYTES, sniff

__all__ = ["Default", "GrantLedger"]

OBJECTS_PREFIX = "/v1/objects/"
ALLOWED_METHODS = "PUT, DELETE"
ALLOWED_HEADERS = "authorization, content-type"
EXPOSED_HEADERS = "etag, content-type"
PREFLIGHT_MAX_AGE_SECONDS = "600"


class Default(WorkerEntrypoint):  # type: ignore[misc]
    """Routes requests; every response, errors included, carries CORS headers."""

    async def fetch(self, request: Any) -> Any:
        path = urlsplit(request.url).path
        route = OBJECTS_PREFIX + ":key" if path.startswith(OBJECTS_PREFIX) else path
        log = RequestLog("upload", request.method, route)
        # The SDK rebuilds request.headers from JavaScript on every access: read once.
        headers = request.headers
        cors: dict[str, str] = {}

        async def handle() -> Any:
            settings = UploadSettings.from_env(self.env)
            cors.update(cors_headers(headers.get("origin"), settings))
            return await self.route(request, headers, path, settings, cors, log)

        return await guarded(log, handle, cors)

    async def route(
        self,
        request: Any,
        headers: Any,
        path: str,
        settings: UploadSettings,
        cors: dict[str, str],
        log: RequestLog,
    ) -> Any:
        if path == "/healthz" and request.method == "GET":
            return json_response({"status": "ok", "worker": "upload"}, headers=cors)
        if not path.startswith(OBJECTS_PREFIX):
            raise errors.RouteNotFound(f"no route for {path}")

        key = validate_key(path.removeprefix(OBJECTS_PREFIX))
        log.add(key=key)
        if request.method == "OPTIONS":
            return preflight(headers, cors)
        if request.method not in ("PUT", "DELETE"):
            raise errors.MethodNotAllowed(f"objects take {ALLOWED_METHODS}")

        grant = await self.grant_for(headers, request.method, key, settings)
        log.add(grant=grant.id, user=grant.user)
        if request.method == "DELETE":
            return await self.delete(grant, cors)
        return await self.upload(request, headers, grant, settings, cors, log)

    async def grant_for(
        self, headers: Any, method: str, key: str, settings: UploadSettings
    ) -> Grant:
        """The request's grant, verified and matched to this method and key."""
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.GrantInvalid("send the grant as 'Authorization: Bearer …'")

        grant = await verify_grant(
            token.strip(), settings.grant_keys, now=int(time.time())
        )
        if METHOD_FOR_ACTION[grant.action] != method:
            raise errors.ActionMismatch(
                f"this grant is for {grant.action}, which takes "
                f"{METHOD_FOR_ACTION[grant.action]}"
            )
        if grant.key != key:
            raise errors.KeyMismatch("this grant is for another object key")
        return grant

    async def spend(self, grant: Grant) -> None:
        if not await spend_once(self.env.LEDGER, f"grant:{grant.id}", grant.expires_at):
            raise errors.GrantSpent("this grant was already used; ask for a new one")

    async def delete(self, grant: Grant, cors: dict[str, str]) -> Any:
        # Checking first keeps the grant unspent when there is nothing to delete.
        if await self.env.BUCKET.head(grant.key) is None:
            raise errors.NotFound(f"there is no object at {grant.key}")
        await self.spend(grant)
        await self.env.BUCKET.delete(grant.key)
        return empty_response(204, cors)

    async def upload(
        self,
        request: Any,
        headers: Any,
        grant: Grant,
        settings: UploadSettings,
        cors: dict[str, str],
        log: RequestLog,
    ) -> Any:
        length = declared_length(headers, grant)
        log.add(size=length)
        declared = normalise_type(headers.get("content-type"))
        declared = declared or grant.content_type
        if declared and declared not in grant.types:
            raise errors.TypeNotAllowed(
                f"{declared} is not allowed; allowed types are {', '.join(grant.types)}"
            )
        if grant.content_type and declared != grant.content_type:
            raise errors.TypeMismatch(f"this grant is for {grant.content_type} only")
        if not grant.overwrite and await self.env.BUCKET.head(grant.key) is not None:
            raise errors.ObjectExists(f"an object already exists at {grant.key}")

        reader = request.body.getReader()
        head, chunks = await read_head(reader)
        content_type = check_content(head, declared, grant)

        await self.spend(grant)
        stored = await stream_to_bucket(
            self.env.BUCKET, grant, request.body, reader, chunks, length, content_type
        )
        public_url = f"{settings.public_base_url}/{grant.key}"
        receipt = await sign_receipt(
            settings.receipt_keys.current,
            user=grant.user,
            object_key=grant.key,
            size=int(stored.size),
            etag=str(stored.etag),
            content_type=content_type,
            grant_id=grant.id,
            now=int(time.time()),
            sha256=grant.sha256,
        )
        return json_response(
            {
                "key": grant.key,
                "url": public_url,
                "size": int(stored.size),
                "etag": str(stored.etag),
                "content_type": content_type,
                "receipt": receipt,
            },
            status=201,
            headers={**cors, "etag": str(stored.httpEtag)},
        )


def cors_headers(origin: str | None, settings: UploadSettings) -> dict[str, str]:
    """CORS headers for a request from ``origin``.

    A request without an Origin header (a native app, a server) needs none. An
    origin that is not allowed is refused before any grant is looked at. Kalos
    never sends Access-Control-Allow-Credentials: grants travel in a header, not
    a cookie, so a wildcard origin stays harmless.
    """
    if origin is None:
        return {}
    if "*" in settings.allowed_origins:
        allowed = "*"
    elif origin in settings.allowed_origins:
        allowed = origin
    else:
        raise errors.OriginNotAllowed(f"uploads from {origin} are not allowed")
    return {
        "access-control-allow-origin": allowed,
        "access-control-expose-headers": EXPOSED_HEADERS,
        "vary": "Origin",
    }


def preflight(headers: Any, cors: dict[str, str]) -> Any:
    """Answer a CORS preflight. It never looks at, let alone spends, a grant."""
    if not cors:
        raise errors.OriginNotAllowed("a preflight needs an Origin header")
    method = headers.get("access-control-request-method")
    if method not in ("PUT", "DELETE"):
        raise errors.MethodNotAllowed(f"objects take {ALLOWED_METHODS}")
    return empty_response(
        204,
        {
            **cors,
            "access-control-allow-methods": ALLOWED_METHODS,
            "access-control-allow-headers": ALLOWED_HEADERS,
            "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
        },
    )


def declared_length(headers: Any, grant: Grant) -> int:
    """The body's declared length, checked against the grant before any byte is read.

    R2 stores only streams of known length, and the size cap must hold before the
    body is read, so a body without Content-Length (chunked) is refused.
    """
    text = headers.get("content-length")
    if text is None or headers.get("transfer-encoding"):
        raise errors.LengthRequired("send the file with a Content-Length header")
    if not text.isdigit():
        raise errors.LengthRequired("Content-Length must be a number of bytes")
    length = int(text)
    if length == 0:
        raise errors.EmptyBody("an upload needs at least one byte")
    if length > grant.max_bytes:
        raise errors.TooLarge(f"this grant allows at most {grant.max_bytes} bytes")
    return length


async def read_head(reader: Any) -> tuple[bytes, list[Any]]:
    """Read chunks until ``SNIFF_BYTES`` have arrived, or the body ends.

    Returns the leading bytes as Python bytes and the chunks read, still as
    JavaScript arrays, so they can be written on without another copy.
    """
    head = b""
    chunks: list[Any] = []
    while len(head) < SNIFF_BYTES:
        try:
            result = await reader.read()
        except Exception as exc:
            # The client went away mid-body: its failure, not the service's.
            raise errors.LengthMismatch("the body ended before Content-Length") from exc
        if result.done:
            break
        chunks.append(result.value)
        head += result.value.subarray(0, SNIFF_BYTES - len(head)).to_bytes()
    return head, chunks


def check_content(head: bytes, declared: str | None, grant: Grant) -> str:
    """The content type established from the bytes, checked against the grant."""
    detected = sniff(head)
    if detected is None:
        raise errors.TypeUnrecognized(
            "the content is not a complete header of any supported image type"
        )
    if detected not in grant.types:
        raise errors.TypeNotAllowed(f"{detected} is not allowed here")
    if declared and declared != detected:
        raise errors.TypeMismatch(f"the content is {detected}, not {declared}")
    return detected


async def stream_to_bucket(
    bucket: Any,
    grant: Grant,
    body: Any,
    reader: Any,
    chunks: list[Any],
    length: int,
    content_type: str,
) -> Any:
    """Write the head chunks and the rest of the body into R2 as one stream.

    A FixedLengthStream gives R2 the length it needs to accept a stream, and
    errors if the body turns out shorter or longer than declared; the put then
    fails and no object is left. Without an overwrite grant, ``onlyIf`` makes the
    write create-only, so a concurrent upload to the same key cannot be replaced.
    """
    stream = FixedLengthStream.new(length)
    options: dict[str, Any] = {
        "httpMetadata": {"contentType": content_type},
        "customMetadata": {"user": grant.user, "grant": grant.id},
    }
    if not grant.overwrite:
        options["onlyIf"] = {"etagDoesNotMatch": "*"}
    if grant.sha256:
        options["sha256"] = grant.sha256
    put = asyncio.ensure_future(bucket.put(grant.key, stream.readable, **options))

    try:
        await pipe(body, reader, stream.writable, chunks)
    except Exception as exc:
        if not put.done():
            # The stream is errored, so the put fails and nothing is stored.
            put.cancel()
            raise errors.LengthMismatch(
                f"the body was not the {length} bytes Content-Length declared"
            ) from exc
        # The put ended first (a failed create-only condition, say) and closed the
        # stream under the pipe: its outcome is the one to report.

    try:
        stored = await put
    except Exception as exc:
        if grant.sha256 and "sha-256" in str(exc).lower():
            raise errors.ChecksumMismatch("the content's SHA-256 differs") from exc
        raise errors.StorageUnavailable("the object could not be stored") from exc
    if stored is None:
        raise errors.ObjectExists(f"an object already exists at {grant.key}")
    return stored


async def pipe(body: Any, reader: Any, writable: Any, chunks: list[Any]) -> None:
    """Write the head chunks already read, then pipe the rest of the body.

    Only the head passes through Python. The rest is piped by JavaScript, chunk by
    chunk with backpressure, so a large upload costs the worker neither memory nor
    a Python round trip per chunk. The FixedLengthStream counts every byte.
    """
    writer = writable.getWriter()
    try:
        for chunk in chunks:
            await writer.write(chunk)
    except Exception:
        writer.abort("upload aborted")
        reader.cancel()
        raise
    writer.releaseLock()
    reader.releaseLock()
    await body.pipeTo(writable)
