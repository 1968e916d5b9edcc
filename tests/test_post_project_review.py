"""A closed project stays in review mode, as its post-project benefits review, until its benefits are realised."""

import pytest
from people import admins

from projtui.domain.enums import BenefitStatus, Stage
from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio


def _project(code: str, stage: str, statuses: list[str]) -> str:
    text = f'[[projects]]\ncode = "{code}"\nname = "Project {code}"\nstage = "{stage}"\nambitions = ["A1"]\n'
    for n, status in enumerate(statuses, 1):
        text += f'[[projects.benefits]]\ncode = "B{n}"\ntitle = "Benefit {n}"\nstatus = "{status}"\n'
    return text


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    text = 'schema_version = 1\n[[ambitions]]\ncode = "A1"\ntitle = "A place to thrive"\n' + "".join([
        _project("SP-01", "delivery", ["forecast"]),
        _project("SP-02", "closed", ["realised", "realising"]),  # one still to come: in review
        _project("SP-03", "closed", ["realised", "not_realised"]),  # all settled: done
        _project("SP-04", "cancelled", ["forecast"]),  # cancelled: no post-project review
        _project("SP-05", "closed", []),
    ])
    import_snapshot(database, text, source="t.toml", actor="tester")
    yield database
    database.dispose()


def test_a_closed_project_with_benefits_still_to_realise_is_listed_as_post_project(db):
    queue = reviews.review_queue(db, Quarter(2026, 3))
    assert [(entry.code, entry.post_project) for entry in queue] == [("SP-01", False), ("SP-02", True)]
    assert reviews.review_progress(db, Quarter(2026, 3)).total == 2


def test_the_rules_behind_it_live_in_the_domain():
    assert [stage for stage in Stage if stage.post_project] == [Stage.CLOSED]
    assert [status for status in BenefitStatus if status.still_to_realise] == [BenefitStatus.FORECAST, BenefitStatus.REALISING]


def test_the_stage_filter_keeps_only_that_stage(db):
    assert [entry.code for entry in reviews.review_queue(db, Quarter(2026, 3), stage=Stage.CLOSED)] == ["SP-02"]
    assert [entry.code for entry in reviews.review_queue(db, Quarter(2026, 3), stage=Stage.DELIVERY)] == ["SP-01"]
    assert reviews.review_queue(db, Quarter(2026, 3), stage=Stage.PIPELINE) == []
    assert reviews.review_progress(db, Quarter(2026, 3), stage=Stage.CLOSED).total == 1
