"""Genuine grants used for something else: another method, another key, twice.

A refusal that happens before the grant is spent leaves it usable, and each test
shows that by using it afterwards. Refusals after the spend (a reuse) leave the
stored object exactly as the first use wrote it.
"""

from __future__ import annotations

import httpx
import pytest
from attack_kit import GIF, PNG, refused, submitted
from harness import LocalStack
from helpers import Forge, object_exists, put, unique_key


def upload_object(fresh: httpx.Client, forge: Forge, key: str) -> None:
    grant = forge.grant(key=key)
    assert put(fresh, forge, key, forge.token(grant), GIF).status_code == 201


def delete(fresh: httpx.Client, forge: Forge, key: str, token: str) -> httpx.Response:
    return fresh.delete(forge.url(key), headers={"authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("method", "status", "code"),
    [
        ("DELETE", 403, "action_mismatch"),
        ("POST", 405, "method_not_allowed"),
        ("PATCH", 405, "method_not_allowed"),
        ("GET", 405, "method_not_allowed"),
    ],
)
def test_an_upload_grant_with_another_method_is_refused_and_stays_usable(
    method: str,
    status: int,
    code: str,
    stack: LocalStack,
    forge: Forge,
    fresh: httpx.Client,
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)

    response = fresh.request(
        method,
        forge.url(grant.key),
        content=GIF if method != "GET" else None,
        headers={"authorization": f"Bearer {token}"},
    )

    refused(response, status, code, stack, token)
    assert not object_exists(fresh, stack, grant.key)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201


def test_a_delete_grant_used_to_upload_is_refused_and_still_deletes(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    key = unique_key(".gif")
    upload_object(fresh, forge, key)
    token = forge.token(forge.grant("delete", key=key))
    submitted(token)

    refused(put(fresh, forge, key, token, PNG), 403, "action_mismatch", stack, token)
    assert fresh.get(f"{stack.urls['public']}/{key}").content == GIF
    assert delete(fresh, forge, key, token).status_code == 204
    assert not object_exists(fresh, stack, key)


@pytest.mark.parametrize(
    "other",
    [
        "{key}.png",
        "{key}/x",
        "{upper}",
        "tests/other.gif",
        "{key}x",
    ],
)
def test_a_grant_for_another_key_is_refused_and_stays_usable(
    other: str, stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant(key=unique_key(".gif"))
    token = forge.token(grant)
    submitted(token)
    target = other.format(key=grant.key, upper=grant.key.upper())

    refused(put(fresh, forge, target, token, GIF), 403, "key_mismatch", stack, token)
    assert not object_exists(fresh, stack, target)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201


def test_a_delete_grant_for_another_key_deletes_nothing(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    victim = unique_key(".gif")
    upload_object(fresh, forge, victim)
    token = forge.token(forge.grant("delete", key=unique_key(".gif")))
    submitted(token)

    refused(delete(fresh, forge, victim, token), 403, "key_mismatch", stack, token)
    assert object_exists(fresh, stack, victim)


def test_a_reused_overwrite_grant_is_spent_and_the_first_bytes_stay(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant(overwrite=True)
    token = forge.token(grant)
    submitted(token)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201

    refused(put(fresh, forge, grant.key, token, PNG), 409, "grant_spent", stack, token)
    assert fresh.get(f"{stack.urls['public']}/{grant.key}").content == GIF


def test_a_reused_upload_grant_after_its_object_was_deleted_is_spent(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201
    remover = forge.token(forge.grant("delete", key=grant.key))
    assert delete(fresh, forge, grant.key, remover).status_code == 204

    refused(put(fresh, forge, grant.key, token, GIF), 409, "grant_spent", stack, token)
    assert not object_exists(fresh, stack, grant.key)


def test_a_reused_upload_grant_meets_the_object_it_stored(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    # The create-only check runs before the spend, so the second use is told why
    # the write cannot happen; either way nothing is replaced.
    grant = forge.grant()
    token = forge.token(grant)
    submitted(token)
    assert put(fresh, forge, grant.key, token, GIF).status_code == 201

    refused(
        put(fresh, forge, grant.key, token, PNG), 409, "object_exists", stack, token
    )
    assert fresh.get(f"{stack.urls['public']}/{grant.key}").content == GIF


def test_a_reused_delete_grant_is_spent_and_the_new_object_stays(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    key = unique_key(".gif")
    upload_object(fresh, forge, key)
    token = forge.token(forge.grant("delete", key=key))
    submitted(token)
    assert delete(fresh, forge, key, token).status_code == 204
    upload_object(fresh, forge, key)

    refused(delete(fresh, forge, key, token), 409, "grant_spent", stack, token)
    assert object_exists(fresh, stack, key)


def test_a_delete_grant_for_an_already_deleted_object_is_not_found_and_unspent(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    key = unique_key(".gif")
    upload_object(fresh, forge, key)
    first = forge.token(forge.grant("delete", key=key))
    late = forge.token(forge.grant("delete", key=key))
    submitted(first, late)
    assert delete(fresh, forge, key, first).status_code == 204

    refused(delete(fresh, forge, key, late), 404, "not_found", stack, late)

    # Nothing was there to delete, so the late grant was not spent.
    upload_object(fresh, forge, key)
    assert delete(fresh, forge, key, late).status_code == 204
    assert not object_exists(fresh, stack, key)


def test_an_upload_grant_for_an_existing_object_is_refused_and_stays_usable(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    key = unique_key(".gif")
    upload_object(fresh, forge, key)
    token = forge.token(forge.grant(key=key))
    submitted(token)

    refused(put(fresh, forge, key, token, PNG), 409, "object_exists", stack, token)
    assert fresh.get(f"{stack.urls['public']}/{key}").content == GIF

    remover = forge.token(forge.grant("delete", key=key))
    assert delete(fresh, forge, key, remover).status_code == 204
    assert put(fresh, forge, key, token, PNG).status_code == 201
