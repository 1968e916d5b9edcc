"""Where the settings file is, and the names the settings are read under. Cheap: every start reads it."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

APP_NAME = "projtui"
ENV_PREFIX = "PROJTUI_"
FILE_NAME = "config.toml"


def config_dir() -> Path:
    override = os.environ.get("PROJTUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / FILE_NAME


def env_var(key: str) -> str:
    """The environment variable that sets `key`, e.g. PROJTUI_THEME."""
    return ENV_PREFIX + key.upper()


def login_name() -> str:
    """The default `user`: who is logged in."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
