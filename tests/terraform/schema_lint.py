"""Check keys inside Cloudflare resource blocks against the pinned provider's schema.

Provider v5 describes most settings as nested attributes: ``rules = [{ ... }]``. When
such an object literal carries a key the schema does not have, ``terraform validate``
converts it to the attribute's object type and drops the key without a word. This
lint reads the HCL and reports those keys, along with unknown top-level arguments,
read-only arguments, missing required arguments and v4-style nested blocks.

Values that are expressions are not evaluated, so an object built in a ``for``
expression or a local is beyond its reach; the ``terraform test`` runs cover those.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

SCHEMA = Path(__file__).with_name("stub_provider") / "cloudflare-5.28.0.json.gz"
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle"}
PARSER_KEYS = {"__is_block__", "__comments__", "__inline_comments__"}


@cache
def provider_schema() -> dict[str, Any]:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as schema_file:
        return json.load(schema_file)


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def is_block(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and item.get("__is_block__") for item in value)
    )


def check_object(where: str, nodes: list[dict[str, Any]], value: Any) -> list[str]:
    """Problems with the keys of one literal object, and of the literals inside it."""
    if not isinstance(value, dict):
        return []

    by_name = {node["name"]: node for node in nodes}
    problems = []
    for raw_key, child in value.items():
        key = unquote(raw_key)
        if key in META_ARGUMENTS or key in PARSER_KEYS or key.startswith("__"):
            continue
        node = by_name.get(key)
        if node is None:
            problems.append(f"{where}: unknown attribute '{key}'")
            continue
        if node["computed"] and not node["optional"] and not node["required"]:
            problems.append(f"{where}: '{key}' is read-only")
        if is_block(child):
            problems.append(
                f"{where}: '{key}' is written as a block, not `{key} = ...`"
            )
            continue

        children = node.get("attributes")
        if not children:
            continue
        if node["type"] == "map(object)" and isinstance(child, dict):
            for item_key, item in child.items():
                problems += check_object(
                    f"{where}.{key}[{unquote(item_key)}]", children, item
                )
        elif isinstance(child, list):
            for index, item in enumerate(child):
                problems += check_object(f"{where}.{key}[{index}]", children, item)
        else:
            problems += check_object(f"{where}.{key}", children, child)
    return problems


def check_required(
    where: str, nodes: list[dict[str, Any]], body: dict[str, Any]
) -> list[str]:
    present = {unquote(key) for key in body}
    return [
        f"{where}: missing required attribute '{node['name']}'"
        for node in nodes
        if node["required"] and node["name"] not in present
    ]


def lint_file(path: Path) -> list[str]:
    """Every problem in one .tf file's cloudflare_* resources and data sources."""
    schema = provider_schema()
    with path.open(encoding="utf-8") as tf_file:
        document = hcl2.load(tf_file)

    problems = []
    for kind, table in (("resource", "resources"), ("data", "data_sources")):
        for entry in document.get(kind, []):
            for raw_type, instances in entry.items():
                type_name = unquote(raw_type)
                if not type_name.startswith("cloudflare_"):
                    continue
                for raw_name, body in instances.items():
                    where = f"{path.name}: {type_name}.{unquote(raw_name)}"
                    nodes = schema[table].get(type_name)
                    if nodes is None:
                        problems.append(f"{where}: no such {kind} type in the schema")
                        continue
                    problems += check_object(where, nodes, body)
                    problems += check_required(where, nodes, body)
    return problems


def lint_tree(folder: Path) -> list[str]:
    """Problems in every .tf file under ``folder``, Terraform's own caches excluded."""
    problems = []
    for path in sorted(folder.rglob("*.tf")):
        if ".terraform" not in path.parts:
            problems += lint_file(path)
    return problems
