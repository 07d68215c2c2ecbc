"""The demo line manager's team (lms.demo.accounts): direct reports and one level below them, with learning in
mixed states, so that "My team" is not empty after `make run`.

Everything goes through the real services (enrolment, lessons, quiz attempts with right or no answers, the outcome
use case that completes a course and issues its certificate, an assignment by name that is overdue), at times before
`now`. Courses that are not synced are left out; the demo learner (learner@demo.lms.kz) reports to the manager but
keeps their own learning as plain demo data left it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lms.accounts.managers import set_managers
from lms.accounts.models import Role, User
from lms.accounts.services import NewUser, create_user
from lms.assignments.models import TargetKind
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import NewAssignment, create_assignment, enrol_in_assigned_courses
from lms.courses.models import Course
from lms.courses.services import get_current_quiz, get_live_course, list_live_lessons
from lms.learning.services import enroll
from lms.questions import right_answer
from lms.quizzes import services as quizzes

#: The demo line manager (one of DEMO_ACCOUNTS).
DEMO_MANAGER = "manager@demo.lms.kz"
#: (email, full name, position, manager's email) of the team: three direct reports (the demo learner among them) and
#: two people below the team lead. They have no password: only the manager and the learner sign in.
DEMO_TEAM = [
    ("learner@demo.lms.kz", None, None, DEMO_MANAGER),
    ("daniyar.zhumabayev@demo.lms.kz", "Данияр Асқарұлы Жұмабаев", "Главный эксперт", DEMO_MANAGER),
    ("maria.li@demo.lms.kz", "Мария Викторовна Ли", "Ведущий специалист", DEMO_MANAGER),
    ("assel.kassenova@demo.lms.kz", "Әсел Нұрланқызы Касенова", "Специалист", "daniyar.zhumabayev@demo.lms.kz"),
    ("timur.abenov@demo.lms.kz", "Тимур Ержанұлы Әбенов", "Специалист", "daniyar.zhumabayev@demo.lms.kz"),
]
TEAM_AGENCY = "MDAI-IT"
#: The courses the team's learning uses (starter courses), in this order: the one the ministry must take, a second
#: one, and one the HR officer assigns by name with a due date already past.
TEAM_COURSES = ("ai-foundations", "generative-ai-at-work", "data-protection-and-ai")


def _finish_lessons(user: User, course: Course, *, at: datetime, count: int | None = None) -> None:
    """Mark the first `count` live lessons (all when None) as finished, a day apart, ending at `at`."""
    lessons = list_live_lessons(course)
    chosen = lessons if count is None else lessons[:count]
    for index, lesson in enumerate(chosen):
        record_course_outcome(user, course, now=at - timedelta(days=len(chosen) - index), language="ru",
                              lesson=lesson, lessons=lessons)


def _take_quiz(user: User, course: Course, *, at: datetime, right: bool) -> None:
    """An attempt at the final quiz, every answer right (it passes) or none given (it fails), then the outcome."""
    attempt = quizzes.start_attempt(user, course, now=at, language="ru")
    questions = quizzes.questions_by_id(attempt)
    answers = {qid: answer for qid in attempt.layout["questions"]
               if right and (answer := right_answer(questions[qid])) is not None}
    quizzes.submit_attempt(attempt, answers, now=at + timedelta(minutes=12))
    record_course_outcome(user, course, now=at + timedelta(minutes=12), language="ru")


def _complete(user: User, course: Course, *, at: datetime, failed_first: bool = False) -> None:
    enroll(user, course, now=at - timedelta(days=20))
    _finish_lessons(user, course, at=at - timedelta(days=1))
    if get_current_quiz(course) is None:
        return
    if failed_first:
        _take_quiz(user, course, at=at - timedelta(hours=20), right=False)
    _take_quiz(user, course, at=at, right=True)


def seed_demo_team(users: dict[str, User], *, hr: User, now: datetime, min_length: int) -> None:
    """Create the team's people (in TEAM_AGENCY), set their managers, and give them learning in mixed states:
    completed with a certificate, in progress, not started, overdue. Flush only."""
    people = dict(users)
    for email, name, position, _manager in DEMO_TEAM:
        if email not in people:
            people[email] = create_user(NewUser(email=email, full_name=name, agency_code=TEAM_AGENCY,
                                                position=position, roles=frozenset({Role.LEARNER})),
                                        min_length=min_length)
    set_managers([(people[email], people[manager]) for email, _name, _position, manager in DEMO_TEAM],
                 actor=None, now=now)
    courses = [get_live_course(key) for key in TEAM_COURSES]
    if any(course is None for course in courses):
        return  # the starter courses are not synced: the team is there, without learning
    required, second, mandatory = courses
    daniyar, maria, assel, timur = (people[row[0]] for row in DEMO_TEAM[1:])
    # The HR officer names two of them for data protection, due ten days ago: both are overdue.
    create_assignment(NewAssignment(course=mandatory, due_at=now - timedelta(days=10), target_kind=TargetKind.USERS,
                                    users=(maria, assel)), actor=hr, now=now - timedelta(days=40))
    _complete(daniyar, required, at=now - timedelta(days=30))  # completed, certificate
    enroll(daniyar, second, now=now - timedelta(days=12))
    _finish_lessons(daniyar, second, at=now - timedelta(days=2), count=2)  # in progress
    _complete(assel, required, at=now - timedelta(days=8), failed_first=True)  # a failed, then a passed attempt
    _finish_lessons(assel, mandatory, at=now - timedelta(days=15), count=1)  # overdue, in progress
    enroll(maria, required, now=now - timedelta(days=20))
    _finish_lessons(maria, required, at=now - timedelta(days=5), count=1)  # in progress; data protection overdue
    for person in (daniyar, maria, assel, timur):  # the ministry's course (Timur: nothing started), as they joined
        enrol_in_assigned_courses(person, now=now)
