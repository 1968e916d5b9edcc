"""Users and roles: who may write what, through the services every front end calls.

Each role × action is tried against the sample portfolio: an allowed write
gets past the permission check (it may still meet another rule), a refused
one raises PermissionDenied naming the role it needs and writes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from projtui.domain.errors import PermissionDenied, ProjtuiError, RuleError
from projtui.domain.quarter import Quarter
from projtui.domain.records import OutputFields, ProjectFields
from projtui.domain.roles import Action, Role, allowed, is_named_in
from projtui.services import acting, kpis, plans, projects, reviews, users
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import load_sample
from projtui.store import tables as t

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)  # the sample's latest (published) quarter, and an empty one
OWN, EDITED, OTHERS = "SP-01", "SP-02", "SP-03"  # led by dan; eve named its editor; nobody's

# login → (role, display name); dan leads SP-01 by name, eve is a lead named to edit SP-02.
PEOPLE = {
    "root": (Role.ADMIN, "Root"),
    "pat": (Role.PERFORMANCE_OFFICER, "Pat Officer"),
    "dan": (Role.PROJECT_LEAD, "Daniel Hargreaves"),
    "eve": (Role.PROJECT_LEAD, "Eve Editor"),
    "vic": (Role.VIEWER, "Vic Viewer"),
    "gone": (Role.ADMIN, "Gone Admin"),  # disabled
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The sample, loaded by its first writer (root, so admin), with PEOPLE added: copied for each test."""
    path = tmp_path_factory.mktemp("roles") / "template.db"
    db = open_portfolio(f"sqlite:///{path}", create=True)
    load_sample(db, actor="root")
    for login, (role, name) in PEOPLE.items():
        if login != "root":
            users.add_user(db, login, display_name=name, role=role, actor="root")
    users.set_active(db, "gone", False, actor="root")
    users.add_editor(db, EDITED, "eve", actor="root")
    db.dispose()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "p.db"
    shutil.copy(template, path)
    database = open_portfolio(f"sqlite:///{path}")
    yield database
    database.dispose()


def _edit_project(db, actor, code):
    seen = projects.get_project(db, code)
    projects.update_project(db, code, seen.fields.model_copy(update={"summary": "Changed"}), expected_version=seen.version, actor=actor)


def _edit_plan(db, actor, code):
    plans.add_item(db, code, "output", OutputFields(code="O99", title="New output"), actor=actor)


def _enter_actual(db, actor, code):
    reviews.set_actual(db, code, "M1", Q3, 1.0, expected_version=None, actor=actor)


def _save_review(db, actor, code):
    reviews.save_review(db, code, Q3, {"rag": "green"}, expected_version=None, actor=actor)


def _publish(db, actor, code):
    reviews.publish_review(db, code, Q2, expected_version=reviews.review_sheet(db, code, Q2).review_version, actor=actor)


def _reopen(db, actor, code):
    version = reviews.review_sheet(db, code, Q2).review_version
    reviews.reopen_review(db, code, Q2, expected_version=version, reason="Correction", actor=actor)


def _create(db, actor, code):
    projects.create_project(db, ProjectFields(code="SP-99", name="New"), actor=actor)


def _delete(db, actor, code):
    projects.delete_project(db, code, expected_version=projects.get_project(db, code).version, actor=actor)


def _import(db, actor, code):
    import_snapshot(db, 'schema_version = 1\n[[ambitions]]\ncode = "A9"\ntitle = "New ambition"\n', source="a.toml", actor=actor)


def _name_editor(db, actor, code):
    users.add_editor(db, code, "vic", actor=actor)


def _add_user(db, actor, code):
    users.add_user(db, "newcomer", actor=actor)


def _kpi_actual(db, actor, code):
    # A KPI is a service's, never a project's: `code` names no owner of it, so a project lead may not, even on their own project.
    kpis.set_kpi_actual(db, "BEN01", Q3, 15.0, expected_version=None, actor=actor)


WRITES: dict[str, tuple[Action, Callable]] = {
    "edit project": (Action.EDIT_PROJECT, _edit_project),
    "edit plan": (Action.EDIT_PROJECT, _edit_plan),
    "enter actual": (Action.ENTER_ACTUALS, _enter_actual),
    "save review": (Action.SAVE_REVIEW, _save_review),
    "publish": (Action.PUBLISH_REVIEW, _publish),
    "reopen": (Action.REOPEN_REVIEW, _reopen),
    "create project": (Action.CREATE_PROJECT, _create),
    "delete project": (Action.DELETE_PROJECT, _delete),
    "import": (Action.IMPORT, _import),
    "name editor": (Action.NAME_EDITORS, _name_editor),
    "add user": (Action.MANAGE_USERS, _add_user),
    "KPI actual": (Action.EDIT_KPIS, _kpi_actual),
}
OWN_WORK = {"edit project", "edit plan", "enter actual", "save review"}

# Written out rather than derived from domain.roles, so the rule is checked, not restated.
MAY = {
    "root": {(write, code) for write in WRITES for code in (OWN, EDITED, OTHERS)},
    "pat": {(write, code) for write in WRITES if write != "add user" for code in (OWN, EDITED, OTHERS)},
    "dan": {(write, OWN) for write in OWN_WORK},
    "eve": {(write, EDITED) for write in OWN_WORK},
    "vic": set(),
    "gone": set(),
    "stranger": set(),  # not a user at all
}


def _audit_rows(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(t.AuditLog))


@pytest.mark.parametrize("code", [OWN, EDITED, OTHERS])
@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("login", list(MAY))
def test_each_role_may_make_exactly_its_writes(db, login, write, code):
    action, run = WRITES[write]
    before = _audit_rows(db)
    if (write, code) in MAY[login]:
        try:
            run(db, login, code)
        except PermissionDenied as exc:
            pytest.fail(f"{login} refused {write} on {code}: {exc}")
        except ProjtuiError:
            pass  # past the permission check; some other rule (e.g. nothing to publish) answered
        return
    with pytest.raises(PermissionDenied) as refused:
        run(db, login, code)
    message = str(refused.value)
    assert message.startswith(f"{login} ") and action.value in message and "\n" not in message
    assert _audit_rows(db) == before


def test_a_refusal_says_who_the_user_is_and_which_role_is_needed(db):
    with pytest.raises(PermissionDenied) as refused:
        _publish(db, "vic", OWN)
    assert str(refused.value) == "vic is a viewer: publishing a review needs the performance officer role"
    with pytest.raises(PermissionDenied, match=r"^dan is a project lead but not of SP-03 \(its lead, SRO or a named editor\)"):
        _enter_actual(db, "dan", OTHERS)
    with pytest.raises(PermissionDenied, match=r"^stranger is not a user of this portfolio: .*projtui user add stranger"):
        _save_review(db, "stranger", OWN)
    with pytest.raises(PermissionDenied, match=r"^gone is disabled"):
        _add_user(db, "gone", OWN)


def test_the_first_writer_to_a_database_without_users_becomes_its_admin_and_is_audited(tmp_path):
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    assert acting.current_user(db, "first").role is Role.ADMIN  # what they will be
    assert users.list_users(db) == []
    projects.create_project(db, ProjectFields(code="P1", name="One"), actor="first")
    assert [(u.login, u.role) for u in users.list_users(db)] == [("first", Role.ADMIN)]
    assert acting.current_user(db, "second") is None
    with pytest.raises(PermissionDenied):
        projects.create_project(db, ProjectFields(code="P2", name="Two"), actor="second")
    with db.reading() as session:
        made = session.scalars(select(t.AuditLog).where(t.AuditLog.entity == "user")).one()
    assert (made.actor, made.action, made.entity_key, made.new_value) == ("first", "create", "first", "admin")
    db.dispose()


def test_claiming_the_first_admin_happens_once(tmp_path):
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    assert users.claim_first_admin(db, "me") is True
    assert users.claim_first_admin(db, "you") is False
    assert [u.login for u in users.list_users(db)] == ["me"]
    db.dispose()


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled(db):
    with pytest.raises(RuleError, match="only active admin"):
        users.set_role(db, "root", Role.VIEWER, actor="root")
    with pytest.raises(RuleError, match="only active admin"):
        users.set_active(db, "root", False, actor="root")
    users.set_role(db, "pat", Role.ADMIN, actor="root")
    assert users.set_active(db, "root", False, actor="pat").active is False


def test_naming_and_removing_an_editor_gives_and_takes_the_project(db):
    with pytest.raises(PermissionDenied):
        _enter_actual(db, "dan", OTHERS)
    assert users.add_editor(db, OTHERS, "dan", actor="pat") is True
    assert users.add_editor(db, OTHERS, "dan", actor="pat") is False
    _enter_actual(db, "dan", OTHERS)
    assert users.remove_editor(db, OTHERS, "dan", actor="pat") is True
    with pytest.raises(PermissionDenied):
        _save_review(db, "dan", OTHERS)
    assert next(u for u in users.list_users(db) if u.login == "eve").editing == (EDITED,)


def test_a_dry_run_import_is_a_read_anyone_may_make(db):
    result = import_snapshot(db, 'schema_version = 1\n[[ambitions]]\ncode = "A9"\ntitle = "X"\n', source="a.toml", actor="vic", dry_run=True)
    assert result.changes and not result.applied


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_a_higher_role_may_do_everything_a_lower_one_may(role, action):
    for lower in list(Role)[: role.rank]:
        for own in (False, True):
            assert allowed(role, action, is_own_project=own) or not allowed(lower, action, is_own_project=own)


def test_a_project_is_named_by_display_name_or_login_whatever_the_case_and_spacing():
    assert is_named_in(("  daniel  HARGREAVES", None), login="dan", display_name="Daniel Hargreaves")
    assert is_named_in((None, "DAN"), login="dan", display_name="Daniel Hargreaves")
    assert not is_named_in(("Dan Other", ""), login="dan", display_name="Daniel Hargreaves")


def test_roles_hold_on_postgres(postgres_url):
    db = open_portfolio(postgres_url, create=True)
    try:
        load_sample(db, actor="root")
        users.add_user(db, "vic", actor="root")
        users.add_user(db, "dan", display_name="Daniel Hargreaves", role=Role.PROJECT_LEAD, actor="root")
        _enter_actual(db, "dan", OWN)
        with pytest.raises(PermissionDenied, match="^dan is a project lead but not of SP-03"):
            _enter_actual(db, "dan", OTHERS)
        with pytest.raises(PermissionDenied, match="^vic is a viewer: publishing a review"):
            _publish(db, "vic", OWN)
        users.set_active(db, "dan", False, actor="root")
        with pytest.raises(PermissionDenied, match="^dan is disabled"):
            _save_review(db, "dan", OWN)
        assert [u.login for u in users.list_users(db)] == ["dan", "root", "vic"]
    finally:
        db.dispose()
