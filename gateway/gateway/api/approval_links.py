"""GET/POST /approvals/act/<token>: the pages behind the approve and reject links of approval
mail, without logging in (the single-use token is the credential).

GET only shows what the link would do (mail scanners and link previews fetch links; a GET must
never decide). POST performs it through ApprovalsService.DecideByLink, once; a used, expired or
stale link, or a reject without a reason, changes nothing and the page says why. Pages are in
the approver's language; the token never leaves in a Referer header, and nothing is cached.
"""

from __future__ import annotations

from typing import Any

import grpc
from chassis.grpc import from_rpc_error
from chassis.identity import Caller, reset_caller, set_caller
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import resources_pb2 as res
from flask import Blueprint, Response, render_template, request

from gateway.api.approvals import approvals, origin
from gateway.context import client_ip, services
from gateway.ratelimit import Limit
from gateway.translate import to_json

blueprint = Blueprint("approval_links", __name__)
LINK_CALLER = Caller.system("approval-links")
# Form posts per IP per window (tokens are unguessable; this only blunts floods).
POSTS_PER_WINDOW = 30

TEXT = {
    "th": {
        "title": "คำขออนุมัติ",
        "approve": "อนุมัติ",
        "reject": "ไม่อนุมัติ",
        "confirm_approve": "ยืนยันการอนุมัติ",
        "confirm_reject": "ยืนยันไม่อนุมัติ",
        "reason": "เหตุผล (จำเป็น)",
        "comment": "หมายเหตุ",
        "customer": "ลูกค้า",
        "amount": "ยอดรวม",
        "discount": "ส่วนลด",
        "approver": "ผู้อนุมัติ",
        "cannot": "ลิงก์นี้ใช้ไม่ได้",
        "done_approve": "อนุมัติเรียบร้อยแล้ว",
        "done_reject": "บันทึกการไม่อนุมัติแล้ว",
        "invalid": "ลิงก์ไม่ถูกต้อง",
    },
    "en": {
        "title": "Approval request",
        "approve": "Approve",
        "reject": "Reject",
        "confirm_approve": "Confirm approval",
        "confirm_reject": "Confirm rejection",
        "reason": "Reason (required)",
        "comment": "Comment",
        "customer": "Customer",
        "amount": "Total",
        "discount": "Discount",
        "approver": "Approver",
        "cannot": "This link cannot be used",
        "done_approve": "Approved",
        "done_reject": "Rejection recorded",
        "invalid": "This link is not valid",
    },
}


def _call(method: str, message: Any, **kwargs: Any) -> Any:
    token = set_caller(LINK_CALLER)
    try:
        return getattr(approvals(), method)(message, **kwargs)
    finally:
        reset_caller(token)


def _page(template: str, status: int = 200, **context: Any) -> Response:
    language = context.get("language") or "th"
    html = render_template(f"approvals/{template}", text=TEXT.get(language, TEXT["en"]), **context)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
    )
    return response


def _describe(token: str) -> Any:
    return _call("DescribeActionLink", pb.DescribeActionLinkRequest(token=token))


def _view(described: Any) -> dict[str, Any]:
    return {
        "action": "approve" if described.action == res.DECISION_APPROVE else "reject",
        "language": described.language or "th",
        "approver_name": described.approver_name,
        "request": to_json(described.request),
        "usable": described.usable,
        "problem": described.problem,
    }


@blueprint.get("/approvals/act/<token>")
def show(token: str) -> Response:
    try:
        described = _describe(token)
    except grpc.RpcError as error:
        code, message, _ = from_rpc_error(error)
        status = 404 if code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT) else 503
        return _page("invalid.html", status, language="th", problem=message)
    return _page("act.html", 200 if described.usable else 409, **_view(described))


@blueprint.post("/approvals/act/<token>")
def act(token: str) -> Response:
    limit = Limit("approval-link-ip", POSTS_PER_WINDOW, services().settings.login_rate_window_seconds)
    services().limiter.hit([(limit, client_ip())])
    reason = (request.form.get("reason") or "").strip()[:2000]
    try:
        described = _describe(token)
    except grpc.RpcError as error:
        _code, message, _ = from_rpc_error(error)
        return _page("invalid.html", 404, language="th", problem=message)
    view = _view(described)
    try:
        decided = _call(
            "DecideByLink", pb.DecideByLinkRequest(token=token, reason=reason), metadata=origin("email_link")
        )
    except grpc.RpcError as error:
        code, message, violations = from_rpc_error(error)
        status = 422 if code == grpc.StatusCode.INVALID_ARGUMENT else 409
        problem = "; ".join(v.reason for v in violations) or message
        return _page(
            "act.html", status, **{**view, "problem": problem, "usable": status == 422, "reason": reason}
        )
    return _page("done.html", **{**view, "request": to_json(decided.request)})
