"""Object keys and content-type allow-lists."""

from __future__ import annotations

import pytest

from kalos.errors import KeyInvalid, Misconfigured
from kalos.policy import (
    IMAGE_TYPES,
    MAX_KEY_LENGTH,
    normalise_type,
    parse_types,
    validate_key,
)


@pytest.mark.parametrize(
    "key",
    [
        "a",
        "uploads/2024/cat.jpg",
        "A-Z_a-z.0-9",
        ".hidden",
        "a/..b/c..",
        "x" * MAX_KEY_LENGTH,
        "/".join(["ab"] * 170) + "/c",
    ],
)
def test_a_safe_object_key_is_returned_unchanged(key: str) -> None:
    assert len(key) <= MAX_KEY_LENGTH

    assert validate_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "x" * (MAX_KEY_LENGTH + 1),
        "/uploads/cat.jpg",
        "uploads/cat.jpg/",
        "uploads//cat.jpg",
        ".",
        "..",
        "./cat.jpg",
        "../cat.jpg",
        "uploads/../cat.jpg",
        "uploads/./cat.jpg",
        "uploads/..",
        "%2e%2e/cat.jpg",
        "uploads%2Fcat.jpg",
        "uploads\\cat.jpg",
        "..\\cat.jpg",
        "my cat.jpg",
        "café.jpg",
        "uploads\uff0fcat.jpg",
        "cat\u202egpj.exe",
        "cat\u200b.jpg",
        "cat\t.jpg",
        "cat\n.jpg",
        "cat\x7f.jpg",
        "cat\x00.jpg",
        "cat.jpg?x=1",
        "cat.jpg#frag",
        "~/cat.jpg",
        "cat:jpg",
        "\uff11.jpg",  # a full-width digit
    ],
)
def test_an_unsafe_object_key_is_refused(key: str) -> None:
    with pytest.raises(KeyInvalid) as refused:
        validate_key(key)

    assert refused.value.code == "key_invalid"
    assert refused.value.status == 400


def test_the_allow_list_accepts_known_types_case_and_space_insensitively() -> None:
    assert parse_types(" Image/PNG , image/jpeg,,image/png ") == (
        "image/png",
        "image/jpeg",
    )


def test_every_sniffable_type_is_allowed_by_name() -> None:
    assert parse_types(",".join(IMAGE_TYPES)) == IMAGE_TYPES


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("image/svg+xml", "image/svg+xml"),
        ("image/png,image/svg+xml", "image/svg+xml"),
        ("text/html, image/*", "text/html, image/*"),
    ],
)
def test_the_allow_list_refuses_and_names_types_kalos_cannot_recognise(
    text: str, unknown: str
) -> None:
    with pytest.raises(Misconfigured) as refused:
        parse_types(text)

    assert str(refused.value).endswith(f"got {unknown}")


@pytest.mark.parametrize("text", ["", " ", ",", " , ,"])
def test_an_empty_allow_list_is_refused(text: str) -> None:
    with pytest.raises(Misconfigured, match="got nothing"):
        parse_types(text)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("image/png", "image/png"),
        ("Image/PNG; charset=binary", "image/png"),
        ("  image/jpeg  ", "image/jpeg"),
        (";q=1", None),
        ("", None),
        (None, None),
    ],
)
def test_a_declared_type_is_normalised_to_its_bare_lower_case_media_type(
    declared: str | None, expected: str | None
) -> None:
    assert normalise_type(declared) == expected
