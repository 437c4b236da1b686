"""The local stack's memory while it takes an upload through the real upload worker.

The stack is one Node process (the two Pyodide workers, the HTTP servers) and its
workerd child (Miniflare's R2, KV and Durable Objects). A sampler thread adds up
their resident set sizes from /proc every 20 ms while a file uploads, and keeps the
peak. Comparing the peak for a small and a large file shows whether the stack holds
the body in memory: streaming keeps the two close.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from harness import LocalStack

from kalos.keys import KeyRing
from kalos_client import Config, KalosBackend, send_file

SAMPLE_SECONDS = 0.02
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024

# A complete JPEG start (SOI and a 16-byte APP0 segment) is all the sniffer needs;
# the rest of a benchmark file is filler.
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def jpeg_bytes(size: int) -> bytes:
    """``size`` bytes that the upload worker accepts as a JPEG."""
    return JPEG_HEAD + os.urandom(size - len(JPEG_HEAD))


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, read from /proc."""
    found = [pid]
    for parent in found:
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text()
            except FileNotFoundError:
                continue
            found.extend(int(child) for child in children.split())
    return found


def rss_bytes(pid: int) -> int:
    """Resident set size of one process; 0 once it has gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (FileNotFoundError, ProcessLookupError):
        return 0


@dataclass
class Peak:
    """The highest combined RSS seen, and how it split between the processes."""

    total: int = 0
    node: int = 0
    workerd: int = 0


class MemorySampler:
    """Samples the stack's RSS in a thread for the length of a with-block."""

    def __init__(self, stack_pid: int) -> None:
        self.stack_pid = stack_pid
        self.peak = Peak()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        pids = descendants(self.stack_pid)
        node = rss_bytes(self.stack_pid)
        others = sum(rss_bytes(pid) for pid in pids[1:])
        if node + others > self.peak.total:
            self.peak = Peak(node + others, node, others)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


@dataclass
class UploadMemory:
    """One upload's outcome and the stack's peak memory while it ran."""

    size: int
    peak: Peak
    seconds: float
    sha256_matches: bool


def backend_for(stack: LocalStack, client: httpx.Client) -> KalosBackend:
    """A backend holding the stack's own secrets, as a deployment's backend would."""
    config = Config(
        access_url=stack.urls["access"],
        backend_keys=KeyRing.from_text(stack.secrets["BACKEND_SIGNING_KEY"]),
        receipt_keys=KeyRing.from_text(stack.secrets["RECEIPT_SIGNING_KEY"]),
        user="bench",
    )
    return KalosBackend(config, client)


def upload_with_sampling(
    stack: LocalStack, client: httpx.Client, size: int
) -> UploadMemory:
    """Upload a ``size``-byte file as ``kalos upload`` does, sampling memory meanwhile.

    The file goes through the real flow (a signed grant request, then a streamed
    PUT with the grant) and is read back from the public bucket to check its hash.
    """
    assert stack._process is not None
    backend = backend_for(stack, client)
    with tempfile.TemporaryDirectory(prefix="kalos-bench-") as folder:
        path = Path(folder) / "photo.jpg"
        path.write_bytes(jpeg_bytes(size))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()

        grant = backend.request_grant(
            "upload",
            f"bench/{uuid.uuid4().hex}.jpg",
            content_type="image/jpeg",
            size=size,
            sha256=digest,
        )
        with MemorySampler(stack._process.pid) as sampler:
            started = time.perf_counter()
            stored = send_file(grant, path, client=client)
            seconds = time.perf_counter() - started

    return UploadMemory(
        size=int(stored["size"]),
        peak=sampler.peak,
        seconds=seconds,
        sha256_matches=public_sha256(client, stored["url"]) == digest,
    )


def public_sha256(client: httpx.Client, url: str) -> str:
    """The SHA-256 of an object as the public bucket serves it, read as a stream."""
    digest = hashlib.sha256()
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            digest.update(chunk)
    return digest.hexdigest()


def measure(stack: LocalStack, sizes: list[int]) -> list[UploadMemory]:
    """Peak memory for a warm-up upload, then one upload of each size, in order.

    The warm-up upload makes each worker load what it loads lazily on its first
    upload, so that start-up cost is not counted as growth.
    """
    with httpx.Client(timeout=httpx.Timeout(10.0, read=300.0, write=None)) as client:
        upload_with_sampling(stack, client, sizes[0])
        return [upload_with_sampling(stack, client, size) for size in sizes]


def direct_put_peaks(
    stack: LocalStack, client: httpx.Client, put_url: str, sizes: list[int]
) -> list[Peak]:
    """Peak memory while ``put_url`` puts bodies straight into R2, after a warm-up.

    The control for ``measure``: the same bytes reach the same R2 simulator with no
    Kalos code on the way, so what grows here is not Kalos's.
    """
    assert stack._process is not None
    peaks = []
    for size in [sizes[0], *sizes]:
        body = jpeg_bytes(size)
        url = f"{put_url}/bench/{uuid.uuid4().hex}.jpg"
        with MemorySampler(stack._process.pid) as sampler:
            response = client.put(url, content=body)
        response.raise_for_status()
        peaks.append(sampler.peak)
    return peaks[1:]
