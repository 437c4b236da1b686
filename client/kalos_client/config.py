"""Where the access worker is and which keys to use.

Settings come, in order of precedence, from the environment (``KALOS_ACCESS_URL``,
``KALOS_BACKEND_SIGNING_KEY``, ``KALOS_RECEIPT_SIGNING_KEY`` and their
``_PREVIOUS`` companions, ``KALOS_USER``), from a TOML config file, and for the local
stack from ``.dev.vars`` in the working directory. Without any of them the client
talks to the local stack at its default port.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from kalos.keys import KeyRing

LOCAL_ACCESS_URL = "http://127.0.0.1:8787"
DEFAULT_CONFIG_FILE = Path("~/.config/kalos/config.toml")
DEV_VARS = Path(".dev.vars")

# config-file key -> environment variable -> .dev.vars secret
_SETTINGS = {
    "access_url": ("KALOS_ACCESS_URL", None),
    "backend_signing_key": ("KALOS_BACKEND_SIGNING_KEY", "BACKEND_SIGNING_KEY"),
    "backend_signing_key_previous": (
        "KALOS_BACKEND_SIGNING_KEY_PREVIOUS",
        "BACKEND_SIGNING_KEY_PREVIOUS",
    ),
    "receipt_signing_key": ("KALOS_RECEIPT_SIGNING_KEY", "RECEIPT_SIGNING_KEY"),
    "receipt_signing_key_previous": (
        "KALOS_RECEIPT_SIGNING_KEY_PREVIOUS",
        "RECEIPT_SIGNING_KEY_PREVIOUS",
    ),
    "user": ("KALOS_USER", None),
}


class ConfigError(ValueError):
    """A setting is missing or unusable; the message says which and where to set it."""


@dataclass(frozen=True)
class Config:
    """The client's settings; each key is a ring: current and, rotating, previous."""

    access_url: str
    backend_keys: KeyRing
    receipt_keys: KeyRing | None
    user: str

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        environ: Mapping[str, str] | None = None,
        dev_vars: Path = DEV_VARS,
    ) -> Config:
        """Read settings from the environment, a config file and ``.dev.vars``."""
        environ = os.environ if environ is None else environ
        explicit = path or (
            Path(environ["KALOS_CONFIG"]) if "KALOS_CONFIG" in environ else None
        )
        file_path = explicit or DEFAULT_CONFIG_FILE.expanduser()
        if explicit and not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist")
        from_file = tomllib.loads(file_path.read_text()) if file_path.is_file() else {}
        local = dotenv_values(dev_vars) if dev_vars.is_file() else {}

        def setting(name: str) -> str | None:
            env_name, dev_name = _SETTINGS[name]
            value = environ.get(env_name) or from_file.get(name)
            if value is None and dev_name is not None:
                value = local.get(dev_name)
            return str(value) if value else None

        backend_key = setting("backend_signing_key")
        if backend_key is None:
            raise ConfigError(
                "no backend signing key: set KALOS_BACKEND_SIGNING_KEY, put "
                "backend_signing_key in a config file, or run `make dev` here once"
            )
        receipt_key = setting("receipt_signing_key")
        try:
            return cls(
                access_url=(setting("access_url") or LOCAL_ACCESS_URL).rstrip("/"),
                backend_keys=KeyRing.from_text(
                    backend_key,
                    setting("backend_signing_key_previous"),
                    "backend signing key",
                ),
                receipt_keys=KeyRing.from_text(
                    receipt_key,
                    setting("receipt_signing_key_previous"),
                    "receipt signing key",
                )
                if receipt_key
                else None,
                user=setting("user") or "kalos-cli",
            )
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
