"""Who owns a record and who may see, change and reassign it (DESIGN §5).

A sales rep sees and edits records they own, a sales manager also the records of their teams,
admins and the platform (`system`) all. A record of someone else is refused with
PERMISSION_DENIED (not hidden as NOT_FOUND): ids are opaque and unguessable, and a clear
refusal helps a user who followed a link from a colleague.
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import PermissionDenied
from chassis.identity import Caller


@dataclass(frozen=True)
class Ownership:
    owner_id: str
    team_id: str


def assign_owner(
    caller: Caller,
    requested_owner: str,
    requested_team: str,
    *,
    default_owner: str = "",
    default_team: str = "",
) -> Ownership:
    """Owner and team of a new record.

    - admin: whatever was requested (default: the admin);
    - system (web form, imports by the platform): as requested, else the configured default
      owner/team (empty = unassigned until a manager assigns it);
    - sales manager: any owner, but in one of their teams (default: themselves, their team);
    - anyone else: themselves only, in one of their teams or none.
    """
    owner = requested_owner.strip()
    team = requested_team.strip()
    if "system" in caller.roles:
        return Ownership(owner or default_owner, team or (default_team if not owner else ""))
    if "admin" in caller.roles:
        return Ownership(owner or caller.user_id, team)
    if not team and len(caller.team_ids) == 1:
        team = next(iter(caller.team_ids))
    if team and team not in caller.team_ids:
        raise PermissionDenied(f"{caller.user_id} is not a member of team {team}")
    if caller.is_manager:
        if owner and owner != caller.user_id and not team:
            raise PermissionDenied("a record owned by someone else must be in one of your teams")
        return Ownership(owner or caller.user_id, team)
    if owner and owner != caller.user_id:
        raise PermissionDenied("a sales rep can only create records they own")
    return Ownership(caller.user_id, team)


def check_reassign(caller: Caller, current: Ownership, new: Ownership) -> None:
    """Only admins, or a manager of the record's team moving it within their teams, reassign."""
    if caller.sees_all:
        return
    if not caller.is_manager:
        raise PermissionDenied("only a sales manager of the team or an admin may reassign")
    if current.team_id not in caller.team_ids:
        raise PermissionDenied(f"{caller.user_id} does not manage team {current.team_id or '(none)'}")
    if new.team_id not in caller.team_ids:
        raise PermissionDenied(f"{caller.user_id} does not manage team {new.team_id or '(none)'}")


def require_access(caller: Caller, owner_id: str, team_id: str, what: str, record_id: str) -> None:
    """PERMISSION_DENIED unless the caller may see the record (Caller.can_access)."""
    if not caller.can_access(owner_id, team_id):
        raise PermissionDenied(f"{caller.user_id} may not access {what} {record_id}")
