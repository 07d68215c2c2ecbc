"""Export jobs: requested on a page (or by the CLI), run by the task queue, downloaded by whoever asked for them
until they expire. The filters are checked again against the requester's rights when the job runs.

Two kinds: a report's export (the report filters) and a line manager's team export ("My team": ExportJob.filters
holds kind "team", the manager's id, chain and the team filters; the people written are added when the file is, so
that the download can check that they are all still in the manager's team)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from lms import events
from lms.accounts import policy
from lms.accounts.models import User
from lms.audit.services import audit
from lms.db import begin_write
from lms.events import Notice
from lms.exports.competency_files import write_heat_map
from lms.exports.files import write_csv, write_xlsx
from lms.exports.gain_files import write_gain_csv, write_gain_xlsx
from lms.exports.models import ExportFormat, ExportJob, ExportStatus
from lms.exports.satisfaction_files import write_satisfaction_csv, write_satisfaction_xlsx
from lms.exports.team_files import write_team_csv, write_team_xlsx
from lms.extensions import db
from lms.reports import queries
from lms.reports.competencies import build_heat_map
from lms.reports.filters import ReportFilters, parse_filters
from lms.reports.gain import count_gain_rows
from lms.reports.rows import RowContext
from lms.reports.tree import AgencyTree
from lms.team import services as team
from lms.team.filters import TeamFilters, parse_team_filters

FORMATS = tuple(ExportFormat)
#: Statuses of a job whose file is still to come.
PENDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)
#: ExportJob.filters["kind"] of a team export (a report's export has no kind).
TEAM = "team"
#: ExportJob.filters["kind"] of a satisfaction export (lms.evaluations; the report filters, and the threshold).
SATISFACTION = "satisfaction"
#: ExportJob.filters["kind"] of the learning-gain report's export (the report filters, rows of lms.reports.gain).
GAIN = "gain"
#: The kinds a report page may ask for ("" the enrolment rows).
REPORT_KINDS = ("", GAIN)
#: ExportJob.filters["kind"] of a programme report's export (request_programme_export).
PROGRAMME = "programme"
#: ExportJob.filters["kind"] of the competency heat map's export (the report filters' agency).
COMPETENCIES = "competencies"
MEDIA_TYPES = {ExportFormat.CSV: "text/csv",
               ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
log = logging.getLogger(__name__)


def request_export(actor: User, filters: ReportFilters, fmt: str, *, locale: str, now: datetime,
                   ip: str = "", kind: str = "") -> ExportJob:
    """Record a queued export of `filters` for `actor` (audited); the caller commits, then enqueues it.
    `kind`: one of REPORT_KINDS ("" the enrolment rows, GAIN the learning-gain rows)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if kind not in REPORT_KINDS:
        raise ValueError(kind)
    job = ExportJob(token=secrets.token_hex(16), user_id=actor.id, format=fmt, created_at=now,
                    filters={**filters.to_params(), "include_sub": "1" if filters.include_sub else "0",
                             "locale": locale, "timezone": filters.timezone, **({"kind": kind} if kind else {})})
    db.session.add(job)
    db.session.flush()
    audit("export.requested", actor=actor, now=now, ip=ip, object_type="export", object_id=job.id,
          details={"format": fmt, "filters": filters.to_params(), **({"kind": kind} if kind else {})})
    return job


def request_team_export(actor: User, filters: TeamFilters, fmt: str, *, locale: str, timezone: str, now: datetime,
                        ip: str = "") -> ExportJob:
    """Record a queued export of `actor`'s team as `filters` select it (audited); the caller commits, then enqueues
    it. Raises PermissionError when `actor` may not export that team."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if not policy.can_export_team(actor, manager_id=filters.manager_id):
        raise PermissionError("not this team's manager")
    params = filters.to_params()
    job = ExportJob(token=secrets.token_hex(16), user_id=actor.id, format=fmt, created_at=now,
                    filters={"kind": TEAM, "manager_id": filters.manager_id, "chain": "1" if filters.chain else "0",
                             "status": params.get("status", ""), "course": params.get("course", ""),
                             "q": params.get("q", ""), "locale": locale, "timezone": timezone})
    db.session.add(job)
    db.session.flush()
    audit("export.requested", actor=actor, now=now, ip=ip, object_type="export", object_id=job.id,
          details={"format": fmt, "kind": TEAM, "filters": {"scope": filters.scope, **params}})
    return job


def request_satisfaction_export(actor: User, filters: ReportFilters, fmt: str, *, locale: str, minimum: int,
                                now: datetime, ip: str = "") -> ExportJob:
    """Record a queued export of the satisfaction figures of `filters` for `actor` (audited), with the threshold
    of respondents below which a group shows no figures; the caller commits, then enqueues it."""
    return _request_report_kind(actor, filters, fmt, kind=SATISFACTION, params={"minimum": minimum},
                                locale=locale, now=now, ip=ip)


def request_programme_export(actor: User, filters: ReportFilters, programme, fmt: str, *, locale: str,
                             now: datetime, ip: str = "") -> ExportJob:
    """Record a queued export of the programme report (lms.reports.programmes) of `filters`' agencies for `actor`
    (audited); the caller commits, then enqueues it."""
    return _request_report_kind(actor, filters, fmt, kind=PROGRAMME, params={"programme": programme.key},
                                locale=locale, now=now, ip=ip, audited={"programme": programme.key})


def _request_report_kind(actor: User, filters: ReportFilters, fmt: str, *, kind: str, params: dict, locale: str,
                         now: datetime, ip: str, audited: dict | None = None) -> ExportJob:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = ExportJob(token=secrets.token_hex(16), user_id=actor.id, format=fmt, created_at=now,
                    filters={**filters.to_params(), "include_sub": "1" if filters.include_sub else "0",
                             "kind": kind, **params, "locale": locale, "timezone": filters.timezone})
    db.session.add(job)
    db.session.flush()
    audit("export.requested", actor=actor, now=now, ip=ip, object_type="export", object_id=job.id,
          details={"format": fmt, "kind": kind, **(audited or {}), "filters": filters.to_params()})
    return job


def request_competency_export(actor: User, filters: ReportFilters, fmt: str, *, locale: str, now: datetime,
                              ip: str = "") -> ExportJob:
    """Record a queued export of the competency heat map of `filters`' agency for `actor` (audited); the caller
    commits, then enqueues it."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    params = {"agency": filters.agency.code if filters.agency else ""}
    job = ExportJob(token=secrets.token_hex(16), user_id=actor.id, format=fmt, created_at=now,
                    filters={"kind": COMPETENCIES, **params, "locale": locale, "timezone": filters.timezone})
    db.session.add(job)
    db.session.flush()
    audit("export.requested", actor=actor, now=now, ip=ip, object_type="export", object_id=job.id,
          details={"format": fmt, "kind": COMPETENCIES, "filters": params})
    return job


def is_team_job(job: ExportJob) -> bool:
    """True for a team export (see request_team_export)."""
    return (job.filters or {}).get("kind") == TEAM


def team_filters(params: dict) -> TeamFilters:
    """The team filters a team export job stores, checked again (FilterError when a course has gone)."""
    return parse_team_filters({"scope": "all" if params.get("chain") == "1" else "direct",
                               "status": params.get("status", ""), "course": params.get("course", ""),
                               "q": params.get("q", "")}, manager_id=int(params["manager_id"]))


def may_download(job: ExportJob, user: User) -> bool:
    """Whether `user` (who requested `job`) may still download its file: a report's export as long as they may see
    reports; a team export as long as everyone in it still reports to them (policy.can_download_team_export)."""
    if not is_team_job(job):
        return policy.can_view_reports(user)
    params = job.filters
    return policy.can_download_team_export(user, manager_id=int(params["manager_id"]), chain=params.get("chain") == "1",
                                           people=list(params.get("people", [])))


def write_file(path: Path, fmt: str, filters: ReportFilters, *, locale: str, now: datetime,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the export of `filters` to `path`; return the number of detail rows."""
    context = RowContext.load(locale=locale, timezone=filters.timezone, now=now)
    writer = write_csv if fmt == ExportFormat.CSV else write_xlsx
    return writer(path, filters, context, progress=progress)


def run_export(job_id: int, *, export_dir: Path, hours: int, now: Callable[[], datetime]) -> str | None:
    """Run a queued export job: write its file and mark it done (or failed, with the reason); return the status.

    The session only reads (rows stream from it); the job's state is written through separate short
    transactions, so the page polling it sees the progress and SQLite's reader never has to become a writer.
    """
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != ExportStatus.QUEUED:
        return None if job is None else job.status
    user, token, fmt, params = db.session.get(User, job.user_id), job.token, job.format, dict(job.filters)
    requested_at = job.created_at

    def set_state(**values) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))

    try:
        started = now()
        export_dir.mkdir(parents=True, exist_ok=True)
        name = f"{token}.{fmt}"
        partial = export_dir / (name + ".part")

        def progress(done: int) -> None:
            set_state(rows_done=done)

        if params.get("kind") == TEAM:
            filters = team_filters(params)
            if not policy.can_export_team(user, manager_id=filters.manager_id):
                raise PermissionError("not this team's manager")
            export = team.prepare_export(filters, now=started)
            set_state(status=ExportStatus.RUNNING, rows_total=export.total,
                      filters={**params, "people": export.people})
            writer = write_team_csv if fmt == ExportFormat.CSV else write_team_xlsx
            count = writer(partial, export, locale=params.get("locale", "en"), timezone=params.get("timezone", "UTC"),
                           progress=progress)
        elif params.get("kind") == SATISFACTION:
            filters = parse_filters(params, actor=user, timezone=params.get("timezone", "UTC"))
            set_state(status=ExportStatus.RUNNING)
            writer = write_satisfaction_csv if fmt == ExportFormat.CSV else write_satisfaction_xlsx
            count = writer(partial, filters, locale=params.get("locale", "en"), minimum=int(params["minimum"]),
                           progress=progress)
        elif params.get("kind") == GAIN:
            filters = parse_filters(params, actor=user, timezone=params.get("timezone", "UTC"))
            set_state(status=ExportStatus.RUNNING, rows_total=count_gain_rows(
                filters, queries.agency_ids(filters, AgencyTree.load())))
            context = RowContext.load(locale=params.get("locale", "en"), timezone=filters.timezone, now=started)
            writer = write_gain_csv if fmt == ExportFormat.CSV else write_gain_xlsx
            count = writer(partial, filters, context, progress=progress)
        elif params.get("kind") == PROGRAMME:
            from lms.exports.programme_files import write_programme_file

            filters = parse_filters(params, actor=user, timezone=params.get("timezone", "UTC"))
            set_state(status=ExportStatus.RUNNING)
            count = write_programme_file(partial, fmt, filters, params["programme"],
                                         locale=params.get("locale", "en"), now=started)
        elif params.get("kind") == COMPETENCIES:
            filters = parse_filters({"agency": params.get("agency", "")}, actor=user,
                                    timezone=params.get("timezone", "UTC"))
            set_state(status=ExportStatus.RUNNING)
            count = write_heat_map(partial, fmt, build_heat_map(filters, AgencyTree.load()),
                                   locale=params.get("locale", "en"))
        else:
            filters = parse_filters(params, actor=user, timezone=params.get("timezone", "UTC"))
            total = queries.count_detail_rows(filters, queries.agency_ids(filters, AgencyTree.load()), now=started)
            set_state(status=ExportStatus.RUNNING, rows_total=total)
            count = write_file(partial, fmt, filters, locale=params.get("locale", "en"), now=started,
                               progress=progress)
        partial.replace(export_dir / name)
        db.session.rollback()  # end the read before writing the outcome
        finished = now()
        set_state(status=ExportStatus.DONE, rows_done=count, rows_total=count, file_name=name, finished_at=finished,
                  expires_at=finished + timedelta(hours=hours))
        _tell_requester(job_id, user, token, fmt, requested_at, status=ExportStatus.DONE, at=finished,
                        expires_at=finished + timedelta(hours=hours))
        return ExportStatus.DONE
    except Exception as exc:  # a failed export is reported to its requester, never lost silently
        log.exception("export %s failed", job_id)
        db.session.rollback()
        finished = now()
        set_state(status=ExportStatus.FAILED, error=type(exc).__name__, finished_at=finished)
        _tell_requester(job_id, user, token, fmt, requested_at, status=ExportStatus.FAILED, at=finished)
        return ExportStatus.FAILED


def _tell_requester(job_id: int, user: User | None, token: str, fmt: str, requested_at: datetime, *, status: str,
                    at: datetime, expires_at: datetime | None = None) -> None:
    """Publish the "export_ready" notice of a finished job to whoever asked for it (in the task's transaction)."""
    if user is None:
        return
    begin_write(db.session)
    events.publish(events.NOTICE, Notice(
        kind="export_ready", recipient_ids=(user.id,), at=at, key=f"export:{job_id}",
        params={"token": token, "format": fmt, "status": str(status), "requested_at": requested_at.isoformat(),
                "expires_at": expires_at.isoformat() if expires_at else None}))


def download_name(job: ExportJob, *, timezone: str) -> str:
    """The file name offered for download: report-YYYYMMDD-HHMM.<format> (team-… for a team export, gain-… for the
    learning gain's), when it was requested, in `timezone` (the platform's, LMS_TIMEZONE)."""
    requested = job.created_at.astimezone(ZoneInfo(timezone))
    kind = (job.filters or {}).get("kind") or "report"
    return f"{kind}-{requested:%Y%m%d-%H%M}.{job.format}"


def get_job_for(user: User, token: str) -> ExportJob | None:
    """The export job with this token if `user` requested it, else None (someone else's export is not found)."""
    return db.session.scalar(select(ExportJob).where(ExportJob.token == token, ExportJob.user_id == user.id))


def list_jobs(user: User, *, limit: int = 20) -> list[ExportJob]:
    """The user's recent exports, newest first."""
    return list(db.session.scalars(select(ExportJob).where(ExportJob.user_id == user.id)
                                   .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)))


def is_downloadable(job: ExportJob, now: datetime) -> bool:
    """Done, and its file not expired."""
    return (job.status == ExportStatus.DONE and job.file_name is not None and job.expires_at is not None
            and now < job.expires_at)


def purge_expired(export_dir: Path, *, now: datetime) -> int:
    """Delete the files of expired exports (the job rows stay, for the record); return how many."""
    jobs = db.session.scalars(select(ExportJob).where(ExportJob.file_name.is_not(None), ExportJob.expires_at <= now))
    count = 0
    for job in jobs:
        (export_dir / job.file_name).unlink(missing_ok=True)
        job.file_name = None
        count += 1
    return count
