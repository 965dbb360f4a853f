"""`flask` commands: first administrator, demo data, audit verification, worker."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.errors import DomainError
from marketplace.extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True, help="E-mail address of the administrator.")
    @click.option("--name", prompt=True, help="Display name.")
    @click.password_option(help="Password (asked twice when not given).")
    def create_admin(email: str, name: str, password: str) -> None:
        """Create a platform administrator (or make an existing user one)."""
        from marketplace.accounts import services
        from marketplace.models import PlatformRole

        try:
            user = services.find_user_by_email(email) or services.create_user(email, name, password)
            services.grant_role(user, PlatformRole.ADMIN, granted_by=None)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message))
        click.echo(f"{user.email} is a platform administrator.")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load the bilingual demo (idempotent: does nothing if the demo is there)."""
        from marketplace.demo import DEMO_PASSWORD, load_demo

        created = load_demo()
        db.session.commit()
        if created:
            click.echo(f"Demo loaded. Every demo account's password is: {DEMO_PASSWORD}")
            for email, role in created:
                click.echo(f"  {email:40} {role}")
        else:
            click.echo("Demo data already present; nothing changed.")

    audit_cli = AppGroup("audit", help="Audit trail commands.")

    @audit_cli.command("verify")
    def audit_verify() -> None:
        """Check the whole hash chain; exit 1 and name the first broken link if any."""
        from marketplace.audit.services import verify_chain

        report = verify_chain()
        if report.ok:
            click.echo(f"Audit chain intact: {report.events_checked} events verified.")
            return
        click.echo(f"Audit chain BROKEN after {report.events_checked} good events: {report.problem}", err=True)
        raise SystemExit(1)

    app.cli.add_command(audit_cli)

    organisations_cli = AppGroup("organisations", help="Provider registry commands.")

    @organisations_cli.command("check-expiry")
    @click.option("--date", "day", default=None, help="Check as of this date (YYYY-MM-DD); default today.")
    def check_expiry(day: str | None) -> None:
        """Mark expired credentials and send due reminders now (the daily job does this at 02:00)."""
        from marketplace.organisations.jobs import check_credential_expiry

        result = check_credential_expiry(day or local_today_iso())
        db.session.commit()
        click.echo(f"{result['date']}: {result['marked_expired']} marked expired, {result['reminders']} reminders.")

    def local_today_iso() -> str:
        from marketplace.organisations.jobs import local_today

        return local_today().isoformat()

    app.cli.add_command(organisations_cli)

    matcher_cli = AppGroup("matcher", help="Matcher commands.")

    @matcher_cli.command("rank-open")
    def rank_open() -> None:
        """Queue a ranking of every open tender (after changing MATCHER_WEIGHTS or upgrading the matcher)."""
        from marketplace.jobs import enqueue
        from marketplace.shortlists.jobs import rank_open_tenders

        enqueue(rank_open_tenders, description="Rank all open tenders")
        db.session.commit()
        click.echo("Queued: every open tender will be ranked again.")

    app.cli.add_command(matcher_cli)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
    @click.option("--queues", default=None, help="Comma-separated queue kinds (default: all).")
    @click.option("--no-fork", is_flag=True, help="Run jobs in this process, keeping caches warm (matching).")
    def worker(burst: bool, queues: str | None, no_fork: bool) -> None:
        """Run an RQ worker with its scheduler (needs REDIS_URL)."""
        from worker.runtime import run_worker

        run_worker(app, burst=burst, kinds=queues.split(",") if queues else None, fork=not no_fork)
