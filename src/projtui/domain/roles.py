"""Who may do what: the one place the permission rule lives.

Every writing service asks `allowed` (through `services.permissions.require`)
before it writes, so the CLI, the TUI, the browser and import obey the same
rule. Reading needs no role: every user, even a viewer, reads everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class Role(StrEnum):
    """A user's role; each may do everything the one before it may."""

    VIEWER = "viewer"
    PROJECT_LEAD = "project-lead"
    PERFORMANCE_OFFICER = "performance-officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """As a sentence says it: "project lead"."""
        return self.value.replace("-", " ")

    @property
    def rank(self) -> int:
        return list(Role).index(self)


@dataclass(frozen=True)
class User:
    """A person who may use the portfolio, as the services hand them back."""

    login: str
    display_name: str
    role: Role
    active: bool
    editing: tuple[str, ...] = ()  # codes of the projects they are named to edit

    @property
    def label(self) -> str:
        """How the app names who acts: "Jo Bloggs · performance officer", or "… · disabled"."""
        return f"{self.display_name} · {self.role.label}" + ("" if self.active else " · disabled")


class Action(Enum):
    """A kind of write; its value is how a refusal names it ("publishing a review needs …")."""

    EDIT_PROJECT = "editing a project, its Benefits Review Plan or its targets"
    ENTER_ACTUALS = "entering actuals"
    SAVE_REVIEW = "saving a draft review"
    CREATE_PROJECT = "creating a project"
    DELETE_PROJECT = "deleting a project"
    PUBLISH_REVIEW = "publishing a review"
    REOPEN_REVIEW = "re-opening a review"
    # A snapshot may change any project, the Council Plan's ambitions or a published review.
    IMPORT = "importing a snapshot"
    NAME_EDITORS = "naming a project's editors"
    MANAGE_USERS = "managing users"
    SET_OWN_PASSWORD = "setting your own password"
    # A corporate KPI belongs to a service, not a project, so no project lead owns one (issue 13).
    EDIT_KPIS = "changing a corporate KPI or its figures"
    MANAGE_AMBITIONS = "managing the Council Plan's ambitions"


# The least role that may take each action on any project.
_LEAST_ROLE = {
    Action.EDIT_PROJECT: Role.PERFORMANCE_OFFICER,
    Action.ENTER_ACTUALS: Role.PERFORMANCE_OFFICER,
    Action.SAVE_REVIEW: Role.PERFORMANCE_OFFICER,
    Action.CREATE_PROJECT: Role.PERFORMANCE_OFFICER,
    Action.DELETE_PROJECT: Role.PERFORMANCE_OFFICER,
    Action.PUBLISH_REVIEW: Role.PERFORMANCE_OFFICER,
    Action.REOPEN_REVIEW: Role.PERFORMANCE_OFFICER,
    Action.IMPORT: Role.PERFORMANCE_OFFICER,
    Action.NAME_EDITORS: Role.PERFORMANCE_OFFICER,
    Action.MANAGE_USERS: Role.ADMIN,
    Action.SET_OWN_PASSWORD: Role.VIEWER,  # any active user; another's password is MANAGE_USERS
    Action.EDIT_KPIS: Role.PERFORMANCE_OFFICER,
    Action.MANAGE_AMBITIONS: Role.PERFORMANCE_OFFICER,
}

# What a project lead may also do, on the projects that are theirs (lead, SRO or named editor).
OWN_PROJECT_ACTIONS = frozenset({Action.EDIT_PROJECT, Action.ENTER_ACTUALS, Action.SAVE_REVIEW})


def least_role(action: Action) -> Role:
    """The least role that may take `action` on every project."""
    return _LEAST_ROLE[action]


def allowed(role: Role, action: Action, *, is_own_project: bool = False) -> bool:
    if role.rank >= least_role(action).rank:
        return True
    return role is Role.PROJECT_LEAD and is_own_project and action in OWN_PROJECT_ACTIONS


def is_named_in(names: tuple[str | None, ...], *, login: str, display_name: str) -> bool:
    """Whether a project's lead or SRO field names this user, by display name or login (case and spacing aside)."""
    wanted = {_folded(login), _folded(display_name)} - {""}
    return any(_folded(name) in wanted for name in names if name)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
