"""Sync programme files into the database: added, changed, or retired (never deleted) by their stable key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.courses.models import Programme as ProgrammeRow
from lms.courses.programmes import Programme
from lms.courses.services import SyncReport, _digest
from lms.extensions import db


def sync_programmes(programmes: list[Programme], *, now: datetime, report: SyncReport,
                    retire_missing: bool = True) -> None:
    """Bring the programmes table in line with `programmes` (checked against the same courses); flush only.

    A programme gone from the files is retired when `retire_missing` (the whole courses folder was loaded); its
    certificates and assignments stay.
    """
    existing = {row.key: row for row in db.session.scalars(select(ProgrammeRow))}
    for programme in programmes:
        fields = {"default_language": programme.default_language, "title": dict(programme.title),
                  "summary": dict(programme.summary), "structure": programme.structure,
                  "has_certificate": programme.certificate,
                  "certificate_valid_months": programme.certificate_valid_months, "is_retired": False}
        version = _digest(fields)
        row = existing.get(programme.id)
        if row is None:
            db.session.add(ProgrammeRow(key=programme.id, version=version, created_at=now, synced_at=now, **fields))
            report.added.append(f"programme {programme.id}")
        elif row.version != version or row.is_retired:
            for name, value in fields.items():
                setattr(row, name, value)
            row.version, row.synced_at = version, now
            report.changed.append(f"programme {programme.id}")
    present = {programme.id for programme in programmes}
    for key, row in sorted(existing.items()):
        if retire_missing and key not in present and not row.is_retired:
            row.is_retired, row.synced_at = True, now
            report.retired.append(f"programme {key}")
    db.session.flush()
