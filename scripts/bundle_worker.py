"""Assemble one worker's upload folder: its entry module plus the shared package.

Cloudflare uploads a Python Worker as the modules found under the main module's folder.
Each worker needs its own ``entry.py`` and the shared ``kalos`` package, and nothing of
the other worker, so both are copied into ``build/<worker>/``. wrangler runs this as
the worker's build command; the local runtime and Terraform read the same two sources.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = ROOT / "workers"
WORKER_NAMES = ("access", "upload")


def bundle(worker: str) -> Path:
    """Copy ``workers/<worker>/*.py`` and ``workers/kalos/*.py`` into a fresh folder."""
    if worker not in WORKER_NAMES:
        raise SystemExit(f"unknown worker {worker!r}; expected one of {WORKER_NAMES}")

    out = ROOT / "build" / worker
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(WORKERS / worker, out, dirs_exist_ok=True, ignore=ignore)
    shutil.copytree(WORKERS / "kalos", out / "kalos", ignore=ignore)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} {{{'|'.join(WORKER_NAMES)}}}")
    print(bundle(sys.argv[1]).relative_to(ROOT))
