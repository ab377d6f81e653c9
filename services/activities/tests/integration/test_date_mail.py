"""Date-based customer mail over real databases and real SMTP (aiosmtpd): birthdays need the
contact's marketing consent and carry a one-click unsubscribe that stops the next send; each
(rule, recipient, year) is sent once across a restart and between racing schedulers; contract
ends are service mail; consent changes are logged with their source."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from activities.application import consent, date_mail
from activities.application.context import ActivitiesContext
from activities.domain.date_mail import DateField, RuleForm
from activities.testing import (
    ADMIN,
    REP,
    ActivitiesUnderTest,
    settings_for,
    start_activities,
    stop_activities,
)
from chassis.errors import InvalidArgument, PermissionDenied
from chassis.identity import Caller
from chassis.mail.testing import SmtpSink

UTC = dt.UTC
MARKETING = Caller("u-mkt", frozenset({"marketing"}))
# 2026-04-07 09:00 Asia/Bangkok
BIRTHDAY_0900 = dt.datetime(2026, 4, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture
def service(database_url: str, tmp_path: Path, sink: SmtpSink) -> Iterator[ActivitiesUnderTest]:
    """The service's use cases and mail dispatcher over the database (no gRPC needed here)."""
    running = start_activities(settings_for(database_url, None, tmp_path, smtp_port=sink.port), serve=False)
    try:
        yield running
    finally:
        stop_activities(running)


def at(running: ActivitiesUnderTest, when: dt.datetime) -> ActivitiesContext:
    return replace(running.service.context, clock=lambda: when)


def add_contact(
    running: ActivitiesUnderTest, contact_id: str, email: str, birthday: str, *, consent_given: bool
) -> None:
    """A contact person as contacts' events leave it (name, e-mail, birthday, consent)."""
    ctx = running.service.context
    with ctx.transaction() as uow:
        uow.directory.upsert_party("contact", contact_id, f"Somchai {contact_id}", email, 1)
        date_mail.record_date(uow, DateField.BIRTHDAY, contact_id, ("contact", contact_id), birthday, 1)
        consent.apply_contacts_consent(ctx, uow, "contact", contact_id, consent_given, "evt-1")


def run_pass(running: ActivitiesUnderTest, when: dt.datetime) -> date_mail.DateMailReport:
    ctx = at(running, when)
    date_mail.plan_date_mail(ctx)
    return date_mail.deliver_date_mail(ctx)


def birthday_rule(running: ActivitiesUnderTest, **changes: object) -> str:
    form = replace(RuleForm(name="Birthday greeting", field="birthday", language="en"), **changes)  # type: ignore[arg-type]
    return date_mail.create_rule(at(running, BIRTHDAY_0900 - dt.timedelta(days=30)), MARKETING, form).id


def test_a_birthday_greeting_goes_out_once_at_nine_bangkok_with_an_unsubscribe_link(
    service: ActivitiesUnderTest, sink: SmtpSink
) -> None:
    birthday_rule(service)
    add_contact(service, "cp_1", "somchai@siam.example", "1985-04-07", consent_given=True)
    assert run_pass(service, BIRTHDAY_0900 - dt.timedelta(minutes=1)).sent == 0  # not yet
    assert run_pass(service, BIRTHDAY_0900).sent == 1
    assert run_pass(service, BIRTHDAY_0900 + dt.timedelta(hours=1)).sent == 0  # once
    service.service.dispatcher.dispatch_due()
    [mail] = sink.to("somchai@siam.example")
    assert mail.subject == "Happy birthday, Somchai cp_1!"
    link = re.search(r"https?://\S+/api/v1/unsubscribe/[A-Za-z0-9_-]{43}\b", mail.body())
    assert link is not None
    # RFC 2369 / RFC 8058 headers: the same link, and one-click by POST.
    assert mail.message["List-Unsubscribe"] == f"<{link.group(0)}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert service.count("unsubscribe_tokens") == 1
    assert service.count("mail_outbox", "dedupe_key LIKE 'datemail:%'") == 1


def test_unsubscribing_stops_the_next_years_greeting_and_is_logged(
    service: ActivitiesUnderTest, sink: SmtpSink
) -> None:
    birthday_rule(service)
    add_contact(service, "cp_4", "bye@siam.example", "1980-04-07", consent_given=True)
    run_pass(service, BIRTHDAY_0900)
    service.service.dispatcher.dispatch_due()
    [mail] = sink.to("bye@siam.example")
    token = mail.body().split("/unsubscribe/")[1].split()[0]
    page = consent.unsubscribe_page(service.service.context, token)
    assert page.subscribed  # GET shows, changes nothing
    assert not consent.unsubscribe(service.service.context, token).subscribed
    assert not consent.unsubscribe(service.service.context, token).subscribed  # idempotent
    next_year = BIRTHDAY_0900.replace(year=2027)
    assert run_pass(service, next_year).skipped == 1
    state = consent.get_consent(service.service.context, REP, "contact", "cp_4")
    assert not state.granted
    assert [(e.granted, e.source) for e in state.log] == [(True, "contacts"), (False, "unsubscribe")]
    # contacts still says "consent" on its next unrelated update: the withdrawal stands.
    with service.service.context.transaction() as uow:
        consent.apply_contacts_consent(service.service.context, uow, "contact", "cp_4", True, "evt-2")
    assert not consent.get_consent(service.service.context, REP, "contact", "cp_4").granted


def test_a_withdrawal_after_queueing_recalls_the_mail_before_smtp(
    service: ActivitiesUnderTest, sink: SmtpSink
) -> None:
    birthday_rule(service)
    add_contact(service, "cp_5", "late@siam.example", "1980-04-07", consent_given=True)
    assert run_pass(service, BIRTHDAY_0900).sent == 1  # queued, not yet dispatched
    consent.set_consent(service.service.context, REP, "contact", "cp_5", False, note="asked by phone")
    service.service.dispatcher.dispatch_due()
    assert sink.to("late@siam.example") == []
    assert service.count("mail_outbox", "status = 'failed'") == 1
    log = consent.get_consent(service.service.context, REP, "contact", "cp_5").log
    assert (log[-1].source, log[-1].actor, log[-1].note) == ("api", REP.user_id, "asked by phone")


def test_contract_end_is_service_mail_sent_without_consent(
    service: ActivitiesUnderTest, sink: SmtpSink
) -> None:
    ctx = at(service, dt.datetime(2026, 1, 1, tzinfo=UTC))
    date_mail.create_rule(ctx, ADMIN, RuleForm(name="Renewal", field="contract_end", offset_days=-30))
    with ctx.transaction() as uow:
        uow.directory.upsert_party("customer", "cus_1", "Siam Steel", "buyer@siam.example", 1)
        date_mail.record_contract_end(uow, "ctr_1", "cus_1", "2026-06-30", 1)
    assert run_pass(service, dt.datetime(2026, 5, 31, 2, 0, tzinfo=UTC)).sent == 1
    service.service.dispatcher.dispatch_due()
    [mail] = sink.to("buyer@siam.example")
    assert "2026-06-30" in mail.subject
    assert "unsubscribe" not in mail.body()
    assert mail.message["List-Unsubscribe"] is None  # service mail: no unsubscribe


def test_exactly_once_across_a_restart_and_between_racing_schedulers(
    database_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    settings = settings_for(database_url, None, tmp_path, smtp_port=sink.port)
    first = start_activities(settings, serve=False)
    try:
        birthday_rule(first)
        for i in range(12):
            add_contact(first, f"cp_r{i}", f"r{i}@siam.example", "1970-04-07", consent_given=True)
        date_mail.plan_date_mail(at(first, BIRTHDAY_0900))
    finally:
        stop_activities(first)  # the restart: planned, nothing sent
    a, b = start_activities(settings, serve=False), start_activities(settings, serve=False)
    try:
        barrier = threading.Barrier(2)
        reports: list[date_mail.DateMailReport] = []

        def race(running: ActivitiesUnderTest) -> None:
            barrier.wait()
            reports.append(run_pass(running, BIRTHDAY_0900 + dt.timedelta(minutes=1)))

        threads = [threading.Thread(target=race, args=(r,)) for r in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(r.sent for r in reports) == 12
        assert run_pass(a, BIRTHDAY_0900 + dt.timedelta(hours=2)).sent == 0
        a.service.dispatcher.dispatch_due()
        assert len(sink.messages) == 12
        assert a.count("date_mail_sends", "status = 'sent'") == 12
    finally:
        stop_activities(a)
        stop_activities(b)


def test_bad_rules_are_refused_naming_the_field_and_nothing_is_written(service: ActivitiesUnderTest) -> None:
    ctx = service.service.context
    with pytest.raises(InvalidArgument) as caught:
        date_mail.create_rule(ctx, ADMIN, RuleForm(name="x", field="birthday", time_zone="Nowhere/City"))
    assert [v.field for v in caught.value.violations] == ["time_zone"]
    with pytest.raises(PermissionDenied):
        date_mail.create_rule(ctx, REP, RuleForm(name="x", field="birthday"))
    assert service.count("date_mail_rules") == 0


def test_no_consent_skips_29_february_falls_on_28_and_a_moved_birthday_is_replanned(
    service: ActivitiesUnderTest,
) -> None:
    birthday_rule(service)
    add_contact(service, "cp_2", "no@siam.example", "1990-04-07", consent_given=False)
    add_contact(service, "cp_6", "moved@siam.example", "1980-04-07", consent_given=True)
    date_mail.plan_date_mail(at(service, BIRTHDAY_0900 - dt.timedelta(hours=1)))
    with service.service.context.transaction() as uow:
        date_mail.record_date(uow, DateField.BIRTHDAY, "cp_6", ("contact", "cp_6"), "1980-05-07", 2)
    report = run_pass(service, BIRTHDAY_0900)
    assert (report.sent, report.skipped) == (0, 1)
    assert service.count("date_mail_sends", "reason = 'no_consent'") == 1
    assert service.count("mail_outbox") == 0
    add_contact(service, "cp_3", "leap@siam.example", "2000-02-29", consent_given=True)
    assert run_pass(service, dt.datetime(2027, 2, 28, 2, 0, tzinfo=UTC)).sent == 1
    assert run_pass(service, dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC)).sent == 0
    assert service.count("date_mail_sends", "year = 2027 AND status = 'sent'") == 1
