"""Date mail rules, consent and the unsubscribe link over gRPC (the gateway's view)."""

from __future__ import annotations

import grpc
from activities.testing import ADMIN, REP, ActivitiesUnderTest, rpc_failure
from crm.activities.v1 import date_mail_pb2 as dm


def test_rules_crud_consent_and_bad_input_over_grpc(activities: ActivitiesUnderTest) -> None:
    made = activities.call(
        "CreateDateMailRule",
        dm.CreateDateMailRuleRequest(rule=dm.DateMailRule(name="Birthday", field="birthday")),
        ADMIN,
    ).rule
    assert (made.send_time, made.time_zone, made.recurrence, made.active, made.marketing) == (
        "09:00",
        "Asia/Bangkok",
        "yearly",
        True,
        True,
    )
    changed = dm.DateMailRule(id=made.id, name="Birthday", field="birthday", offset_days=-1, active=True)
    updated = activities.call(
        "UpdateDateMailRule", dm.UpdateDateMailRuleRequest(rule=changed, expected_version=1), ADMIN
    ).rule
    assert (updated.offset_days, updated.version) == (-1, 2)
    code, _, fields = rpc_failure(
        lambda: activities.call(
            "CreateDateMailRule",
            dm.CreateDateMailRuleRequest(rule=dm.DateMailRule(name="x", field="birthday", send_time="9 am")),
            ADMIN,
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert set(fields) == {"send_time"}
    assert len(activities.call("ListDateMailRules", dm.ListDateMailRulesRequest(), ADMIN).rules) == 1
    code, _, _ = rpc_failure(lambda: activities.call("ListDateMailRules", dm.ListDateMailRulesRequest(), REP))
    assert code is grpc.StatusCode.PERMISSION_DENIED
    activities.call("DeleteDateMailRule", dm.DeleteDateMailRuleRequest(id=made.id), ADMIN)
    assert activities.call("ListDateMailRules", dm.ListDateMailRulesRequest(), ADMIN).rules == []

    given = activities.call(
        "SetMarketingConsent",
        dm.SetMarketingConsentRequest(
            recipient_kind="contact", recipient_id="cp_1", granted=True, note="form"
        ),
        REP,
    ).consent
    assert given.granted
    assert [(e.source, e.actor, e.note) for e in given.log] == [("api", REP.user_id, "form")]
    code, _, fields = rpc_failure(
        lambda: activities.call(
            "SetMarketingConsent", dm.SetMarketingConsentRequest(recipient_kind="lead", recipient_id="x"), REP
        )
    )
    assert (code, set(fields)) == (grpc.StatusCode.INVALID_ARGUMENT, {"recipient_kind"})
    code, _, _ = rpc_failure(
        lambda: activities.call("GetUnsubscribePage", dm.GetUnsubscribePageRequest(token="nope"), None)
    )
    assert code is grpc.StatusCode.NOT_FOUND
