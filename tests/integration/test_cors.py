"""CORS on the upload worker: what a browser page may do, and what it may read."""

from __future__ import annotations

import httpx
import pytest
from helpers import CORPUS, Forge, problem_code

ALLOWED = "http://127.0.0.1:8790"
JPEG = (CORPUS / "grace_hopper.jpg").read_bytes()


def preflight(
    http: httpx.Client, forge: Forge, key: str, origin: str
) -> httpx.Response:
    return http.options(
        forge.url(key),
        headers={
            "origin": origin,
            "access-control-request-method": "PUT",
            "access-control-request-headers": "authorization, content-type",
        },
    )


def test_a_preflight_from_an_allowed_origin_allows_put_with_the_grant_header(
    http: httpx.Client, forge: Forge
) -> None:
    response = preflight(http, forge, "a.jpg", ALLOWED)

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_never_spends_the_grant(http: httpx.Client, forge: Forge) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    for _ in range(3):
        assert preflight(http, forge, grant.key, ALLOWED).status_code == 204

    response = http.put(
        forge.url(grant.key),
        content=JPEG,
        headers={"authorization": f"Bearer {token}", "origin": ALLOWED},
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_a_disallowed_origin_gets_no_cors_grant_and_no_upload(
    http: httpx.Client, forge: Forge
) -> None:
    grant = forge.grant()
    evil = "https://evil.example"

    refused_preflight = preflight(http, forge, grant.key, evil)
    refused_put = http.put(
        forge.url(grant.key),
        content=JPEG,
        headers={"authorization": f"Bearer {forge.token(grant)}", "origin": evil},
    )

    for response in (refused_preflight, refused_put):
        assert response.status_code == 403
        assert problem_code(response) == "origin_not_allowed"
        assert "access-control-allow-origin" not in response.headers


def test_an_error_response_carries_cors_headers_so_the_page_can_read_the_code(
    http: httpx.Client, forge: Forge
) -> None:
    grant = forge.grant()
    response = http.put(
        forge.url(grant.key),
        content=b"not an image at all",
        headers={"authorization": f"Bearer {forge.token(grant)}", "origin": ALLOWED},
    )

    assert response.status_code == 415
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert problem_code(response) == "type_unrecognized"


@pytest.mark.parametrize("origin", [ALLOWED + "/", ALLOWED + "//", ALLOWED.upper()])
def test_only_the_exact_allowed_origin_gets_cors_headers(
    http: httpx.Client, forge: Forge, origin: str
) -> None:
    response = preflight(http, forge, "a.jpg", origin)
    assert response.status_code == 403
    assert problem_code(response) == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers
