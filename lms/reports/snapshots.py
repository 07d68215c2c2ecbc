"""Dashboard snapshots: the whole country's figures, counted by the worker every few minutes.

Counting every enrolment of the country takes seconds at national scale (hundreds of thousands of rows). So the
dashboards whose filters select agencies only (the pages people open first) read the latest snapshot while it is
fresh (REPORT_SNAPSHOT_MINUTES) and say when it was computed, but only where counting is slow: scopes of at least
REPORT_SNAPSHOT_MIN_ENROLMENTS enrolments, as the snapshot itself counted them (no extra query). Smaller scopes are
counted when the page opens, so that a learner who has just finished shows on the dashboard as on the learner list.
The national target series comes from the snapshot when the whole country is large by the same rule. Dashboards
filtered by course, status, dates or language, the overdue list, agency targets, exports and the API always count
now. Without a fresh snapshot (no worker running) every dashboard counts now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from lms.db import begin_write
from lms.extensions import db
from lms.reports import queries
from lms.reports.dashboard import Counts, Figures, live_figures
from lms.reports.filters import ReportFilters
from lms.reports.models import ReportSnapshot
from lms.reports.tree import AgencyTree
from lms.timeutil import aware

_CELL = ("enrolled", "not_started", "in_progress", "completed", "certified", "overdue")


@dataclass(frozen=True)
class Snapshot:
    """A decoded snapshot: the country's figures and the weekly series of newly trained people."""

    figures: Figures
    weekly: list[tuple[str, int]]

    def enrolments_in(self, ids: list[int] | None) -> int:
        """The enrolments the snapshot counted under the agencies `ids` (None: the whole country)."""
        cells = self.figures.cells.items()
        if ids is None:
            return sum(counts.enrolled for _, counts in cells)
        within = set(ids)
        return sum(counts.enrolled for (agency_id, _), counts in cells if agency_id in within)

    def figures_for(self, filters: ReportFilters, ids: list[int] | None, *, min_enrolments: int) -> Figures | None:
        """The figures for a dashboard with these filters over the agencies `ids`, or None when it must count now:
        filters beyond agencies (see covers()), or fewer than `min_enrolments` enrolments in the scope (quick to
        count, so counted exactly)."""
        if not covers(filters) or self.enrolments_in(ids) < min_enrolments:
            return None
        return self.figures

    def weekly_for(self, *, min_enrolments: int) -> list[tuple[str, int]] | None:
        """The national series of newly trained people, or None when the country holds fewer than
        `min_enrolments` enrolments (then it is counted now)."""
        return self.weekly if self.enrolments_in(None) >= min_enrolments else None


def covers(filters: ReportFilters) -> bool:
    """True when a dashboard with these filters can be built from the snapshot (agencies only)."""
    return (filters.course is None and filters.status is None and filters.date_from is None
            and filters.date_to is None and filters.language is None)


def count_country(*, now: datetime) -> dict:
    """The whole country's counts now, as a snapshot's data (reads only; seconds at national scale)."""
    figures, _ = live_figures(ReportFilters(), None, AgencyTree.load(), now=now)
    return {
        "cells": [[agency_id, course_id, *(getattr(counts, name) for name in _CELL)]
                  for (agency_id, course_id), counts in figures.cells.items()],
        "people": [[agency_id, counts.headcount, counts.certified_people]
                   for agency_id, counts in figures.people.items()],
        "weekly": [[week, count] for week, count in queries.weekly_newly_trained(now=now)],
    }


def refresh_snapshot(*, now: datetime) -> ReportSnapshot:
    """Count the whole country now and keep it as the latest snapshot (older ones are deleted); the caller commits.

    For the worker and the command line: the counting runs in a read transaction, which is then ended, so that
    the short write runs in a fresh write transaction (BEGIN IMMEDIATE on SQLite, waiting its turn) instead of
    holding the write lock while counting or failing to upgrade a stale read transaction.
    """
    data = count_country(now=now)
    db.session.rollback()
    begin_write(db.session)
    snapshot = ReportSnapshot(computed_at=now, data=data)
    db.session.add(snapshot)
    db.session.flush()
    db.session.execute(delete(ReportSnapshot).where(ReportSnapshot.computed_at < now))
    return snapshot


def get_fresh_snapshot(*, now: datetime, max_age: timedelta) -> Snapshot | None:
    """The latest snapshot if it was computed within `max_age` before `now`, else None."""
    if max_age <= timedelta(0):
        return None
    row = db.session.scalar(select(ReportSnapshot).order_by(ReportSnapshot.computed_at.desc()).limit(1))
    if row is None or not now - max_age <= aware(row.computed_at) <= now:
        return None
    figures = Figures(computed_at=aware(row.computed_at))
    for agency_id, course_id, *values in row.data["cells"]:
        figures.cells[(agency_id, course_id)] = Counts(**dict(zip(_CELL, values, strict=True)))
    for agency_id, headcount, certified_people in row.data["people"]:
        figures.people[agency_id] = Counts(headcount=headcount, certified_people=certified_people)
    return Snapshot(figures, [(week, count) for week, count in row.data["weekly"]])
