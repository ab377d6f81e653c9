"""/api/v1/service-desk/contracts: maintenance (MA) contracts over
crm.servicedesk.v1.ServiceDeskService: create a draft, list and read them (status derived:
draft, active, expiring, expired, renewed, cancelled), submit one to the approval center,
cancel one (the credit for unused billed days) and add a covered item (its prorated charge).
Money is {"amount": "27500.00", "currency": "THB"}; proration is the service's rule."""

from __future__ import annotations

from typing import Any

from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from flask import Response

from gateway.api import service_desk_models as m
from gateway.api.calls import fields, version_etag
from gateway.api.service_desk import service_desk
from gateway.routing import ApiBlueprint, json_response
from gateway.translate import from_json

api = ApiBlueprint("service_desk_contracts", __name__, tag="service desk")
CONTRACTS = "/service-desk/contracts"


def _contract(contract: Any, payload: Any = None, status: int = 200) -> Response:
    return json_response(contract if payload is None else payload, status, headers=version_etag(contract))


@api.route(
    "POST",
    CONTRACTS,
    summary="Create a draft maintenance contract",
    body=m.ContractIn,
    response=res.MaintenanceContract,
    status=201,
    idempotent=True,
    body_field="contract",
)
def create_contract(body: m.ContractIn) -> Response:
    contract = from_json(fields(body), res.MaintenanceContract)
    reply = service_desk().CreateContract(pb.CreateContractRequest(contract=contract))
    return _contract(reply.contract, status=201)


@api.route(
    "GET",
    CONTRACTS,
    summary="List maintenance contracts",
    query=m.ContractQuery,
    response=pb.ListContractsResponse,
)
def list_contracts(query: m.ContractQuery) -> Response:
    request = pb.ListContractsRequest(
        page_size=query.page_size, page_token=query.page_token, customer_id=query.customer_id
    )
    return json_response(service_desk().ListContracts(request))


@api.route(
    "GET",
    CONTRACTS + "/<contract_id>",
    summary="Get a maintenance contract",
    response=res.MaintenanceContract,
)
def get_contract(contract_id: str) -> Response:
    return _contract(service_desk().GetContract(pb.GetContractRequest(id=contract_id)).contract)


@api.route(
    "POST",
    CONTRACTS + "/<contract_id>/submit",
    summary="Submit a draft contract for approval",
    response=res.MaintenanceContract,
)
def submit_contract(contract_id: str) -> Response:
    """The approval center decides; the contract becomes active when it is approved."""
    return _contract(service_desk().SubmitContract(pb.SubmitContractRequest(id=contract_id)).contract)


@api.route(
    "POST",
    CONTRACTS + "/<contract_id>/cancel",
    summary="Cancel a contract (credits the unused billed days)",
    body=m.CancelIn,
    response=pb.CancelContractResponse,
)
def cancel_contract(contract_id: str, body: m.CancelIn) -> Response:
    request = pb.CancelContractRequest(
        id=contract_id, effective_on=body.effective_on, reason=body.reason or ""
    )
    reply = service_desk().CancelContract(request)
    return _contract(reply.contract, reply)


@api.route(
    "POST",
    CONTRACTS + "/<contract_id>/covered-items",
    summary="Add a covered item (charges the prorated fee for the rest of the period)",
    body=m.CoveredItemAdd,
    response=pb.AddCoveredItemResponse,
)
def add_covered_item(contract_id: str, body: m.CoveredItemAdd) -> Response:
    """Proration counts inclusive days, rounded half-up to the satang."""
    item = from_json(body.item.model_dump(exclude_none=True, mode="json"), res.CoveredItem)
    request = pb.AddCoveredItemRequest(contract_id=contract_id, item=item, added_on=body.added_on)
    reply = service_desk().AddCoveredItem(request)
    return _contract(reply.contract, reply)
