"""REST and the public link pages over the approvals gRPC service (a small fake served over
real gRPC on a free port, the collaborator at this unit boundary; tests/e2e uses the real one):
JSON shapes, the caller and the audit metadata passed on, field errors, and GET never deciding."""

from __future__ import annotations

import threading
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import approvals_service_pb2_grpc as pb_grpc
from crm.approvals.v1 import resources_pb2 as res
from crm.common.v1 import money_pb2

REQUEST = res.Request(
    id="apr_1",
    request_type=res.REQUEST_TYPE_QUOTATION,
    subject_type="quotation",
    subject_id="q_1",
    revision=1,
    status=res.REQUEST_STATUS_PENDING,
    snapshot=res.Snapshot(
        title="QT2569-00012 rev 1",
        customer_name="บริษัท บางนาโลจิสติกส์ จำกัด",
        amount=money_pb2.Money(currency_code="THB", amount="80250.00"),
        discount_percent="25.00",
    ),
    version=1,
)


@dataclass
class FakeApprovals(pb_grpc.ApprovalsServiceServicer):
    calls: list[tuple[str, Any, dict[str, str]]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, name: str, request: Any, context: grpc.ServicerContext) -> dict[str, str]:
        metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        with self.lock:
            self.calls.append((name, request, metadata))
        return metadata

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]

    def ListMyPendingApprovals(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("ListMyPendingApprovals", request, context)
        return pb.ListMyPendingApprovalsResponse(requests=[REQUEST], total_size=1, next_page_token="1")

    def Approve(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("Approve", request, context)
        approved = res.Request()
        approved.CopyFrom(REQUEST)
        approved.status = res.REQUEST_STATUS_APPROVED
        return pb.ApproveResponse(request=approved)

    def Reject(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("Reject", request, context)
        return pb.RejectResponse(request=REQUEST)

    def CreatePolicy(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("CreatePolicy", request, context)
        if not request.policy.steps:
            context.abort_with_status(to_rpc_status(InvalidArgument("policy.steps", "a policy needs a step")))
        return pb.CreatePolicyResponse(policy=request.policy)

    def DescribeActionLink(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("DescribeActionLink", request, context)
        if request.token == "unknown":
            context.abort_with_status(to_rpc_status(NotFound("action link", "this link")))
        action = res.DECISION_REJECT if request.token.startswith("reject") else res.DECISION_APPROVE
        usable = request.token not in self.used
        return pb.DescribeActionLinkResponse(
            usable=usable,
            problem="" if usable else "this link has already been used",
            action=action,
            approver_id="u-manager",
            approver_name="สมชาย",
            language="th",
            request=REQUEST,
        )

    def DecideByLink(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("DecideByLink", request, context)
        if request.token in self.used:
            context.abort_with_status(to_rpc_status(FailedPrecondition("this link has already been used")))
        if request.token.startswith("reject") and not request.reason:
            context.abort_with_status(
                to_rpc_status(InvalidArgument("reason", "a reason is required to reject"))
            )
        self.used.add(request.token)
        return pb.DecideByLinkResponse(request=REQUEST, action=res.DECISION_APPROVE)


@pytest.fixture
def fake_approvals():  # type: ignore[no-untyped-def]
    servicer = FakeApprovals()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_ApprovalsServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield servicer, f"127.0.0.1:{port}"
    finally:
        server.stop(0)


@pytest.fixture
def web(make_app, fake_approvals):  # type: ignore[no-untyped-def]
    servicer, target = fake_approvals
    return make_app(approvals_target=target).test_client(), servicer


def test_my_pending_approvals_pass_the_caller_and_filters(web, login):
    client, fake = web
    headers = {"Authorization": f"Bearer {login(client)['access_token']}"}
    response = client.get("/api/v1/approvals?request_type=quotation&q=QT2569&page_size=10", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["requests"][0]["status"] == "pending"
    assert body["requests"][0]["request_type"] == "quotation"
    assert body["requests"][0]["snapshot"]["amount"] == {"amount": "80250.00", "currency": "THB"}
    _, sent, metadata = fake.calls[-1]
    assert (sent.request_type, sent.query, sent.page_size) == (res.REQUEST_TYPE_QUOTATION, "QT2569", 10)
    assert Caller.from_metadata(metadata.items()) is not None


def test_approve_sends_where_the_call_came_from(web, login):
    client, fake = web
    headers = {"Authorization": f"Bearer {login(client)['access_token']}", "User-Agent": "Firefox/130"}
    response = client.post("/api/v1/approvals/apr_1/approve", headers=headers, json={"comment": "ok"})
    assert response.status_code == 200
    assert response.json["status"] == "approved"
    name, sent, metadata = fake.calls[-1]
    assert (name, sent.request_id, sent.comment) == ("Approve", "apr_1", "ok")
    assert (metadata["x-user-agent"], metadata["x-channel"]) == ("Firefox/130", "web")
    assert metadata["x-client-ip"]


def test_reject_without_a_reason_is_refused_before_the_service(web, login):
    client, fake = web
    headers = {"Authorization": f"Bearer {login(client)['access_token']}"}
    response = client.post("/api/v1/approvals/apr_1/reject", headers=headers, json={})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "reason"
    assert "Reject" not in fake.names()


def test_a_policy_without_steps_gets_the_services_field_error(web, login):
    client, fake = web
    headers = {"Authorization": f"Bearer {login(client)['access_token']}", "Idempotency-Key": "k1"}
    body = {"request_type": "quotation", "name": "discount", "conditions": {"min_discount_percent": "20"}}
    response = client.post("/api/v1/approval-policies", headers=headers, json=body)
    assert response.status_code in (400, 422)
    assert response.json["errors"][0]["field"] == "steps"
    good = dict(body, steps=[{"name": "manager", "approver_kind": "manager", "manager_levels": 1}])
    created = client.post(
        "/api/v1/approval-policies", headers={**headers, "Idempotency-Key": "k2"}, json=good
    )
    assert created.status_code == 201, created.json
    sent = fake.calls[-1][1].policy
    assert (sent.steps[0].approver_kind, sent.conditions.min_discount_percent) == (
        res.APPROVER_KIND_MANAGER,
        "20",
    )


def test_the_link_page_shows_without_deciding_and_the_post_decides_once(web):
    client, fake = web
    page = client.get("/approvals/act/approve-token")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "บริษัท บางนาโลจิสติกส์ จำกัด" in html
    assert "ยืนยันการอนุมัติ" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "DecideByLink" not in fake.names()
    done = client.post("/approvals/act/approve-token", data={"reason": ""})
    assert done.status_code == 200
    assert "อนุมัติเรียบร้อยแล้ว" in done.get_data(as_text=True)
    assert fake.calls[-1][2]["x-channel"] == "email_link"
    again = client.post("/approvals/act/approve-token", data={})
    assert again.status_code == 409
    assert "already been used" in again.get_data(as_text=True)


def test_a_reject_link_asks_for_the_reason(web):
    client, _fake = web
    assert 'name="reason" required' in client.get("/approvals/act/reject-token").get_data(as_text=True)
    missing = client.post("/approvals/act/reject-token", data={"reason": " "})
    assert missing.status_code == 422
    assert "a reason is required" in missing.get_data(as_text=True)
    done = client.post("/approvals/act/reject-token", data={"reason": "ส่วนลดเกิน"})
    assert done.status_code == 200


def test_an_unknown_link_is_not_found(web):
    client, _fake = web
    assert client.get("/approvals/act/unknown").status_code == 404
