"""Request and response bodies of the token endpoints (RFC 6749 §4.3 and §6, RFC 7009)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TokenRequest(BaseModel):
    """grant_type "password" (log in with username and password) or "refresh_token" (rotate
    a refresh token). One flat body, as OAuth 2 clients send it."""

    model_config = ConfigDict(extra="forbid")
    grant_type: Literal["password", "refresh_token"]
    username: str | None = Field(default=None, min_length=1, max_length=254, description="The user's e-mail.")
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    refresh_token: str | None = Field(default=None, min_length=1, max_length=512)
    scope: str = ""

    def missing_fields(self) -> list[str]:
        """Fields the chosen grant needs but the request lacks."""
        needed = ("username", "password") if self.grant_type == "password" else ("refresh_token",)
        return [name for name in needed if not getattr(self, name)]


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = Field(default="Bearer")
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=512, description="A refresh token; its family is revoked.")
    token_type_hint: str = ""
