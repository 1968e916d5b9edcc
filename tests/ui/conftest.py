"""Fixtures for the portfolio, golden-thread and help tests: a sample portfolio, the app on it, and helpers.

Every database is a file under the test's own tmp_path; the 100,000-project
portfolio is built once per module (bulk insert through the services) and
only read by the tests that use it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from people import admins
from support import BIG, USER
from textual.app import App

from projtui.config import Settings
from projtui.domain.enums import Stage
from projtui.domain.records import ProjectFields
from projtui.services import projects as project_service
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import load_sample


@pytest.fixture(autouse=True)
def _acting_as_the_tester(monkeypatch):
    """The app acts as USER (an admin of every portfolio built here, by `admins`)."""
    monkeypatch.setenv("PROJTUI_LOGIN", USER)


@pytest.fixture(autouse=True)
def _others_looked_for_only_when_asked(monkeypatch):
    """The app looks for others' changes every 2 s (`ui.live_refresh`): a test that writes behind its back
    (to make a conflict, say) must not race that look. tests/ui/test_live_refresh.py turns it on."""
    from projtui.ui.live_refresh import LiveRefresh

    monkeypatch.setattr(LiveRefresh, "LOOK_EVERY", 3600.0)


@pytest.fixture
def sample_db(tmp_path):
    """The bundled sample portfolio (17 projects, 4 ambitions), freshly loaded."""
    db = admins(open_portfolio(f"sqlite:///{tmp_path / 'sample.db'}", create=True))
    load_sample(db, actor="setup")
    yield db
    db.dispose()


@pytest.fixture
def empty_db(tmp_path):
    db = admins(open_portfolio(f"sqlite:///{tmp_path / 'empty.db'}", create=True))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """100,000 projects P-000000 … P-099999, every seventh linked to no ambition (and so in the pipeline)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    db = admins(open_portfolio(f"sqlite:///{path}", create=True))
    ambitions = "schema_version = 1\n" + "".join(f'[[ambitions]]\ncode = "A{i}"\ntitle = "Ambition {i}"\n' for i in (1, 2))
    import_snapshot(db, ambitions, source="ambitions.toml", actor="setup")

    def projects():
        for i in range(BIG):
            if i % 7 == 0:
                yield ProjectFields(code=f"P-{i:06d}", name=f"Project {i:06d}", stage=Stage.PIPELINE, lead=f"Lead {i % 50}")
            else:
                yield (
                    ProjectFields(code=f"P-{i:06d}", name=f"Project {i:06d}", stage=Stage.DELIVERY, lead=f"Lead {i % 50}"),
                    [f"A{1 + i % 2}"],
                )

    project_service.bulk_create_projects(db, projects(), actor="setup")
    yield db
    db.dispose()


@pytest.fixture
def make_app() -> Callable[..., App]:
    def make(db, keymap=None, **kwargs) -> App:
        from projtui.ui.app import ProjtuiApp

        return ProjtuiApp(db, Settings(user=USER, keymap=keymap or {}), **kwargs)

    return make
