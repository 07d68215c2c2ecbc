"""The `lms` command: Flask's CLI bound to create_app, with the platform's commands loaded only when called.

Starting a command used to import every command module and build the whole app, even for `lms --help`; now
`lms --help` imports none of them, a command imports its own module when it runs, and the app is built by the
commands that need it (`@with_appcontext`, which nearly all of them use).
"""

from __future__ import annotations

import importlib
from importlib import metadata

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

from lms.cli_support import SETTINGS_WITHOUT_APP

#: Every platform command: name -> ("module:attribute", its one-line help as `lms --help` lists it).
#: A new command goes here (and its module stays free of side effects at import); tests/test_cli.py checks that each
#: entry loads, under its name, with this help.
COMMANDS: dict[str, tuple[str, str]] = {
    "agencies": ("lms.agencies.cli:agencies", "Manage the agency tree."),
    "ai": ("lms.ai.cli:ai", "AI assistance: question drafts, lesson summaries and the AI log."),
    "approvals": ("lms.approvals.cli:approvals", "Enrolment requests awaiting a manager's approval."),
    "assignments": ("lms.assignments.cli:assignments", "Mandatory course assignments."),
    "backup": ("lms.admin.cli:backup",
               "Write a consistent copy of the SQLite database to PATH while the platform keeps running."),
    "certificates": ("lms.certificates.cli:certificates", "Issued certificates and credentials."),
    "competencies": ("lms.competencies.cli:competencies", "Competency evidence and profiles."),
    "courses": ("lms.courses.cli:courses", "Course content files."),
    "directory": ("lms.accounts.directory_cli:directory", "LDAP / Active Directory sync."),
    "db": ("flask_migrate.cli:db", "Perform database migrations."),
    "demo-data": ("lms.demo.cli:demo_data",
                  "Create demo agencies and one account per role when the database has no users; print the logins."),
    "outbox": ("lms.mail.cli:outbox", "Outgoing email."),
    "programmes": ("lms.programmes.cli:programmes", "Programmes and their certificates."),
    "reminders": ("lms.assignments.cli:reminders", "Email reminders about due and overdue assignments."),
    "report": ("lms.reports.cli:report", "Training reports."),
    "users": ("lms.accounts.cli:users", "Manage user accounts."),
    "xapi": ("lms.xapi.cli:xapi", "xAPI statements for the Learning Record Store."),
}


def load_command(name: str) -> click.Command:
    """Import the command `name` of the table (ImportError/AttributeError when the table is wrong)."""
    module_name, _, attribute = COMMANDS[name][0].partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def register_commands(app: Flask) -> None:
    """Attach the platform's commands to app.cli too (the app's own runner: tests, `flask --app lms`)."""
    for name in COMMANDS:
        if name not in app.cli.commands:  # Flask-Migrate has added `db` already
            app.cli.add_command(load_command(name), name)


class LmsGroup(FlaskGroup):
    """FlaskGroup that lists and finds the platform's commands from COMMANDS without importing them or the app."""

    def make_context(self, info_name, args, parent=None, **extra):
        """As FlaskGroup, with a ScriptInfo that lets file-only commands read the settings without the app."""
        if "obj" not in extra and "obj" not in self.context_settings:
            info = ScriptInfo(create_app=self.create_app, set_debug_flag=self.set_debug_flag,
                              load_dotenv_defaults=self.load_dotenv)
            info.data[SETTINGS_WITHOUT_APP] = True
            extra["obj"] = info
        return super().make_context(info_name, args, parent=parent, **extra)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """A platform command from the table; else Flask's own, a plugin's or one the app adds (that builds it)."""
        if name in COMMANDS:
            return load_command(name)
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Flask's commands, the table's and the plugins' (by entry point name), without building the app."""
        return sorted({*self.commands, *COMMANDS, *(ep.name for ep in _plugins())})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help, with the table's help: listing a command does not import it."""
        plugins = {ep.name: ep for ep in _plugins()}
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name][1]))
            elif name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit=1000)))
            else:
                package = plugins[name].dist.name if plugins[name].dist else plugins[name].module
                rows.append((name, f"Commands from {package}."))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                # Click's own shortening (a throw-away command over the text), as if the command were loaded.
                formatter.write_dl([(name, click.Command(name, help=text).get_short_help_str(limit))
                                    for name, text in rows])


def _plugins() -> list[metadata.EntryPoint]:
    # Flask's plugin commands (e.g. Flask-Limiter's `limiter`); FlaskGroup loads them when one is called.
    return [ep for ep in metadata.entry_points(group="flask.commands") if ep.name not in COMMANDS]


def _create_app() -> Flask:
    from lms import create_app
    from lms.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        # An operator's mistake, not a bug: say what to set, without a traceback.
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None


main = LmsGroup(create_app=_create_app, help="AI-competency learning platform.")
