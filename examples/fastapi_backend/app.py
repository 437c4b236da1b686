"""A backend that hands out Kalos grants and checks receipts, written with FastAPI.

It stands in for your own backend, and serves the demo web page (examples/web/) from
the same origin, so the page can call it without CORS:

    POST /api/grants    {"content_type"?, "size"?}  -> the access worker's grant
    POST /api/receipts  {"receipt"}                 -> the receipt's verified claims
    GET  /              the demo web page

Both API routes need ``Authorization: Bearer <token>``. The tokens come from
``DEMO_USERS``, a fixed table that stands in for real authentication (sessions,
OAuth, your identity provider): replace ``current_user`` with yours.

Run it next to the local stack (``make dev`` does this for you):

    .venv/bin/uvicorn --app-dir examples/fastapi_backend app:create_app --factory \
        --port 8790
"""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from kalos_client import Config, KalosBackend, KalosError

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"

# Demo authentication only: a bearer token per user, written in the source. A real
# backend authenticates its users however it already does and keeps this mapping
# nowhere near its code.
DEMO_USERS = {
    "demo-token-alice": "alice",
    "demo-token-bob": "bob",
}

# Refusals of what the user asked for (a type or a size the policy forbids) are the
# user's to see; anything else from the access worker is this backend's fault.
USER_FACING_STATUSES = {400, 413, 415}


class GrantRequest(BaseModel):
    """What the page says about the file it wants to upload."""

    content_type: str | None = Field(default=None, max_length=100)
    size: int | None = Field(default=None, gt=0)


class ReceiptSubmission(BaseModel):
    """The receipt the upload worker gave the page."""

    receipt: str = Field(max_length=4096)


class ProblemError(Exception):
    """An error this backend answers as application/problem+json."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


def problem_response(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return JSONResponse(
        {"status": exc.status, "code": exc.code, "detail": exc.detail},
        status_code=exc.status,
        media_type="application/problem+json",
        headers={"www-authenticate": "Bearer"} if exc.status == 401 else None,
    )


bearer = HTTPBearer(auto_error=False)


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The demo user named by the bearer token; refuses any other request with 401."""
    user = DEMO_USERS.get(credentials.credentials) if credentials else None
    if user is None:
        raise ProblemError(401, "unauthenticated", "sign in with a demo bearer token")
    return user


# FastAPI resolves annotations in this module's namespace, so the alias lives here.
User = Annotated[str, Depends(current_user)]


def object_key(user: str, content_type: str | None) -> str:
    """A fresh key under the user's folder; the client's file name is never used."""
    extension = mimetypes.guess_extension(content_type or "") or ""
    return f"users/{user}/{uuid.uuid4().hex}{extension}"


def create_app(config: Config | None = None, web_root: Path = WEB_ROOT) -> FastAPI:
    """The demo backend, talking to the access worker that ``config`` names.

    Without a config it reads the client library's usual settings (environment,
    config file, ``.dev.vars``), which point at the local stack by default.
    """
    backend = KalosBackend(config or Config.load())
    app = FastAPI(title="Kalos demo backend")
    app.add_exception_handler(ProblemError, problem_response)

    @app.post("/api/grants", status_code=201)
    def grant(request: GrantRequest, user: User) -> dict[str, Any]:
        """A grant to upload one file, for the signed-in user."""
        # A real backend checks the user's rights and quota here.
        try:
            answer = backend.request_grant(
                "upload",
                object_key(user, request.content_type),
                user=user,
                content_type=request.content_type or None,
                size=request.size,
            )
        except KalosError as exc:
            status = exc.status if exc.status in USER_FACING_STATUSES else 502
            raise ProblemError(status, exc.code, exc.detail) from exc
        return answer.as_json()

    @app.post("/api/receipts")
    def receipt(submission: ReceiptSubmission, user: User) -> dict[str, Any]:
        """Verify a receipt offline; the claims say what this user really stored."""
        try:
            verified = backend.verify_receipt(submission.receipt)
        except KalosError as exc:
            status = 400 if exc.code == "receipt_invalid" else 500
            raise ProblemError(status, exc.code, exc.detail) from exc
        if verified.user != user:
            raise ProblemError(403, "receipt_not_yours", "another user stored this")
        # A real backend now records verified.key as the user's, e.g. as an avatar.
        return verified.as_json()

    app.mount("/", StaticFiles(directory=web_root, html=True), name="web")
    return app
