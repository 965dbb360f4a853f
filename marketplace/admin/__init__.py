"""Platform administration: approving buyers and incubators, users and roles, the outbox."""
