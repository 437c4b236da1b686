"""``make bench``: measure Kalos on the local stack and check the performance budgets.

Two stacks run, one after the other:

1. the project's own wrangler.toml, started from nothing: its cold start until both
   workers answer, then the peak memory of the stack while it takes a small and a
   large upload through the real upload worker;
2. the same two workers plus the bench worker (bench/wrangler.toml), which shares
   their bucket: grant minting over HTTP, the Python CPU time of minting and
   verifying measured inside Pyodide, and upload throughput through the upload
   worker against a direct R2 put.

It prints one table, with the machine it ran on and a PASS or MISS for each budget
of DESIGN.md. ``--smoke`` runs every measurement with tiny sizes and few repeats, to
prove the suite works; its figures mean nothing. ``--json FILE`` also writes the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402
import memory  # noqa: E402
from harness import LocalStack  # noqa: E402

from kalos_client import KalosBackend  # noqa: E402

BENCH = ROOT / "bench"
MB = 1024 * 1024

# The budgets of DESIGN.md, "Performance budgets".
MIN_THROUGHPUT_RATIO = 0.9
MAX_MEMORY_GROWTH_MB = 32
MAX_CPU_MS = 2.0


@dataclass(frozen=True)
class Plan:
    """How much work each measurement does."""

    upload_sizes: tuple[int, int, int]
    upload_repeats: int
    mints: int
    cpu_operations: int
    # The budget compares the first two; the third shows where the trend goes.
    memory_sizes: tuple[int, int, int]


FULL = Plan(
    (1 * MB, 20 * MB, 90 * MB),
    upload_repeats=7,
    mints=400,
    cpu_operations=500,
    memory_sizes=(1 * MB, 90 * MB, 180 * MB),
)
SMOKE = Plan(
    (64 * 1024, 128 * 1024, 256 * 1024),
    upload_repeats=1,
    mints=8,
    cpu_operations=5,
    memory_sizes=(64 * 1024, 256 * 1024, 512 * 1024),
)

# Every row the table has, in order; the smoke test checks that each one is filled.
ROW_IDS = (
    "cold_start",
    "mint_1_client",
    "mint_4_clients",
    "cpu_mint_webcrypto",
    "cpu_mint_stdlib",
    "cpu_verify_webcrypto",
    "cpu_verify_stdlib",
    "upload_small",
    "upload_medium",
    "upload_large",
    "memory_small",
    "memory_large",
    "memory_largest",
    "memory_growth",
    "memory_growth_stack",
    "memory_growth_direct",
)


@dataclass
class Row:
    """One line of the table: what was measured, the figure, and its budget."""

    id: str
    label: str
    value: str
    budget: str = ""
    verdict: str = ""


def judge(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def size_label(size: int) -> str:
    return f"{size / MB:g} MB"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    total_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            total_kb = int(line.split()[1])
    system = platform.platform()
    os_release = Path("/etc/os-release")
    if os_release.exists():
        for line in os_release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip('"')
                system = f"{name}, kernel {platform.release()}"
    node = subprocess.run(
        ["node", "--version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{total_kb / 1024 / 1024:.1f} GiB",
        "os": system,
        "node": node,
        "cpython": platform.python_version(),
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }


# ---------------------------------------------------------------- stack 1


def cold_start_and_memory(plan: Plan) -> list[Row]:
    """Start the project's stack from nothing, then sample memory during uploads.

    The size cap is raised so the largest upload, past the edge's 100 MB, can show
    the trend; only the local stack ever sees such a body.
    """
    cap = {"KALOS_VAR_MAX_UPLOAD_BYTES": str(max(plan.memory_sizes))}
    stack = LocalStack(env=cap)
    started = time.perf_counter()
    stack.start()
    try:
        with httpx.Client(timeout=10) as client:
            for name in ("access", "upload"):
                client.get(f"{stack.urls[name]}/healthz").raise_for_status()
        cold = time.perf_counter() - started
        uploads = memory.measure(stack, list(plan.memory_sizes))
    finally:
        stack.cleanup()

    for upload in uploads:
        if not upload.sha256_matches:
            raise SystemExit(f"the {size_label(upload.size)} upload came back changed")

    def peak_row(row_id: str, upload: memory.UploadMemory) -> Row:
        peak = upload.peak
        return Row(
            row_id,
            f"peak memory, {size_label(upload.size)} upload (node + workerd RSS)",
            f"{peak.total / MB:.0f} MB ({peak.node / MB:.0f} + {peak.workerd / MB:.0f})"
            f", upload took {upload.seconds:.2f} s, sha256 matches",
        )

    small, large, largest = uploads
    # The workers are the Node process; workerd is Miniflare's R2, KV and Durable
    # Object simulators, standing in for services that are not the worker.
    worker_growth = (large.peak.node - small.peak.node) / MB
    stack_growth = (large.peak.total - small.peak.total) / MB
    simulator_growth = (large.peak.workerd - small.peak.workerd) / MB
    span = f"{size_label(small.size)} -> {size_label(large.size)}"
    return [
        Row(
            "cold_start",
            "cold start, process start until both workers answer",
            f"{cold:.2f} s",
        ),
        peak_row("memory_small", small),
        peak_row("memory_large", large),
        peak_row("memory_largest", largest),
        Row(
            "memory_growth",
            f"memory growth of the workers (node), {span}",
            f"{worker_growth:+.1f} MB",
            f"<= {MAX_MEMORY_GROWTH_MB} MB",
            judge(worker_growth <= MAX_MEMORY_GROWTH_MB),
        ),
        Row(
            "memory_growth_stack",
            f"memory growth of the whole stack, {span}",
            f"{stack_growth:+.1f} MB, of which workerd's simulators "
            f"{simulator_growth:+.1f} MB",
        ),
    ]


def direct_memory_row(stack: LocalStack, client: httpx.Client, plan: Plan) -> Row:
    """The control: the stack's growth when the bench worker puts straight into R2."""
    small, large = plan.memory_sizes[:2]
    peaks = memory.direct_put_peaks(
        stack, client, f"{stack.urls['bench']}/bench/direct", [small, large]
    )
    return Row(
        "memory_growth_direct",
        f"control: growth for a direct R2 put, {size_label(small)} -> "
        f"{size_label(large)}",
        f"node {(peaks[1].node - peaks[0].node) / MB:+.1f} MB, workerd "
        f"{(peaks[1].workerd - peaks[0].workerd) / MB:+.1f} MB, no Kalos code",
    )


# ---------------------------------------------------------------- stack 2


def toml_value(value: Any) -> str:
    """A value as TOML; JSON's string escapes are valid TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    raise TypeError(f"no TOML for {value!r}")


def bench_config(folder: Path) -> Path:
    """The project's wrangler.toml with the bench worker added, written in ``folder``.

    Every path becomes absolute, so the file works from anywhere, and the real
    workers are exactly those of the project's config.
    """
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for config in (ROOT / "wrangler.toml", BENCH / "wrangler.toml"):
        parsed = tomllib.loads(config.read_text())
        top.update({k: v for k, v in parsed.items() if k != "env"})
        for name, section in parsed["env"].items():
            section["main"] = str((config.parent / section["main"]).resolve())
            if "build" in section:
                cwd = config.parent / section["build"].get("cwd", ".")
                section["build"]["cwd"] = str(cwd.resolve())
            sections[name] = section

    lines = [f"{k} = {toml_value(v)}" for k, v in top.items()]
    for name, section in sections.items():
        lines.append(f"\n[env.{name}]")
        lines.extend(f"{k} = {toml_value(v)}" for k, v in section.items())
    path = folder / "wrangler.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def bundle_bench_worker() -> None:
    """Assemble build/bench/: the bench entry module and the shared kalos package."""
    out = ROOT / "build" / "bench"
    shutil.rmtree(out, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(BENCH / "worker", out, ignore=ignore)
    shutil.copytree(ROOT / "workers" / "kalos", out / "kalos", ignore=ignore)


def mint_rows(stack: LocalStack, plan: Plan) -> list[Row]:
    """Grant requests over HTTP, as a backend makes them: 1 and 4 at a time."""
    rows = []
    for clients, row_id in ((1, "mint_1_client"), (4, "mint_4_clients")):
        latencies, elapsed = mint_concurrently(stack, clients, plan.mints // clients)
        rows.append(
            Row(
                row_id,
                f"mint a grant over HTTP, {clients} concurrent client(s)",
                f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
                f"{len(latencies) / elapsed:.0f} grants/s",
            )
        )
    return rows


def mint_concurrently(
    stack: LocalStack, clients: int, each: int
) -> tuple[list[float], float]:
    """Each of ``clients`` threads mints ``each`` grants; latencies and wall time."""
    latencies: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(timeout=30) as client:
            backend = memory.backend_for(stack, client)
            mint_once(backend)  # a connection per client, opened before timing
            for _ in range(each):
                started = time.perf_counter()
                mint_once(backend)
                with lock:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def mint_once(backend: KalosBackend) -> None:
    backend.request_grant(
        "upload", f"bench/{uuid.uuid4().hex}.jpg", content_type="image/jpeg"
    )


def cpu_rows(client: httpx.Client, bench_url: str, plan: Plan) -> list[Row]:
    """Python time per operation inside Pyodide, from the bench worker's timers."""
    rows = []
    for operation in ("mint", "verify"):
        for flavour, name in (("webcrypto", "Web Crypto"), ("stdlib", "stdlib hmac")):
            answer = client.get(
                f"{bench_url}/bench/{operation}",
                params={"n": plan.cpu_operations, "hmac": flavour},
            )
            answer.raise_for_status()
            figures = answer.json()
            cpu = percentile(figures["cpu_seconds"], 0.5) * 1000
            wall = percentile(figures["wall_seconds"], 0.5) * 1000
            # Kalos uses Web Crypto in Workers; the stdlib row is the comparison.
            budgeted = flavour == "webcrypto"
            rows.append(
                Row(
                    f"cpu_{operation}_{flavour}",
                    f"CPU per {operation} in Pyodide, HMAC by {name}",
                    f"CPU p50 {cpu:.3f} ms, p99 "
                    f"{percentile(figures['cpu_seconds'], 0.99) * 1000:.3f} ms; "
                    f"wall p50 {wall:.3f} ms",
                    f"CPU p50 <= {MAX_CPU_MS:g} ms" if budgeted else "",
                    judge(cpu <= MAX_CPU_MS) if budgeted else "",
                )
            )
    return rows


def upload_rows(stack: LocalStack, plan: Plan) -> list[Row]:
    """The same bytes through the upload worker and straight into R2, alternately."""
    rows = []
    timeout = httpx.Timeout(10.0, read=300.0, write=None)
    with httpx.Client(timeout=timeout) as client:
        backend = memory.backend_for(stack, client)
        labels = ("upload_small", "upload_medium", "upload_large")
        for row_id, size in zip(labels, plan.upload_sizes, strict=True):
            body = memory.jpeg_bytes(size)
            through, direct = [], []
            for _ in range(plan.upload_repeats):
                through.append(through_worker(client, backend, body))
                direct.append(direct_put(client, stack.urls["bench"], body))
            ratio = statistics.median(direct) / statistics.median(through)
            budgeted = row_id != "upload_small"
            rows.append(
                Row(
                    row_id,
                    f"upload {size_label(size)}: upload worker vs direct R2 put",
                    f"{size / MB / statistics.median(through):.0f} vs "
                    f"{size / MB / statistics.median(direct):.0f} MB/s, "
                    f"ratio {ratio:.2f}",
                    f">= {MIN_THROUGHPUT_RATIO}" if budgeted else "",
                    judge(ratio >= MIN_THROUGHPUT_RATIO) if budgeted else "",
                )
            )
    return rows


def through_worker(client: httpx.Client, backend: KalosBackend, body: bytes) -> float:
    """Seconds for one PUT through the upload worker; the grant is minted before."""
    grant = backend.request_grant(
        "upload",
        f"bench/{uuid.uuid4().hex}.jpg",
        content_type="image/jpeg",
        size=len(body),
    )
    started = time.perf_counter()
    response = client.put(grant.url, headers=grant.headers, content=body)
    seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"upload failed: {response.status_code} {response.text}")
    return seconds


def direct_put(client: httpx.Client, bench_url: str, body: bytes) -> float:
    """Seconds for one PUT that the bench worker hands straight to R2."""
    started = time.perf_counter()
    response = client.put(
        f"{bench_url}/bench/direct/bench/{uuid.uuid4().hex}.jpg", content=body
    )
    seconds = time.perf_counter() - started
    if response.status_code != 200 or response.json()["size"] != len(body):
        raise SystemExit(f"direct put failed: {response.status_code} {response.text}")
    return seconds


def bench_stack_rows(plan: Plan, described: dict[str, str]) -> list[Row]:
    """Everything measured on the stack that runs the bench worker too."""
    bundle_bench_worker()
    with tempfile.TemporaryDirectory(prefix="kalos-bench-config-") as folder:
        stack = LocalStack(config=bench_config(Path(folder))).start()
    try:
        with httpx.Client(timeout=120) as client:
            health = client.get(f"{stack.urls['bench']}/healthz").json()
            described["pyodide"] = f"{health['pyodide']} (Python {health['python']})"
            # First, while workerd is as fresh as in the Kalos memory measurement.
            rows = [direct_memory_row(stack, client, plan)]
            rows += mint_rows(stack, plan)
            rows += cpu_rows(client, stack.urls["bench"], plan)
        rows += upload_rows(stack, plan)
    finally:
        stack.cleanup()
    return rows


# ---------------------------------------------------------------- the table


def render(described: dict[str, str], rows: list[Row], smoke: bool) -> str:
    title = "Kalos benchmark" + (" (smoke mode: figures mean nothing)" if smoke else "")
    header = [
        title,
        f"date     {described['date']}",
        f"machine  {described['cpu']}, {described['memory']} RAM",
        f"os       {described['os']}",
        f"load     {described['load']} (1, 5, 15 min load average at the start)",
        f"versions Node {described['node']}, CPython {described['cpython']}, "
        f"Pyodide {described.get('pyodide', '?')}",
        "",
    ]
    widths = [
        max(len(r.label) for r in rows),
        max(len(r.value) for r in rows),
        max(len(r.budget) for r in rows),
    ]
    lines = [
        f"{'measure':<{widths[0]}}  {'result':<{widths[1]}}  "
        f"{'budget':<{widths[2]}}  verdict",
        "-" * (sum(widths) + 6 + len("verdict")),
    ]
    for row in rows:
        lines.append(
            f"{row.label:<{widths[0]}}  {row.value:<{widths[1]}}  "
            f"{row.budget:<{widths[2]}}  {row.verdict}".rstrip()
        )
    return "\n".join(header + lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, few runs")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    plan = SMOKE if args.smoke else FULL

    described = machine()
    rows = cold_start_and_memory(plan) + bench_stack_rows(plan, described)
    rows.sort(key=lambda row: ROW_IDS.index(row.id))
    print(render(described, rows, args.smoke), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": described, "rows": [asdict(r) for r in rows]}, indent=2
            )
        )


if __name__ == "__main__":
    main()
