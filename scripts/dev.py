"""``make dev``: run the whole local stack in the foreground and show it working.

Starts the local runtime (both workers, R2, KV, Durable Objects, the public bucket),
waits until every part answers, then starts the demo web app (the FastAPI example
backend, which serves the page) on KALOS_WEB_PORT (default 8790), uploads a sample
photo through the real flow with the CLI's code path, prints the result, and keeps
serving until Ctrl-C.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from kalos_client import Config, KalosBackend, KalosError
from kalos_client.flow import upload_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "corpus" / "grace_hopper.jpg"
READY_LINE = "kalos: local stack ready"
URL_LINE = re.compile(r"^(?P<name>[\w-]+)\s+(?P<url>http://\S+)$")
WEB_APP = ROOT / "examples" / "fastapi_backend"
# wrangler.toml allows browser uploads from this port's origins.
DEFAULT_WEB_PORT = "8790"
WEB_READY_SECONDS = 20


def start_web_app(access_url: str, port: str) -> subprocess.Popen[bytes] | None:
    """Serve the demo page and its backend, pointed at the stack's access worker."""
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(WEB_APP),
            "app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "KALOS_ACCESS_URL": access_url},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WEB_READY_SECONDS
    while web.poll() is None and time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        print(f"{'web':<8}{url}", flush=True)
        return web
    print(f"kalos: the demo web app did not start on {url}", flush=True)
    web.terminate()
    return None


def upload_sample(access_url: str) -> None:
    """Upload the sample photo as a backend and a client would, and print the result."""
    backend = KalosBackend(
        Config.load(environ={**os.environ, "KALOS_ACCESS_URL": access_url})
    )
    try:
        key = f"samples/{os.getpid()}-grace_hopper.jpg"
        uploaded = upload_file(backend, SAMPLE, key=key)
    except KalosError as exc:
        print(f"kalos: sample upload failed: {exc}", flush=True)
        return
    print("\nsample upload (`kalos upload` runs the same flow):", flush=True)
    print(json.dumps(uploaded, indent=2), flush=True)
    print(f"\nopen {uploaded['url']} to see it. Ctrl-C stops the stack.\n", flush=True)


def main() -> int:
    web_port = os.environ.get("KALOS_WEB_PORT", DEFAULT_WEB_PORT)
    stack_env = dict(os.environ)
    if web_port != DEFAULT_WEB_PORT:
        stack_env.setdefault(
            "KALOS_VAR_ALLOWED_ORIGINS",
            f"http://127.0.0.1:{web_port},http://localhost:{web_port}",
        )
    stack = subprocess.Popen(
        ["node", "runtime/serve.mjs"],
        cwd=ROOT,
        env=stack_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    signal.signal(signal.SIGTERM, lambda *_: stack.terminate())

    assert stack.stdout is not None
    urls: dict[str, str] = {}
    web = None
    try:
        for line in stack.stdout:
            print(line, end="", flush=True)
            if match := URL_LINE.match(line.strip()):
                urls[match["name"]] = match["url"]
            if line.strip() == READY_LINE:
                web = start_web_app(urls["access"], web_port)
                threading.Thread(
                    target=upload_sample, args=(urls["access"],), daemon=True
                ).start()
    except KeyboardInterrupt:
        stack.send_signal(signal.SIGINT)
    finally:
        if web is not None:
            web.terminate()
            web.wait()
    return stack.wait()


if __name__ == "__main__":
    sys.exit(main())
