"""The gRPC methods of date-based customer mail, marketing consent and unsubscribe links
(a mixin of ActivitiesServicer, so api.py stays one screenful per area). Each method parses,
calls one use case and translates."""

# ruff: noqa: N802

from __future__ import annotations

import grpc
from chassis.identity import current_caller
from crm.activities.v1 import date_mail_pb2 as dm

from activities import translation as tr
from activities.application import consent, date_mail
from activities.application.context import ActivitiesContext
from activities.domain.date_mail import DateMailRule, RuleForm


def rule_message(rule: DateMailRule) -> dm.DateMailRule:
    return dm.DateMailRule(
        id=rule.id,
        name=rule.name,
        field=rule.field.value,
        offset_days=rule.offset_days,
        send_time=rule.send_time.strftime("%H:%M"),
        time_zone=rule.time_zone,
        template=rule.template,
        language=rule.language,
        recurrence=rule.recurrence.value,
        active=rule.active,
        version=rule.version,
        create_time=tr.stamp(rule.created_at),
        created_by=rule.created_by,
        marketing=rule.field.marketing,
    )


def rule_form(m: dm.DateMailRule, *, default_active: bool) -> RuleForm:
    return RuleForm(
        name=m.name,
        field=m.field,
        offset_days=m.offset_days,
        send_time=m.send_time,
        time_zone=m.time_zone,
        template=m.template,
        language=m.language,
        recurrence=m.recurrence,
        active=m.active or default_active,
    )


def consent_message(c: consent.Consent) -> dm.MarketingConsent:
    return dm.MarketingConsent(
        recipient_kind=c.recipient_kind,
        recipient_id=c.recipient_id,
        granted=c.granted,
        source=c.source,
        change_time=tr.ts(c.changed_at),
        log=[
            dm.ConsentLogEntry(
                granted=e.granted, time=tr.stamp(e.at), source=e.source, actor=e.actor, note=e.note
            )
            for e in c.log
        ],
    )


class DateMailRpcs:
    ctx: ActivitiesContext

    def CreateDateMailRule(
        self, request: dm.CreateDateMailRuleRequest, context: grpc.ServicerContext
    ) -> dm.CreateDateMailRuleResponse:
        # A new rule is active unless asked otherwise: proto3 cannot tell false from unset.
        form = rule_form(request.rule, default_active=True)
        return dm.CreateDateMailRuleResponse(
            rule=rule_message(date_mail.create_rule(self.ctx, current_caller(), form))
        )

    def ListDateMailRules(
        self, request: dm.ListDateMailRulesRequest, context: grpc.ServicerContext
    ) -> dm.ListDateMailRulesResponse:
        rules = date_mail.list_rules(self.ctx, current_caller())
        return dm.ListDateMailRulesResponse(rules=[rule_message(r) for r in rules])

    def GetDateMailRule(
        self, request: dm.GetDateMailRuleRequest, context: grpc.ServicerContext
    ) -> dm.GetDateMailRuleResponse:
        return dm.GetDateMailRuleResponse(
            rule=rule_message(date_mail.get_rule(self.ctx, current_caller(), request.id))
        )

    def UpdateDateMailRule(
        self, request: dm.UpdateDateMailRuleRequest, context: grpc.ServicerContext
    ) -> dm.UpdateDateMailRuleResponse:
        form = rule_form(request.rule, default_active=False)
        rule = date_mail.update_rule(
            self.ctx, current_caller(), request.rule.id, form, request.expected_version
        )
        return dm.UpdateDateMailRuleResponse(rule=rule_message(rule))

    def DeleteDateMailRule(
        self, request: dm.DeleteDateMailRuleRequest, context: grpc.ServicerContext
    ) -> dm.DeleteDateMailRuleResponse:
        date_mail.delete_rule(self.ctx, current_caller(), request.id)
        return dm.DeleteDateMailRuleResponse()

    def GetMarketingConsent(
        self, request: dm.GetMarketingConsentRequest, context: grpc.ServicerContext
    ) -> dm.GetMarketingConsentResponse:
        found = consent.get_consent(self.ctx, current_caller(), request.recipient_kind, request.recipient_id)
        return dm.GetMarketingConsentResponse(consent=consent_message(found))

    def SetMarketingConsent(
        self, request: dm.SetMarketingConsentRequest, context: grpc.ServicerContext
    ) -> dm.SetMarketingConsentResponse:
        changed = consent.set_consent(
            self.ctx,
            current_caller(),
            request.recipient_kind,
            request.recipient_id,
            request.granted,
            source=request.source,
            note=request.note,
        )
        return dm.SetMarketingConsentResponse(consent=consent_message(changed))

    def GetUnsubscribePage(
        self, request: dm.GetUnsubscribePageRequest, context: grpc.ServicerContext
    ) -> dm.GetUnsubscribePageResponse:
        page = consent.unsubscribe_page(self.ctx, request.token)
        return dm.GetUnsubscribePageResponse(recipient_name=page.recipient_name, subscribed=page.subscribed)

    def Unsubscribe(
        self, request: dm.UnsubscribeRequest, context: grpc.ServicerContext
    ) -> dm.UnsubscribeResponse:
        page = consent.unsubscribe(self.ctx, request.token)
        return dm.UnsubscribeResponse(recipient_name=page.recipient_name, subscribed=page.subscribed)
