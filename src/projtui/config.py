"""Where things live (platformdirs), and the settings in effect (config.toml and PROJTUI_*, see `projtui.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from projtui.domain.risks import RiskBands
from projtui.settings.location import APP_NAME, config_dir, config_file, login_name

__all__ = ["Settings", "config_dir", "config_file", "data_dir", "database_url", "default_db_path", "load_settings", "login_name"]

DB_FILENAME = "portfolio.db"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def database_url(db: Path | None = None, url: str | None = None) -> str:
    """The database to use: an explicit URL wins over a file path, which wins over the default file."""
    if url:
        return url
    return f"sqlite:///{(db or default_db_path()).expanduser()}"


@dataclass(frozen=True)
class Settings:
    """The settings in effect, as `settings.model` validated them (tests and benchmarks make their own)."""

    user: str
    theme: str | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    db: str | None = None
    database_url: str | None = None
    risk_bands: Mapping[str, int] = field(default_factory=dict)  # amber, red: see `bands`
    # Where each came from: "environment" or "file", by field and by `keymap.<id>`; absent: the default.
    sources: Mapping[str, str] = field(default_factory=dict)

    def database(self, *options: tuple[Path | None, str | None]) -> str:
        """The database URL: the first of `options` (db, url) that names one, then the environment, then the file.

        `options` are the command line's, most specific first. At each level a URL wins over a
        file; a level above wins whole, so `--db x.db` opens x.db whatever the file's database_url.
        """
        settings = [(self._from(source, "db"), self._from(source, "database_url")) for source in ("environment", "file")]
        for db, url in [*options, *settings]:
            if db or url:
                return database_url(Path(db) if db else None, url)
        return database_url()

    @property
    def bands(self) -> RiskBands:
        """The risk matrix's bands (the settings model checked them)."""
        return RiskBands(**self.risk_bands)

    def _from(self, source: str, key: str):
        return getattr(self, key) if self.sources.get(key) == source else None


def load_settings() -> Settings:
    """The settings in effect; InvalidInput (one problem a line) when config.toml or a PROJTUI_* variable is wrong.

    The model (pydantic) runs only when the file, the variables or the rules changed since
    its last answer (`settings.cache`), so the first start after an edit reports its errors.
    """
    from projtui.settings import cache

    path = config_file()
    wanted = cache.key(path)
    found = cache.read(wanted)
    if found is None:
        from projtui.settings.model import validate

        found = validate()
        cache.write(wanted, found)
    values, sources = found
    return Settings(**values, sources=sources)
