"""Turn wrangler.toml into a ``terraform test`` file that Terraform must pass.

wrangler.toml and terraform/ describe the same two workers. Rather than compare two
parsers' views of HCL, this writes what wrangler.toml says (and what
``scripts/bundle_worker.py`` uploads) as assertions on the root module's outputs, and
lets Terraform evaluate its own configuration against them.
"""

from __future__ import annotations

import json
from typing import Any

# wrangler environment -> root module output describing the same worker
WORKERS = {"access": "access_worker", "upload": "upload_worker"}


def hcl_string(text: str) -> str:
    """A JSON string literal is a valid HCL string literal when it holds no ``${``."""
    assert "${" not in text and "%{" not in text
    return json.dumps(text)


def compact_json(value: Any) -> str:
    """The text Terraform's jsonencode produces for plain strings and lists."""
    return json.dumps(value, separators=(",", ":"))


def assertion(condition: str, message: str) -> str:
    return (
        "  assert {\n"
        f"    condition     = {condition}\n"
        f"    error_message = {message}\n"
        "  }\n"
    )


def expect_json(expression: str, expected: Any, what: str) -> str:
    """Assert that jsonencode(expression) is exactly the JSON of ``expected``."""
    wanted = compact_json(expected)
    condition = f"jsonencode({expression}) == {hcl_string(wanted)}"
    message = hcl_string(f"{what}: wrangler.toml says {wanted}, Terraform has ")
    message = message[:-1] + f'${{jsonencode({expression})}}."'
    return assertion(condition, message)


def names_of_type(output: str, binding_type: str) -> str:
    return (
        f'sort([for name, b in {output}.bindings : name if b.type == "{binding_type}"])'
    )


def worker_assertions(env: dict[str, Any], output: str, modules: list[str]) -> str:
    name = env["name"]
    out = output
    blocks = [
        expect_json(f"{out}.name", name, f"{name} name"),
        expect_json(f"{out}.modules", sorted(modules), f"{name} modules"),
        expect_json(
            f"sort(keys({out}.vars))", sorted(env.get("vars", {})), f"{name} vars"
        ),
        expect_json(
            names_of_type(out, "secret_text"),
            sorted(env.get("secrets", {}).get("required", [])),
            f"{name} secrets",
        ),
        expect_json(
            names_of_type(out, "kv_namespace"),
            sorted(kv["binding"] for kv in env.get("kv_namespaces", [])),
            f"{name} KV bindings",
        ),
        expect_json(
            names_of_type(out, "r2_bucket"),
            sorted(r2["binding"] for r2 in env.get("r2_buckets", [])),
            f"{name} R2 bindings",
        ),
    ]
    for r2 in env.get("r2_buckets", []):
        binding = f"{out}.bindings.{r2['binding']}"
        blocks.append(
            expect_json(
                f"{binding}.bucket_name", r2["bucket_name"], f"{name} R2 bucket"
            )
        )

    durable_objects = env.get("durable_objects", {}).get("bindings", [])
    blocks.append(
        expect_json(
            names_of_type(out, "durable_object_namespace"),
            sorted(do["name"] for do in durable_objects),
            f"{name} Durable Object bindings",
        )
    )
    for do in durable_objects:
        binding = f"{out}.bindings.{do['name']}"
        blocks.append(
            expect_json(f"{binding}.class_name", do["class_name"], f"{name} class")
        )
        if "script_name" in do:
            blocks.append(
                expect_json(
                    f"{binding}.script_name", do["script_name"], f"{name} script"
                )
            )

    # Terraform sends the newest migration; wrangler lists them all, oldest first.
    migrations = env.get("migrations", [])
    if migrations:
        latest = migrations[-1]
        blocks.append(
            expect_json(f"{out}.migration.new_tag", latest["tag"], f"{name} tag")
        )
        blocks.append(
            expect_json(
                f"{out}.migration.new_sqlite_classes",
                latest.get("new_sqlite_classes", []),
                f"{name} migration classes",
            )
        )
    else:
        message = hcl_string(
            f"{name} defines no Durable Object, so sends no migration."
        )
        blocks.append(assertion(f"{out}.migration == null", message))
    return "".join(blocks)


def contract_test(wrangler: dict[str, Any], modules: dict[str, list[str]]) -> str:
    """A .tftest.hcl file asserting that terraform/ deploys what wrangler.toml does.

    ``modules`` maps each wrangler environment to the module names its bundle holds.
    """
    runs = []
    for env_name, output in WORKERS.items():
        env = wrangler["env"][env_name]
        runs.append(
            f'run "{output}_matches_wrangler_toml" {{\n'
            "  command = apply\n"
            f"{worker_assertions(env, f'output.{output}', modules[env_name])}"
            "}\n"
        )
    return (
        "# Generated by tests/terraform/wrangler_contract.py from wrangler.toml.\n\n"
        'mock_provider "cloudflare" {}\n\n'
        "variables {\n"
        '  account_id            = "0123456789abcdef0123456789abcdef"\n'
        '  workers_dev_subdomain = "contract"\n'
        f'  backend_signing_key   = "{"b" * 32}"\n'
        f'  grant_signing_key     = "{"g" * 32}"\n'
        f'  receipt_signing_key   = "{"r" * 32}"\n'
        "}\n\n" + "\n".join(runs)
    )
