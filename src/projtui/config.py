"""Where things live (platformdirs) and the user's settings file."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "projtui"
DB_FILENAME = "portfolio.db"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    override = os.environ.get("PROJTUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def database_url(db: Path | None = None, url: str | None = None) -> str:
    """The database to use: an explicit URL wins over a file path, which wins over the default file."""
    if url:
        return url
    return f"sqlite:///{(db or default_db_path()).expanduser()}"


@dataclass(frozen=True)
class Settings:
    user: str
    theme: str | None = None


def load_settings() -> Settings:
    """Read config.toml if there is one; a missing file means defaults."""
    path = config_dir() / "config.toml"
    raw: dict = {}
    if path.exists():
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    user = os.environ.get("PROJTUI_USER") or raw.get("user") or login_name()
    return Settings(user=str(user), theme=raw.get("theme"))


def login_name() -> str:
    """Who is acting: the login the audit log records and roles are checked for.

    PROJTUI_USER overrides the OS login; tests set it, and `projtui serve`
    is to pass its logged-in user through it. On a SQLite file this is only
    as strong as the OS account that can open the file.
    """
    if override := os.environ.get("PROJTUI_USER"):
        return override
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
