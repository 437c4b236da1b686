"""Worker settings read from the environment, strictly and without leaking secrets."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kalos.config import AccessSettings, UploadSettings
from kalos.errors import Misconfigured
from kalos.keys import SigningKey
from kalos.policy import IMAGE_TYPES

BACKEND_KEY = "backend-signing-key-secret-0123456789abcdef"
GRANT_KEY = "grant-signing-key-secret-0123456789abcdef"
RECEIPT_KEY = "receipt-signing-key-secret-0123456789abcdef"
SHORT_KEY = "short-secret-value"


def access_env(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "BACKEND_SIGNING_KEY": BACKEND_KEY,
        "GRANT_SIGNING_KEY": GRANT_KEY,
        "UPLOAD_BASE_URL": "https://upload.example.com/",
        **overrides,
    }
    return SimpleNamespace(**{k: v for k, v in values.items() if v is not None})


def upload_env(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "GRANT_SIGNING_KEY": GRANT_KEY,
        "RECEIPT_SIGNING_KEY": RECEIPT_KEY,
        "PUBLIC_BASE_URL": "https://files.example.com",
        **overrides,
    }
    return SimpleNamespace(**{k: v for k, v in values.items() if v is not None})


def test_access_settings_have_safe_defaults() -> None:
    settings = AccessSettings.from_env(access_env())

    assert settings.grant_ttl == 180
    assert settings.tolerance == 300
    assert settings.policy.max_bytes == 100_000_000
    assert settings.policy.types == IMAGE_TYPES
    assert settings.nonce_mode == "kv"
    assert settings.upload_base_url == "https://upload.example.com"
    assert settings.backend_keys.current == SigningKey.from_text(BACKEND_KEY)
    assert settings.grant_keys.previous is None


def test_access_settings_read_every_override() -> None:
    settings = AccessSettings.from_env(
        access_env(
            GRANT_TTL_SECONDS="600",
            SIGNATURE_TOLERANCE_SECONDS=" 60 ",
            MAX_UPLOAD_BYTES="1024",
            ALLOWED_TYPES="image/png, image/webp",
            NONCE_MODE="strict",
            GRANT_SIGNING_KEY_PREVIOUS=BACKEND_KEY,
        )
    )

    assert settings.grant_ttl == 600
    assert settings.tolerance == 60
    assert settings.policy.max_bytes == 1024
    assert settings.policy.types == ("image/png", "image/webp")
    assert settings.nonce_mode == "strict"
    assert settings.grant_keys.previous == SigningKey.from_text(BACKEND_KEY)


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ({"GRANT_TTL_SECONDS": "601"}, "GRANT_TTL_SECONDS"),
        ({"GRANT_TTL_SECONDS": "0"}, "GRANT_TTL_SECONDS"),
        ({"GRANT_TTL_SECONDS": "three minutes"}, "GRANT_TTL_SECONDS"),
        ({"SIGNATURE_TOLERANCE_SECONDS": "901"}, "SIGNATURE_TOLERANCE_SECONDS"),
        ({"MAX_UPLOAD_BYTES": "0"}, "MAX_UPLOAD_BYTES"),
        ({"NONCE_MODE": "memory"}, "NONCE_MODE"),
        ({"UPLOAD_BASE_URL": "upload.example.com"}, "UPLOAD_BASE_URL"),
        ({"UPLOAD_BASE_URL": "ftp://upload.example.com"}, "UPLOAD_BASE_URL"),
        ({"UPLOAD_BASE_URL": None}, "UPLOAD_BASE_URL"),
        ({"ALLOWED_TYPES": "image/png,image/svg+xml"}, "ALLOWED_TYPES"),
        ({"BACKEND_SIGNING_KEY": None}, "BACKEND_SIGNING_KEY"),
        ({"GRANT_SIGNING_KEY": "   "}, "GRANT_SIGNING_KEY"),
        ({"BACKEND_SIGNING_KEY": SHORT_KEY}, "BACKEND_SIGNING_KEY"),
        ({"GRANT_SIGNING_KEY_PREVIOUS": SHORT_KEY}, "GRANT_SIGNING_KEY_PREVIOUS"),
    ],
)
def test_access_settings_refuse_a_bad_value_and_name_the_setting(
    override: dict[str, Any], names: str
) -> None:
    with pytest.raises(Misconfigured) as refused:
        AccessSettings.from_env(access_env(**override))

    assert names in str(refused.value)


@pytest.mark.parametrize(
    "override",
    [
        {"BACKEND_SIGNING_KEY": SHORT_KEY},
        {"GRANT_SIGNING_KEY": SHORT_KEY},
        {"GRANT_SIGNING_KEY_PREVIOUS": SHORT_KEY},
        {"UPLOAD_BASE_URL": None},
        {"NONCE_MODE": "memory"},
    ],
)
def test_a_misconfiguration_message_never_contains_a_secret(
    override: dict[str, Any],
) -> None:
    with pytest.raises(Misconfigured) as refused:
        AccessSettings.from_env(access_env(**override))

    message = str(refused.value)
    for secret in (SHORT_KEY, BACKEND_KEY, GRANT_KEY):
        assert secret not in message
    assert refused.value.problem()["detail"] == message


def test_a_secret_that_is_not_text_counts_as_missing() -> None:
    with pytest.raises(Misconfigured, match="GRANT_SIGNING_KEY is not set"):
        AccessSettings.from_env(access_env(GRANT_SIGNING_KEY=12345))


def test_upload_settings_parse_the_allowed_origins() -> None:
    settings = UploadSettings.from_env(
        upload_env(
            ALLOWED_ORIGINS=" https://app.example.com/ ,,http://localhost:5173 ,"
        )
    )

    assert settings.allowed_origins == (
        "https://app.example.com",
        "http://localhost:5173",
    )
    assert settings.public_base_url == "https://files.example.com"
    assert settings.receipt_keys.current == SigningKey.from_text(RECEIPT_KEY)


def test_upload_settings_without_allowed_origins_allow_no_browser_origin() -> None:
    assert UploadSettings.from_env(upload_env()).allowed_origins == ()


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ({"RECEIPT_SIGNING_KEY": None}, "RECEIPT_SIGNING_KEY"),
        ({"RECEIPT_SIGNING_KEY": SHORT_KEY}, "RECEIPT_SIGNING_KEY"),
        ({"PUBLIC_BASE_URL": "files.example.com"}, "PUBLIC_BASE_URL"),
    ],
)
def test_upload_settings_refuse_a_bad_value_and_name_the_setting(
    override: dict[str, Any], names: str
) -> None:
    with pytest.raises(Misconfigured) as refused:
        UploadSettings.from_env(upload_env(**override))

    assert names in str(refused.value)
    assert SHORT_KEY not in str(refused.value)
