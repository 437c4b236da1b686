"""Start the local runtime (``node runtime/serve.mjs``) as a subprocess, for tests.

A ``LocalStack`` runs on free ports with its own state folder and its own freshly
generated secrets, and captures everything the stack prints in one log file, so a test
can check that no secret ever reaches the log.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import tomllib
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "runtime" / "serve.mjs"
READY_LINE = "kalos: local stack ready"
SECRET_NAMES = ("BACKEND_SIGNING_KEY", "GRANT_SIGNING_KEY", "RECEIPT_SIGNING_KEY")
_URL_LINE = re.compile(r"^(?P<name>[\w-]+)\s+(?P<url>http://127\.0\.0\.1:\d+)$")


class StackFailedToStart(RuntimeError):
    """The stack exited or timed out before it was ready; the message holds its log."""


def free_port() -> int:
    """A port that was free a moment ago; good enough for a test on one machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def random_secret() -> str:
    """32 random bytes, base64url without padding: the format of every Kalos key."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


class LocalStack:
    """The local runtime running one wrangler config, on free ports, for one test scope.

    ``config`` defaults to the project's wrangler.toml. ``env`` adds environment
    variables (``KALOS_VAR_<NAME>`` overrides a var). ``state_dir`` reuses a state
    folder, so a second stack sees what the first one stored; by default each stack gets
    a fresh one. ``extra_secrets`` go into the dev-vars file next to the standard three.
    """

    def __init__(
        self,
        *,
        config: Path | None = None,
        env: dict[str, str] | None = None,
        state_dir: Path | None = None,
        extra_secrets: dict[str, str] | None = None,
        ready_timeout: float = 120.0,
    ) -> None:
        self.config = Path(config) if config else ROOT / "wrangler.toml"
        self.workdir = Path(tempfile.mkdtemp(prefix="kalos-stack-"))
        self.state_dir = Path(state_dir) if state_dir else self.workdir / "state"
        self.log_path = self.workdir / "stack.log"
        self.secrets = {name: random_secret() for name in SECRET_NAMES}
        self.secrets.update(extra_secrets or {})
        self.urls: dict[str, str] = {}
        self._extra_env = dict(env or {})
        self._ready_timeout = ready_timeout
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalStack:
        """Start the stack, wait for its ready line; raise with its log if it fails."""
        dev_vars = self.workdir / "dev.vars"
        dev_vars.write_text("".join(f"{k}={v}\n" for k, v in self.secrets.items()))

        environ = {**os.environ, **self._ports(), **self._extra_env}
        command = [
            "node",
            str(SERVE),
            "--config",
            str(self.config),
            "--dev-vars",
            str(dev_vars),
            "--state",
            str(self.state_dir),
        ]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()
        return self

    def log(self) -> str:
        """Everything the stack has printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the stack (SIGTERM, then SIGKILL after a grace period)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def cleanup(self) -> None:
        """Stop the stack and remove its temporary folder (state included, if ours)."""
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # Every server gets a free port: each worker of the config and the public bucket.
    def _ports(self) -> dict[str, str]:
        workers = tomllib.loads(self.config.read_text()).get("env", {})
        names = [*workers, "public"]
        return {
            f"KALOS_{re.sub(r'[^A-Z0-9]', '_', name.upper())}_PORT": str(free_port())
            for name in names
        }

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self._ready_timeout
        while time.monotonic() < deadline:
            output = self.log()
            if READY_LINE in output:
                self.urls = {
                    match["name"]: match["url"]
                    for line in output.splitlines()
                    if (match := _URL_LINE.match(line.strip()))
                }
                return
            if self._process.poll() is not None:
                raise StackFailedToStart(
                    f"the stack exited with {self._process.returncode}:\n{output}"
                )
            time.sleep(0.1)
        self.stop()
        raise StackFailedToStart(
            f"no ready line within {self._ready_timeout} s:\n{self.log()}"
        )
