"""``kalos upload``: a progress bar on a terminal, and clean JSON for scripts."""

from __future__ import annotations

import json
import os
import pty
import secrets
import struct
import subprocess
import threading
import zlib
from pathlib import Path

import pytest
from harness import ROOT, LocalStack

KALOS = ROOT / ".venv" / "bin" / "kalos"


def noisy_png(path: Path, side: int = 700) -> Path:
    """A valid RGB PNG of random pixels: about 1.5 MB that no compressor can shrink."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + secrets.token_bytes(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )
    assert path.stat().st_size > 1 << 20
    return path


@pytest.fixture(scope="module")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return noisy_png(tmp_path_factory.mktemp("cli") / "noise.png")


@pytest.fixture(scope="module")
def cli_env(stack: LocalStack) -> dict[str, str]:
    """The CLI's settings for the stack, from the environment only."""
    return {
        **os.environ,
        "KALOS_ACCESS_URL": stack.urls["access"],
        "KALOS_BACKEND_SIGNING_KEY": stack.secrets["BACKEND_SIGNING_KEY"],
        "KALOS_RECEIPT_SIGNING_KEY": stack.secrets["RECEIPT_SIGNING_KEY"],
    }


def check_answer(stdout: str, size: int) -> None:
    answer = json.loads(stdout)
    assert answer["size"] == size
    assert answer["content_type"] == "image/png"
    assert answer["receipt"]["size"] == size


def test_stdout_is_exactly_json_when_stderr_is_not_a_terminal(
    big_png: Path, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [KALOS, "upload", big_png],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    check_answer(result.stdout, big_png.stat().st_size)


def test_a_large_upload_shows_a_progress_bar_on_a_terminal_and_json_on_stdout(
    big_png: Path, cli_env: dict[str, str], tmp_path: Path
) -> None:
    controller, terminal = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        # Reading keeps the terminal's small buffer from filling up and blocking
        # the CLI; the read fails once the CLI has exited and closed its side.
        while True:
            try:
                data = os.read(controller, 4096)
            except OSError:
                return
            if not data:
                return
            seen.extend(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        result = subprocess.run(
            [KALOS, "upload", big_png],
            env={**cli_env, "COLUMNS": "100", "TERM": "xterm"},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)

    assert result.returncode == 0, seen.decode(errors="replace")
    check_answer(result.stdout, big_png.stat().st_size)
    assert "MB" in seen.decode(errors="replace")
