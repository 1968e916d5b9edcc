"""The settings model: every key of config.toml and its PROJTUI_* variable, with its type, default and rules.

This is the one home of those rules; `validate` is the only way settings are
checked, and `settings.cache` only replays its answers. Precedence, highest
first: the command line (applied by the CLI, for the database), the
environment, config.toml, the defaults here.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.risks import RiskBands
from projtui.settings.location import ENV_PREFIX, config_file, env_var, login_name
from projtui.settings.names import BINDING_IDS, THEMES
from projtui.snapshot.problems import Report, field_name, message_of, syntax_problem


def _one_of(names: Collection[str], what: str, *, list_them: bool) -> AfterValidator:
    def check(value: str) -> str:
        if value in names:
            return value
        close = difflib.get_close_matches(value, names, n=1)
        hint = f"did you mean {close[0]!r}?" if close else ("one of: " + ", ".join(names) if list_them else "")
        raise ValueError(f"not {what}" + (f"; {hint}" if hint else ""))

    return AfterValidator(check)


def _keys(value: str) -> str:
    if not all(part and not part.isspace() for part in value.split(",")):
        raise ValueError("keys, separated by commas, e.g. 'ctrl+f' or 'f5,ctrl+r'")
    return value


def _url(value: str) -> str:
    scheme, sep, _ = value.partition("://")
    if not (sep and scheme and scheme[0].isalpha()):
        raise ValueError("not a database URL, e.g. sqlite:///path/to/portfolio.db or postgresql+psycopg://user@host/db")
    return value


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Theme = Annotated[str, _one_of(THEMES, "a theme Textual knows", list_them=True)]
BindingId = Annotated[str, _one_of(sorted(BINDING_IDS), "a key binding id (see README, Settings)", list_them=False)]
Keys = Annotated[str, AfterValidator(_keys)]


class RiskBandsSetting(BaseModel):
    """`[risk_bands]`: the score (likelihood × impact) from which a risk is amber, and red; the rule is `domain.risks.RiskBands`."""

    model_config = ConfigDict(extra="forbid")
    amber: StrictInt = RiskBands.amber
    red: StrictInt = RiskBands.red

    @model_validator(mode="after")
    def _a_matrix(self) -> RiskBandsSetting:
        RiskBands(self.amber, self.red)  # its ValueError names the rule broken
        return self


class SettingsModel(BaseSettings):
    """config.toml and PROJTUI_*; README "Settings" documents each field."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", env_ignore_empty=True)

    user: NonEmpty = Field(default_factory=login_name)
    """Who is recorded as making changes: audit rows, reviews, imports."""
    database_url: Annotated[str, AfterValidator(_url)] | None = None
    """SQLAlchemy URL of the portfolio; wins over `db`."""
    db: NonEmpty | None = None
    """SQLite portfolio file; None: portfolio.db in the user data directory."""
    theme: Theme = "textual-dark"
    keymap: dict[BindingId, Keys] = {}
    """Binding id -> keys, e.g. "portfolio.filter" = "ctrl+f"."""
    risk_bands: RiskBandsSetting = Field(default_factory=RiskBandsSetting)
    """Where the 5×5 risk matrix turns amber and red, e.g. [risk_bands] amber = 5, red = 15."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        # Variables over the file; no .env file or secrets directory: nothing documents them.
        return env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file())


Found = tuple[dict[str, Any], dict[str, str]]


def validate() -> Found:
    """The settings in effect (plain values) and where each came from; InvalidInput naming every problem.

    Sources are keyed by field, and by `keymap.<id>` for each keymap entry:
    "environment" or "file"; a key with no source is a default.
    """
    path = config_file()
    text = _read(path)
    in_file = _parse(text, path)
    try:
        in_env = EnvSettingsSource(SettingsModel)()
    except SettingsError:
        variable = env_var("keymap")  # the one setting read as JSON
        raise InvalidInput([Problem(variable, "", os.environ.get(variable, NO_VALUE), 'not JSON: give {"binding.id": "keys", ...}')]) from None
    try:
        model = SettingsModel()
    except ValidationError as exc:
        raise InvalidInput(_problems(exc, in_env, Report(str(path), text or ""))) from None
    values = model.model_dump()
    sources = {name: _source(name in in_env, name in in_file) for name in values if name != "keymap"}
    for binding in values["keymap"]:
        sources[f"keymap.{binding}"] = _source(binding in in_env.get("keymap", {}), True)
    return values, {name: source for name, source in sources.items() if source}


def _source(in_env: bool, in_file: bool) -> str:
    return "environment" if in_env else "file" if in_file else ""


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise InvalidInput([Problem(str(path), "", NO_VALUE, f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise InvalidInput([Problem(str(path), "", NO_VALUE, f"cannot read: {exc.strerror or exc}")]) from None


def _parse(text: str | None, path: Path) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput([syntax_problem(exc, text, str(path))]) from None


def _problems(exc: ValidationError, in_env: dict[str, Any], in_file: Report) -> list[Problem]:
    """Each error named by where its value came from: the variable that set it, or the file's line."""
    from_env: list[Problem] = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if part != "[key]")
        key = str(loc[0])
        if key in in_env and (len(loc) == 1 or not isinstance(in_env[key], dict) or loc[1] in in_env[key]):
            from_env.append(Problem(env_var(key), field_name(loc), error.get("input", NO_VALUE), message_of(error)))
        else:
            in_file.pydantic_error(error)
    return from_env + in_file.sorted()
