"""``make dev``: run the whole local stack in the foreground and show it working.

Starts the local runtime (both workers, R2, KV, Durable Objects, the public bucket),
waits until every part answers, uploads a sample photo through the real flow with
the CLI's code path, prints the result, and keeps serving until Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from kalos_client import Config, KalosBackend, KalosError, send_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "corpus" / "grace_hopper.jpg"
READY_LINE = "kalos: local stack ready"


def upload_sample() -> None:
    """Upload the sample photo as a backend and a client would, and print the result."""
    backend = KalosBackend(Config.load())
    try:
        key = f"samples/{os.getpid()}-grace_hopper.jpg"
        grant = backend.request_grant("upload", key, content_type="image/jpeg")
        stored = send_file(grant, SAMPLE)
        receipt = backend.verify_receipt(stored["receipt"])
    except KalosError as exc:
        print(f"kalos: sample upload failed: {exc}", flush=True)
        return
    del stored["receipt"]
    print("\nsample upload (kalos upload does the same):", flush=True)
    print(json.dumps({**stored, "receipt": receipt.as_json()}, indent=2), flush=True)
    print(f"\nopen {stored['url']} to see it. Ctrl-C stops the stack.\n", flush=True)


def main() -> int:
    stack = subprocess.Popen(
        ["node", "runtime/serve.mjs"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    signal.signal(signal.SIGTERM, lambda *_: stack.terminate())

    assert stack.stdout is not None
    try:
        for line in stack.stdout:
            print(line, end="", flush=True)
            if line.strip() == READY_LINE:
                threading.Thread(target=upload_sample, daemon=True).start()
    except KeyboardInterrupt:
        stack.send_signal(signal.SIGINT)
    return stack.wait()


if __name__ == "__main__":
    sys.exit(main())
