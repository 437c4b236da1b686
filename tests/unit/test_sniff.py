"""Sniffing: real images are recognised, anything short of a whole header is not."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from kalos.sniff import SNIFF_BYTES, sniff

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"

# Each real image, its type, and the length of its complete leading header: the
# JPEG's first segment, PNG signature plus IHDR chunk, GIF header plus logical
# screen descriptor, RIFF/WEBP plus the first chunk's tag, the whole ftyp box.
REAL_IMAGES = [
    ("grace_hopper.jpg", "image/jpeg", 4 + 0x10),
    ("astronaut.png", "image/png", 8 + 4 + 4 + 13 + 4),
    ("no_time_for_that_tiny.gif", "image/gif", 6 + 7),
    ("astronaut.webp", "image/webp", 16),
    ("astronaut.heic", "image/heic", 0x1C),
]
HOSTILE = ["page-named-png.png", "script.svg", "truncated.jpg", "empty.bin"]


def head_of(name: str) -> bytes:
    return (CORPUS / name).read_bytes()[:SNIFF_BYTES]


@pytest.mark.parametrize(("name", "media_type", "_header"), REAL_IMAGES)
def test_a_real_image_is_recognised_as_its_type(
    name: str, media_type: str, _header: int
) -> None:
    assert sniff(head_of(name)) == media_type


@pytest.mark.parametrize(("name", "media_type", "_header"), REAL_IMAGES)
def test_a_real_image_is_recognised_from_the_whole_file_too(
    name: str, media_type: str, _header: int
) -> None:
    assert sniff((CORPUS / name).read_bytes()) == media_type


@pytest.mark.parametrize(("name", "media_type", "header"), REAL_IMAGES)
def test_a_real_image_cut_short_of_its_complete_header_is_not_recognised(
    name: str, media_type: str, header: int
) -> None:
    head = head_of(name)

    assert sniff(head[:header]) == media_type
    unrecognised = [n for n in range(header) if sniff(head[:n]) is not None]
    assert unrecognised == []


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_not_recognised(name: str) -> None:
    assert sniff(head_of(name)) is None


def test_the_whole_corpus_is_present_so_no_case_is_silently_skipped() -> None:
    names = {path.name for path in CORPUS.iterdir()}

    assert {name for name, _, _ in REAL_IMAGES} | set(HOSTILE) <= names


def test_a_png_signature_followed_by_garbage_is_not_recognised() -> None:
    head = b"\x89PNG\r\n\x1a\n" + b"garbage, not an IHDR chunk at all....."

    assert sniff(head) is None


def test_a_jpeg_start_followed_by_an_unknown_marker_is_not_recognised() -> None:
    head = b"\xff\xd8\xff\x01\x00\x10" + bytes(16)

    assert sniff(head) is None


def test_a_jpeg_segment_shorter_than_its_own_length_field_is_not_recognised() -> None:
    assert sniff(b"\xff\xd8\xff\xe0\x00\x01" + bytes(16)) is None


def test_a_riff_file_that_is_not_webp_is_not_recognised() -> None:
    wave = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"

    assert sniff(wave) is None


def ftyp(major: bytes, *compatible: bytes, size: int | None = None) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", size or 8 + len(body)) + b"ftyp" + body


@pytest.mark.parametrize(
    ("box", "media_type"),
    [
        (ftyp(b"avif", b"mif1", b"miaf"), "image/avif"),
        (ftyp(b"avis", b"msf1"), "image/avif"),
        (ftyp(b"mif1", b"avif", b"miaf"), "image/avif"),
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"heix", b"mif1"), "image/heic"),
        (ftyp(b"mif1", b"heic", b"miaf"), "image/heic"),
        (ftyp(b"heic", b"avif"), "image/heic"),
        (ftyp(b"mif1", b"miaf"), "image/heif"),
        (ftyp(b"msf1"), "image/heif"),
        (ftyp(b"isom", b"iso2", b"mp41"), None),
        (ftyp(b"qt  "), None),
        (ftyp(b"isom", b"avif"), None),
    ],
)
def test_the_ftyp_brands_decide_between_avif_heic_and_heif(
    box: bytes, media_type: str | None
) -> None:
    assert sniff(box + b"\x00\x00\x00\x08meta") == media_type


@pytest.mark.parametrize(
    "box",
    [
        ftyp(b"avif", b"mif1", size=100),
        ftyp(b"avif", b"mif1", size=15),
        ftyp(b"avif", b"mif1", size=22),
        ftyp(b"avif", b"mif1", size=1),
        b"\x00\x00\x00\x10moovavif\x00\x00\x00\x00",
    ],
)
def test_an_ftyp_box_with_an_impossible_size_or_tag_is_not_recognised(
    box: bytes,
) -> None:
    assert sniff(box) is None
