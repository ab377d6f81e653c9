"""/api/v1/approvals (my pending approvals, detail with history, approve, reject, bulk approve,
withdraw), /api/v1/approval-policies (admins), /api/v1/delegations (own delegations) and
/api/v1/approval-mail/failed (admins), over crm.approvals.v1.ApprovalsService.

Every call passes where it came from (x-client-ip, x-user-agent, x-channel=web) for the
request's audit trail. Who may decide is the approvals service's rule.
"""

from __future__ import annotations

from typing import Any, Literal

from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import resources_pb2 as res
from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field

from gateway.context import client_ip, services
from gateway.routing import ApiBlueprint, json_response, no_content
from gateway.translate import enum_full_name, from_json, to_json

api = ApiBlueprint("approvals", __name__, tag="approvals")

RequestTypeName = Literal["quotation", "service_contract", "price_override", "credit_limit"]
DECIMAL_PATTERN = r"^\d+(\.\d+)?$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PendingQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=200)
    page_token: str = ""
    request_type: RequestTypeName | None = None
    q: str = Field(default="", max_length=200)


class ApproveBody(_Body):
    comment: str = Field(default="", max_length=2000)


class RejectBody(_Body):
    reason: str = Field(min_length=1, max_length=2000)


class WithdrawBody(_Body):
    reason: str = Field(default="", max_length=2000)


class BulkApproveBody(_Body):
    request_ids: list[str] = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=2000)


class ConditionsBody(_Body):
    min_amount: str | None = Field(default=None, pattern=DECIMAL_PATTERN, max_length=40)
    min_discount_percent: str | None = Field(default=None, pattern=DECIMAL_PATTERN, max_length=10)
    customer_group_ids: list[str] = Field(default_factory=list)
    team_ids: list[str] = Field(default_factory=list)
    requester_roles: list[str] = Field(default_factory=list)


class PolicyStepBody(_Body):
    name: str = Field(max_length=200)
    approver_kind: Literal["user", "role", "manager"]
    user_id: str = ""
    role: str = ""
    manager_levels: int = Field(default=1, ge=0, le=20)
    mode: Literal["any", "all"] = "any"
    sla_seconds: int = Field(default=0, ge=0)


class PolicyBody(_Body):
    request_type: RequestTypeName
    name: str = Field(max_length=200)
    priority: int = 100
    conditions: ConditionsBody = Field(default_factory=ConditionsBody)
    steps: list[PolicyStepBody] = Field(default_factory=list)
    active: bool = True
    expected_version: int | None = Field(default=None, ge=1)


class PolicyQuery(_Body):
    request_type: RequestTypeName | None = None
    include_inactive: bool = False


class DelegationBody(_Body):
    delegate_id: str = Field(min_length=1, max_length=64)
    start_date: str = Field(pattern=DATE_PATTERN)
    end_date: str = Field(pattern=DATE_PATTERN)
    reason: str = Field(default="", max_length=500)
    delegator_id: str = Field(default="", max_length=64)


class DelegationQuery(_Body):
    delegator_id: str = ""


class FailedMailQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=200)
    page_token: str = ""


def approvals() -> Any:
    """The crm.approvals.v1.ApprovalsService stub of this app."""
    return services().approvals


def origin(channel: str = "web") -> list[tuple[str, str]]:
    """Where the call came from, for the audit trail."""
    agent = request.headers.get("User-Agent", "")[:255]
    return [("x-client-ip", client_ip()), ("x-user-agent", agent), ("x-channel", channel)]


def _request_type(name: str | None) -> Any:
    return res.RequestType.Value(enum_full_name(res.RequestType.DESCRIPTOR, name)) if name else 0


@api.route(
    "GET",
    "/approvals",
    summary="My pending approvals",
    query=PendingQuery,
    response=pb.ListMyPendingApprovalsResponse,
)
def list_pending(query: PendingQuery) -> Response:
    """Requests whose pending step waits for me (or for someone I stand in for), oldest first."""
    reply = approvals().ListMyPendingApprovals(
        pb.ListMyPendingApprovalsRequest(
            page_size=query.page_size,
            page_token=query.page_token,
            request_type=_request_type(query.request_type),
            query=query.q,
        )
    )
    return json_response(reply)


@api.route(
    "GET",
    "/approvals/<request_id>",
    summary="An approval request with its history",
    response=pb.GetRequestResponse,
)
def get_request(request_id: str) -> Response:
    return json_response(approvals().GetRequest(pb.GetRequestRequest(id=request_id)))


@api.route(
    "POST",
    "/approvals/<request_id>/approve",
    summary="Approve my step of a request",
    body=ApproveBody,
    response=res.Request,
)
def approve(request_id: str, body: ApproveBody) -> Response:
    reply = approvals().Approve(
        pb.ApproveRequest(request_id=request_id, comment=body.comment), metadata=origin()
    )
    return json_response(reply.request)


@api.route(
    "POST",
    "/approvals/<request_id>/reject",
    summary="Reject a request (a reason is required)",
    body=RejectBody,
    response=res.Request,
)
def reject(request_id: str, body: RejectBody) -> Response:
    reply = approvals().Reject(pb.RejectRequest(request_id=request_id, reason=body.reason), metadata=origin())
    return json_response(reply.request)


@api.route(
    "POST",
    "/approvals/<request_id>/withdraw",
    summary="Withdraw my request",
    body=WithdrawBody,
    response=res.Request,
)
def withdraw(request_id: str, body: WithdrawBody) -> Response:
    reply = approvals().Withdraw(
        pb.WithdrawRequest(request_id=request_id, reason=body.reason), metadata=origin()
    )
    return json_response(reply.request)


@api.route(
    "POST",
    "/approvals/bulk-approve",
    summary="Approve several requests",
    body=BulkApproveBody,
    response=pb.BulkApproveResponse,
)
def bulk_approve(body: BulkApproveBody) -> Response:
    """Each request is approved on its own; `results` says which were and why not."""
    reply = approvals().BulkApprove(
        pb.BulkApproveRequest(request_ids=body.request_ids, comment=body.comment), metadata=origin()
    )
    return json_response(reply)


def _policy(body: PolicyBody, policy_id: str = "") -> res.Policy:
    data = body.model_dump(exclude={"expected_version"}, exclude_none=True, mode="json")
    policy = from_json(data, res.Policy)
    policy.id = policy_id
    return policy


@api.route(
    "GET",
    "/approval-policies",
    summary="Approval policies",
    query=PolicyQuery,
    response=pb.ListPoliciesResponse,
)
def list_policies(query: PolicyQuery) -> Response:
    reply = approvals().ListPolicies(
        pb.ListPoliciesRequest(
            request_type=_request_type(query.request_type), include_inactive=query.include_inactive
        )
    )
    return json_response(reply)


@api.route(
    "POST",
    "/approval-policies",
    summary="Create an approval policy (admins)",
    body=PolicyBody,
    response=res.Policy,
    status=201,
    idempotent=True,
    body_field="policy",
)
def create_policy(body: PolicyBody) -> Response:
    reply = approvals().CreatePolicy(pb.CreatePolicyRequest(policy=_policy(body)))
    return json_response(reply.policy, 201)


@api.route(
    "PUT",
    "/approval-policies/<policy_id>",
    summary="Replace an approval policy (admins)",
    body=PolicyBody,
    response=res.Policy,
    body_field="policy",
)
def update_policy(policy_id: str, body: PolicyBody) -> Response:
    reply = approvals().UpdatePolicy(
        pb.UpdatePolicyRequest(policy=_policy(body, policy_id), expected_version=body.expected_version or 0)
    )
    return json_response(reply.policy)


@api.route(
    "GET",
    "/delegations",
    summary="My delegations",
    query=DelegationQuery,
    response=pb.ListDelegationsResponse,
)
def list_delegations(query: DelegationQuery) -> Response:
    return json_response(
        approvals().ListDelegations(pb.ListDelegationsRequest(delegator_id=query.delegator_id))
    )


@api.route(
    "POST",
    "/delegations",
    summary="Name a delegate for a date range",
    body=DelegationBody,
    response=res.Delegation,
    status=201,
    body_field="delegation",
)
def create_delegation(body: DelegationBody) -> Response:
    reply = approvals().CreateDelegation(
        pb.CreateDelegationRequest(delegation=from_json(body.model_dump(mode="json"), res.Delegation))
    )
    return json_response(reply.delegation, 201)


@api.route("DELETE", "/delegations/<delegation_id>", summary="End a delegation", status=204)
def delete_delegation(delegation_id: str) -> Response:
    approvals().DeleteDelegation(pb.DeleteDelegationRequest(id=delegation_id))
    return no_content()


@api.route(
    "GET",
    "/approval-mail/failed",
    summary="Approval mail that could not be sent (admins)",
    query=FailedMailQuery,
    response=pb.ListFailedMailResponse,
)
def failed_mail(query: FailedMailQuery) -> Response:
    reply = approvals().ListFailedMail(
        pb.ListFailedMailRequest(page_size=query.page_size, page_token=query.page_token)
    )
    return json_response(to_json(reply))
