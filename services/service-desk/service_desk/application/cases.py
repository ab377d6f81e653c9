"""Case use cases: open, read, list, change status, note, reply, assign; one transaction each,
the case row locked, its outbox events written with it, and its next escalation check set.

Access (documented in the service's README): admins and the system see all cases; service
agents and sales managers see and work their teams' cases and cases without a team; anyone sees
the cases they opened or are assigned. Opening a case is open to every signed-in caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from chassis.identity import Caller
from crm.servicedesk.v1 import events_pb2 as ev

from service_desk import events
from service_desk import translation as tr
from service_desk.adapters.customers import customer_groups
from service_desk.adapters.repositories import CaseFilter, CaseMessage, CaseRecord, Visibility
from service_desk.application import case_mail
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.setup import next_token, page_of
from service_desk.application.sla import CaseSla, next_check_at, read_sla
from service_desk.application.survey_links import request_survey
from service_desk.domain.cases import CaseStatus, Priority, changed_status, open_case, responded
from service_desk.domain.sla_policies import match_policy

CASE_WORKERS = ("service_agent", "sales_manager")
MAX_BODY = 20_000


@dataclass(frozen=True)
class NewCase:
    title: str
    customer_id: str
    description: str = ""
    contact_id: str = ""
    contract_id: str = ""
    product_id: str = ""
    serial_number: str = ""
    priority: Priority = Priority.NORMAL
    case_type: str = ""
    channel: str = "grpc"
    team_id: str = ""
    assignee_id: str = ""
    customer_group_ids: frozenset[str] = frozenset()
    requester_email: str = ""
    requester_name: str = ""


def visibility(caller: Caller) -> Visibility:
    if caller.sees_all:
        return Visibility(all=True)
    worker = caller.has_role(*CASE_WORKERS)
    return Visibility(
        team_ids=caller.team_ids if worker else frozenset(), unteamed=worker, user_id=caller.user_id
    )


def can_see(caller: Caller, record: CaseRecord) -> bool:
    c = record.case
    if caller.sees_all or caller.user_id in (c.assignee_id, record.created_by):
        return True
    return caller.has_role(*CASE_WORKERS) and (not c.team_id or c.team_id in caller.team_ids)


def _load(uow: UnitOfWork, caller: Caller, id: str, *, work: bool, for_update: bool = False) -> CaseRecord:
    record = uow.cases.get(id, for_update=for_update)
    if record is None or not can_see(caller, record):
        raise NotFound("case", id)  # not PermissionDenied: an outsider learns nothing
    if work:
        caller.require_role(*CASE_WORKERS)
    return record


def case_event(
    record: CaseRecord, sla: CaseSla | None, actor: str, at: dt.datetime, reason: str = ""
) -> ev.CaseEvent:
    case = record.case
    last = case.history[-1]
    return ev.CaseEvent(
        case_id=case.id,
        version=case.version,
        case=tr.case_message(record, sla),
        from_status=tr.status_value(last.from_status),
        to_status=tr.status_value(last.to_status),
        actor=actor,
        reason=reason,
        occur_time=tr.timestamp(at),
    )


def _store(
    uow: UnitOfWork, record: CaseRecord, previous_version: int | None, now: dt.datetime
) -> CaseSla | None:
    """Writes the case with its next escalation check; returns its SLA as read now."""
    check = next_check_at(uow, record, now)
    if previous_version is None:
        uow.cases.add(record, check)
    else:
        uow.cases.save(record, previous_version, check)
    return read_sla(uow, record, now)


def create_case(ctx: ServiceDeskContext, caller: Caller, new: NewCase) -> tuple[CaseRecord, CaseSla | None]:
    """Opens a case; its SLA policy is the contract's when it has one, else the first match."""
    now = ctx.clock()
    case = open_case(
        ctx.ids("case"),
        new.title,
        new.customer_id,
        now,
        actor=caller.user_id,
        priority=new.priority,
        contact_id=new.contact_id.strip(),
        contract_id=new.contract_id.strip(),
        product_id=new.product_id.strip(),
        serial_number=new.serial_number,
        case_type=new.case_type.strip(),
        channel=new.channel.strip() or "grpc",
        team_id=new.team_id.strip(),
        assignee_id=new.assignee_id.strip(),
        requester_email=new.requester_email,
        requester_name=new.requester_name,
    )
    with ctx.transaction() as uow:
        policy_id = ""
        if case.contract_id:
            contract = uow.contracts.get(case.contract_id)
            if contract is None or contract.contract.customer_id != case.customer_id:
                raise InvalidArgument("contract_id", f"no contract {case.contract_id!r} of this customer")
            policy_id = contract.contract.sla_policy_id
        if not policy_id:
            # the groups contacts last published for the customer, plus any the caller names
            groups = new.customer_group_ids | customer_groups(uow.session, case.customer_id)
            matched = match_policy((p for p, _ in uow.policies.all()), case.facts(groups))
            policy_id = matched.id if matched else ""
        record = CaseRecord(
            case, policy_id, new.description.strip(), new.customer_group_ids, caller.user_id, now
        )
        sla = _store(uow, record, None, now)
        uow.emit(events.CASE_CREATED, case_event(record, sla, caller.user_id, now), "case", case.id)
    return record, sla


def get_case(
    ctx: ServiceDeskContext, caller: Caller, id: str
) -> tuple[CaseRecord, CaseSla | None, list[CaseMessage]]:
    with ctx.reading() as uow:
        record = _load(uow, caller, id, work=False)
        messages = uow.cases.messages(id)
        if not caller.has_role(*CASE_WORKERS) and not caller.sees_all:
            messages = [m for m in messages if m.customer_visible]
        return record, read_sla(uow, record, ctx.clock()), messages


def list_cases(
    ctx: ServiceDeskContext, caller: Caller, where: CaseFilter, page_size: int, page_token: str
) -> tuple[list[tuple[CaseRecord, CaseSla | None]], str]:
    offset, size = page_of(page_size, page_token)
    now = ctx.clock()
    with ctx.reading() as uow:
        found = uow.cases.page(where, visibility(caller), offset, size)
        return [(r, read_sla(uow, r, now)) for r in found], next_token(offset, size, len(found))


def change_status(
    ctx: ServiceDeskContext,
    caller: Caller,
    id: str,
    status: CaseStatus,
    reason: str,
    expected_version: int = 0,
) -> tuple[CaseRecord, CaseSla | None]:
    """Moves the case (the status machine decides); a close or reopen also gets its own event."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, work=True, for_update=True)
        before = record.case
        if expected_version and expected_version != before.version:
            raise Conflict(f"case {id} is at version {before.version}, not {expected_version}")
        changed = replace(
            record, case=changed_status(before, status, now, caller.user_id, reason.strip()), updated_at=now
        )
        sla = _store(uow, changed, before.version, now)
        if status == CaseStatus.RESOLVED:  # the satisfaction link of this resolve
            request_survey(ctx, uow, changed, now)
        event = case_event(changed, sla, caller.user_id, now, reason.strip())
        uow.emit(events.CASE_STATUS_CHANGED, event, "case", id)
        if status == CaseStatus.CLOSED:
            uow.emit(events.CASE_CLOSED, event, "case", id)
        elif before.status == CaseStatus.RESOLVED and status == CaseStatus.IN_PROGRESS:
            uow.emit(events.CASE_REOPENED, event, "case", id)
    return changed, sla


def _body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidArgument("body", "is required")
    if len(text) > MAX_BODY:
        raise InvalidArgument("body", f"is longer than {MAX_BODY} characters")
    return text


def add_message(
    ctx: ServiceDeskContext, caller: Caller, id: str, body: str, *, customer_visible: bool
) -> tuple[CaseMessage, CaseRecord, CaseSla | None]:
    """An internal note, or a reply to the customer (the first reply fulfils first response)."""
    text = _body(body)
    now = ctx.clock()
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, work=True, for_update=True)
        message = CaseMessage(ctx.ids("msg"), id, customer_visible, caller.user_id, text, now)
        message = case_mail.mailed_reply(ctx, uow, record.case, message)  # to the requester
        uow.cases.add_message(message)
        if customer_visible and record.case.first_response_at is None:
            before = record.case.version
            record = replace(record, case=responded(record.case, now), updated_at=now)
            sla = _store(uow, record, before, now)
        else:
            sla = read_sla(uow, record, now)
    return message, record, sla


def assign_case(
    ctx: ServiceDeskContext, caller: Caller, id: str, assignee_id: str, team_id: str
) -> tuple[CaseRecord, CaseSla | None]:
    now = ctx.clock()
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, work=True, for_update=True)
        team = team_id.strip() or record.case.team_id
        if team != record.case.team_id and not caller.sees_all and team not in caller.team_ids:
            raise PermissionDenied(f"{caller.user_id} may not hand cases to team {team}")
        before = record.case
        case = replace(before, assignee_id=assignee_id.strip(), team_id=team, version=before.version + 1)
        record = replace(record, case=case, updated_at=now)
        sla = _store(uow, record, before.version, now)
    return record, sla
