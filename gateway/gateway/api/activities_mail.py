"""/api/v1/date-mail-rules (birthday, anniversary and contract-end mail rules),
/api/v1/marketing-consents/<kind>/<id> (PDPA consent with its log) and the public
/api/v1/unsubscribe/<token> pages: GET shows a confirmation page and changes nothing (mail
scanners follow links), POST unsubscribes; the POST also takes RFC 8058 one-click bodies
(`List-Unsubscribe=One-Click`). An unknown token is a plain 404."""

from __future__ import annotations

import html
from typing import Literal

import grpc
from crm.activities.v1 import date_mail_pb2 as dm
from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from gateway.api.activities import activities
from gateway.routing import ApiBlueprint, json_response, no_content

api = ApiBlueprint("activities_mail", __name__, tag="activities")


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200)
    field: Literal["birthday", "anniversary", "contract_end"]
    offset_days: int = Field(default=0, ge=-366, le=366)
    send_time: str = Field(default="", pattern=r"^$|^\d{2}:\d{2}$")
    time_zone: str = Field(default="", max_length=64)
    template: str = Field(default="", max_length=40)
    language: Literal["", "th", "en"] = ""
    recurrence: Literal["", "yearly", "once"] = ""
    active: bool = True
    expected_version: int = Field(default=0, ge=0)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    granted: bool
    source: Literal["api", "import"] = "api"
    note: str = Field(default="", max_length=500)


def _rule(body: RuleIn, rule_id: str = "") -> dm.DateMailRule:
    fields = body.model_dump(exclude={"expected_version"})
    return dm.DateMailRule(id=rule_id, **fields)


@api.route(
    "POST", "/date-mail-rules", summary="Create a date mail rule", body=RuleIn, response=dm.DateMailRule,
    status=201, body_field="rule",
)  # fmt: skip
def create_rule(body: RuleIn) -> Response:
    reply = activities().CreateDateMailRule(dm.CreateDateMailRuleRequest(rule=_rule(body)))
    return json_response(reply.rule, 201)


@api.route("GET", "/date-mail-rules", summary="Date mail rules", response=dm.ListDateMailRulesResponse)
def list_rules() -> Response:
    return json_response(activities().ListDateMailRules(dm.ListDateMailRulesRequest()))


@api.route("GET", "/date-mail-rules/<rule_id>", summary="One date mail rule", response=dm.DateMailRule)
def get_rule(rule_id: str) -> Response:
    return json_response(activities().GetDateMailRule(dm.GetDateMailRuleRequest(id=rule_id)).rule)


@api.route(
    "PUT", "/date-mail-rules/<rule_id>", summary="Replace a date mail rule", body=RuleIn,
    response=dm.DateMailRule, body_field="rule",
)  # fmt: skip
def update_rule(rule_id: str, body: RuleIn) -> Response:
    request = dm.UpdateDateMailRuleRequest(rule=_rule(body, rule_id), expected_version=body.expected_version)
    return json_response(activities().UpdateDateMailRule(request).rule)


@api.route("DELETE", "/date-mail-rules/<rule_id>", summary="Delete a date mail rule", status=204)
def delete_rule(rule_id: str) -> Response:
    activities().DeleteDateMailRule(dm.DeleteDateMailRuleRequest(id=rule_id))
    return no_content()


@api.route(
    "GET", "/marketing-consents/<kind>/<recipient_id>", summary="A marketing consent and its log",
    response=dm.MarketingConsent,
)  # fmt: skip
def get_consent(kind: str, recipient_id: str) -> Response:
    request = dm.GetMarketingConsentRequest(recipient_kind=kind, recipient_id=recipient_id)
    return json_response(activities().GetMarketingConsent(request).consent)


@api.route(
    "PUT", "/marketing-consents/<kind>/<recipient_id>", summary="Record a marketing consent (logged)",
    body=ConsentIn, response=dm.MarketingConsent,
)  # fmt: skip
def set_consent(kind: str, recipient_id: str, body: ConsentIn) -> Response:
    request = dm.SetMarketingConsentRequest(
        recipient_kind=kind,
        recipient_id=recipient_id,
        granted=body.granted,
        source=body.source,
        note=body.note,
    )
    return json_response(activities().SetMarketingConsent(request).consent)


_PAGE = """<!doctype html>
<html lang="th"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>ยกเลิกการรับอีเมล / Unsubscribe</title></head><body>
<h1>ยกเลิกการรับอีเมลการตลาด / Unsubscribe from marketing mail</h1>
{body}
</body></html>
"""


def _page(body: str, status: int = 200) -> Response:
    return Response(
        _PAGE.format(body=body), status, content_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )  # fmt: skip


def _not_found(error: grpc.RpcError) -> Response:
    if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAUTHENTICATED):
        return Response("not found\n", 404, content_type="text/plain")
    raise error


@api.route(
    "GET", "/unsubscribe/<token>", summary="The unsubscribe confirmation page (changes nothing)", public=True,
    response_media="text/html",
)  # fmt: skip
def unsubscribe_page(token: str) -> Response:
    try:
        page = activities().GetUnsubscribePage(dm.GetUnsubscribePageRequest(token=token))
    except grpc.RpcError as error:
        return _not_found(error)
    if not page.subscribed:
        return _page("<p>ท่านได้ยกเลิกการรับอีเมลแล้ว / You are unsubscribed.</p>")
    name = html.escape(page.recipient_name)
    return _page(
        f"<p>{name}</p><form method=post><button type=submit>"
        "ยืนยันการยกเลิก / Confirm unsubscribe</button></form>"
    )


@api.route(
    "POST", "/unsubscribe/<token>", summary="Unsubscribe (also RFC 8058 one-click)", public=True,
    response_media="text/html",
)  # fmt: skip
def unsubscribe(token: str) -> Response:
    try:
        activities().Unsubscribe(dm.UnsubscribeRequest(token=token))
    except grpc.RpcError as error:
        return _not_found(error)
    return _page("<p>ท่านได้ยกเลิกการรับอีเมลแล้ว / You are unsubscribed.</p>")
