"""Development: the laptop defaults (SQLite, in-process jobs, mail kept in the outbox)."""
