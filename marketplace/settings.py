"""Load configuration: config/defaults.py, then config/<env>.py, then the environment.

Only keys declared in ``config/defaults.py`` are read from the environment, and
each value is coerced to the type of its default, so a typo cannot silently
introduce a new setting.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENVIRONMENTS = ("development", "testing", "production")
INSECURE_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 (refused in production)


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off", ""):
            return False
        raise ConfigurationError(f"expected a boolean, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, dict):
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ConfigurationError("expected a JSON object")
        return value
    if isinstance(default, list):
        raw = raw.strip()
        if raw.startswith("["):
            return json.loads(raw)
        items = [item.strip() for item in raw.split(",") if item.strip()]
        if default and isinstance(default[0], int):
            return [int(item) for item in items]
        return items
    return raw


def load_settings(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    env = (overrides or {}).get("ENV_NAME") or os.environ.get("MARKETPLACE_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigurationError(f"MARKETPLACE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    app.config.from_pyfile(str(CONFIG_DIR / "defaults.py"))
    declared = {key: app.config[key] for key in list(app.config) if key.isupper()}
    app.config.from_pyfile(str(CONFIG_DIR / f"{env}.py"))
    for key, default in declared.items():
        if key in os.environ:
            try:
                app.config[key] = _coerce(os.environ[key], default)
            except (ValueError, ConfigurationError) as exc:
                raise ConfigurationError(f"environment variable {key}: {exc}") from exc
    if overrides:
        app.config.update(overrides)
    app.config["ENV_NAME"] = env
    _derive(app)
    _check(app)


def _derive(app: Flask) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    config = app.config
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'marketplace.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(config["DATABASE_URL"])
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    if not config["UPLOAD_FOLDER"]:
        config["UPLOAD_FOLDER"] = str(instance / "uploads")
    if not config["RATELIMIT_STORAGE_URI"]:
        config["RATELIMIT_STORAGE_URI"] = (
            config["REDIS_URL"] if config["REDIS_URL"] and config["ENV_NAME"] == "production" else "memory://"
        )
    config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).resolve().parent / "translations")
    config["BOOTSTRAP_SERVE_LOCAL"] = True
    config["PERMANENT_SESSION_LIFETIME"] = config["SESSION_IDLE_HOURS"] * 3600


def _normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _check(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production":
        key = app.config.get("SECRET_KEY") or ""
        if key == INSECURE_SECRET_KEY or len(key) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set in the environment to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
