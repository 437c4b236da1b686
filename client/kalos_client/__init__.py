"""The backend side of Kalos: sign grant requests, upload and delete, verify receipts.

``KalosBackend`` is what a backend embeds: it asks the access worker for grants and
verifies the receipts clients bring back. ``send_file`` and ``send_delete`` play the
client's part, for the CLI and for tests.
"""

from kalos_client.backend import Grant, KalosBackend, KalosError, Receipt
from kalos_client.config import Config
from kalos_client.transfer import send_delete, send_file

__all__ = [
    "Config",
    "Grant",
    "KalosBackend",
    "KalosError",
    "Receipt",
    "send_delete",
    "send_file",
]
