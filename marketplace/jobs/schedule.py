"""Daily jobs: each run schedules the next, and every worker start-up makes sure one is scheduled."""

from marketplace.extensions import db


def schedule_daily_jobs() -> None:
    from marketplace.incubation.jobs import schedule_daily_action_reminders
    from marketplace.organisations.jobs import schedule_daily_expiry_check

    schedule_daily_expiry_check()
    schedule_daily_action_reminders()
    db.session.commit()
