"""The report tests' data (two courses, the `world` and `offices` organisations): see tests/reports/conftest.py."""

from tests.reports.conftest import courses, courses_root, offices, world  # noqa: F401 - fixtures
