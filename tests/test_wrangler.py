"""wrangler accepts both workers offline and would upload exactly their modules."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WRANGLER = ROOT / "node_modules" / ".bin" / "wrangler"
SHARED_MODULES = sorted(
    f"kalos/{p.name}" for p in (ROOT / "workers" / "kalos").glob("*.py")
)


def dry_run(worker: str, outdir: Path) -> str:
    result = subprocess.run(
        [
            str(WRANGLER),
            "deploy",
            "--dry-run",
            "--env",
            worker,
            "--outdir",
            str(outdir),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "CI": "1",
            "WRANGLER_SEND_METRICS": "false",
            "NO_COLOR": "1",
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("worker", ["access", "upload"])
def test_a_dry_run_deploy_lists_the_shared_modules_and_nothing_of_the_other_worker(
    worker: str, tmp_path: Path
) -> None:
    output = dry_run(worker, tmp_path)

    listed = sorted(set(re.findall(r"(kalos/\w+\.py)", output)))
    assert listed == SHARED_MODULES
    other = "upload" if worker == "access" else "access"
    assert f"{other}/" not in output
    assert (tmp_path / "entry.py").read_text() == (
        ROOT / "workers" / worker / "entry.py"
    ).read_text()


def test_the_dry_run_shows_each_workers_bindings(tmp_path: Path) -> None:
    access = dry_run("access", tmp_path / "access")
    upload = dry_run("upload", tmp_path / "upload")

    assert "env.NONCES" in access
    assert "env.LEDGER (GrantLedger, defined in kalos-upload)" in access
    assert "env.BUCKET (kalos-uploads)" in upload
    assert "env.LEDGER (GrantLedger)" in upload
    assert "env.BUCKET" not in access
