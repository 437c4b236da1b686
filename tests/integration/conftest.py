"""Helpers for the integration tests, re-exported from tests/helpers.py.

The fixtures (``stack``, ``http``, ``backend``, ``forge``) live in tests/conftest.py,
so tests/attacks shares them. New tests import from ``helpers`` directly.
"""

from __future__ import annotations

from helpers import (
    CORPUS,
    Forge,
    grant_request,
    object_exists,
    problem_code,
    put,
    sha256,
    signed_post,
    unique_key,
)

__all__ = [
    "CORPUS",
    "Forge",
    "grant_request",
    "object_exists",
    "problem_code",
    "put",
    "sha256",
    "signed_post",
    "unique_key",
]
