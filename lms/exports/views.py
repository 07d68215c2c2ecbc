"""Export pages: request an export, follow its progress, download the file until it expires."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts import policy
from lms.audit.services import audit
from lms.db import utcnow, writes
from lms.errors import render_error
from lms.exports import bp, jobs
from lms.exports.files import export_dir
from lms.exports.forms import ExportForm
from lms.exports.models import ExportStatus
from lms.exports.tasks import enqueue_export
from lms.extensions import db
from lms.reports.lookups import current_filters, require_reports


@bp.post("")
@login_required
def request_export():
    require_reports()
    form = ExportForm()
    filters = current_filters(form.filter_args())  # another agency's report: 404 whatever else is wrong
    if not form.validate_on_submit() or (form.kind.data or "") not in jobs.REPORT_KINDS:
        abort(400)
    if form.programme.data:
        from lms.programmes.services import get_live_programme

        programme = get_live_programme(form.programme.data)
        if programme is None:
            abort(404)
        job = jobs.request_programme_export(current_user, filters, programme, form.format.data,
                                            locale=str(get_locale()), now=utcnow(), ip=request.remote_addr or "")
    else:
        job = jobs.request_export(current_user, filters, form.format.data, locale=str(get_locale()), now=utcnow(),
                                  ip=request.remote_addr or "", kind=form.kind.data or "")
    db.session.commit()
    enqueue_export(job.id)
    return redirect(url_for("exports.export", token=job.token))


#: While a file is being prepared its pages reload themselves this often (a meta refresh: no script needed);
#: "?refresh=off" stops it, for people who need the page to hold still (WCAG 2.2.1).
REFRESH_SECONDS = 5


def _refresh_seconds(shown) -> int | None:
    """REFRESH_SECONDS while one of the jobs `shown` is pending (unless turned off), else None."""
    if request.args.get("refresh") == "off" or not any(job.status in jobs.PENDING for job in shown):
        return None
    return REFRESH_SECONDS


def _require_exports() -> None:
    """403 unless the user may export something: reports, or their team (My team)."""
    if not policy.can_use_exports(current_user):
        abort(403)


@bp.get("")
@login_required
def index():
    _require_exports()
    shown = jobs.list_jobs(current_user)
    return render_template("exports/index.html", jobs=shown, now=utcnow(), is_downloadable=jobs.is_downloadable,
                           refresh=_refresh_seconds(shown))


def _job_or_404(token: str):
    _require_exports()
    job = jobs.get_job_for(current_user, token)
    if job is None:
        abort(404)
    return job


@bp.get("/<token>")
@login_required
def export(token: str):
    job = _job_or_404(token)
    return render_template("exports/export.html", job=job, downloadable=jobs.is_downloadable(job, utcnow()),
                           refresh=_refresh_seconds([job]))



@bp.get("/<token>/download")
@login_required
@writes  # each download is audited
def download(token: str):
    job = _job_or_404(token)
    now = utcnow()
    if not jobs.is_downloadable(job, now):
        if job.status == ExportStatus.DONE:
            return render_error(410, _("This export has expired. Request a new one."))
        flash(_("The export is not ready yet."), "info")
        return redirect(url_for("exports.export", token=job.token))
    if not jobs.may_download(job, current_user):
        if jobs.is_team_job(job):
            return render_error(410, _("Your team has changed since this file was prepared. Request a new export "
                                       "from My team."))
        abort(403)
    path = export_dir(current_app) / job.file_name
    if not path.is_file():
        return render_error(410, _("This export has expired. Request a new one."))
    audit("export.downloaded", actor=current_user, now=now, ip=request.remote_addr or "", object_type="export",
          object_id=job.id, details={"format": job.format})
    db.session.commit()
    name = jobs.download_name(job, timezone=current_app.config["TIMEZONE"])
    return send_file(path, mimetype=jobs.MEDIA_TYPES[job.format], as_attachment=True, download_name=name,
                     max_age=0)
