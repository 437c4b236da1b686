"""base64url: one spelling per value, and nothing else accepted."""

from __future__ import annotations

import base64

import pytest

from kalos import base64url


@pytest.mark.parametrize("length", range(0, 12))
def test_decoding_an_encoding_gives_back_the_same_bytes(length: int) -> None:
    data = bytes(range(250, 250 - length, -1))

    text = base64url.encode(data)

    assert base64url.decode(text) == data


def test_encoding_uses_the_url_safe_alphabet_without_padding() -> None:
    data = b"\xfb\xff\xbf"  # standard base64 would spell this "+/+/"-ish

    text = base64url.encode(data)

    assert text == "-_-_"
    assert base64url.encode(b"\x00") == "AA"


@pytest.mark.parametrize("padded", ["AA==", "AAA=", "YWJj="])
def test_decoding_refuses_padding(padded: str) -> None:
    with pytest.raises(ValueError):
        base64url.decode(padded)


@pytest.mark.parametrize(
    "text", ["ab+c", "ab/c", "ab c", "ab\nc", "abé", "ab.c", "YQ!", "ab\x00c"]
)
def test_decoding_refuses_characters_outside_the_url_safe_alphabet(text: str) -> None:
    with pytest.raises(ValueError):
        base64url.decode(text)


@pytest.mark.parametrize("text", ["A", "AAAAA", "abcde"])
def test_decoding_refuses_a_length_no_encoding_can_have(text: str) -> None:
    with pytest.raises(ValueError):
        base64url.decode(text)


@pytest.mark.parametrize("canonical", ["AA", "AAA", "YQ", "YWI"])
def test_decoding_refuses_non_zero_trailing_bits(canonical: str) -> None:
    # The last character's unused low bits must be zero; setting one gives a
    # second spelling of the same bytes, which the standard library would accept.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(canonical[-1])
    twin = canonical[:-1] + alphabet[last + 1]
    assert base64.urlsafe_b64decode(twin + "=" * (-len(twin) % 4)) == (
        base64url.decode(canonical)
    )

    with pytest.raises(ValueError):
        base64url.decode(twin)


def test_the_empty_string_is_the_encoding_of_no_bytes() -> None:
    assert base64url.encode(b"") == ""
    assert base64url.decode("") == b""
