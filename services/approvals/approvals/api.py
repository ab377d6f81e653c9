"""The gRPC servicer of crm.approvals.v1.ApprovalsService: each method parses the request,
calls one use case with the caller (bound by the chassis interceptor) and where the call came
from (x-client-ip, x-user-agent, x-channel metadata from the gateway), and translates the
result. Who may decide what is the domain's rule, not this file's."""

# The method names are the RPC names of the contract (Approve, ...), not Python style.
# ruff: noqa: N802

from __future__ import annotations

from collections.abc import Callable

import grpc
from chassis.db import Database
from chassis.errors import InvalidArgument
from chassis.identity import current_caller
from chassis.mail import FailedMail, failed_mail
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import approvals_service_pb2_grpc as pb_grpc
from crm.approvals.v1 import resources_pb2 as res

from approvals import translation as tr
from approvals.adapters.audit import Origin
from approvals.adapters.requests import PendingFilter
from approvals.adapters.tables import mail_tables
from approvals.application import delegations, links, policies, requests
from approvals.application.context import ApprovalsContext
from approvals.application.requests import NewRequest
from approvals.domain.model import Decision

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["ApprovalsService"].full_name
CHANNELS = frozenset({"web", "email_link", "grpc"})


def origin_of(context: grpc.ServicerContext, default: str = "grpc") -> Origin:
    values = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in context.invocation_metadata() or ()}
    channel = values.get("x-channel", default)
    return Origin(
        channel=channel if channel in CHANNELS else default,
        client_ip=values.get("x-client-ip", ""),
        user_agent=values.get("x-user-agent", ""),
    )


def _decision(value: Decision) -> res.Decision.ValueType:
    return res.DECISION_APPROVE if value is Decision.APPROVE else res.DECISION_REJECT


class ApprovalsServicer(pb_grpc.ApprovalsServiceServicer):
    def __init__(self, ctx: ApprovalsContext) -> None:
        self.ctx = ctx

    def ListMyPendingApprovals(
        self, request: pb.ListMyPendingApprovalsRequest, context: grpc.ServicerContext
    ) -> pb.ListMyPendingApprovalsResponse:
        where = PendingFilter(tr.request_type_of(request.request_type, required=False), request.query)
        found, token, total = requests.list_pending(
            self.ctx, current_caller(), where, request.page_size, request.page_token
        )
        return pb.ListMyPendingApprovalsResponse(
            requests=[tr.request_message(r) for r in found], next_page_token=token, total_size=total
        )

    def GetRequest(
        self, request: pb.GetRequestRequest, context: grpc.ServicerContext
    ) -> pb.GetRequestResponse:
        found, history = requests.get_request(self.ctx, current_caller(), request.id)
        return pb.GetRequestResponse(
            request=tr.request_message(found), history=[tr.history_message(h) for h in history]
        )

    def Approve(self, request: pb.ApproveRequest, context: grpc.ServicerContext) -> pb.ApproveResponse:
        decided = requests.decide(
            self.ctx,
            current_caller().user_id,
            request.request_id,
            Decision.APPROVE,
            request.comment,
            origin_of(context),
        )
        return pb.ApproveResponse(request=tr.request_message(decided))

    def Reject(self, request: pb.RejectRequest, context: grpc.ServicerContext) -> pb.RejectResponse:
        decided = requests.decide(
            self.ctx,
            current_caller().user_id,
            request.request_id,
            Decision.REJECT,
            request.reason,
            origin_of(context),
        )
        return pb.RejectResponse(request=tr.request_message(decided))

    def BulkApprove(
        self, request: pb.BulkApproveRequest, context: grpc.ServicerContext
    ) -> pb.BulkApproveResponse:
        results = requests.bulk_approve(
            self.ctx, current_caller().user_id, list(request.request_ids), request.comment, origin_of(context)
        )
        return pb.BulkApproveResponse(
            results=[
                pb.BulkApproveResult(
                    request_id=r.request_id,
                    approved=r.request is not None,
                    error=r.error,
                    request=tr.request_message(r.request) if r.request is not None else None,
                )
                for r in results
            ]
        )

    def Withdraw(self, request: pb.WithdrawRequest, context: grpc.ServicerContext) -> pb.WithdrawResponse:
        withdrawn = requests.withdraw(
            self.ctx, current_caller(), request.request_id, request.reason, origin_of(context)
        )
        return pb.WithdrawResponse(request=tr.request_message(withdrawn))

    def CreateRequest(
        self, request: pb.CreateRequestRequest, context: grpc.ServicerContext
    ) -> pb.CreateRequestResponse:
        caller = current_caller()
        request_type = tr.request_type_of(request.request_type)
        assert request_type is not None
        command = NewRequest(
            request_type=request_type,
            subject_type=request.subject_type,
            subject_id=request.subject_id,
            revision=request.revision,
            requester_id=request.requester_id.strip() or caller.user_id,
            team_id=request.team_id,
            snapshot=tr.snapshot_of(request.snapshot),
        )
        created = requests.create_request(self.ctx, caller, command, origin_of(context))
        return pb.CreateRequestResponse(request=tr.request_message(created))

    # -- policies (admins) ---------------------------------------------------------------

    def CreatePolicy(
        self, request: pb.CreatePolicyRequest, context: grpc.ServicerContext
    ) -> pb.CreatePolicyResponse:
        caller = current_caller()
        caller.require_role("admin")
        created, at = policies.create_policy(self.ctx, caller, tr.policy_of(request.policy))
        return pb.CreatePolicyResponse(policy=tr.policy_message(created, at))

    def UpdatePolicy(
        self, request: pb.UpdatePolicyRequest, context: grpc.ServicerContext
    ) -> pb.UpdatePolicyResponse:
        caller = current_caller()
        caller.require_role("admin")
        changed, at = policies.update_policy(
            self.ctx, caller, tr.policy_of(request.policy), request.expected_version
        )
        return pb.UpdatePolicyResponse(policy=tr.policy_message(changed, at))

    def ListPolicies(
        self, request: pb.ListPoliciesRequest, context: grpc.ServicerContext
    ) -> pb.ListPoliciesResponse:
        request_type = tr.request_type_of(request.request_type, required=False)
        found = policies.list_policies(self.ctx, current_caller(), request_type, request.include_inactive)
        return pb.ListPoliciesResponse(policies=[tr.policy_message(p, at) for p, at in found])

    # -- delegations ---------------------------------------------------------------------

    def CreateDelegation(
        self, request: pb.CreateDelegationRequest, context: grpc.ServicerContext
    ) -> pb.CreateDelegationResponse:
        d = request.delegation
        created = delegations.create_delegation(
            self.ctx, current_caller(), d.delegator_id, d.delegate_id, d.start_date, d.end_date, d.reason
        )
        return pb.CreateDelegationResponse(delegation=tr.delegation_message(created, self.ctx.clock()))

    def ListDelegations(
        self, request: pb.ListDelegationsRequest, context: grpc.ServicerContext
    ) -> pb.ListDelegationsResponse:
        found = delegations.list_delegations(self.ctx, current_caller(), request.delegator_id)
        return pb.ListDelegationsResponse(delegations=[tr.delegation_message(d) for d in found])

    def DeleteDelegation(
        self, request: pb.DeleteDelegationRequest, context: grpc.ServicerContext
    ) -> pb.DeleteDelegationResponse:
        delegations.delete_delegation(self.ctx, current_caller(), request.id)
        return pb.DeleteDelegationResponse()

    # -- action links (no login: the gateway calls as its system caller) ------------------

    def DescribeActionLink(
        self, request: pb.DescribeActionLinkRequest, context: grpc.ServicerContext
    ) -> pb.DescribeActionLinkResponse:
        view = links.describe_link(self.ctx, request.token)
        return pb.DescribeActionLinkResponse(
            usable=view.usable,
            problem=view.problem,
            action=_decision(view.action),
            approver_id=view.approver_id,
            approver_name=view.approver.name if view.approver else view.approver_id,
            language=view.approver.language if view.approver else "th",
            request=tr.request_message(view.request),
        )

    def DecideByLink(
        self, request: pb.DecideByLinkRequest, context: grpc.ServicerContext
    ) -> pb.DecideByLinkResponse:
        decided, action = links.decide_by_link(
            self.ctx, request.token, request.reason, origin_of(context, default="email_link")
        )
        return pb.DecideByLinkResponse(request=tr.request_message(decided), action=_decision(action))

    def ListFailedMail(
        self, request: pb.ListFailedMailRequest, context: grpc.ServicerContext
    ) -> pb.ListFailedMailResponse:
        current_caller().require_role("admin")
        if request.page_size < 0:
            raise InvalidArgument("page_size", "must not be negative")
        size = min(request.page_size or 50, 200)
        found = _failed_mail(self.ctx.database, size, request.page_token)
        return pb.ListFailedMailResponse(
            mail=[
                res.FailedMail(
                    id=m.id,
                    to=list(m.to),
                    subject=m.subject,
                    attempts=m.attempts,
                    last_error=m.last_error,
                    create_time=tr.timestamp(m.created_at),
                    fail_time=tr.timestamp(m.failed_at),
                )
                for m in found
            ],
            next_page_token=found[-1].id if len(found) == size else "",
        )


def _failed_mail(database: Database, size: int, before: str) -> list[FailedMail]:
    with database.read() as session:
        return failed_mail(session, mail_tables, limit=size, before=before)


def registrar(servicer: ApprovalsServicer) -> Callable[[grpc.Server], None]:
    def register(server: grpc.Server) -> None:
        pb_grpc.add_ApprovalsServiceServicer_to_server(servicer, server)

    return register
