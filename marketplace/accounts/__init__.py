"""Accounts: users, log-in sessions, passwords, parties, memberships, roles and API tokens."""
