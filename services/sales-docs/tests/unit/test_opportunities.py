"""Opportunities: the configurable pipeline, stage history, lost reasons, final outcomes."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from sales_docs.domain.opportunities import (
    DEFAULT_PIPELINE,
    Opportunity,
    Pipeline,
    Stage,
    StageOutcome,
    moved_to_stage,
    open_opportunity,
)

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _opportunity() -> Opportunity:
    return open_opportunity("opp-1", "ERP rollout", "cus-1", "rep-1", Decimal("500000.00"), NOW)


def test_a_new_opportunity_starts_in_prospecting_at_ten_percent() -> None:
    opportunity = _opportunity()
    assert (opportunity.stage, opportunity.probability) == ("prospecting", Decimal(10))
    assert opportunity.weighted_amount == Decimal("50000.00")
    assert [c.to_stage for c in opportunity.history] == ["prospecting"]


def test_moving_through_the_pipeline_keeps_who_and_when() -> None:
    later = NOW + dt.timedelta(days=3)
    opportunity = moved_to_stage(_opportunity(), "proposal", "manager-1", later)
    opportunity = moved_to_stage(opportunity, "negotiation", "rep-1", later + dt.timedelta(days=1))
    assert opportunity.probability == Decimal(80)
    assert opportunity.weighted_amount == Decimal("400000.00")
    assert [(c.from_stage, c.to_stage, c.actor) for c in opportunity.history[1:]] == [
        ("prospecting", "proposal", "manager-1"),
        ("proposal", "negotiation", "rep-1"),
    ]


def test_losing_needs_a_reason_from_the_list() -> None:
    with pytest.raises(InvalidArgument) as missing:
        moved_to_stage(_opportunity(), "lost", "rep-1", NOW)
    assert missing.value.violations[0].field == "lost_reason"
    with pytest.raises(InvalidArgument) as unknown:
        moved_to_stage(_opportunity(), "lost", "rep-1", NOW, lost_reason="bad luck")
    assert unknown.value.violations[0].field == "lost_reason"
    lost = moved_to_stage(_opportunity(), "lost", "rep-1", NOW, lost_reason="price", competitor="Acme")
    assert (lost.outcome, lost.lost_reason, lost.competitor, lost.probability) == (
        StageOutcome.LOST,
        "price",
        "Acme",
        Decimal(0),
    )
    assert lost.closed_at == NOW


@pytest.mark.parametrize("final", ["won", "lost"])
def test_won_and_lost_are_final(final: str) -> None:
    closed = moved_to_stage(_opportunity(), final, "rep-1", NOW, lost_reason="price")
    with pytest.raises(FailedPrecondition):
        moved_to_stage(closed, "negotiation", "rep-1", NOW)


def test_a_configured_pipeline_is_used_and_checked() -> None:
    pipeline = Pipeline(
        (
            Stage("lead_in", "Lead in", Decimal(5)),
            Stage("demo", "Demo", Decimal(40)),
            Stage("closed_won", "Closed won", Decimal(100), StageOutcome.WON),
            Stage("closed_lost", "Closed lost", Decimal(0), StageOutcome.LOST),
        ),
        lost_reasons=("budget",),
    )
    opportunity = open_opportunity("o", "Deal", "c", "r", Decimal(1000), NOW, pipeline)
    assert opportunity.stage == "lead_in"
    with pytest.raises(InvalidArgument) as raised:
        moved_to_stage(opportunity, "proposal", "r", NOW, pipeline)
    assert raised.value.violations[0].field == "stage"
    with pytest.raises(InvalidArgument) as bad:
        Pipeline((Stage("a", "A", Decimal(120)),))
    assert {v.field for v in bad.value.violations} == {"stages[0].probability", "stages"}


def test_default_pipeline_probabilities() -> None:
    assert [(s.code, s.probability) for s in DEFAULT_PIPELINE.stages] == [
        ("prospecting", Decimal(10)),
        ("qualification", Decimal(20)),
        ("proposal", Decimal(50)),
        ("negotiation", Decimal(80)),
        ("won", Decimal(100)),
        ("lost", Decimal(0)),
    ]


def test_an_opportunity_needs_a_name_and_a_customer_or_lead() -> None:
    with pytest.raises(InvalidArgument) as raised:
        open_opportunity("o", " ", "", "r", Decimal(-1), NOW)
    assert {v.field for v in raised.value.violations} == {"name", "customer_id", "expected_amount"}
