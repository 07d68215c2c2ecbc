"""Demo and benchmark data: demo accounts (accounts), a national dataset (national), `lms demo-data` (cli)."""

from lms.demo.accounts import DEMO_ACCOUNTS, DEMO_AGENCIES, seed_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_AGENCIES", "seed_demo"]
