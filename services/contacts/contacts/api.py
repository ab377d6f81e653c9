"""The gRPC servicer of crm.contacts.v1.ContactsService: each method parses the request,
calls one use case with the caller (from metadata, bound by the chassis interceptor) and
translates the result. Domain errors raised by use cases become gRPC statuses in the chassis
interceptor; nothing here decides a business rule."""

# The method names are the RPC names of the contract (CreateLead, ...), not Python style.
# ruff: noqa: N802

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc
from chassis.errors import InvalidArgument
from chassis.identity import current_caller
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from crm.contacts.v1 import resources_pb2 as res

from contacts import translation as tr
from contacts.adapters.customers import CustomerFilter
from contacts.adapters.leads import LeadFilter
from contacts.adapters.paging import PageRequest
from contacts.application import (
    audit,
    contact_persons,
    customers,
    duplicates,
    groups,
    imports,
    leads,
    merge,
    purchase_history,
    qualification,
)
from contacts.application.context import ContactsContext
from contacts.domain.model import CustomerKind, LeadSource, LeadStatus

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["ContactsService"].full_name


def _enum_filter(enum_type: Any, value: int, prefix: str, domain_enum: Any, field: str) -> Any:
    text = tr.enum_text(enum_type, value, prefix)
    if not text:
        return None
    try:
        return domain_enum(text)
    except ValueError:
        raise InvalidArgument(field, f"{value} is not a known value") from None


class LikelyDuplicateDetails:
    """Puts the candidates of a refused duplicate into the error details (ALREADY_EXISTS)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, duplicates.LikelyDuplicateError):
            exc.details = [
                pb.FindDuplicateCustomersResponse(
                    candidates=[tr.candidate_message(c) for c in exc.candidates]
                )
            ]


class ContactsServicer(pb_grpc.ContactsServiceServicer):
    def __init__(self, ctx: ContactsContext) -> None:
        self.ctx = ctx

    # -- leads ---------------------------------------------------------------------------------

    def CreateLead(
        self, request: pb.CreateLeadRequest, context: grpc.ServicerContext
    ) -> pb.CreateLeadResponse:
        lead = leads.create_lead(
            self.ctx, current_caller(), tr.lead_form(request.lead), request_id=request.request_id
        )
        return pb.CreateLeadResponse(lead=tr.lead_message(lead))

    def GetLead(self, request: pb.GetLeadRequest, context: grpc.ServicerContext) -> pb.GetLeadResponse:
        return pb.GetLeadResponse(
            lead=tr.lead_message(leads.get_lead(self.ctx, current_caller(), request.id))
        )

    def ListLeads(self, request: pb.ListLeadsRequest, context: grpc.ServicerContext) -> pb.ListLeadsResponse:
        where = LeadFilter(
            status=_enum_filter(res.LeadStatus, request.status, "LEAD_STATUS_", LeadStatus, "status"),
            source=_enum_filter(res.LeadSource, request.source, "LEAD_SOURCE_", LeadSource, "source"),
            owner_id=request.owner_id.strip(),
            query=request.query,
        )
        found, page = leads.list_leads(
            self.ctx, current_caller(), where, PageRequest.parse(request.page_size, request.page_token)
        )
        return pb.ListLeadsResponse(
            leads=[tr.lead_message(x) for x in found], next_page_token=page.next_token, total_size=page.total
        )

    def UpdateLead(
        self, request: pb.UpdateLeadRequest, context: grpc.ServicerContext
    ) -> pb.UpdateLeadResponse:
        lead = leads.update_lead(
            self.ctx,
            current_caller(),
            request.lead.id,
            tr.lead_form(request.lead),
            list(request.update_mask.paths),
            request.expected_version,
        )
        return pb.UpdateLeadResponse(lead=tr.lead_message(lead))

    def QualifyLead(
        self, request: pb.QualifyLeadRequest, context: grpc.ServicerContext
    ) -> pb.QualifyLeadResponse:
        command = qualification.QualifyRequest(
            lead_id=request.lead_id,
            existing_customer_id=request.existing_customer_id.strip(),
            customer=tr.customer_form(request.customer),
            contact_person=tr.contact_person_form(request.contact_person),
            contact_person_id=request.contact_person.id.strip(),
            expected_amount=tr.money_form(request.expected_amount),
        )
        with LikelyDuplicateDetails():
            result = qualification.qualify_lead(self.ctx, current_caller(), command)
        return pb.QualifyLeadResponse(
            lead=tr.lead_message(result.lead),
            customer=tr.customer_message(result.customer),
            contact_person=tr.contact_person_message(result.contact_person)
            if result.contact_person
            else None,
            customer_created=result.customer_created,
        )

    def DisqualifyLead(
        self, request: pb.DisqualifyLeadRequest, context: grpc.ServicerContext
    ) -> pb.DisqualifyLeadResponse:
        lead = leads.disqualify_lead(self.ctx, current_caller(), request.lead_id, request.reason)
        return pb.DisqualifyLeadResponse(lead=tr.lead_message(lead))

    # -- customers -----------------------------------------------------------------------------

    def CreateCustomer(
        self, request: pb.CreateCustomerRequest, context: grpc.ServicerContext
    ) -> pb.CreateCustomerResponse:
        with LikelyDuplicateDetails():
            created = customers.create_customer(
                self.ctx,
                current_caller(),
                tr.customer_form(request.customer),
                allow_duplicates=request.allow_duplicates,
            )
        return pb.CreateCustomerResponse(
            customer=tr.customer_message(created.customer),
            possible_duplicates=[tr.candidate_message(c) for c in created.possible_duplicates],
        )

    def GetCustomer(
        self, request: pb.GetCustomerRequest, context: grpc.ServicerContext
    ) -> pb.GetCustomerResponse:
        customer = customers.get_customer(self.ctx, current_caller(), request.id)
        return pb.GetCustomerResponse(customer=tr.customer_message(customer))

    def ListCustomers(
        self, request: pb.ListCustomersRequest, context: grpc.ServicerContext
    ) -> pb.ListCustomersResponse:
        where = CustomerFilter(
            query=request.query,
            customer_group_id=request.customer_group_id.strip(),
            owner_id=request.owner_id.strip(),
            kind=_enum_filter(res.CustomerKind, request.kind, "CUSTOMER_KIND_", CustomerKind, "kind"),
            province=request.province,
        )
        found, page = customers.list_customers(
            self.ctx, current_caller(), where, PageRequest.parse(request.page_size, request.page_token)
        )
        return pb.ListCustomersResponse(
            customers=[tr.customer_message(c) for c in found],
            next_page_token=page.next_token,
            total_size=page.total,
        )

    def UpdateCustomer(
        self, request: pb.UpdateCustomerRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCustomerResponse:
        customer = customers.update_customer(
            self.ctx,
            current_caller(),
            request.customer.id,
            tr.customer_form(request.customer),
            list(request.update_mask.paths),
            request.expected_version,
        )
        return pb.UpdateCustomerResponse(customer=tr.customer_message(customer))

    def ReassignCustomer(
        self, request: pb.ReassignCustomerRequest, context: grpc.ServicerContext
    ) -> pb.ReassignCustomerResponse:
        customer = customers.reassign_customer(
            self.ctx, current_caller(), request.customer_id, request.owner_id, request.team_id, request.reason
        )
        return pb.ReassignCustomerResponse(customer=tr.customer_message(customer))

    def FindDuplicateCustomers(
        self, request: pb.FindDuplicateCustomersRequest, context: grpc.ServicerContext
    ) -> pb.FindDuplicateCustomersResponse:
        candidate = tr.customer_form(request.candidate) if request.HasField("candidate") else None
        found = duplicates.find_duplicates(
            self.ctx,
            current_caller(),
            customer_id=request.customer_id.strip(),
            candidate=candidate,
            min_score=request.min_score,
        )
        return pb.FindDuplicateCustomersResponse(candidates=[tr.candidate_message(c) for c in found])

    def MergeCustomers(
        self, request: pb.MergeCustomersRequest, context: grpc.ServicerContext
    ) -> pb.MergeCustomersResponse:
        survivor = merge.merge_customers(
            self.ctx, current_caller(), request.survivor_id, request.duplicate_id
        )
        return pb.MergeCustomersResponse(customer=tr.customer_message(survivor))

    def GetPurchaseHistory(
        self, request: pb.GetPurchaseHistoryRequest, context: grpc.ServicerContext
    ) -> pb.GetPurchaseHistoryResponse:
        history = purchase_history.get_purchase_history(
            self.ctx,
            current_caller(),
            request.customer_id,
            PageRequest.parse(request.page_size, request.page_token),
        )
        return pb.GetPurchaseHistoryResponse(
            entries=[tr.purchase_entry_message(e) for e in history.entries],
            next_page_token=history.page.next_token,
            total_invoiced=tr.money_message(history.total_invoiced),
            total_received=tr.money_message(history.total_received),
        )

    def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: grpc.ServicerContext
    ) -> pb.ListAuditEntriesResponse:
        entries, page = audit.list_audit_entries(
            self.ctx,
            current_caller(),
            request.resource_type,
            request.resource_id.strip(),
            PageRequest.parse(request.page_size, request.page_token),
        )
        return pb.ListAuditEntriesResponse(
            entries=[tr.audit_entry_message(e) for e in entries], next_page_token=page.next_token
        )

    # -- contact persons and groups ------------------------------------------------------------

    def CreateContactPerson(
        self, request: pb.CreateContactPersonRequest, context: grpc.ServicerContext
    ) -> pb.CreateContactPersonResponse:
        contact = contact_persons.create_contact_person(
            self.ctx, current_caller(), tr.contact_person_form(request.contact_person)
        )
        return pb.CreateContactPersonResponse(contact_person=tr.contact_person_message(contact))

    def ListContactPersons(
        self, request: pb.ListContactPersonsRequest, context: grpc.ServicerContext
    ) -> pb.ListContactPersonsResponse:
        found, page = contact_persons.list_contact_persons(
            self.ctx,
            current_caller(),
            request.customer_id,
            PageRequest.parse(request.page_size, request.page_token),
        )
        return pb.ListContactPersonsResponse(
            contact_persons=[tr.contact_person_message(c) for c in found], next_page_token=page.next_token
        )

    def UpdateContactPerson(
        self, request: pb.UpdateContactPersonRequest, context: grpc.ServicerContext
    ) -> pb.UpdateContactPersonResponse:
        contact = contact_persons.update_contact_person(
            self.ctx,
            current_caller(),
            request.contact_person.id,
            tr.contact_person_form(request.contact_person),
            list(request.update_mask.paths),
        )
        return pb.UpdateContactPersonResponse(contact_person=tr.contact_person_message(contact))

    def CreateCustomerGroup(
        self, request: pb.CreateCustomerGroupRequest, context: grpc.ServicerContext
    ) -> pb.CreateCustomerGroupResponse:
        g = request.customer_group
        group = groups.create_customer_group(self.ctx, current_caller(), g.code, g.name, g.description)
        return pb.CreateCustomerGroupResponse(customer_group=tr.customer_group_message(group))

    def ListCustomerGroups(
        self, request: pb.ListCustomerGroupsRequest, context: grpc.ServicerContext
    ) -> pb.ListCustomerGroupsResponse:
        found, page = groups.list_customer_groups(
            self.ctx, current_caller(), PageRequest.parse(request.page_size, request.page_token)
        )
        return pb.ListCustomerGroupsResponse(
            customer_groups=[tr.customer_group_message(g) for g in found], next_page_token=page.next_token
        )

    # -- import --------------------------------------------------------------------------------

    def ImportCsv(
        self, request: pb.ImportCsvRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ImportCsvResponse]:
        kind = imports.parse_kind(tr.enum_text(pb.ImportKind, request.kind, "IMPORT_KIND_"))
        progress = imports.import_csv(
            self.ctx,
            current_caller(),
            kind,
            request.content,
            batch_size=request.batch_size,
            validate_only=request.validate_only,
        )
        for step in progress:
            yield pb.ImportCsvResponse(
                total_rows=step.total_rows,
                processed_rows=step.processed_rows,
                imported_rows=step.imported_rows,
                skipped_rows=step.skipped_rows,
                done=step.done,
                errors=[pb.ImportRowError(row=e.row, field=e.field, reason=e.reason) for e in step.errors],
            )


def registrar(servicer: ContactsServicer) -> Callable[[grpc.Server], None]:
    """The `register` callback for chassis create_server / run_service."""

    def register(server: grpc.Server) -> None:
        pb_grpc.add_ContactsServiceServicer_to_server(servicer, server)

    return register
