"""The FastAPI example backend (examples/fastapi_backend/app.py), for tests.

``load_app`` imports the example from its file, as it is not a package, and
``DemoServer`` serves it with uvicorn on a free port in a background thread, so a real
browser can load the demo page from it.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from types import ModuleType, TracebackType

import uvicorn
from fastapi import FastAPI
from harness import ROOT, LocalStack, free_port

from kalos.keys import KeyRing
from kalos_client import Config

APP_FILE = ROOT / "examples" / "fastapi_backend" / "app.py"


def load_app() -> ModuleType:
    """The example's module, imported from its file."""
    spec = importlib.util.spec_from_file_location("kalos_fastapi_example", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stack_config(stack: LocalStack, user: str = "demo") -> Config:
    """A client config with the stack's access URL and secrets, as a backend has."""
    return Config(
        access_url=stack.urls["access"],
        backend_keys=KeyRing.from_text(stack.secrets["BACKEND_SIGNING_KEY"]),
        receipt_keys=KeyRing.from_text(stack.secrets["RECEIPT_SIGNING_KEY"]),
        user=user,
    )


class DemoServer:
    """An app served by uvicorn on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app: FastAPI, port: int | None = None) -> None:
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> DemoServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the demo backend did not start on {self.origin}")
            time.sleep(0.05)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
