"""Hostile object keys, in the grant request and in the upload path.

The access worker refuses them before minting; the upload worker refuses them
before looking at the grant, so the grant stays usable for its own key. Dot
segments in a URL path (``..``, ``%2e%2e``, and ``\\`` as a separator) are resolved
by the URL parser before the worker sees the path, as on Cloudflare: such a path
names another route or another key, and the grant does not match it.
"""

from __future__ import annotations

import httpx
import pytest
from attack_kit import GIF, raw_request, refused, submitted
from harness import LocalStack
from helpers import Forge, grant_request, object_exists, put, signed_post

HOSTILE_OBJECT_IDS = {
    "traversal": "../etc/passwd",
    "traversal inside": "tests/../../etc/passwd",
    "current directory": "./a.gif",
    "current directory inside": "a/./b.gif",
    "encoded traversal": "%2e%2e/%2e%2e/etc/passwd",
    "encoded slash": "..%2fetc%2fpasswd",
    "absolute": "/etc/passwd",
    "empty segment": "a//b.gif",
    "trailing slash": "a/",
    "backslash traversal": "..\\..\\windows\\win.ini",
    "drive letter": "C:\\x.gif",
    "nul byte": "a\x00.gif",
    "newline": "a\n.gif",
    "carriage return and header": "a.gif\r\nX-Injected: 1",
    "tab": "a\t.gif",
    "delete character": "a\x7f.gif",
    "space": "a b.gif",
    "accented": "caf\u00e9.gif",
    "right-to-left override": "a\u202egif.exe",
    "fullwidth dot traversal": "\uff0e\uff0e/etc/passwd",
    "emoji": "\U0001f600.gif",
    "query string": "a.gif?x=1",
    "fragment": "a.gif#x",
    "too long": "a" * 513,
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_OBJECT_IDS))
def test_a_hostile_key_in_a_grant_request_is_refused_without_a_grant(
    case: str, stack: LocalStack, fresh: httpx.Client
) -> None:
    response = signed_post(
        stack, fresh, grant_request(object_id=HOSTILE_OBJECT_IDS[case])
    )

    refused(response, 400, "key_invalid", stack)
    assert "Bearer" not in response.text


# (path after /v1/objects/, status, code); {key} is the grant's own key.
HOSTILE_PATHS = {
    "traversal out of the route": (
        "{key}/../../../../etc/passwd",
        404,
        "route_not_found",
    ),
    "traversal to a sibling": ("{key}/../evil.gif", 403, "key_mismatch"),
    "encoded traversal out of the route": (
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        404,
        "route_not_found",
    ),
    "mixed encoded traversal to a sibling": (
        "{key}/.%2E/evil.gif",
        403,
        "key_mismatch",
    ),
    "backslash traversal": ("{key}\\..\\evil.gif", 403, "key_mismatch"),
    "encoded slash": ("..%2f..%2fetc%2fpasswd", 400, "key_invalid"),
    "encoded backslash": ("..%5c{key}", 400, "key_invalid"),
    "encoded nul": ("{key}%00", 400, "key_invalid"),
    "encoded newline": ("{key}%0d%0aX-Injected:%201", 400, "key_invalid"),
    "encoded tab": ("{key}%09", 400, "key_invalid"),
    "encoded unicode": ("caf%C3%A9.gif", 400, "key_invalid"),
    "empty segment": ("tests//{key}", 400, "key_invalid"),
    "trailing slash": ("{key}/", 400, "key_invalid"),
    "empty key": ("", 400, "key_invalid"),
    "too long": ("a" * 513, 400, "key_invalid"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PATHS))
def test_a_hostile_key_in_the_upload_path_is_refused_and_the_grant_stays_usable(
    case: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)
    path, status, code = HOSTILE_PATHS[case]
    target = "/v1/objects/" + path.format(key=grant.key)

    response = raw_request(
        stack.urls["upload"],
        f"PUT {target} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: image/gif\r\nContent-Length: {len(GIF)}",
        GIF,
    )

    refused(response, status, code, stack, token)
    assert not object_exists(fresh, stack, grant.key)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201


@pytest.mark.parametrize("raw", ["\x01", "\x00", "\x7f", "\u00e9"])
def test_raw_control_and_non_ascii_bytes_in_the_path_never_reach_the_worker(
    raw: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    # The HTTP parser refuses such a request line outright, with a bare 400,
    # before any worker code runs.
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    response = raw_request(
        stack.urls["upload"],
        f"PUT /v1/objects/{grant.key}{raw}x HTTP/1.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(GIF)}",
        GIF,
    )

    assert response.status_code == 400
    assert token not in response.text
    assert not object_exists(fresh, stack, grant.key)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201
