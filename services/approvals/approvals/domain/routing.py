"""Who is asked to decide a step: the approvers a policy step names (a user, everyone with a
role, or the requester's manager n levels up), each with the delegate they named for the day
the step became pending, never the requester. And who an overdue step escalates to.

Calendar days are Thailand's (UTC+7, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from approvals.domain.model import ApproverKind, Assignee, Delegation, PolicyStep, User

THAILAND = dt.timezone(dt.timedelta(hours=7), "ICT")


def local_day(moment: dt.datetime) -> dt.date:
    """The Thai calendar day of a moment (delegation ranges are in these days)."""
    return moment.astimezone(THAILAND).date()


class Directory(Protocol):
    """The users approvals knows (from identity events) and their delegations."""

    def user(self, user_id: str) -> User | None: ...

    def users_with_role(self, role: str) -> Sequence[User]: ...

    def delegations_of(self, user_id: str) -> Sequence[Delegation]: ...


@dataclass
class InMemoryDirectory:
    """A Directory over plain collections (unit tests; the application loads one per use case)."""

    users: dict[str, User]
    delegations: Sequence[Delegation] = ()

    @classmethod
    def of(cls, users: Iterable[User], delegations: Iterable[Delegation] = ()) -> InMemoryDirectory:
        return cls({u.id: u for u in users}, list(delegations))

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def users_with_role(self, role: str) -> Sequence[User]:
        return sorted((u for u in self.users.values() if role in u.roles), key=lambda u: u.id)

    def delegations_of(self, user_id: str) -> Sequence[Delegation]:
        return [d for d in self.delegations if d.delegator_id == user_id]


def manager_chain(directory: Directory, user_id: str, levels: int) -> str:
    """The active manager `levels` up from `user_id` (inactive managers are skipped over),
    or "" past the top of the hierarchy."""
    current = directory.user(user_id)
    seen = {user_id}
    climbed = 0
    while current is not None and current.manager_id and current.manager_id not in seen:
        seen.add(current.manager_id)
        current = directory.user(current.manager_id)
        if current is not None and current.active:
            climbed += 1
            if climbed == levels:
                return current.id
    return ""


def delegate_of(directory: Directory, approver_id: str, day: dt.date, requester_id: str) -> str:
    """The delegate `approver_id` named for `day` (the latest-starting one), if active and not
    the requester."""
    covering = [d for d in directory.delegations_of(approver_id) if d.covers(day)]
    for delegation in sorted(covering, key=lambda d: (d.start_date, d.id), reverse=True):
        delegate = directory.user(delegation.delegate_id)
        if delegate is not None and delegate.active and delegate.id != requester_id:
            return delegate.id
    return ""


def approvers_for(step: PolicyStep, requester_id: str, directory: Directory) -> list[str]:
    """The approvers a policy step names, active, without the requester, in a stable order."""
    found: list[str] = []
    if step.approver_kind is ApproverKind.USER:
        user = directory.user(step.user_id)
        found = [user.id] if user is not None and user.active else []
    elif step.approver_kind is ApproverKind.ROLE:
        found = [u.id for u in directory.users_with_role(step.role) if u.active]
    elif step.approver_kind is ApproverKind.MANAGER:
        manager = manager_chain(directory, requester_id, step.manager_levels)
        found = [manager] if manager else []
    return [a for a in found if a != requester_id]


def fallback_approvers(requester_id: str, directory: Directory) -> list[str]:
    """When a step names nobody (no manager above, an empty role): the admins decide."""
    return [u.id for u in directory.users_with_role("admin") if u.active and u.id != requester_id]


def assign(
    step: PolicyStep, requester_id: str, directory: Directory, now: dt.datetime
) -> tuple[list[Assignee], bool]:
    """The places of a step becoming pending now, and whether it fell back to the admins."""
    approvers = approvers_for(step, requester_id, directory)
    fell_back = not approvers
    if fell_back:
        approvers = fallback_approvers(requester_id, directory)
    day = local_day(now)
    return [Assignee(a, delegate_of(directory, a, day, requester_id)) for a in approvers], fell_back


def escalation_target(place: Assignee, requester_id: str, directory: Directory) -> str:
    """The next manager up from whoever holds the place now (the escalation target, else the
    approver), skipping the requester; "" at the top of the hierarchy."""
    start = place.escalated_to_id or place.approver_id
    levels = 1
    while True:
        manager = manager_chain(directory, start, levels)
        if manager != requester_id:
            return manager
        levels += 1
