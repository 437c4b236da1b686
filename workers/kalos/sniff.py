"""Content types from magic bytes: what a file is, regardless of its name or headers.

Each format is recognised only from a complete leading header (the JPEG's first
segment, the PNG's IHDR chunk, the GIF's screen descriptor, the RIFF and WebP chunk
header, the ISO-BMFF ``ftyp`` box), so seven bytes that merely start like a JPEG are
not a JPEG. Everything needs at most ``SNIFF_BYTES`` from the start of the file.
"""

from __future__ import annotations

import struct

SNIFF_BYTES = 4096

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A JPEG's first segment after SOI: APPn, a table, a frame header or a comment.
_JPEG_FIRST_MARKERS = frozenset(
    [*range(0xE0, 0xF0), 0xDB, 0xC4, 0xDD, 0xFE, *range(0xC0, 0xC4), 0xC5]
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2"})


def _jpeg(head: bytes) -> bool:
    if len(head) < 4 or head[:3] != b"\xff\xd8\xff":
        return False
    if head[3] not in _JPEG_FIRST_MARKERS or len(head) < 6:
        return False
    (segment_length,) = struct.unpack(">H", head[4:6])
    return bool(segment_length >= 2 and len(head) >= 4 + segment_length)


def _png(head: bytes) -> bool:
    return (
        len(head) >= 33
        and head[:8] == _PNG_SIGNATURE
        and head[8:16] == b"\x00\x00\x00\x0dIHDR"
    )


def _gif(head: bytes) -> bool:
    return len(head) >= 13 and head[:6] in (b"GIF87a", b"GIF89a")


def _webp(head: bytes) -> bool:
    return (
        len(head) >= 16
        and head[:4] == b"RIFF"
        and head[8:12] == b"WEBP"
        and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X")
    )


def _iso_bmff(head: bytes) -> str | None:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    (box_size,) = struct.unpack(">I", head[:4])
    if box_size < 16 or box_size > len(head) or (box_size - 16) % 4:
        return None

    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, box_size, 4)}
    brands = {major} | compatible
    # The major brand says what the file is; compatible brands only what it may be.
    if major in _AVIF_BRANDS or (major in _HEIF_BRANDS and brands & _AVIF_BRANDS):
        return "image/avif"
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    return None


def sniff(head: bytes) -> str | None:
    """The image type of a file starting with ``head``, or None if unrecognised.

    Pass the first ``SNIFF_BYTES`` (or the whole file, if shorter).
    """
    if _jpeg(head):
        return "image/jpeg"
    if _png(head):
        return "image/png"
    if _gif(head):
        return "image/gif"
    if _webp(head):
        return "image/webp"
    return _iso_bmff(head)
