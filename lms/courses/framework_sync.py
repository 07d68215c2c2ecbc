"""Sync the competency framework (courses/competencies.yml) into the database: stable keys, retire, never delete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.courses.framework import Framework
from lms.courses.framework_models import Competency, CompetencyAreaRecord, CompetencyLevel
from lms.extensions import db


def sync_framework(framework: Framework, *, now: datetime, report) -> None:
    """Bring the framework rows in line with `framework`; add labels to `report` (a courses.services.SyncReport).

    Levels, areas and competencies are matched by their number or id; those gone from the file are retired (their
    evidence stays) and come back when the file names them again. Flush only; a second run changes nothing.
    """
    levels = {row.level: row for row in db.session.scalars(select(CompetencyLevel))}
    for level in framework.levels:
        _upsert(levels.get(level.level), CompetencyLevel, {"level": level.level},
                {"title": level.title, "description": level.description}, f"competency level {level.level}",
                now=now, report=report)
    _retire(levels, {level.level for level in framework.levels}, "competency level", now=now, report=report)
    areas = {row.key: row for row in db.session.scalars(select(CompetencyAreaRecord))}
    for position, area in enumerate(framework.areas):
        areas[area.id] = _upsert(areas.get(area.id), CompetencyAreaRecord, {"key": area.id},
                                 {"title": area.title, "position": position}, f"competency area {area.id}",
                                 now=now, report=report)
    _retire(areas, {area.id for area in framework.areas}, "competency area", now=now, report=report)
    db.session.flush()
    order = {area.id: i for i, area in enumerate(framework.areas)}
    ranked = sorted(framework.competencies, key=lambda comp: order[comp.area])
    existing = {row.key: row for row in db.session.scalars(select(Competency))}
    for position, comp in enumerate(ranked):
        _upsert(existing.get(comp.id), Competency, {"key": comp.id},
                {"area_id": areas[comp.area].id, "title": comp.title, "description": comp.description,
                 "position": position}, f"competency {comp.id}", now=now, report=report)
    _retire(existing, framework.competency_ids, "competency", now=now, report=report)
    db.session.flush()


def _upsert(row, model, key: dict, fields: dict, label: str, *, now: datetime, report):
    if row is None:
        row = model(**key, **fields, is_retired=False, synced_at=now)
        db.session.add(row)
        report.added.append(label)
    elif row.is_retired or any(getattr(row, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(row, name, value)
        row.is_retired = False
        row.synced_at = now
        report.changed.append(label)
    return row


def _retire(rows: dict, present: set, label: str, *, now: datetime, report) -> None:
    for key, row in sorted(rows.items()):
        if key not in present and not row.is_retired:
            row.is_retired = True
            row.synced_at = now
            report.retired.append(f"{label} {key}")
