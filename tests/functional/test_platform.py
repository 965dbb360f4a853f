"""Security baseline, error pages, health, settings and the home page."""

from __future__ import annotations

import pytest

from marketplace import create_app
from marketplace.extensions import db
from marketplace.settings import ConfigurationError

from ..conftest import app_settings, post_form
from ..factories import UserFactory


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_and_no_remote_assets(client, login):
    login(UserFactory())
    for url in ("/", "/dashboard", "/account", "/account/tokens", "/jobs"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<script type" not in html, url
        assert "https://" not in html and 'src="//' not in html and 'href="//' not in html, url


def test_bootstrap_is_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in html
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    response.close()
    assert response.status_code == 200


def test_session_cookie_flags(client):
    user = UserFactory()
    response = post_form(client, "/login", {"email": user.email, "password": "correct-horse-battery"},
                         token_from="/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_request_size_is_limited(client):
    response = client.post("/login", data={"email": "x" * (17 * 1024 * 1024)},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)


def test_unexpected_error_gives_500_page(tmp_dir, database_url):
    app = create_app(app_settings(tmp_dir, database_url))

    @app.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    app.logger.disabled = True
    for language, text in (("zh-CN", "意外错误"), ("en", "unexpected error")):
        response = app.test_client().get("/__boom", headers={"Accept-Language": language})
        assert response.status_code == 500 and text in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"]["database"]["ok"] is True
    assert response.json["checks"]["jobs"] == {"ok": True, "mode": "in-process"}


def test_health_reports_unusable_database(tmp_dir):
    broken = create_app(app_settings(tmp_dir, "postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False


def test_home_page_explains_the_portal(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "zero competition" in html and "Create an account" in html


def test_production_refuses_to_start_without_a_secret_key(tmp_dir, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = app_settings(tmp_dir, "sqlite://") | {"ENV_NAME": "production"}
    settings.pop("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(settings)


def test_environment_overrides_are_typed(tmp_dir, monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "false")
    monkeypatch.setenv("JOB_RETRY_INTERVALS", "5, 10")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.gov.cn")
    settings = app_settings(tmp_dir, "sqlite://")
    settings.pop("PUBLIC_BASE_URL")
    app = create_app(settings)
    assert app.config["MAIL_PORT"] == 2525 and app.config["MAIL_USE_TLS"] is False
    assert app.config["JOB_RETRY_INTERVALS"] == [5, 10]
    assert app.config["PUBLIC_BASE_URL"] == "https://portal.example.gov.cn"


def test_bad_environment_value_is_explained(tmp_dir, monkeypatch):
    monkeypatch.setenv("MAIL_USE_TLS", "perhaps")
    with pytest.raises(ConfigurationError, match="MAIL_USE_TLS"):
        create_app(app_settings(tmp_dir, "sqlite://"))


def test_defaults_sqlite_in_instance_folder_and_in_process_jobs(tmp_dir, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = app_settings(tmp_dir, "")
    app = create_app(settings)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/marketplace.sqlite3"
    assert app.extensions["job_backend"].in_process
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
