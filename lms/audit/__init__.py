"""The audit log: an append-only record of administrative and HR actions."""
