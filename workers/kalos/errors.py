"""The error contract: one exception per way a request fails, each with a stable code.

Every error a worker returns is ``application/problem+json`` (RFC 9457) built from one
of these classes. ``code`` is what clients switch on; ``status`` is the HTTP status;
``detail`` explains this occurrence and never contains a secret, a token or a
signature. The README's error table lists the same codes.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_CONTENT_TYPE = "application/problem+json"


class KalosError(Exception):
    """Root of every failure a Kalos worker reports to its caller."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title

    def problem(self) -> dict[str, Any]:
        """The problem+json body for this error."""
        return {
            "type": f"urn:kalos:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }


# Backend request to the access worker.


class SignatureInvalid(KalosError):
    """Request signature is invalid."""

    code = "signature_invalid"
    status = 401
    title = "Request signature is invalid"


class RequestExpired(KalosError):
    """Request timestamp is outside the window."""

    code = "request_expired"
    status = 401
    title = "Request timestamp is outside the window"


class NonceReused(KalosError):
    """Request nonce was already used."""

    code = "nonce_reused"
    status = 409
    title = "Request nonce was already used"


class RequestInvalid(KalosError):
    """Request body is malformed."""

    code = "request_invalid"
    status = 400
    title = "Request body is malformed"


class RequestTooLarge(KalosError):
    """Request body is too large."""

    code = "request_too_large"
    status = 413
    title = "Request body is too large"


class ActionUnknown(KalosError):
    """Action is not upload or delete."""

    code = "action_unknown"
    status = 400
    title = "Action is not upload or delete"


class KeyInvalid(KalosError):
    """Object key is not allowed."""

    code = "key_invalid"
    status = 400
    title = "Object key is not allowed"


# Grants presented to the upload worker.


class GrantInvalid(KalosError):
    """Grant is missing or invalid."""

    code = "grant_invalid"
    status = 401
    title = "Grant is missing or invalid"


class GrantExpired(KalosError):
    """Grant has expired."""

    code = "grant_expired"
    status = 401
    title = "Grant has expired"


class GrantSpent(KalosError):
    """Grant was already used."""

    code = "grant_spent"
    status = 409
    title = "Grant was already used"


class ActionMismatch(KalosError):
    """Grant is for another action."""

    code = "action_mismatch"
    status = 403
    title = "Grant is for another action"


class KeyMismatch(KalosError):
    """Grant is for another object key."""

    code = "key_mismatch"
    status = 403
    title = "Grant is for another object key"


# The upload itself.


class LengthRequired(KalosError):
    """Content-Length is required."""

    code = "length_required"
    status = 411
    title = "Content-Length is required"


class LengthMismatch(KalosError):
    """Body length differs from Content-Length."""

    code = "length_mismatch"
    status = 400
    title = "Body length differs from Content-Length"


class EmptyBody(KalosError):
    """Upload is empty."""

    code = "empty_body"
    status = 400
    title = "Upload is empty"


class TooLarge(KalosError):
    """Upload is larger than the grant allows."""

    code = "too_large"
    status = 413
    title = "Upload is larger than the grant allows"


class TypeNotAllowed(KalosError):
    """Content type is not allowed."""

    code = "type_not_allowed"
    status = 415
    title = "Content type is not allowed"


class TypeUnrecognized(KalosError):
    """Content is not a recognised image."""

    code = "type_unrecognized"
    status = 415
    title = "Content is not a recognised image"


class TypeMismatch(KalosError):
    """Content does not match the declared type."""

    code = "type_mismatch"
    status = 415
    title = "Content does not match the declared type"


class ChecksumMismatch(KalosError):
    """Content does not match its SHA-256."""

    code = "checksum_mismatch"
    status = 400
    title = "Content does not match its SHA-256"


class ObjectExists(KalosError):
    """An object already exists at this key."""

    code = "object_exists"
    status = 409
    title = "An object already exists at this key"


class NotFound(KalosError):
    """No object at this key."""

    code = "not_found"
    status = 404
    title = "No object at this key"


# Routing, browsers and the service itself.


class RouteNotFound(KalosError):
    """No such route."""

    code = "route_not_found"
    status = 404
    title = "No such route"


class MethodNotAllowed(KalosError):
    """Method is not allowed here."""

    code = "method_not_allowed"
    status = 405
    title = "Method is not allowed here"


class OriginNotAllowed(KalosError):
    """Origin is not allowed."""

    code = "origin_not_allowed"
    status = 403
    title = "Origin is not allowed"


class Misconfigured(KalosError):
    """Service is misconfigured."""

    code = "misconfigured"
    status = 500
    title = "Service is misconfigured"


class StorageUnavailable(KalosError):
    """Storage is unavailable."""

    code = "storage_unavailable"
    status = 503
    title = "Storage is unavailable"


class InternalError(KalosError):
    """An unexpected failure; the log has the details, the caller gets none."""


ALL_ERRORS: tuple[type[KalosError], ...] = (
    SignatureInvalid,
    RequestExpired,
    NonceReused,
    RequestInvalid,
    RequestTooLarge,
    ActionUnknown,
    KeyInvalid,
    GrantInvalid,
    GrantExpired,
    GrantSpent,
    ActionMismatch,
    KeyMismatch,
    LengthRequired,
    LengthMismatch,
    EmptyBody,
    TooLarge,
    TypeNotAllowed,
    TypeUnrecognized,
    TypeMismatch,
    ChecksumMismatch,
    ObjectExists,
    NotFound,
    RouteNotFound,
    MethodNotAllowed,
    OriginNotAllowed,
    Misconfigured,
    StorageUnavailable,
    InternalError,
)
"""Every error a worker can return, in the order the README's table lists them."""
