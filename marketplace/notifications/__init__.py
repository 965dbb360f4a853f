"""Notifications: e-mail now (kept in an outbox without SMTP); in-app later."""
