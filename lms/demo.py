"""Demo data for a local platform: a few agencies and one account per role."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.accounts.services import NewUser, create_user
from lms.agencies.models import Agency
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.services import get_live_course
from lms.db import begin_write, utcnow
from lms.extensions import db

#: (code, parent code, kk, ru, en)
DEMO_AGENCIES = [
    ("MDAI", None, "Цифрлық даму және жасанды интеллект министрлігі",
     "Министерство цифрового развития и искусственного интеллекта",
     "Ministry of Digital Development and Artificial Intelligence"),
    ("MDAI-IT", "MDAI", "Ақпараттық технологиялар департаменті", "Департамент информационных технологий",
     "Information Technology Department"),
    ("MDAI-HR", "MDAI", "Персоналды басқару департаменті", "Департамент управления персоналом",
     "Human Resources Department"),
    ("AGCS", None, "Мемлекеттік қызмет істері агенттігі", "Агентство по делам государственной службы",
     "Civil Service Affairs Agency"),
    ("AGCS-ACAD", "AGCS", "Мемлекеттік басқару академиясы", "Академия государственного управления",
     "Academy of Public Administration"),
]

#: The starter course the demo HR officer assigns to the ministry.
DEMO_ASSIGNED_COURSE = "ai-foundations"

#: (email, full name, agency, position, roles, password). Printed by `lms demo-data`; for local use only.
DEMO_ACCOUNTS = [
    ("learner@demo.lms.kz", "Әлия Нұрғалиқызы Қасымова", "MDAI-IT", "Главный специалист",
     {Role.LEARNER}, "learner-demo-2026"),
    ("hr@demo.lms.kz", "Ғабит Өмірұлы Ұлықбек", "MDAI", "Руководитель управления персоналом",
     {Role.LEARNER, Role.HR}, "hr-demo-2026"),
    ("author@demo.lms.kz", "Дина Сергеевна Ким", "AGCS-ACAD", "Методист",
     {Role.LEARNER, Role.AUTHOR}, "author-demo-2026"),
    ("programme@demo.lms.kz", "Айгерім Серікқызы Бекова", "AGCS", "Эксперт проектного офиса",
     {Role.LEARNER, Role.PROGRAMME}, "programme-demo-2026"),
    ("admin@demo.lms.kz", "Platform Administrator", None, "Администратор платформы",
     {Role.ADMIN}, "admin-demo-2026"),
]


def seed_demo(*, min_length: int, now: datetime) -> list[tuple[str, str, str]]:
    """Create the demo agencies and accounts in an empty database; return (role, email, password) rows.

    Returns [] and changes nothing when the database already has users.
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        return []
    by_code: dict[str, Agency] = {a.code: a for a in db.session.scalars(select(Agency))}
    for code, parent, kk, ru, en in DEMO_AGENCIES:
        if code not in by_code:
            by_code[code] = Agency(code=code, parent=by_code.get(parent), name_kk=kk, name_ru=ru, name_en=en)
            db.session.add(by_code[code])
    db.session.flush()
    logins = []
    users = {}
    for email, name, agency, position, roles, password in DEMO_ACCOUNTS:
        users[email] = create_user(NewUser(email=email, full_name=name, agency_code=agency, position=position,
                                           roles=frozenset(roles), password=password), min_length=min_length)
        logins.append((", ".join(sorted(roles)), email, password))
    _assign_demo_course(users["hr@demo.lms.kz"], by_code["MDAI"], now=now)
    return logins


def _assign_demo_course(hr: User, agency: Agency, *, now: datetime) -> None:
    # The ministry's HR officer makes the foundations course mandatory for the whole ministry, so that a new
    # learner's "My learning" shows an assigned course with a due date (when the starter courses are synced).
    course = get_live_course(DEMO_ASSIGNED_COURSE)
    if course is not None:
        create_assignment(NewAssignment(course=course, due_at=now + timedelta(days=30), target_kind="agency",
                                        agency=agency, include_subagencies=True), actor=hr, now=now)


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Allow demo accounts with known passwords in production.")
@click.option("--learners", type=click.IntRange(min=1),
              help="Also generate a national dataset: this many learners with enrolments, progress and certificates.")
@click.option("--agencies", type=click.IntRange(min=1), default=200, show_default=True,
              help="With --learners: agencies in the generated tree.")
@click.option("--seed", type=int, default=2026, show_default=True, help="With --learners: the random seed.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="With --learners: the anchor day (default: today, UTC); all generated history lies before it.")
@click.option("--if-absent", is_flag=True,
              help="With --learners: when a national dataset is present already, add nothing and succeed (make run).")
@with_appcontext
def demo_data(force: bool, learners: int | None, agencies: int, seed: int, today: datetime | None,
              if_absent: bool):
    """Create demo agencies and one account per role when the database has no users; print the logins.

    With --learners, then generate a national dataset on top (lms.demo_national) and refresh the dashboard
    snapshot; it refuses to run twice, unless --if-absent makes a second run a no-op.
    """
    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("refusing to create demo accounts with known passwords in production")
    if learners is None:
        if agencies != 200 or seed != 2026 or today is not None or if_absent:
            raise click.UsageError("--agencies, --seed, --today and --if-absent need --learners")
        begin_write(db.session)
        logins = seed_demo(min_length=current_app.config["PASSWORD_MIN_LENGTH"], now=utcnow())
        db.session.commit()
        _print_logins(logins)
        return
    from lms import demo_national as national
    from lms.demo_bulk import rollback_journal
    from lms.reports.snapshots import refresh_snapshot

    if if_absent and national.is_present():
        db.session.rollback()
        click.echo("National demo data is present already; nothing added.")
        _print_logins([], quiet=True)
        return
    began = time.perf_counter()
    options = national.NationalOptions(learners=learners, agencies=agencies, seed=seed,
                                       today=(today or utcnow()).date(), timezone=current_app.config["TIMEZONE"])
    with rollback_journal(db.engine):
        try:
            national.check_can_generate(options)
            begin_write(db.session)
            logins = seed_demo(min_length=current_app.config["PASSWORD_MIN_LENGTH"], now=utcnow())
            national.generate(options, demo_agency_codes=[row[0] for row in DEMO_AGENCIES],
                              admin_email="admin@demo.lms.kz", echo=click.echo)
            db.session.commit()
        except national.NationalDataError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            db.session.close()  # rolls back unless committed; hands the connection back before WAL returns
    # The dashboards (and the national target chart) read the country's counts from the worker's snapshot: count
    # the new data now rather than at the worker's next turn (a fraction of a second for a programme-sized demo).
    refresh_snapshot(now=utcnow())
    db.session.commit()
    click.echo(f"National demo data committed, dashboard snapshot refreshed; {time.perf_counter() - began:.1f} s "
               "in all.")
    _print_logins(logins)


def _print_logins(logins: list[tuple[str, str, str]], *, quiet: bool = False) -> None:
    if not logins:
        existing = set(db.session.scalars(select(User.email).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS]))))
        logins = [(", ".join(sorted(roles)), email, password)
                  for email, _name, _agency, _position, roles, password in DEMO_ACCOUNTS if email in existing]
        if not quiet:
            click.echo("The database has users already; no demo data created.")
        if not logins:
            return
    click.echo("Demo accounts (local use only; passwords as first created):")
    for roles, email, password in logins:
        click.echo(f"  {roles:<18} {email:<25} password: {password}")
