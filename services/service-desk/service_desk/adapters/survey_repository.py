"""Satisfaction survey links: one row per resolve, keyed by the SHA-256 of the link's token (the
token itself is never stored), with the customer's answer. An answer is recorded by a
conditional update (`answered_at IS NULL`), so a link is spent once however many answers race.
Also the lookup of resolved cases for the auto-close pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service_desk.adapters.repositories import aware, aware_or_none
from service_desk.adapters.tables import cases, survey_links
from service_desk.domain.cases import CaseStatus
from service_desk.domain.satisfaction import SurveyAnswer


@dataclass(frozen=True)
class SurveyLink:
    token_sha256: str
    case_id: str
    resolved_at: dt.datetime
    expires_at: dt.datetime
    language: str
    created_at: dt.datetime
    answered_at: dt.datetime | None = None
    solved: bool | None = None
    score: int | None = None
    comment: str = ""

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class SurveyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: SurveyLink) -> None:
        self.session.execute(
            sa.insert(survey_links).values(
                token_sha256=link.token_sha256,
                case_id=link.case_id,
                resolved_at=link.resolved_at,
                expires_at=link.expires_at,
                language=link.language,
                created_at=link.created_at,
                comment="",
            )
        )

    def get(self, token_sha256: str) -> SurveyLink | None:
        row = self.session.execute(
            sa.select(survey_links).where(survey_links.c.token_sha256 == token_sha256)
        ).first()
        return None if row is None else self._of(row)

    def of_case(self, case_id: str) -> list[SurveyLink]:
        """The case's links, oldest resolve first."""
        query = (
            sa.select(survey_links)
            .where(survey_links.c.case_id == case_id)
            .order_by(survey_links.c.resolved_at)
        )
        return [self._of(row) for row in self.session.execute(query)]

    def record_answer(self, token_sha256: str, answer: SurveyAnswer) -> bool:
        """Spends the link with `answer`; False when it was answered already (nothing written)."""
        done = self.session.execute(
            sa.update(survey_links)
            .where(survey_links.c.token_sha256 == token_sha256, survey_links.c.answered_at.is_(None))
            .values(
                answered_at=answer.answered_at,
                solved=answer.solved,
                score=answer.score,
                comment=answer.comment,
            )
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def resolved_case_ids(self) -> list[str]:
        """Every case resolved now (they close within days, so the set stays small)."""
        query = sa.select(cases.c.id).where(cases.c.status == CaseStatus.RESOLVED.value).order_by(cases.c.id)
        return [str(id) for id in self.session.execute(query).scalars()]

    @staticmethod
    def _of(row: Any) -> SurveyLink:
        return SurveyLink(
            token_sha256=row.token_sha256,
            case_id=row.case_id,
            resolved_at=aware(row.resolved_at),
            expires_at=aware(row.expires_at),
            language=row.language,
            created_at=aware(row.created_at),
            answered_at=aware_or_none(row.answered_at),
            solved=row.solved,
            score=row.score,
            comment=row.comment,
        )
