"""Fixtures: a real SMTP server (aiosmtpd), the approvals service over each test database,
with or without a real nats-server, and an organisation of users and a discount policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from approvals.domain.model import User
from approvals.testing import ApprovalsUnderTest, start_approvals, stop_approvals
from chassis.identity import Caller
from chassis.mail.testing import SmtpSink
from chassis.testing import NatsServer
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import resources_pb2 as res

ADMIN = Caller("u-admin", frozenset({"admin"}))
REP = Caller("u-rep", frozenset({"sales_rep"}), frozenset({"north"}))
MANAGER = Caller("u-manager", frozenset({"sales_manager"}), frozenset({"north"}))
DIRECTOR = Caller("u-director", frozenset({"sales_manager"}))
DEPUTY = Caller("u-deputy", frozenset({"sales_manager"}), frozenset({"north"}))
OTHER = Caller("u-other", frozenset({"sales_rep"}), frozenset({"north"}))

USERS = (
    User("u-admin", "admin@example.co.th", "Admin", "en", frozenset({"admin"}), version=1),
    User(
        "u-rep",
        "rep@example.co.th",
        "มาลี",
        "th",
        frozenset({"sales_rep"}),
        frozenset({"north"}),
        "u-manager",
        version=1,
    ),
    User(
        "u-manager",
        "manager@example.co.th",
        "สมชาย",
        "th",
        frozenset({"sales_manager"}),
        frozenset({"north"}),
        "u-director",
        version=1,
    ),
    User(
        "u-director",
        "director@example.co.th",
        "Kanya",
        "en",
        frozenset({"sales_manager"}),
        frozenset(),
        "u-admin",
        version=1,
    ),
    User(
        "u-deputy",
        "deputy@example.co.th",
        "Deputy",
        "en",
        frozenset({"sales_manager"}),
        frozenset({"north"}),
        "u-director",
        version=1,
    ),
    User(
        "u-other",
        "other@example.co.th",
        "Anan",
        "en",
        frozenset({"sales_rep"}),
        frozenset({"north"}),
        "u-manager",
        version=1,
    ),
)


def discount_policy(sla_seconds: int = 0) -> res.Policy:
    """Discount ≥ 20 % → the requester's manager."""
    return manager_policy(
        res.REQUEST_TYPE_QUOTATION,
        "discount 20% or more",
        res.Conditions(min_discount_percent="20"),
        sla_seconds,
    )


def manager_policy(
    request_type: res.RequestType.ValueType, name: str, conditions: res.Conditions, sla_seconds: int = 0
) -> res.Policy:
    """One step: the requester's manager decides (any one), within `sla_seconds` (0: no SLA)."""
    return res.Policy(
        request_type=request_type,
        name=name,
        priority=10,
        conditions=conditions,
        steps=[
            res.PolicyStep(
                name="manager",
                approver_kind=res.APPROVER_KIND_MANAGER,
                manager_levels=1,
                mode=res.STEP_MODE_ANY,
                sla_seconds=sla_seconds,
            )
        ],
        active=True,
    )


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


def _start(database_url: str, nats_url: str | None, tmp_path: Path, sink: SmtpSink) -> ApprovalsUnderTest:
    running = start_approvals(database_url, nats_url, tmp_path, sink.port)
    return running


@pytest.fixture
def approvals(database_url: str, tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[ApprovalsUnderTest]:
    """The service without NATS (events stay in the outbox), users stored, the policy set."""
    running = start_approvals(database_url, None, tmp_path, smtp_sink.port)
    try:
        running.add_users(*USERS)
        running.call("CreatePolicy", pb.CreatePolicyRequest(policy=discount_policy(sla_seconds=3600)), ADMIN)
        yield running
    finally:
        stop_approvals(running)


@pytest.fixture
def approvals_with_events(
    database_url: str, nats_server: NatsServer, tmp_path: Path, smtp_sink: SmtpSink
) -> Iterator[ApprovalsUnderTest]:
    running = start_approvals(database_url, nats_server.url, tmp_path, smtp_sink.port)
    try:
        yield running
    finally:
        stop_approvals(running)
