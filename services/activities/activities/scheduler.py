"""The reminder scheduler: an asyncio task (beside the mail dispatcher on one background
loop) that delivers due reminders every REMINDER_POLL_SECONDS and tops up recurring series'
plans every REMINDER_TOP_UP_SECONDS. Any number of replicas may run it: delivery claims each
reminder with a conditional UPDATE (activities.application.reminders).

The same loop plans date-based customer mail every DATE_MAIL_PLAN_SECONDS and delivers what is
due on every pass (activities.application.date_mail; claimed the same way)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from activities.application.context import ActivitiesContext
from activities.application.date_mail import deliver_date_mail, plan_date_mail
from activities.application.reminders import DeliveryReport, deliver_due, top_up

log = logging.getLogger(__name__)


class ReminderScheduler:
    def __init__(
        self,
        ctx: ActivitiesContext,
        *,
        poll_seconds: float,
        batch_size: int,
        top_up_seconds: float,
        date_mail_plan_seconds: float = 60.0,
    ) -> None:
        self.ctx = ctx
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.top_up_seconds = top_up_seconds
        self.date_mail_plan_seconds = date_mail_plan_seconds
        self.passes = 0

    async def run(self, stop: asyncio.Event) -> None:
        next_top_up = next_plan = 0.0
        while not stop.is_set():
            report = DeliveryReport()
            try:
                if time.monotonic() >= next_top_up:
                    await asyncio.to_thread(top_up, self.ctx)
                    next_top_up = time.monotonic() + self.top_up_seconds
                report = await asyncio.to_thread(deliver_due, self.ctx, self.batch_size)
                if time.monotonic() >= next_plan:
                    await asyncio.to_thread(plan_date_mail, self.ctx)
                    next_plan = time.monotonic() + self.date_mail_plan_seconds
                dated = await asyncio.to_thread(deliver_date_mail, self.ctx, self.batch_size)
                if dated.sent + dated.skipped + dated.lost_races >= self.batch_size:
                    report = DeliveryReport(sent=self.batch_size)  # more may be due
            except Exception:
                log.exception("reminder scheduler: pass failed, retrying")
            self.passes += 1
            if report.sent + report.skipped + report.lost_races >= self.batch_size:
                continue  # more may be due
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_seconds)
