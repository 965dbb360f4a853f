"""Social Service Marketplace: government purchase of social services."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Application factory. `overrides` (tests) win over files and the environment."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("MARKETPLACE_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from .settings import load_settings

    load_settings(app, overrides)
    register_extensions(app)
    register_blueprints(app)
    from .errors import register_error_handlers

    register_error_handlers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register every table on the metadata)
    from .accounts.services import load_session_user
    from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from .i18n import init_i18n, select_locale
    from .jobs.backend import init_job_backend
    from .jobs.runner import set_worker_app
    from .web import init_web

    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), compare_type=True,
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "warning"
    login_manager.localize_callback = gettext
    login_manager.user_loader(load_session_user)
    init_i18n(app)
    init_web(app)
    backend = init_job_backend(app)
    set_worker_app(app)
    _import_jobs()
    if backend.in_process and app.config["JOBS_INPROCESS_THREAD"]:
        _start_job_thread_with_first_request(app, backend)


def _tune_sqlite(app: Flask) -> None:
    """SQLite (the embedded default): write-ahead logging, so readers never block the writer (the web
    requests and the in-process job thread share the file), and wait for a busy writer instead of failing."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def set_pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _start_job_thread_with_first_request(app: Flask, backend) -> None:
    """Only the web process runs the in-process worker (not `flask` CLI commands)."""
    import threading

    from .jobs.queueing import recover_in_process_jobs
    from .jobs.schedule import schedule_daily_jobs

    started = threading.Lock()

    @app.before_request
    def start_job_thread():
        if started.acquire(blocking=False):
            recovered = recover_in_process_jobs()
            if recovered:
                app.logger.info("re-queued %d background job(s) left waiting", recovered)
            schedule_daily_jobs()
            backend.start_thread()


def _import_jobs() -> None:
    """Import every module that declares jobs, so the registry knows them in any process."""
    from .audit import jobs as audit_jobs  # noqa: F401
    from .incubation import jobs as incubation_jobs  # noqa: F401
    from .notifications import mail  # noqa: F401
    from .organisations import jobs as organisation_jobs  # noqa: F401
    from .shortlists import jobs as shortlist_jobs  # noqa: F401
    from .tenders import jobs as tender_jobs  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from .accounts.party_views import bp as parties_bp
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .audit.views import bp as audit_bp
    from .bids.views import bp as bids_bp
    from .incubation.views import bp as incubation_bp
    from .jobs.views import bp as jobs_bp
    from .main.views import bp as main_bp
    from .notifications.views import bp as notifications_bp
    from .organisations.views import bp as organisations_bp
    from .regions.views import bp as regions_bp
    from .shortlists.views import bp as shortlists_bp
    from .tenders.views import bp as tenders_bp

    for blueprint in (
        main_bp, accounts_bp, parties_bp, organisations_bp, tenders_bp, bids_bp, shortlists_bp,
        incubation_bp, regions_bp, admin_bp, jobs_bp, audit_bp, notifications_bp, api_bp,
    ):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
