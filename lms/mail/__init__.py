"""Outgoing email: every message goes through the outbox table, then to the console or SMTP."""
