"""The gRPC servicer of crm.servicedesk.v1.ServiceDeskService: each method parses the request,
calls one use case with the caller (bound by the chassis interceptor) and translates the result.
Who may see or work what is the application's rule, not this file's."""

# The method names are the RPC names of the contract (CreateCase, ...), not Python style.
# ruff: noqa: N802

from __future__ import annotations

from collections.abc import Callable

import grpc
from chassis.identity import current_caller
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from crm.servicedesk.v1 import servicedesk_service_pb2_grpc as pb_grpc

from service_desk import translation as tr
from service_desk.adapters.repositories import CaseFilter
from service_desk.application import calendar_settings, cases, contracts, email_intake, setup, surveys
from service_desk.application.cases import NewCase
from service_desk.application.context import ServiceDeskContext

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["ServiceDeskService"].full_name


class ServiceDeskServicer(pb_grpc.ServiceDeskServiceServicer):
    def __init__(self, ctx: ServiceDeskContext) -> None:
        self.ctx = ctx

    # -- calendars -------------------------------------------------------------------------

    def CreateCalendar(
        self, request: pb.CreateCalendarRequest, context: grpc.ServicerContext
    ) -> pb.CreateCalendarResponse:
        c = request.calendar
        windows, holidays = tr.calendar_parts(c)
        made = setup.create_calendar(self.ctx, current_caller(), c.name, c.zone, windows, holidays)
        return pb.CreateCalendarResponse(calendar=tr.calendar_message(*made))

    def GetCalendar(
        self, request: pb.GetCalendarRequest, context: grpc.ServicerContext
    ) -> pb.GetCalendarResponse:
        found = setup.get_calendar(self.ctx, current_caller(), request.id)
        return pb.GetCalendarResponse(calendar=tr.calendar_message(*found))

    def ListCalendars(
        self, request: pb.ListCalendarsRequest, context: grpc.ServicerContext
    ) -> pb.ListCalendarsResponse:
        found, token = setup.list_calendars(self.ctx, current_caller(), request.page_size, request.page_token)
        return pb.ListCalendarsResponse(
            calendars=[tr.calendar_message(*f) for f in found], next_page_token=token
        )

    def UpdateCalendar(
        self, request: pb.UpdateCalendarRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCalendarResponse:
        c = request.calendar
        windows, holidays = tr.calendar_parts(c)
        changed = setup.update_calendar(
            self.ctx, current_caller(), c.id, c.name, c.zone, windows, holidays, request.expected_version
        )
        return pb.UpdateCalendarResponse(calendar=tr.calendar_message(*changed))

    def SetTeamCalendar(
        self, request: pb.SetTeamCalendarRequest, context: grpc.ServicerContext
    ) -> pb.SetTeamCalendarResponse:
        stored = calendar_settings.set_team_calendar(
            self.ctx, current_caller(), request.team_id, request.calendar_id
        )
        return pb.SetTeamCalendarResponse(team_id=request.team_id.strip(), calendar_id=stored)

    def SetCompanyCalendar(
        self, request: pb.SetCompanyCalendarRequest, context: grpc.ServicerContext
    ) -> pb.SetCompanyCalendarResponse:
        stored = calendar_settings.set_company_calendar(self.ctx, current_caller(), request.calendar_id)
        return pb.SetCompanyCalendarResponse(calendar_id=stored)

    def GetCalendarSettings(
        self, request: pb.GetCalendarSettingsRequest, context: grpc.ServicerContext
    ) -> pb.GetCalendarSettingsResponse:
        found = calendar_settings.get_calendar_settings(self.ctx, current_caller())
        return pb.GetCalendarSettingsResponse(
            company_calendar_id=found.company_calendar_id, team_calendars=found.team_calendars
        )

    # -- SLA policies ----------------------------------------------------------------------

    def CreateSlaPolicy(
        self, request: pb.CreateSlaPolicyRequest, context: grpc.ServicerContext
    ) -> pb.CreateSlaPolicyResponse:
        made = setup.create_policy(self.ctx, current_caller(), tr.policy_of(request.policy))
        return pb.CreateSlaPolicyResponse(policy=tr.policy_message(*made))

    def ListSlaPolicies(
        self, request: pb.ListSlaPoliciesRequest, context: grpc.ServicerContext
    ) -> pb.ListSlaPoliciesResponse:
        found, token = setup.list_policies(self.ctx, current_caller(), request.page_size, request.page_token)
        return pb.ListSlaPoliciesResponse(
            policies=[tr.policy_message(*f) for f in found], next_page_token=token
        )

    def UpdateSlaPolicy(
        self, request: pb.UpdateSlaPolicyRequest, context: grpc.ServicerContext
    ) -> pb.UpdateSlaPolicyResponse:
        changed = setup.update_policy(
            self.ctx, current_caller(), tr.policy_of(request.policy), request.expected_version
        )
        return pb.UpdateSlaPolicyResponse(policy=tr.policy_message(*changed))

    # -- cases -----------------------------------------------------------------------------

    def CreateCase(
        self, request: pb.CreateCaseRequest, context: grpc.ServicerContext
    ) -> pb.CreateCaseResponse:
        new = NewCase(
            title=request.title,
            customer_id=request.customer_id,
            description=request.description,
            contact_id=request.contact_id,
            contract_id=request.contract_id,
            product_id=request.product_id,
            serial_number=request.serial_number,
            priority=tr.priority_of(request.priority),
            case_type=request.case_type,
            channel=request.channel,
            team_id=request.team_id,
            assignee_id=request.assignee_id,
            customer_group_ids=frozenset(request.customer_group_ids),
            requester_email=request.requester_email,
            requester_name=request.requester_name,
        )
        made = cases.create_case(self.ctx, current_caller(), new)
        return pb.CreateCaseResponse(case=tr.case_message(*made))

    def GetCase(self, request: pb.GetCaseRequest, context: grpc.ServicerContext) -> pb.GetCaseResponse:
        record, sla, messages = cases.get_case(self.ctx, current_caller(), request.id)
        return pb.GetCaseResponse(
            case=tr.case_message(record, sla), messages=[tr.note_message(m) for m in messages]
        )

    def ListCases(self, request: pb.ListCasesRequest, context: grpc.ServicerContext) -> pb.ListCasesResponse:
        status = tr.enum_name(res.CaseStatus, "CASE_STATUS_", request.status, "status")
        where = CaseFilter(
            status, request.team_id.strip(), request.assignee_id.strip(), request.customer_id.strip()
        )
        found, token = cases.list_cases(
            self.ctx, current_caller(), where, request.page_size, request.page_token
        )
        return pb.ListCasesResponse(cases=[tr.case_message(*f) for f in found], next_page_token=token)

    def ChangeCaseStatus(
        self, request: pb.ChangeCaseStatusRequest, context: grpc.ServicerContext
    ) -> pb.ChangeCaseStatusResponse:
        changed = cases.change_status(
            self.ctx,
            current_caller(),
            request.case_id,
            tr.status_of(request.status),
            request.reason,
            request.expected_version,
        )
        return pb.ChangeCaseStatusResponse(case=tr.case_message(*changed))

    def AddCaseNote(
        self, request: pb.AddCaseNoteRequest, context: grpc.ServicerContext
    ) -> pb.AddCaseNoteResponse:
        message, record, sla = cases.add_message(
            self.ctx, current_caller(), request.case_id, request.body, customer_visible=False
        )
        return pb.AddCaseNoteResponse(message=tr.note_message(message), case=tr.case_message(record, sla))

    def AddCaseReply(
        self, request: pb.AddCaseReplyRequest, context: grpc.ServicerContext
    ) -> pb.AddCaseReplyResponse:
        message, record, sla = cases.add_message(
            self.ctx, current_caller(), request.case_id, request.body, customer_visible=True
        )
        return pb.AddCaseReplyResponse(message=tr.note_message(message), case=tr.case_message(record, sla))

    def AssignCase(
        self, request: pb.AssignCaseRequest, context: grpc.ServicerContext
    ) -> pb.AssignCaseResponse:
        changed = cases.assign_case(
            self.ctx, current_caller(), request.case_id, request.assignee_id, request.team_id
        )
        return pb.AssignCaseResponse(case=tr.case_message(*changed))

    def IngestEmail(
        self, request: pb.IngestEmailRequest, context: grpc.ServicerContext
    ) -> pb.IngestEmailResponse:
        record, sla, outcome = email_intake.ingest_email_as(
            self.ctx, current_caller(), request.raw_message, request.envelope_from, request.envelope_to
        )
        return pb.IngestEmailResponse(
            case=tr.case_message(record, sla),
            outcome=tr.enum_value(pb.IngestOutcome, "INGEST_OUTCOME_", outcome.value),
        )

    # -- contracts -------------------------------------------------------------------------

    def CreateContract(
        self, request: pb.CreateContractRequest, context: grpc.ServicerContext
    ) -> pb.CreateContractResponse:
        contract = tr.contract_of(request.contract, self.ctx.ids("ma"))
        made = contracts.create_contract(self.ctx, current_caller(), contract, request.contract.team_id)
        return pb.CreateContractResponse(contract=tr.contract_message(made, self.ctx.today()))

    def GetContract(
        self, request: pb.GetContractRequest, context: grpc.ServicerContext
    ) -> pb.GetContractResponse:
        found = contracts.get_contract(self.ctx, current_caller(), request.id)
        return pb.GetContractResponse(contract=tr.contract_message(found, self.ctx.today()))

    def ListContracts(
        self, request: pb.ListContractsRequest, context: grpc.ServicerContext
    ) -> pb.ListContractsResponse:
        found, token = contracts.list_contracts(
            self.ctx, current_caller(), request.customer_id, request.page_size, request.page_token
        )
        today = self.ctx.today()
        return pb.ListContractsResponse(
            contracts=[tr.contract_message(f, today) for f in found], next_page_token=token
        )

    def SubmitContract(
        self, request: pb.SubmitContractRequest, context: grpc.ServicerContext
    ) -> pb.SubmitContractResponse:
        submitted = contracts.submit_contract(self.ctx, current_caller(), request.id)
        return pb.SubmitContractResponse(contract=tr.contract_message(submitted, self.ctx.today()))

    def CancelContract(
        self, request: pb.CancelContractRequest, context: grpc.ServicerContext
    ) -> pb.CancelContractResponse:
        effective_on = tr.date_of(request.effective_on, "effective_on")
        assert effective_on is not None
        changed, credit = contracts.cancel_contract(
            self.ctx, current_caller(), request.id, effective_on, request.reason
        )
        return pb.CancelContractResponse(
            contract=tr.contract_message(changed, self.ctx.today()),
            credit=tr.money(credit, changed.contract.currency),
        )

    def AddCoveredItem(
        self, request: pb.AddCoveredItemRequest, context: grpc.ServicerContext
    ) -> pb.AddCoveredItemResponse:
        added_on = tr.date_of(request.added_on, "added_on")
        assert added_on is not None
        item = tr.item_of(request.item, "item")
        changed, charge = contracts.add_covered_item(
            self.ctx, current_caller(), request.contract_id, item, added_on
        )
        return pb.AddCoveredItemResponse(
            contract=tr.contract_message(changed, self.ctx.today()),
            charge=tr.money(charge, changed.contract.currency),
        )

    # -- satisfaction survey (the gateway's link pages call as `system`) ---------------------

    def GetSurvey(self, request: pb.GetSurveyRequest, context: grpc.ServicerContext) -> pb.GetSurveyResponse:
        view = surveys.get_survey(self.ctx, current_caller(), request.token)
        return pb.GetSurveyResponse(
            state=tr.enum_value(pb.SurveyState, "SURVEY_STATE_", view.state),
            case_id=view.case_id,
            case_title=view.case_title,
            expire_time=tr.timestamp(view.expires_at),
            language=view.language,
        )

    def AnswerSurvey(
        self, request: pb.AnswerSurveyRequest, context: grpc.ServicerContext
    ) -> pb.AnswerSurveyResponse:
        solved = tr.enum_name(pb.SurveySolved, "SURVEY_SOLVED_", request.solved, "solved")
        state, status, applied = surveys.answer_survey(
            self.ctx,
            current_caller(),
            request.token,
            {"yes": True, "no": False}.get(solved),
            request.score or None,
            request.comment,
        )
        return pb.AnswerSurveyResponse(
            state=tr.enum_value(pb.SurveyState, "SURVEY_STATE_", state),
            case_status=tr.status_value(status),
            applied=applied,
        )


def registrar(servicer: ServiceDeskServicer) -> Callable[[grpc.Server], None]:
    def register(server: grpc.Server) -> None:
        pb_grpc.add_ServiceDeskServiceServicer_to_server(servicer, server)

    return register
