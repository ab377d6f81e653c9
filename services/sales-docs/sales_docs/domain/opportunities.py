"""Opportunities and the sales pipeline.

The pipeline is configuration (a tenant may rename or add stages); the default is the common
one: prospecting 10%, qualification 20%, proposal 50%, negotiation 80%, won 100%, lost 0%.
Won and lost are final. Losing needs a reason from the configured list, because the forecast
and the win/loss report group by it. Every stage change is kept with who and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import round_satang


class StageOutcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    probability: Decimal
    outcome: StageOutcome = StageOutcome.OPEN


DEFAULT_LOST_REASONS = ("price", "competitor", "no_budget", "no_decision", "timing", "product_fit", "other")


@dataclass(frozen=True)
class Pipeline:
    """The configured stages, in order, and the reasons an opportunity may be lost for."""

    stages: tuple[Stage, ...]
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS

    def __post_init__(self) -> None:
        violations = ViolationCollector()
        codes = [s.code for s in self.stages]
        if len(set(codes)) != len(codes):
            violations.add("stages", "stage codes must be unique")
        for index, stage in enumerate(self.stages):
            if not Decimal(0) <= stage.probability <= Decimal(100):
                violations.add(f"stages[{index}].probability", "must be between 0 and 100")
        for outcome in (StageOutcome.WON, StageOutcome.LOST):
            if sum(1 for s in self.stages if s.outcome == outcome) != 1:
                violations.add("stages", f"needs exactly one {outcome.value} stage")
        if not any(s.outcome == StageOutcome.OPEN for s in self.stages):
            violations.add("stages", "needs at least one open stage")
        if not self.lost_reasons:
            violations.add("lost_reasons", "needs at least one reason")
        violations.raise_if_any()

    def stage(self, code: str, field: str = "stage") -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise InvalidArgument(field, f"{code!r} is not a stage of the pipeline ({', '.join(self.codes)})")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages)

    @property
    def first(self) -> Stage:
        return next(s for s in self.stages if s.outcome == StageOutcome.OPEN)


DEFAULT_PIPELINE = Pipeline(
    (
        Stage("prospecting", "Prospecting", Decimal(10)),
        Stage("qualification", "Qualification", Decimal(20)),
        Stage("proposal", "Proposal", Decimal(50)),
        Stage("negotiation", "Negotiation", Decimal(80)),
        Stage("won", "Won", Decimal(100), StageOutcome.WON),
        Stage("lost", "Lost", Decimal(0), StageOutcome.LOST),
    )
)


@dataclass(frozen=True)
class StageChange:
    """One line of the stage history."""

    from_stage: str
    to_stage: str
    actor: str
    at: dt.datetime
    probability: Decimal


@dataclass(frozen=True)
class Opportunity:
    id: str
    name: str
    customer_id: str
    owner_id: str
    stage: str
    probability: Decimal
    expected_amount: Decimal
    expected_close: dt.date | None = None
    lead_id: str = ""
    team_id: str = ""
    outcome: StageOutcome = StageOutcome.OPEN
    lost_reason: str = ""
    competitor: str = ""
    notes: str = ""
    history: tuple[StageChange, ...] = ()
    closed_at: dt.datetime | None = None
    version: int = 1

    @property
    def weighted_amount(self) -> Decimal:
        """Expected amount × probability, the forecast's figure."""
        return round_satang(self.expected_amount * self.probability / 100)

    @property
    def is_closed(self) -> bool:
        return self.outcome != StageOutcome.OPEN


def open_opportunity(
    id: str,
    name: str,
    customer_id: str,
    owner_id: str,
    expected_amount: Decimal,
    now: dt.datetime,
    pipeline: Pipeline = DEFAULT_PIPELINE,
    *,
    stage: str = "",
    expected_close: dt.date | None = None,
    lead_id: str = "",
    team_id: str = "",
    notes: str = "",
) -> Opportunity:
    """A new open opportunity in `stage` (the pipeline's first open stage by default)."""
    violations = ViolationCollector()
    if not name.strip():
        violations.add("name", "is required")
    if not customer_id and not lead_id:
        violations.add("customer_id", "an opportunity needs a customer or the lead it came from")
    if expected_amount < 0:
        violations.add("expected_amount", "must not be negative")
    if expected_close is not None and expected_close < now.date() - dt.timedelta(days=365):
        violations.add("expected_close", "is more than a year in the past")
    violations.raise_if_any()
    chosen = pipeline.stage(stage) if stage else pipeline.first
    if chosen.outcome != StageOutcome.OPEN:
        raise InvalidArgument("stage", "a new opportunity starts in an open stage")
    return Opportunity(
        id=id,
        name=name.strip(),
        customer_id=customer_id,
        owner_id=owner_id,
        stage=chosen.code,
        probability=chosen.probability,
        expected_amount=round_satang(expected_amount),
        expected_close=expected_close,
        lead_id=lead_id,
        team_id=team_id,
        notes=notes,
        history=(StageChange("", chosen.code, owner_id, now, chosen.probability),),
    )


def moved_to_stage(
    opportunity: Opportunity,
    stage_code: str,
    actor: str,
    now: dt.datetime,
    pipeline: Pipeline = DEFAULT_PIPELINE,
    *,
    lost_reason: str = "",
    competitor: str = "",
) -> Opportunity:
    """The opportunity in another stage. Won and lost are final; lost needs a listed reason."""
    if opportunity.is_closed:
        raise FailedPrecondition(f"opportunity {opportunity.id} is {opportunity.outcome.value} and final")
    target = pipeline.stage(stage_code)
    if target.code == opportunity.stage:
        return opportunity
    reason = lost_reason.strip()
    if target.outcome == StageOutcome.LOST:
        if not reason:
            raise InvalidArgument("lost_reason", "is required when the opportunity is lost")
        if reason not in pipeline.lost_reasons:
            raise InvalidArgument(
                "lost_reason", f"{reason!r} is not one of {', '.join(pipeline.lost_reasons)}"
            )
    else:
        reason = ""
    change = StageChange(opportunity.stage, target.code, actor, now, target.probability)
    return replace(
        opportunity,
        stage=target.code,
        probability=target.probability,
        outcome=target.outcome,
        lost_reason=reason,
        competitor=competitor.strip() or opportunity.competitor,
        history=(*opportunity.history, change),
        closed_at=now if target.outcome != StageOutcome.OPEN else None,
        version=opportunity.version + 1,
    )
