"""`lms report export`: the same exports as the web pages, for scheduled reports (cron).

The command joins the `lms report` group (lms.reports.cli) when lms.cli registers the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.exports.models import ExportFormat


@click.command("export")
@click.option("--agency", "agency_code", help="Agency code; without it, the whole country.")
@click.option("--include-sub", is_flag=True, help="With --agency: also the agencies below it.")
@click.option("--course", "course_key", help="Only this course (its id).")
@click.option("--status", help="Only rows in this status: not_started, in_progress, completed, certified.")
@click.option("--from", "date_from", help="Enrolled or completed on or after this day (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Enrolled or completed on or before this day (YYYY-MM-DD).")
@click.option("--language", help="Only completions in this language (kk, ru, en).")
@click.option("--format", "fmt", type=click.Choice([fmt.value for fmt in ExportFormat]), required=True,
              help="File format.")
@click.option("--lang", "locale", type=click.Choice(["kk", "ru", "en"]), default="en", show_default=True,
              help="Language of headings, names and titles.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="File to write.")
@with_appcontext
def export_command(agency_code, include_sub, course_key, status, date_from, date_to, language, fmt, locale,
                   output: Path):
    """Export the detail rows (and, in XLSX, the per-agency summary and overdue sheets)."""
    from lms.audit.services import audit
    from lms.exports import jobs
    from lms.extensions import db
    from lms.reports import queries
    from lms.reports.filters import FilterError, OutOfScope, parse_filters
    from lms.reports.tree import AgencyTree

    args = {"agency": agency_code or "", "include_sub": "1" if include_sub or not agency_code else "0",
            "course": course_key or "", "status": status or "", "from": date_from or "", "to": date_to or "",
            "language": language or ""}
    try:
        filters = parse_filters(args, actor=None, timezone=current_app.config["TIMEZONE"], operator=True)
    except FilterError as exc:
        raise click.UsageError(str(exc.message)) from None
    except OutOfScope:
        raise click.UsageError(f"There is no agency {agency_code!r}.") from None
    now = utcnow()
    total = queries.count_detail_rows(filters, queries.agency_ids(filters, AgencyTree.load()), now=now)
    partial = output.with_name(output.name + ".part")
    with click.progressbar(length=total, label=f"Writing {total} rows", file=sys.stderr) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        count = jobs.write_file(partial, fmt, filters, locale=locale, now=now, progress=progress)
        bar.update(count - done[0])
    partial.replace(output)
    audit("export.cli", actor=None, now=now, object_type="export", details={"format": fmt,
                                                                           "filters": filters.to_params(),
                                                                           "file": str(output)})
    db.session.commit()
    click.echo(f"{count} rows written to {output}")
