"""The approval flow over real gRPC, a real database, a real SMTP server and (first test) a
real nats-server: a quotation with a 25 % discount asks the rep's manager by mail, the mail's
link approves it, the decision is on the stream and the rep gets the result; rejection with
its reason; a delegate; escalation after the SLA; SMTP down while deciding; bad input."""

from __future__ import annotations

import grpc
import pytest
from approvals.testing import eventually, link_tokens, publish, read_stream
from chassis.grpc import from_rpc_error
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import events_pb2 as ev
from crm.approvals.v1 import resources_pb2 as res
from crm.common.v1 import money_pb2
from crm.identity.v1 import identity_pb2 as identity
from crm.sales.v1 import events_pb2 as sales

from .conftest import ADMIN, DEPUTY, DIRECTOR, MANAGER, OTHER, REP, USERS, discount_policy


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def quotation(
    quotation_id: str = "q_1", discount_percent: str = "25.00", revision: int = 1
) -> sales.QuotationSubmitted:
    return sales.QuotationSubmitted(
        quotation_id=quotation_id,
        number="QT2569-00012",
        revision=revision,
        customer_id="cus_1",
        customer_name="บริษัท บางนาโลจิสติกส์ จำกัด",
        requester_id="u-rep",
        team_id="north",
        subtotal=thb("100000.00"),
        discount=thb("25000.00"),
        discount_percent=discount_percent,
        grand_total=thb("80250.00"),
        lines=[
            sales.QuotationLineSummary(
                description="เครื่องพิมพ์ฉลาก",
                quantity="10",
                unit="เครื่อง",
                net_unit_price=thb("7500.00"),
                discount_percent="25.00",
            )
        ],
        link=f"/quotations/{quotation_id}",
        version=3,
    )


def create(approvals, quotation_id: str = "q_1", discount: str = "25.00", revision: int = 1, caller=ADMIN):
    """A quotation request through CreateRequest (what the event handler does too)."""
    return approvals.call(
        "CreateRequest",
        pb.CreateRequestRequest(
            request_type=res.REQUEST_TYPE_QUOTATION,
            subject_type="quotation",
            subject_id=quotation_id,
            revision=revision,
            requester_id="u-rep",
            team_id="north",
            snapshot=res.Snapshot(
                title=f"QT {quotation_id} rev {revision}",
                customer_name="บริษัท ทดสอบ จำกัด",
                amount=thb("80250.00"),
                discount_percent=discount,
                link=f"/quotations/{quotation_id}",
            ),
        ),
        caller,
    ).request


def failure(call) -> tuple[grpc.StatusCode, dict[str, str]]:
    try:
        call()
    except grpc.RpcError as error:
        code, _message, violations = from_rpc_error(error)
        return code, {v.field: v.reason for v in violations}
    raise AssertionError("the call succeeded")


def test_submitted_quotation_is_approved_through_the_mail_link(approvals_with_events, smtp_sink, nats_server):
    running = approvals_with_events
    for user in USERS:
        publish(
            nats_server.url,
            "crm.identity.user.created",
            identity.UserCreated(
                user=identity.User(
                    id=user.id,
                    email=user.email,
                    display_name=user.display_name,
                    roles=sorted(user.roles),
                    team_ids=sorted(user.team_ids),
                    manager_id=user.manager_id,
                    language=user.language,
                    active=True,
                    version=1,
                )
            ),
        )
    eventually(lambda: running.count("users") == len(USERS), what="identity events applied")
    running.call("CreatePolicy", pb.CreatePolicyRequest(policy=discount_policy()), ADMIN)
    publish(nats_server.url, "crm.sales.quotation.submitted", quotation())
    [mail] = smtp_sink.wait_for(lambda m: "manager@example.co.th" in m.recipients)
    assert "QT2569-00012 rev 1" in mail.subject
    assert "80,250.00 THB" in mail.body("plain")
    assert "บริษัท บางนาโลจิสติกส์ จำกัด" in mail.body("plain")
    tokens = link_tokens(mail)
    described = running.call(
        "DescribeActionLink", pb.DescribeActionLinkRequest(token=tokens["approve"]), ADMIN
    )
    assert described.usable
    assert described.approver_id == "u-manager"
    assert described.request.status == res.REQUEST_STATUS_PENDING  # describing decides nothing
    decided = running.call(
        "DecideByLink",
        pb.DecideByLinkRequest(token=tokens["approve"]),
        ADMIN,
        metadata=(("x-client-ip", "203.0.113.9"), ("x-user-agent", "Thunderbird")),
    )
    assert decided.request.status == res.REQUEST_STATUS_APPROVED
    [message] = read_stream(nats_server.url, "crm.approvals.request.approved")
    event = ev.ApprovalRequestEvent.FromString(message.data)
    assert (event.subject_type, event.subject_id, event.revision) == ("quotation", "q_1", 1)
    assert (event.decision, event.decided_by) == ("approved", "u-manager")
    [result] = smtp_sink.wait_for(lambda m: "rep@example.co.th" in m.recipients)
    assert "อนุมัติแล้ว" in result.subject
    code, _ = failure(
        lambda: running.call("DecideByLink", pb.DecideByLinkRequest(token=tokens["approve"]), ADMIN)
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    history = running.call("GetRequest", pb.GetRequestRequest(id=decided.request.id), REP).history
    approved = [h for h in history if h.action == "approved"]
    assert [(h.actor_id, h.channel, h.client_ip, h.user_agent) for h in approved] == [
        ("u-manager", "email_link", "203.0.113.9", "Thunderbird")
    ]


def test_a_reject_link_needs_a_reason_and_the_rep_receives_it(approvals, smtp_sink):
    request = create(approvals)
    [mail] = smtp_sink.wait_for(lambda m: "manager@example.co.th" in m.recipients)
    token = link_tokens(mail)["reject"]
    code, fields = failure(lambda: approvals.call("DecideByLink", pb.DecideByLinkRequest(token=token), ADMIN))
    assert (code, list(fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["reason"])
    assert approvals.count("action_links", "used_at IS NOT NULL") == 0
    decided = approvals.call(
        "DecideByLink", pb.DecideByLinkRequest(token=token, reason="ส่วนลดสูงเกินไป"), ADMIN
    )
    assert decided.request.status == res.REQUEST_STATUS_REJECTED
    assert approvals.outbox_subjects()[-1] == "crm.approvals.request.rejected"
    [result] = smtp_sink.wait_for(lambda m: "rep@example.co.th" in m.recipients)
    assert "ส่วนลดสูงเกินไป" in result.body("plain")
    assert request.id == decided.request.id


def test_a_delegate_receives_and_decides_and_the_audit_shows_both(approvals, smtp_sink):
    import datetime as dt

    today = dt.date.today()
    approvals.call(
        "CreateDelegation",
        pb.CreateDelegationRequest(
            delegation=res.Delegation(
                delegate_id="u-deputy",
                start_date=(today - dt.timedelta(days=1)).isoformat(),
                end_date=(today + dt.timedelta(days=5)).isoformat(),
                reason="ลาพักร้อน",
            )
        ),
        MANAGER,
    )
    request = create(approvals)
    assert request.steps[0].assignees[0].delegate_id == "u-deputy"
    smtp_sink.wait_for(lambda m: "deputy@example.co.th" in m.recipients)
    pending = approvals.call("ListMyPendingApprovals", pb.ListMyPendingApprovalsRequest(), DEPUTY)
    assert [r.id for r in pending.requests] == [request.id]
    approved = approvals.call("Approve", pb.ApproveRequest(request_id=request.id), DEPUTY).request
    assert approved.status == res.REQUEST_STATUS_APPROVED
    history = approvals.call("GetRequest", pb.GetRequestRequest(id=request.id), REP).history
    assigned = next(h for h in history if h.action == "assigned")
    assert (assigned.actor_id, assigned.on_behalf_of) == ("u-deputy", "u-manager")
    decided = next(h for h in history if h.action == "step_approved")
    assert (decided.actor_id, decided.on_behalf_of) == ("u-deputy", "u-manager")


def test_escalation_after_the_sla_reaches_the_next_manager_once(approvals, smtp_sink):
    request = create(approvals)
    assert approvals.service.check_escalations() == 0
    approvals.clock.advance(3601)
    assert approvals.service.check_escalations() == 1
    assert approvals.service.check_escalations() == 0  # fired once
    [escalated] = smtp_sink.wait_for(lambda m: "director@example.co.th" in m.recipients)
    assert "Escalated" in escalated.subject
    smtp_sink.wait_for(lambda m: "manager@example.co.th" in m.recipients and "เตือน" in m.subject)
    assert "crm.approvals.request.escalated" in approvals.outbox_subjects()
    approved = approvals.call("Approve", pb.ApproveRequest(request_id=request.id), DIRECTOR).request
    assert approved.status == res.REQUEST_STATUS_APPROVED


def test_smtp_down_while_deciding_sends_the_result_once_when_it_returns(approvals, smtp_sink):
    request = create(approvals)
    smtp_sink.wait_for(lambda m: "manager@example.co.th" in m.recipients)
    smtp_sink.stop()
    approvals.call("Approve", pb.ApproveRequest(request_id=request.id), MANAGER)
    eventually(
        lambda: approvals.count("mail_outbox", "attempts > 0 AND status = 'queued'") >= 1, what="a retry"
    )
    smtp_sink.start()
    smtp_sink.wait_for(lambda m: "rep@example.co.th" in m.recipients)
    eventually(lambda: approvals.count("mail_outbox", "status IN ('queued', 'sending')") == 0, what="drained")
    assert len(smtp_sink.to("rep@example.co.th")) == 1


def test_bad_input_names_the_field_and_changes_nothing(approvals, smtp_sink):
    request = create(approvals)
    outbox = len(approvals.outbox_subjects())
    code, fields = failure(lambda: approvals.call("Reject", pb.RejectRequest(request_id=request.id), MANAGER))
    assert (code, list(fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["reason"])
    code, _ = failure(lambda: approvals.call("Approve", pb.ApproveRequest(request_id=request.id), OTHER))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = failure(lambda: approvals.call("Approve", pb.ApproveRequest(request_id=request.id), REP))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    no_steps = discount_policy()
    del no_steps.steps[:]
    code, fields = failure(
        lambda: approvals.call("CreatePolicy", pb.CreatePolicyRequest(policy=no_steps), ADMIN)
    )
    assert (code, list(fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["policy.steps"])
    code, _ = failure(
        lambda: approvals.call("CreatePolicy", pb.CreatePolicyRequest(policy=discount_policy()), REP)
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert approvals.count("policies") == 1
    assert len(approvals.outbox_subjects()) == outbox
    after = approvals.call("GetRequest", pb.GetRequestRequest(id=request.id), REP).request
    assert (after.status, after.version) == (res.REQUEST_STATUS_PENDING, request.version)


def test_no_matching_policy_approves_at_once_and_records_it(approvals, smtp_sink):
    request = create(approvals, discount="5.00")
    assert request.status == res.REQUEST_STATUS_APPROVED
    assert (request.decided_by, request.reason) == ("system", "no approval policy applies")
    history = approvals.call("GetRequest", pb.GetRequestRequest(id=request.id), REP).history
    assert [h.action for h in history] == ["created", "auto_approved"]


def test_a_resubmission_starts_a_new_round_and_withdraws_the_old_one(approvals, smtp_sink):
    first = create(approvals, revision=1)
    again = create(approvals, revision=1)
    assert again.id == first.id
    second = create(approvals, revision=2)
    assert (second.round, second.status) == (2, res.REQUEST_STATUS_PENDING)
    old = approvals.call("GetRequest", pb.GetRequestRequest(id=first.id), REP).request
    assert (old.status, old.reason) == (res.REQUEST_STATUS_WITHDRAWN, "superseded by revision 2")
    pending = approvals.call("ListMyPendingApprovals", pb.ListMyPendingApprovalsRequest(page_size=1), MANAGER)
    assert ([r.id for r in pending.requests], pending.total_size) == ([second.id], 1)


def test_bulk_approve_reports_per_request(approvals, smtp_sink):
    ids = [create(approvals, quotation_id=f"q_{n}").id for n in range(3)]
    page = approvals.call("ListMyPendingApprovals", pb.ListMyPendingApprovalsRequest(page_size=2), MANAGER)
    assert (len(page.requests), page.total_size, bool(page.next_page_token)) == (2, 3, True)
    results = approvals.call(
        "BulkApprove", pb.BulkApproveRequest(request_ids=[*ids, "apr_missing"]), MANAGER
    ).results
    assert [r.approved for r in results] == [True, True, True, False]
    assert "not found" in results[-1].error


@pytest.mark.parametrize("unused", [None])
def test_the_requester_withdraws(approvals, smtp_sink, unused):
    request = create(approvals)
    code, _ = failure(lambda: approvals.call("Withdraw", pb.WithdrawRequest(request_id=request.id), MANAGER))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    withdrawn = approvals.call("Withdraw", pb.WithdrawRequest(request_id=request.id, reason="ลูกค้ายกเลิก"), REP)
    assert withdrawn.request.status == res.REQUEST_STATUS_WITHDRAWN
    assert approvals.outbox_subjects()[-1] == "crm.approvals.request.withdrawn"
