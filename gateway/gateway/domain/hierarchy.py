"""The manager hierarchy: users report to a manager, teams have a lead and a parent team.

A manager sees the records of the teams they lead and of every team below those; the walks
here compute that set and refuse changes that would make a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# A hierarchy deeper than this is a data error, not an organisation.
MAX_DEPTH = 64


class HierarchyCycleError(ValueError):
    """The change would make someone their own (indirect) manager, or a team its own parent."""


@dataclass(frozen=True)
class TeamNode:
    id: str
    manager_id: str | None
    parent_team_id: str | None


def manager_chain(user_id: str, manager_of: Callable[[str], str | None]) -> list[str]:
    """The user's managers from the direct one to the top."""
    chain: list[str] = []
    seen = {user_id}
    current = manager_of(user_id)
    while current is not None:
        if current in seen:
            raise HierarchyCycleError(f"{user_id} is in a management cycle")
        chain.append(current)
        if len(chain) > MAX_DEPTH:
            raise HierarchyCycleError(f"the management chain above {user_id} is deeper than {MAX_DEPTH}")
        seen.add(current)
        current = manager_of(current)
    return chain


def check_new_manager(
    user_id: str, new_manager_id: str | None, manager_of: Callable[[str], str | None]
) -> None:
    """Raises HierarchyCycleError if `user_id` reporting to `new_manager_id` closes a loop."""
    if new_manager_id is None:
        return
    if new_manager_id == user_id:
        raise HierarchyCycleError("a user cannot be their own manager")
    if user_id in manager_chain(new_manager_id, manager_of):
        raise HierarchyCycleError(f"{new_manager_id} reports to {user_id} already")


def check_new_parent_team(
    team_id: str, new_parent_id: str | None, parent_of: Callable[[str], str | None]
) -> None:
    """Raises HierarchyCycleError if `team_id` under `new_parent_id` closes a loop."""
    if new_parent_id is None:
        return
    if new_parent_id == team_id:
        raise HierarchyCycleError("a team cannot be its own parent")
    if team_id in manager_chain(new_parent_id, parent_of):
        raise HierarchyCycleError(f"team {new_parent_id} is below {team_id} already")


def visible_team_ids(user_id: str, member_of: Iterable[str], teams: Mapping[str, TeamNode]) -> set[str]:
    """The teams whose records the user sees: those they belong to, those they lead, and
    every team below a team they lead (a regional manager sees the branch teams)."""
    children: dict[str, list[str]] = {}
    for team in teams.values():
        if team.parent_team_id:
            children.setdefault(team.parent_team_id, []).append(team.id)
    visible = {team_id for team_id in member_of if team_id in teams}
    led: set[str] = set()
    pending = [team.id for team in teams.values() if team.manager_id == user_id]
    while pending:
        team_id = pending.pop()
        if team_id in led:
            continue
        led.add(team_id)
        pending.extend(children.get(team_id, []))
    return visible | led
