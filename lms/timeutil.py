"""Date arithmetic on UTC datetimes: calendar months, the end of a day in the platform's time zone, and aware values
from aggregates. Foundation: imports nothing of the platform."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months (the day is clamped to the month's length)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def end_of_day(day: date, timezone: str) -> datetime:
    """The last second of `day` in the platform's time zone, as a UTC datetime (a due date means "by the end of")."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def aware(value: datetime | None) -> datetime | None:
    """`value` as an aware UTC datetime. Aggregates (min/max) bypass the column type, so SQLite hands back naive UTC
    values; aware ones (and None) pass unchanged."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
