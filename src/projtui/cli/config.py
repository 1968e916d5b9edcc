"""`projtui config path` and `config show`: where the settings file is, and the settings in effect."""

from __future__ import annotations

import json

import typer

from projtui import config
from projtui.cli.help import command_group
from projtui.cli.options import typed_options
from projtui.domain.formatting import without_password
from projtui.settings.location import env_var


def path() -> None:
    """Print the path of the settings file (it need not exist yet)."""
    typer.echo(str(config.config_file()))


def show(ctx: typer.Context) -> None:
    """Print the settings in effect, each with where it came from: default, file, environment or option."""
    settings = config.load_settings()
    root = ctx.find_root()
    db, url = typed_options(root, root.params.get("db"), root.params.get("database_url"))
    default_db = None if settings.database_url else str(config.default_db_path())

    def source(key: str, variable: str) -> str:
        found = settings.sources.get(key, "default")
        return f"environment ({variable})" if found == "environment" else found

    rows = [
        ("user", settings.user, source("user", env_var("user"))),
        ("theme", settings.theme, source("theme", env_var("theme"))),
        ("db", str(db), "option") if db else ("db", settings.db or default_db, source("db", env_var("db"))),
        ("database_url", url, "option") if url else ("database_url", settings.database_url, source("database_url", env_var("database_url"))),
    ]
    rows += [(f"keymap.{json.dumps(binding)}", keys, source(f"keymap.{binding}", env_var("keymap"))) for binding, keys in settings.keymap.items()]
    bands = settings.bands
    rows += [(f"risk_bands.{name}", getattr(bands, name), source("risk_bands", env_var("risk_bands"))) for name in ("amber", "red")]
    for key, value, where in rows:
        shown = "(not set)" if value is None else without_password(json.dumps(value, ensure_ascii=False))
        typer.echo(f"{key} = {shown}  # {where}")
    typer.echo(f"# opens {without_password(settings.database((db, url)))}")


config_app = command_group("The settings: config.toml and the PROJTUI_* variables (README, Settings).", [("path", path), ("show", show)])
