"""A stand-in for the cloudflare/cloudflare provider that knows only its schema.

Terraform checks resource types, argument names, required arguments, value types and
read-only attributes against the schema a provider reports. This stand-in reports the
schema of the pinned provider version (extracted from its published bindings), so
``terraform validate`` and ``terraform test`` with a mock provider run offline.

It talks the plugin protocol through the ``tf`` package and implements no create, read,
update or delete: configuring it for a real plan fails on purpose, so it can never be
mistaken for the provider.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from tf import runner
from tf.gen import tfplugin_pb2 as pb
from tf.utils import Diagnostics

SCHEMA = Path(__file__).with_name("cloudflare-5.28.0.json.gz")
PREFIX = "cloudflare_"

# How the extracted schema spells a type, and the cty type JSON Terraform expects.
PRIMITIVES = {"string": "string", "number": "number", "bool": "bool"}
NESTINGS = {
    "object": pb.Schema.Object.SINGLE,
    "list(object)": pb.Schema.Object.LIST,
    "set(object)": pb.Schema.Object.SET,
    "map(object)": pb.Schema.Object.MAP,
}
PROVIDER_ARGUMENTS = (
    "api_token",
    "api_key",
    "api_user_service_key",
    "email",
    "base_url",
)


def cty_type(spelling: str) -> Any:
    """Translate ``list(string)`` and friends; anything unknown becomes dynamic."""
    if spelling in PRIMITIVES:
        return PRIMITIVES[spelling]
    for collection in ("list", "set", "map"):
        if spelling.startswith(f"{collection}(") and spelling.endswith(")"):
            inner = spelling[len(collection) + 1 : -1]
            return [collection, "dynamic" if inner == "any" else cty_type(inner)]
    return "dynamic"


def is_read_only(node: dict[str, Any]) -> bool:
    return bool(node["computed"]) and not node["optional"] and not node["required"]


def attribute(node: dict[str, Any]) -> pb.Schema.Attribute:
    """One schema node as a protocol attribute, nested attributes included."""
    required = bool(node["required"])
    flags = {
        "name": node["name"],
        "description": node.get("description") or "",
        "required": required,
        "optional": not required and (bool(node["optional"]) or not node["computed"]),
        "computed": not required and bool(node["computed"]),
    }
    children = node.get("attributes")
    if children is not None and node["type"] in NESTINGS:
        nested = pb.Schema.Object(
            attributes=[attribute(child) for child in children],
            nesting=NESTINGS[node["type"]],
        )
        return pb.Schema.Attribute(nested_type=nested, **flags)
    return pb.Schema.Attribute(
        type=json.dumps(cty_type(node["type"])).encode(), **flags
    )


def read_only_errors(nodes: list[dict[str, Any]], value: Any, path: str) -> list[str]:
    """Paths under ``value`` that set a read-only attribute.

    Terraform core leaves this check to the provider, so without it a configuration
    that sets, say, ``id`` would validate here and fail against the real provider.
    """
    if not isinstance(value, dict):
        return []

    errors = []
    for node in nodes:
        child = value.get(node["name"])
        if child is None:
            continue
        where = f"{path}.{node['name']}" if path else node["name"]
        if is_read_only(node):
            errors.append(where)
            continue

        children = node.get("attributes")
        if not children:
            continue
        if node["type"] == "map(object)" and isinstance(child, dict):
            items = [(f"{where}[{key}]", item) for key, item in child.items()]
        elif isinstance(child, list | tuple | set | frozenset):
            items = [(f"{where}[{index}]", item) for index, item in enumerate(child)]
        else:
            items = [(where, child)]
        for item_path, item in items:
            errors += read_only_errors(children, item, item_path)
    return errors


class Schema:
    """The shape ``tf`` asks for: something with ``to_pb`` and no local validation."""

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.nodes = nodes
        self.attributes: list[Any] = []
        self.block_types: list[Any] = []

    def to_pb(self) -> pb.Schema:
        block = pb.Schema.Block(attributes=[attribute(node) for node in self.nodes])
        return pb.Schema(version=0, block=block)


def schema_only_type(type_name: str, nodes: list[dict[str, Any]]) -> type:
    """A resource or data source class that validates and refuses everything else."""

    class SchemaOnly:
        def __init__(self, provider: StubCloudflare) -> None:
            self.provider = provider

        @classmethod
        def get_name(cls) -> str:
            return type_name.removeprefix(PREFIX)

        @classmethod
        def get_schema(cls) -> Schema:
            return Schema(nodes)

        def validate(self, diags: Diagnostics, type_name: str, config: Any) -> None:
            for path in read_only_errors(nodes, config, ""):
                diags.add_error(
                    "Invalid Configuration for Read-Only Attribute",
                    f"{type_name}.{path} is read-only; it cannot be set.",
                )

    SchemaOnly.__name__ = type_name
    return SchemaOnly


class StubCloudflare:
    """The provider object ``tf.runner`` serves."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.resources = [
            schema_only_type(name, nodes) for name, nodes in schema["resources"].items()
        ]
        self.data_sources = [
            schema_only_type(name, nodes)
            for name, nodes in schema["data_sources"].items()
        ]

    def get_model_prefix(self) -> str:
        return PREFIX

    def full_name(self) -> str:
        return "registry.terraform.io/cloudflare/cloudflare"

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        nodes = [
            {
                "name": name,
                "type": "string",
                "required": False,
                "optional": True,
                "computed": False,
            }
            for name in PROVIDER_ARGUMENTS
        ]
        return Schema(nodes)

    def validate_config(self, diags: Diagnostics, config: Any) -> None:
        return None

    def configure_provider(self, diags: Diagnostics, config: Any) -> None:
        diags.add_error(
            "Schema-only stand-in provider",
            "This provider only knows the schema; it cannot plan or apply.",
        )

    def get_resources(self) -> list[type]:
        return self.resources

    def get_data_sources(self) -> list[type]:
        return self.data_sources

    def get_functions(self) -> list[type]:
        return []

    def new_resource(self, klass: type) -> Any:
        return klass(self)

    def new_data_source(self, klass: type) -> Any:
        return klass(self)


def main() -> None:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    runner.run_provider(StubCloudflare(schema), sys.argv)


if __name__ == "__main__":
    main()
