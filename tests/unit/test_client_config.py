"""The backend client's settings: environment over config file over .dev.vars."""

from __future__ import annotations

from pathlib import Path

import pytest

from kalos.keys import SigningKey
from kalos_client.config import LOCAL_ACCESS_URL, Config, ConfigError

ENV_KEY = "key-from-the-environment-0123456789abcdef"
FILE_KEY = "key-from-the-config-file-0123456789abcdef"
DEV_KEY = "key-from-dot-dev-vars-0123456789abcdefghi"
SHORT_KEY = "too-short-to-sign"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'access_url = "https://access.example.com/"\n'
        f'backend_signing_key = "{FILE_KEY}"\n'
        f'receipt_signing_key = "{FILE_KEY}"\n'
        f'user = "file-user"\n'
    )
    return path


@pytest.fixture
def dev_vars(tmp_path: Path) -> Path:
    path = tmp_path / ".dev.vars"
    path.write_text(
        f"BACKEND_SIGNING_KEY={DEV_KEY}\n"
        f"RECEIPT_SIGNING_KEY={DEV_KEY}\n"
        f"GRANT_SIGNING_KEY=not-read-by-the-client\n"
    )
    return path


@pytest.fixture
def no_home_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default config file into an empty folder, away from the real one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


def test_the_environment_wins_over_the_config_file_and_dev_vars(
    config_file: Path, dev_vars: Path
) -> None:
    environ = {"KALOS_BACKEND_SIGNING_KEY": ENV_KEY, "KALOS_USER": "env-user"}

    config = Config.load(config_file, environ=environ, dev_vars=dev_vars)

    assert config.backend_keys.current == SigningKey.from_text(ENV_KEY)
    assert config.user == "env-user"
    # Settings the environment leaves out still come from the file.
    assert config.access_url == "https://access.example.com"
    assert config.receipt_keys is not None
    assert config.receipt_keys.current == SigningKey.from_text(FILE_KEY)


def test_the_config_file_wins_over_dev_vars(config_file: Path, dev_vars: Path) -> None:
    config = Config.load(config_file, environ={}, dev_vars=dev_vars)

    assert config.backend_keys.current == SigningKey.from_text(FILE_KEY)
    assert config.user == "file-user"


@pytest.mark.usefixtures("no_home_config")
def test_dev_vars_alone_configure_the_local_stack(dev_vars: Path) -> None:
    config = Config.load(environ={}, dev_vars=dev_vars)

    assert config.backend_keys.current == SigningKey.from_text(DEV_KEY)
    assert config.receipt_keys is not None
    assert config.receipt_keys.current == SigningKey.from_text(DEV_KEY)
    assert config.access_url == LOCAL_ACCESS_URL
    assert config.user == "kalos-cli"


def test_the_config_file_can_be_named_by_the_environment(
    config_file: Path, tmp_path: Path
) -> None:
    environ = {"KALOS_CONFIG": str(config_file)}

    config = Config.load(environ=environ, dev_vars=tmp_path / "absent")

    assert config.backend_keys.current == SigningKey.from_text(FILE_KEY)


def test_a_named_config_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"

    with pytest.raises(ConfigError, match="does not exist"):
        Config.load(missing, environ={}, dev_vars=tmp_path / "absent")


def test_previous_keys_from_the_environment_join_the_rings(tmp_path: Path) -> None:
    environ = {
        "KALOS_BACKEND_SIGNING_KEY": ENV_KEY,
        "KALOS_BACKEND_SIGNING_KEY_PREVIOUS": FILE_KEY,
        "KALOS_RECEIPT_SIGNING_KEY": ENV_KEY,
        "KALOS_RECEIPT_SIGNING_KEY_PREVIOUS": DEV_KEY,
    }
    empty = tmp_path / "empty.toml"
    empty.write_text("")

    config = Config.load(empty, environ=environ, dev_vars=tmp_path / "absent")

    assert config.backend_keys.previous == SigningKey.from_text(FILE_KEY)
    assert config.receipt_keys is not None
    assert config.receipt_keys.previous == SigningKey.from_text(DEV_KEY)


@pytest.mark.parametrize(
    "environ",
    [
        {"KALOS_BACKEND_SIGNING_KEY": SHORT_KEY},
        {"KALOS_BACKEND_SIGNING_KEY": ENV_KEY, "KALOS_RECEIPT_SIGNING_KEY": SHORT_KEY},
    ],
)
def test_a_short_key_is_refused_without_showing_it(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")

    with pytest.raises(ConfigError, match="signing key is") as refused:
        Config.load(empty, environ=environ, dev_vars=tmp_path / "absent")

    assert SHORT_KEY not in str(refused.value)


@pytest.mark.usefixtures("no_home_config")
def test_without_a_backend_key_anywhere_the_error_says_where_to_set_one(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as refused:
        Config.load(environ={}, dev_vars=tmp_path / "absent")

    message = str(refused.value)
    assert "KALOS_BACKEND_SIGNING_KEY" in message
    assert "config file" in message


@pytest.mark.usefixtures("no_home_config")
def test_a_missing_receipt_key_leaves_receipts_unverifiable_not_an_error(
    tmp_path: Path,
) -> None:
    config = Config.load(
        environ={"KALOS_BACKEND_SIGNING_KEY": ENV_KEY}, dev_vars=tmp_path / "absent"
    )

    assert config.receipt_keys is None
