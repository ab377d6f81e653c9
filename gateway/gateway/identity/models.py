"""Request and response bodies of /api/v1/users, /api/v1/teams and /api/v1/me."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.adapters.repositories import TeamRecord, UserRecord

RoleName = Literal[
    "admin", "sales_manager", "sales_rep", "service_agent", "approver", "accountant", "marketing"
]
Language = Literal["th", "en"]
# Deliberately loose: the address is proven by use, not by a regular expression.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserCreate(_Body):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    display_name: str = Field(default="", max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    roles: list[RoleName] = Field(default_factory=list)
    team_ids: list[str] = Field(default_factory=list)
    manager_id: str | None = None
    language: Language = "th"


class UserPatch(_Body):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    roles: list[RoleName] | None = None
    team_ids: list[str] | None = None
    manager_id: str | None = None
    language: Language | None = None
    expected_version: int | None = Field(default=None, ge=1)


class PasswordChange(_Body):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    id: str
    email: str
    display_name: str
    roles: list[str]
    team_ids: list[str]
    manager_id: str | None
    language: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: UserRecord) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=list(user.roles),
            team_ids=list(user.team_ids),
            manager_id=user.manager_id,
            language=user.language,
            active=user.active,
            version=user.version,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class UserList(BaseModel):
    users: list[UserOut]
    next_page_token: str


class UserQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    q: str = Field(default="", max_length=200, description="Matches e-mail or display name.")
    active: bool | None = None


class TeamCreate(_Body):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    manager_id: str | None = None
    parent_team_id: str | None = None


class TeamPatch(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    manager_id: str | None = None
    parent_team_id: str | None = None
    expected_version: int | None = Field(default=None, ge=1)


class TeamOut(BaseModel):
    id: str
    name: str
    description: str
    manager_id: str | None
    parent_team_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, team: TeamRecord) -> TeamOut:
        return cls(
            id=team.id,
            name=team.name,
            description=team.description,
            manager_id=team.manager_id,
            parent_team_id=team.parent_team_id,
            version=team.version,
            created_at=team.created_at,
            updated_at=team.updated_at,
        )


class TeamList(BaseModel):
    teams: list[TeamOut]
    next_page_token: str


class PageQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
