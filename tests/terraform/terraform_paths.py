"""Where the Terraform configuration and the stand-in provider live."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = ROOT / "terraform"
STUB = Path(__file__).with_name("stub_provider") / "stub_cloudflare.py"

RunTerraform = Callable[..., subprocess.CompletedProcess[str]]
