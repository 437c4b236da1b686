"""Untrusted JSON is parsed only when it is a shallow object."""

from __future__ import annotations

import json

import pytest

from kalos.untrusted_json import MAX_DEPTH, loads_object


def test_a_flat_object_parses() -> None:
    assert loads_object(b'{"user": "u", "size": 3}') == {"user": "u", "size": 3}


def test_nesting_up_to_the_limit_parses_and_one_level_more_is_refused() -> None:
    def nested(depth: int) -> str:
        return '{"a": ' * (depth - 1) + "{}" + "}" * (depth - 1)

    assert loads_object(nested(MAX_DEPTH))
    with pytest.raises(ValueError, match="nested deeper"):
        loads_object(nested(MAX_DEPTH + 1))


@pytest.mark.parametrize("depth", [1_000, 5_000, 16_000])
def test_thousands_of_brackets_are_refused_before_the_parser_recurses(
    depth: int,
) -> None:
    with pytest.raises(ValueError, match="nested deeper"):
        loads_object(b"[" * depth)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    user = '[{"\\"' * 200
    assert loads_object(json.dumps({"user": user}))["user"] == json.loads(
        json.dumps(user)
    )


@pytest.mark.parametrize("text", [b"[1, 2]", b'"text"', b"3", b"null", b"{", b"\xff"])
def test_anything_but_a_json_object_is_a_value_error(text: bytes) -> None:
    with pytest.raises(ValueError):
        loads_object(text)
