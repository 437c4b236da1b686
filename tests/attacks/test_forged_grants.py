"""Forged and doctored grants: each is refused before anything is spent or stored.

Every case starts from a genuine grant for a fresh key, derives a hostile token from
it, and sends a real GIF with that token. The refusal must be the documented code,
no object may appear, and afterwards the genuine token must still upload: the
forgery spent nothing, not even the grant id it copied.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from attack_kit import (
    GIF,
    forge_token,
    refused,
    split_token,
    submitted,
)
from harness import LocalStack
from helpers import Forge, object_exists, put

from kalos import base64url
from kalos.keys import SigningKey


class Genuine:
    """A genuine grant's token, taken apart, and the secrets an attacker may guess."""

    def __init__(self, token: str, stack: LocalStack) -> None:
        self.token = token
        self.header, self.claims, self.signature = split_token(token)
        self.grant_secret = stack.secrets["GRANT_SIGNING_KEY"].encode()
        self.receipt_key = SigningKey.from_text(stack.secrets["RECEIPT_SIGNING_KEY"])
        self.backend_key = SigningKey.from_text(stack.secrets["BACKEND_SIGNING_KEY"])
        self.now = int(time.time())

    def signed(
        self, header: dict[str, Any] | None = None, alg: str = "HS256", **claims: Any
    ) -> str:
        """A token signed with the real grant key: only its content is wrong."""
        body = {k: v for k, v in {**self.claims, **claims}.items() if v is not None}
        return forge_token(header or self.header, body, self.grant_secret, alg)

    def reheader(self, **fields: Any) -> dict[str, Any]:
        return {k: v for k, v in {**self.header, **fields}.items() if v is not None}

    def resigned_payload(self, **claims: Any) -> str:
        """The genuine header and signature over a doctored payload."""
        head, _, _ = self.token.split(".")
        body = base64url.encode(forge_json({**self.claims, **claims}))
        return f"{head}.{body}.{self.signature}"

    def with_header(self, **fields: Any) -> str:
        """A doctored header over the genuine payload and signature."""
        _, body, signature = self.token.split(".")
        head = base64url.encode(forge_json(self.reheader(**fields)))
        return f"{head}.{body}.{signature}"


def forge_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode()


def flip_first(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


Attack = Callable[[Genuine], str]
INVALID = (401, "grant_invalid")
EXPIRED = (401, "grant_expired")

FORGERIES: dict[str, tuple[Attack, tuple[int, str]]] = {
    "alg none without a signature": (
        lambda g: g.with_header(alg="none").rsplit(".", 1)[0] + ".",
        INVALID,
    ),
    "alg none with the signature kept": (lambda g: g.with_header(alg="none"), INVALID),
    "alg None capitalised": (lambda g: g.with_header(alg="None"), INVALID),
    "alg HS512 signed with the grant key": (
        lambda g: g.signed(g.reheader(alg="HS512"), alg="HS512"),
        INVALID,
    ),
    "alg HS384 signed with the grant key": (
        lambda g: g.signed(g.reheader(alg="HS384"), alg="HS384"),
        INVALID,
    ),
    "alg RS256 over an HMAC of the grant key": (
        lambda g: g.signed(g.reheader(alg="RS256")),
        INVALID,
    ),
    "alg ES256 over an HMAC of the grant key": (
        lambda g: g.signed(g.reheader(alg="ES256")),
        INVALID,
    ),
    "alg missing": (lambda g: g.signed(g.reheader(alg=None)), INVALID),
    "alg as a list": (lambda g: g.signed(g.reheader(alg=["HS256"])), INVALID),
    "signature flipped": (
        lambda g: g.token.rsplit(".", 1)[0] + "." + flip_first(g.signature),
        INVALID,
    ),
    "signature truncated": (lambda g: g.token[:-8], INVALID),
    "signature empty": (lambda g: g.token.rsplit(".", 1)[0] + ".", INVALID),
    "signature by another key with the same kid": (
        lambda g: forge_token(g.header, g.claims, b"y" * 32),
        INVALID,
    ),
    "payload for another object key": (
        lambda g: g.resigned_payload(key="tests/someone-else.gif"),
        INVALID,
    ),
    "payload with a larger size limit": (
        lambda g: g.resigned_payload(max=10**12),
        INVALID,
    ),
    "payload with a later expiry": (
        lambda g: g.resigned_payload(exp=g.now + 86400),
        INVALID,
    ),
    "payload allowing an overwrite": (lambda g: g.resigned_payload(ow=True), INVALID),
    "payload for another action": (
        lambda g: g.resigned_payload(act="delete"),
        INVALID,
    ),
    "issuer wrong": (lambda g: g.signed(iss="kalos-upload"), INVALID),
    "issuer missing": (lambda g: g.signed(iss=None), INVALID),
    "audience wrong": (lambda g: g.signed(aud="kalos-backend"), INVALID),
    "audience as a list": (lambda g: g.signed(aud=["kalos-upload"]), INVALID),
    "typ JWT": (lambda g: g.signed(g.reheader(typ="JWT")), INVALID),
    "typ of a receipt": (
        lambda g: g.signed(g.reheader(typ="kalos-receipt+jwt")),
        INVALID,
    ),
    "typ missing": (lambda g: g.signed(g.reheader(typ=None)), INVALID),
    "kid unknown": (lambda g: g.signed(g.reheader(kid="AAAAAAAA")), INVALID),
    "kid missing": (lambda g: g.signed(g.reheader(kid=None)), INVALID),
    "signed with the receipt key under its kid": (
        lambda g: forge_token(
            g.reheader(kid=g.receipt_key.kid), g.claims, g.receipt_key.secret
        ),
        INVALID,
    ),
    "signed with the backend key under its kid": (
        lambda g: forge_token(
            g.reheader(kid=g.backend_key.kid), g.claims, g.backend_key.secret
        ),
        INVALID,
    ),
    "expired": (
        lambda g: g.signed(iat=g.now - 400, nbf=g.now - 400, exp=g.now - 220),
        EXPIRED,
    ),
    "expired just beyond the leeway": (
        lambda g: g.signed(iat=g.now - 400, nbf=g.now - 400, exp=g.now - 35),
        EXPIRED,
    ),
    "not yet valid": (lambda g: g.signed(nbf=g.now + 120), INVALID),
    "issued in the future": (
        lambda g: g.signed(iat=g.now + 120, nbf=g.now + 120, exp=g.now + 300),
        INVALID,
    ),
    "expiry missing": (lambda g: g.signed(exp=None), INVALID),
    "expiry as text": (lambda g: g.signed(exp=str(g.now + 100)), INVALID),
    "too long": (lambda g: g.signed(pad="x" * 5000), INVALID),
    "two parts": (lambda g: g.token.rsplit(".", 1)[0], INVALID),
    "not base64url": (lambda g: "!!!." + g.token.split(".", 1)[1], INVALID),
}


@pytest.mark.parametrize("case", sorted(FORGERIES))
def test_a_forged_grant_is_refused_and_spends_nothing(
    case: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    genuine = forge.token(grant)
    attack, (status, code) = FORGERIES[case]
    forged = attack(Genuine(genuine, stack))
    submitted(genuine, forged)

    response = put(fresh, forge, grant.key, forged, GIF)

    refused(response, status, code, stack, forged, genuine)
    assert not object_exists(fresh, stack, grant.key)
    assert put(fresh, forge, grant.key, genuine, GIF).status_code == 201


@pytest.mark.parametrize(
    "authorization",
    [
        "{token}",
        "Token {token}",
        "Basic {token}",
        "Bearer",
        "Bearer {token} {token}",
        "Bearer {token}.{token}",
    ],
)
def test_a_grant_in_the_wrong_authorization_shape_is_refused(
    authorization: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    genuine = forge.token(grant)
    submitted(genuine)

    response = fresh.put(
        forge.url(grant.key),
        content=GIF,
        headers={"authorization": authorization.format(token=genuine)},
    )

    refused(response, 401, "grant_invalid", stack, genuine)
    assert not object_exists(fresh, stack, grant.key)
    assert put(fresh, forge, grant.key, genuine, GIF).status_code == 201
