"""POST /api/v1/public/lead-forms/{form_key}: the website contact form, without login.

Only configured form keys are accepted (LEAD_FORM_KEYS); submissions are rate-limited per
IP; a filled-in honeypot field gets the same 202 as a real submission but creates nothing,
so bots learn nothing. The lead is created by the system caller "web-form" with source
WEB_FORM.
"""

from __future__ import annotations

from chassis.errors import FieldViolation
from chassis.identity import Caller, reset_caller, set_caller
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as resources
from flask import Response

from gateway.api.calls import contacts
from gateway.api.models import PublicLeadForm
from gateway.context import client_ip, services
from gateway.problems import ProblemError, validation_problem
from gateway.ratelimit import Limit
from gateway.routing import ApiBlueprint, json_response

api = ApiBlueprint("public_forms", __name__, tag="public")
WEB_FORM_CALLER = Caller.system("web-form")


@api.route(
    "POST",
    "/public/lead-forms/<form_key>",
    summary="Submit the website's contact form (no login)",
    body=PublicLeadForm,
    form=True,
    status=202,
    public=True,
    body_field="lead",
)
def submit_lead_form(form_key: str, body: PublicLeadForm) -> Response:
    settings = services().settings
    if form_key not in settings.lead_form_keys:
        raise ProblemError(404, "there is no such form", slug="not-found")
    limit = Limit("lead-form-ip", settings.public_form_rate_per_ip, settings.login_rate_window_seconds)
    services().limiter.hit([(limit, client_ip())])
    if not body.email and not body.phone:
        raise validation_problem([FieldViolation("email", "give an e-mail or a phone number")])
    if body.homepage:
        return json_response({"status": "received"}, 202)
    lead = resources.Lead(
        source=resources.LEAD_SOURCE_WEB_FORM,
        company_name=body.company_name,
        contact_name=body.contact_name,
        email=body.email,
        phone=body.phone,
        notes=body.notes,
        source_detail=f"web form {form_key}: {settings.lead_form_keys[form_key]}",
    )
    token = set_caller(WEB_FORM_CALLER)
    try:
        contacts().CreateLead(pb.CreateLeadRequest(lead=lead))
    finally:
        reset_caller(token)
    return json_response({"status": "received"}, 202)
