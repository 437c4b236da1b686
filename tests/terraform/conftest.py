"""Run the real terraform binary offline against a schema-only stand-in provider.

Terraform cannot download the Cloudflare provider here, so a development override in a
generated CLI configuration points it at ``stub_provider/``, which reports the pinned
provider's schema. ``terraform validate`` and ``terraform test`` with a mock provider
need nothing more.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from terraform_paths import ROOT, STUB, TERRAFORM_DIR, RunTerraform


@pytest.fixture(scope="session")
def terraform_binary() -> str:
    found = shutil.which("terraform") or "/usr/local/bin/terraform"
    if not Path(found).is_file():
        pytest.skip("the terraform binary is not installed on this machine")
    return found


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment whose CLI configuration overrides cloudflare/cloudflare."""
    home = tmp_path_factory.mktemp("terraform-stub")
    plugin_dir = home / "bin"
    plugin_dir.mkdir()

    # Terraform runs the provider as an executable, so a shell shim hands over to
    # the interpreter that has the `tf` package installed.
    shim = plugin_dir / "terraform-provider-cloudflare"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STUB}" "$@"\n')
    shim.chmod(0o755)

    cli_config = home / "dev.tfrc"
    cli_config.write_text(
        "provider_installation {\n"
        f'  dev_overrides {{ "cloudflare/cloudflare" = "{plugin_dir}" }}\n'
        "  direct {}\n"
        "}\n"
    )

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TF_", "CLOUDFLARE_"))
    }
    env |= {
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }
    return env


@pytest.fixture(scope="session")
def run_terraform(terraform_binary: str, terraform_env: dict[str, str]) -> RunTerraform:
    """Run ``terraform ARGS`` in a folder; returns the finished process."""

    def run(
        *args: str, cwd: Path, timeout: int = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [terraform_binary, *args, "-no-color"],
            cwd=cwd,
            env=terraform_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture
def kalos_copy(tmp_path: Path, run_terraform: RunTerraform) -> Iterator[Path]:
    """A private copy of terraform/ and the workers it uploads, modules installed.

    Tests edit the copy to break it on purpose, and generated test files go there
    too, so the project tree is never touched.
    """
    ignore = shutil.ignore_patterns(
        ".terraform", "*.tfstate*", "terraform.tfvars", "__pycache__"
    )
    shutil.copytree(TERRAFORM_DIR, tmp_path / "terraform", ignore=ignore)
    shutil.copytree(ROOT / "workers", tmp_path / "workers", ignore=ignore)

    config = tmp_path / "terraform"
    installed = run_terraform("get", cwd=config)
    assert installed.returncode == 0, installed.stderr
    yield config
