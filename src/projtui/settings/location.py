"""Where the settings file is, and the names the settings are read under. Cheap: every start reads it."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

APP_NAME = "projtui"
ENV_PREFIX = "PROJTUI_"
FILE_NAME = "config.toml"
LOGIN_VAR = "PROJTUI_LOGIN"  # who you are, for tests and `projtui serve`'s sessions; see login_name
READ_ONLY_VAR = "PROJTUI_READ_ONLY"  # "1": `projtui serve --read-only` opened this session; see read_only
DB_ROLE_VAR = "PROJTUI_DB_ROLE"  # the PostgreSQL role `projtui serve` in team mode has a session act as; see db_role


def config_dir() -> Path:
    override = os.environ.get("PROJTUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / FILE_NAME


def env_var(key: str) -> str:
    """The environment variable that sets `key`, e.g. PROJTUI_THEME."""
    return ENV_PREFIX + key.upper()


def login_name() -> str:
    """Who is acting: the login the audit log records and roles are checked for (and the default `user`).

    PROJTUI_LOGIN overrides the OS login: tests set it, and `projtui serve`
    sets it for each browser session's app to the user who logged in there. On a SQLite file identity is
    only as strong as the OS account that can open the file. (PROJTUI_USER
    is the `user` setting: the name you are shown by, not who you are.)
    """
    if override := os.environ.get(LOGIN_VAR):
        return override
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def read_only() -> bool:
    """Whether this app was started read-only, as `projtui serve --read-only` starts its sessions' apps.

    Setting it can only take rights away, so nobody gains by setting it themselves.
    """
    return os.environ.get(READ_ONLY_VAR) == "1"


def db_role() -> str | None:
    """The PostgreSQL role this app's transactions act as: `projtui serve` sets it, in team mode, to the logged-in login.

    Setting it yourself gains nothing: switching to a role needs the connecting role's membership in it.
    """
    return os.environ.get(DB_ROLE_VAR) or None
