"""xAPI 1.0.3 statements of every learning event, kept in an outbox and delivered to a Learning Record Store."""
