"""terraform/ is formatted, valid against the pinned provider and wired as
wrangler.toml is, and a broken copy of it is caught. Everything here runs offline."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import hcl2
import pytest
from schema_lint import SCHEMA, lint_tree
from terraform_paths import ROOT, TERRAFORM_DIR, RunTerraform
from wrangler_contract import WORKERS, contract_test

MODULES = TERRAFORM_DIR / "modules"
CONTRACT_TEST = "tests/wrangler_contract.tftest.hcl"


def load_hcl(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as tf_file:
        return hcl2.load(tf_file)


def literal(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals; take them off, recursively."""
    if isinstance(value, list):
        return [literal(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def declared(path: Path, kind: str) -> dict[str, dict[str, Any]]:
    """The variable or output blocks of one .tf file, by name."""
    return {
        name.strip('"'): body
        for entry in load_hcl(path).get(kind, [])
        for name, body in entry.items()
    }


def bundled_modules(workers_dir: Path, worker: str, out_dir: Path) -> list[str]:
    """Module names scripts/bundle_worker.py lays out for wrangler, built in out_dir."""
    spec = importlib.util.spec_from_file_location(
        "bundle_worker", ROOT / "scripts" / "bundle_worker.py"
    )
    assert spec and spec.loader
    bundle_worker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundle_worker)
    bundle_worker.ROOT = out_dir
    bundle_worker.WORKERS = workers_dir

    folder = bundle_worker.bundle(worker)
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def run_contract(
    run_terraform: RunTerraform, config: Path
) -> subprocess.CompletedProcess[str]:
    """Write the wrangler.toml contract into a copy of terraform/ and run it."""
    with (ROOT / "wrangler.toml").open("rb") as toml_file:
        wrangler = tomllib.load(toml_file)
    bundles = config.parent / "bundles"
    modules = {
        worker: bundled_modules(config.parent / "workers", worker, bundles / worker)
        for worker in WORKERS
    }
    (config / CONTRACT_TEST).write_text(contract_test(wrangler, modules))
    return run_terraform("test", f"-filter={CONTRACT_TEST}", cwd=config)


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    """Everything terraform printed, with its line wrapping undone."""
    return " ".join((result.stdout + result.stderr).split())


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a copied file; fails loudly if the text to break is no longer there."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should appear once in {path}"
    path.write_text(text.replace(old, new))


# ---------------------------------------------------------------- the configuration


def test_terraform_files_are_formatted(run_terraform: RunTerraform) -> None:
    result = run_terraform("fmt", "-check", "-recursive", "-diff", cwd=TERRAFORM_DIR)
    assert result.returncode == 0, (
        f"run `terraform fmt -recursive terraform`:\n{result.stdout}"
    )


def test_the_root_module_is_valid_against_the_pinned_provider_schema(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    result = run_terraform("validate", cwd=kalos_copy)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_complete_example_is_valid_against_the_pinned_provider_schema(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    example = kalos_copy / "examples" / "complete"
    installed = run_terraform("get", cwd=example)
    assert installed.returncode == 0, installed.stderr

    result = run_terraform("validate", cwd=example)
    assert result.returncode == 0, result.stderr + result.stdout


def test_every_key_in_cloudflare_resources_exists_in_the_pinned_schema() -> None:
    assert lint_tree(TERRAFORM_DIR) == []


def test_the_provider_is_pinned_to_the_version_of_the_schema_the_tests_use() -> None:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as schema_file:
        schema_version = json.load(schema_file)["provider"]["version"]

    terraform = load_hcl(TERRAFORM_DIR / "versions.tf")["terraform"][0]
    pinned = literal(terraform["required_providers"][0]["cloudflare"]["version"])
    assert pinned == schema_version == "5.28.0"


def test_the_wiring_tests_of_the_root_and_the_modules_pass(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    for config in (kalos_copy, kalos_copy / "modules" / "bucket"):
        result = run_terraform("test", cwd=config, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.search(r"Success! [1-9]\d* passed, 0 failed", result.stdout)


def test_terraform_deploys_the_workers_wrangler_toml_describes(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    result = run_contract(run_terraform, kalos_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 0 failed" in result.stdout


def test_both_tools_use_the_same_compatibility_date_and_flags() -> None:
    with (ROOT / "wrangler.toml").open("rb") as toml_file:
        wrangler = tomllib.load(toml_file)

    root_variables = declared(TERRAFORM_DIR / "variables.tf", "variable")
    worker_variables = declared(MODULES / "python_worker" / "variables.tf", "variable")
    date = literal(root_variables["compatibility_date"]["default"])
    flags = literal(worker_variables["compatibility_flags"]["default"])
    assert date == wrangler["compatibility_date"]
    assert flags == wrangler["compatibility_flags"]


def test_every_secret_is_a_sensitive_variable() -> None:
    root_variables = declared(TERRAFORM_DIR / "variables.tf", "variable")
    keys = [name for name in root_variables if "signing_key" in name]
    assert len(keys) == 6
    for name in keys:
        assert root_variables[name].get("sensitive") is True, name

    worker_variables = declared(MODULES / "python_worker" / "variables.tf", "variable")
    assert worker_variables["secrets"].get("sensitive") is True

    example_variables = declared(
        TERRAFORM_DIR / "examples/complete/variables.tf", "variable"
    )
    for name, body in example_variables.items():
        if "signing_key" in name:
            assert body.get("sensitive") is True, name


def test_every_input_and_output_is_documented_in_its_readme() -> None:
    for folder in (TERRAFORM_DIR, MODULES / "bucket", MODULES / "python_worker"):
        readme = (folder / "README.md").read_text()
        documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.MULTILINE))
        inputs = set(declared(folder / "variables.tf", "variable"))
        outputs = set(declared(folder / "outputs.tf", "output"))
        assert inputs | outputs <= documented, f"undocumented in {folder}/README.md"
        assert documented <= inputs | outputs, (
            f"documented but gone in {folder}/README.md"
        )


def test_the_example_tfvars_files_set_only_inputs_that_exist() -> None:
    for folder in (TERRAFORM_DIR, TERRAFORM_DIR / "examples" / "complete"):
        inputs = set(declared(folder / "variables.tf", "variable"))
        example = load_hcl(folder / "terraform.tfvars.example")
        names = {name for name in example if not name.startswith("__")}
        assert names and names <= inputs, folder


# ---------------------------------------------------------------- broken on purpose


def test_a_misspelled_attribute_fails_validate(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    replace_once(
        kalos_copy / "modules" / "python_worker" / "main.tf",
        "  compatibility_date  = var.compatibility_date",
        "  compatability_date  = var.compatibility_date",
    )

    result = run_terraform("validate", cwd=kalos_copy)
    assert result.returncode != 0
    assert (
        'An argument named "compatability_date" is not expected here' in result.stderr
    )


def test_a_misspelled_nested_key_slips_past_validate_but_not_the_schema_lint(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    replace_once(
        kalos_copy / "modules" / "bucket" / "main.tf",
        "    max_age_seconds = var.cors_max_age_seconds",
        "    max_age_secs    = var.cors_max_age_seconds",
    )

    # Why the lint exists: Terraform drops the unknown key without a word...
    assert run_terraform("validate", cwd=kalos_copy).returncode == 0
    # ...so the CORS rule would reach Cloudflare without its max age.
    problems = lint_tree(kalos_copy)
    assert any("unknown attribute 'max_age_secs'" in p for p in problems), problems


def test_a_missing_binding_is_caught_by_the_wrangler_contract(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    replace_once(
        kalos_copy / "main.tf",
        "    NONCES = cloudflare_workers_kv_namespace.nonces.id\n",
        "",
    )

    result = run_contract(run_terraform, kalos_copy)
    assert result.returncode != 0
    assert 'kalos-access KV bindings: wrangler.toml says ["NONCES"]' in output_of(
        result
    )


def test_a_worker_that_leaves_out_the_shared_package_is_caught(
    run_terraform: RunTerraform, kalos_copy: Path
) -> None:
    replace_once(
        kalos_copy / "modules" / "python_worker" / "main.tf",
        '    { for path in fileset(var.package_dir, "**/*.py") :'
        ' "${local.package_name}/${path}" => "${var.package_dir}/${path}" },\n',
        "",
    )

    result = run_contract(run_terraform, kalos_copy)
    assert result.returncode != 0
    assert "kalos-upload modules: wrangler.toml says" in output_of(result)
    assert "kalos-access modules: wrangler.toml says" in output_of(result)


@pytest.mark.parametrize("target", ["deploy", "destroy"])
def test_make_runs_terraform_with_the_users_tfvars(target: str) -> None:
    result = subprocess.run(
        ["make", "-n", target, "TFVARS=/tmp/my.tfvars"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "terraform -chdir=terraform init" in result.stdout
    assert "-var-file=/tmp/my.tfvars" in result.stdout
