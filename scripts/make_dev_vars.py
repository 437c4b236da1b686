"""Write random local secrets into a new ``.dev.vars`` file (never overwrites one).

wrangler and the local runtime both read ``.dev.vars`` for a worker's secrets. Each
key is 32 random bytes, base64url-encoded: the shortest length Kalos accepts.
"""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path

SECRET_NAMES = ("BACKEND_SIGNING_KEY", "GRANT_SIGNING_KEY", "RECEIPT_SIGNING_KEY")


def random_key() -> str:
    """A fresh 256-bit key, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def main(path: Path) -> None:
    if path.exists():
        print(f"{path} exists; leaving it as it is")
        return

    lines = [
        "# Local secrets for `make dev`, written by scripts/make_dev_vars.py.",
        "# Never commit this file. Each key is 32 random bytes, base64url.",
        *(f"{name}={random_key()}" for name in SECRET_NAMES),
    ]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    print(f"wrote new local secrets to {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".dev.vars"))
