"""Daily reminders of overdue mentoring actions (08:30 Shanghai time; each run schedules the next)."""

from __future__ import annotations

from datetime import date, time

from marketplace.jobs import enqueue, job
from marketplace.models import utcnow
from marketplace.organisations.jobs import local_today, next_run_after

RUN_AT = time(8, 30)


def schedule_daily_action_reminders() -> None:
    at = next_run_after(utcnow(), RUN_AT)
    enqueue(remind_overdue_actions, description="Daily reminders of overdue mentoring actions",
            key=at.date().isoformat(), at=at)


@job("incubation.remind_overdue_actions", queue="default")
def remind_overdue_actions(today_iso: str | None = None) -> dict:
    from . import services

    today = date.fromisoformat(today_iso) if today_iso else local_today()
    reminded = services.remind_overdue_actions(today)
    if today_iso is None:
        schedule_daily_action_reminders()
    return {"date": today.isoformat(), "reminded": reminded}
