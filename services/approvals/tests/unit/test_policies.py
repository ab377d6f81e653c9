"""Which policy applies: conditions on amount, discount, customer group, team and requester
role; ascending priority; no match = approved at once. And what makes a policy unusable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from approvals.domain.model import ApproverKind, Conditions, PolicyStep
from approvals.domain.policies import check_policy, matches, select_policy
from chassis.errors import InvalidArgument

from .org import facts, manager_step, policy


@pytest.mark.parametrize(
    ("conditions", "fact", "expected"),
    [
        (Conditions(min_discount_percent=Decimal("20")), facts(discount="25"), True),
        (Conditions(min_discount_percent=Decimal("20")), facts(discount="20.00"), True),
        (Conditions(min_discount_percent=Decimal("20")), facts(discount="19.99"), False),
        (Conditions(min_amount=Decimal("500000")), facts(amount="499999.99"), False),
        (Conditions(min_amount=Decimal("500000")), facts(amount="500000"), True),
        (Conditions(customer_group_ids=frozenset({"vip"})), facts(groups=("retail", "vip")), True),
        (Conditions(customer_group_ids=frozenset({"vip"})), facts(groups=("retail",)), False),
        (Conditions(team_ids=frozenset({"south"})), facts(team="north"), False),
        (Conditions(requester_roles=frozenset({"sales_rep"})), facts(roles=("sales_rep",)), True),
        (Conditions(requester_roles=frozenset({"sales_manager"})), facts(roles=("sales_rep",)), False),
        (
            Conditions(min_amount=Decimal("1"), min_discount_percent=Decimal("30")),
            facts(discount="25"),
            False,
        ),
        (Conditions(), facts(), True),
    ],
)
def test_conditions(conditions, fact, expected):
    assert matches(conditions, fact) is expected


def test_the_first_matching_policy_by_priority_applies():
    big = policy(name="big deal", priority=5, min_amount=Decimal("1000000"))
    discount = policy(name="discount", priority=10, min_discount_percent=Decimal("20"))
    catch_all = policy(name="catch all", priority=99)
    assert select_policy([catch_all, discount, big], facts(discount="25")) is discount
    assert select_policy([catch_all, discount, big], facts(amount="2000000")) is big
    assert select_policy([catch_all, discount, big], facts(discount="5")) is catch_all


def test_no_matching_policy_selects_none():
    assert select_policy([policy(min_discount_percent=Decimal("20"))], facts(discount="10")) is None


def test_an_inactive_policy_never_applies():
    from dataclasses import replace

    assert select_policy([replace(policy(), active=False)], facts()) is None


def test_a_policy_without_steps_is_refused_naming_the_field():
    empty = policy()
    from dataclasses import replace

    with pytest.raises(InvalidArgument) as refused:
        check_policy(replace(empty, steps=()))
    assert [v.field for v in refused.value.violations] == ["policy.steps"]


def test_every_bad_step_field_is_named():
    bad = policy(
        PolicyStep("", ApproverKind.USER),
        PolicyStep("finance", ApproverKind.ROLE, role="wizard"),
        manager_step(levels=0),
        min_discount_percent=Decimal("120"),
    )
    with pytest.raises(InvalidArgument) as refused:
        check_policy(bad)
    assert {v.field for v in refused.value.violations} == {
        "policy.conditions.min_discount_percent",
        "policy.steps[0].name",
        "policy.steps[0].user_id",
        "policy.steps[1].role",
        "policy.steps[2].manager_levels",
    }
