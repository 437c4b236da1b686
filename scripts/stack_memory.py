"""Print the local stack's peak memory for a 1 MB and a 90 MB upload.

Starts the project's stack on free ports, uploads a 1 MB and then a 90 MB file
through the real flow (a grant from the access worker, a streamed PUT to the upload
worker), reads each back from the public bucket to check its SHA-256, and prints the
peak resident memory of the stack (Node plus its workerd child) during each upload.

    .venv/bin/python scripts/stack_memory.py [--small MB] [--large MB]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

import memory  # noqa: E402
from harness import LocalStack  # noqa: E402

MB = memory.MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=1, help="MB, default 1")
    parser.add_argument("--large", type=float, default=90, help="MB, default 90")
    args = parser.parse_args()

    stack = LocalStack().start()
    try:
        results = memory.measure(stack, [int(args.small * MB), int(args.large * MB)])
    finally:
        stack.cleanup()

    for upload in results:
        peak = upload.peak
        print(
            f"{upload.size / MB:g} MB upload: stored, sha256 "
            f"{'matches' if upload.sha256_matches else 'DIFFERS'}, "
            f"{upload.seconds:.2f} s; peak stack memory {peak.total / MB:.0f} MB "
            f"(node {peak.node / MB:.0f} MB + workerd {peak.workerd / MB:.0f} MB)"
        )
    small, large = results
    print(f"growth: {(large.peak.total - small.peak.total) / MB:+.1f} MB")
    if not all(upload.sha256_matches for upload in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
