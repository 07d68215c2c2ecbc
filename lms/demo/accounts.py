"""Demo data for a local platform: a few agencies, one account per role, and a line manager with a team."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.accounts.services import NewUser, create_user
from lms.agencies.models import Agency
from lms.approvals.services import request_enrollment
from lms.assignments.models import TargetKind
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.services import get_live_course
from lms.demo.programmes import seed_demo_programmes
from lms.demo.team import DEMO_MANAGER, seed_demo_team
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
#: The starter course that needs a line manager's approval (its course.yml says `enrollment_approval: true`): the
#: demo learner and their manager have each asked to enrol in it.
DEMO_APPROVAL_COURSE = "ai-procurement"

#: (email, full name, agency, position, roles, password). Printed by `lms demo-data` (lms.demo.cli); for local use only.
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
    # A learner with no further role to whom people report: "My team" (lms.demo.team); decides the demo learner's
    # enrolment requests (Requests).
    (DEMO_MANAGER, "Ерлан Болатұлы Сейітов", "MDAI-IT", "Начальник управления цифровых сервисов",
     {Role.LEARNER}, "manager-demo-2026"),
]


def login_label(email: str, roles) -> str:
    """How the printed logins name an account's roles (the line manager is a learner with a team)."""
    label = ", ".join(sorted(roles))
    return f"{label} (line manager)" if email == DEMO_MANAGER else label


def seed_demo(*, min_length: int, now: datetime, approval_days: int = 14) -> list[tuple[str, str, str]]:
    """Create the demo agencies and accounts in an empty database; return (role, email, password) rows.

    The demo learner reports to the demo manager; both have asked to enrol in DEMO_APPROVAL_COURSE (when the starter
    courses are synced): the learner's request waits for the manager, the manager's (who has no manager) for the
    ministry's HR officer. `approval_days`: APPROVAL_REQUEST_DAYS.

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
        logins.append((login_label(email, roles), email, password))
    _assign_demo_course(users["hr@demo.lms.kz"], by_code["MDAI"], now=now)
    seed_demo_team(users, hr=users["hr@demo.lms.kz"], now=now, min_length=min_length)
    seed_demo_programmes(hr=users["hr@demo.lms.kz"], now=now)
    _request_demo_approvals([users["learner@demo.lms.kz"], users[DEMO_MANAGER]], now=now, days=approval_days)
    return logins


def _assign_demo_course(hr: User, agency: Agency, *, now: datetime) -> None:
    # The ministry's HR officer makes the foundations course mandatory for the whole ministry, so that a new
    # learner's "My learning" shows an assigned course with a due date (when the starter courses are synced).
    course = get_live_course(DEMO_ASSIGNED_COURSE)
    if course is not None:
        create_assignment(NewAssignment(course=course, due_at=now + timedelta(days=30), target_kind=TargetKind.AGENCY,
                                        agency=agency, include_subagencies=True), actor=hr, now=now)


def _request_demo_approvals(people: list[User], *, now: datetime, days: int) -> None:
    course = get_live_course(DEMO_APPROVAL_COURSE)
    if course is not None and course.enrollment_approval:
        for person in people:
            request_enrollment(person, course, now=now, days=days)
