"""An assignment is the enrolment: everyone a live assignment applies to (active, in its agency chain or position, or
named) and not yet enrolled in its course gets an enrolment ("assignment"), dated from the assignment (or from
when the person's account was made, if later), with an "enrolled" activity. Data only.

Revision ID: 5e1f0b7c2d84
Revises: 9a44ab226bad
Create Date: 2026-12-04 09:00:00.000000

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0b7c2d84'
down_revision = '9a44ab226bad'
branch_labels = None
depends_on = None

assignments = sa.table(
    'assignments', sa.column('id', sa.Integer()), sa.column('course_id', sa.Integer()),
    sa.column('target_kind', sa.String()), sa.column('agency_id', sa.Integer()),
    sa.column('include_subagencies', sa.Boolean()), sa.column('position', sa.String()),
    sa.column('created_by_id', sa.Integer()), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('cancelled_at', sa.DateTime(timezone=True)))
assignment_users = sa.table('assignment_users', sa.column('assignment_id', sa.Integer()),
                            sa.column('user_id', sa.Integer()))
courses = sa.table('courses', sa.column('id', sa.Integer()), sa.column('version', sa.String()),
                   sa.column('is_retired', sa.Boolean()))
agencies = sa.table('agencies', sa.column('id', sa.Integer()), sa.column('parent_id', sa.Integer()))
users = sa.table('users', sa.column('id', sa.Integer()), sa.column('agency_id', sa.Integer()),
                 sa.column('position', sa.String()), sa.column('is_active', sa.Boolean()),
                 sa.column('created_at', sa.DateTime(timezone=True)))
enrollments = sa.table('enrollments', sa.column('user_id', sa.Integer()), sa.column('course_id', sa.Integer()),
                       sa.column('source', sa.String()), sa.column('enrolled_at', sa.DateTime(timezone=True)),
                       sa.column('lessons_completed', sa.Integer()))
activities = sa.table('activities', sa.column('at', sa.DateTime(timezone=True)), sa.column('user_id', sa.Integer()),
                      sa.column('actor_id', sa.Integer()), sa.column('verb', sa.String()),
                      sa.column('course_id', sa.Integer()), sa.column('content_version', sa.String()),
                      sa.column('details', sa.JSON()))


def _subtree(children: dict, root: int) -> set:
    seen, stack = set(), [root]
    while stack:  # a cycle in the tree ends the walk (seen), as the app's UNION CTE does
        agency = stack.pop()
        if agency not in seen:
            seen.add(agency)
            stack.extend(children.get(agency, ()))
    return seen


def upgrade():
    # As lms.learning.assignments.list_assignees at the time of writing (migrations do not import the app).
    bind = op.get_bind()
    live = bind.execute(sa.select(assignments, courses.c.version).join(courses, courses.c.id == assignments.c.course_id)
                        .where(assignments.c.cancelled_at.is_(None), courses.c.is_retired.is_(False))
                        .order_by(assignments.c.id)).all()
    if not live:
        return
    children = defaultdict(list)
    for agency_id, parent_id in bind.execute(sa.select(agencies.c.id, agencies.c.parent_id)):
        if parent_id is not None:
            children[parent_id].append(agency_id)
    people = bind.execute(sa.select(users.c.id, users.c.agency_id, users.c.position, users.c.created_at)
                          .where(users.c.is_active.is_(True))).all()
    by_id = {person.id: person for person in people}
    named = defaultdict(set)
    for assignment_id, user_id in bind.execute(sa.select(assignment_users)):
        named[assignment_id].add(user_id)
    enrolled = set(bind.execute(sa.select(enrollments.c.user_id, enrollments.c.course_id)).all())
    due = {}  # (user id, course id) -> (enrolment time, course version, who assigned)
    for a in live:
        if a.target_kind == 'users':
            targets = [by_id[user_id] for user_id in named[a.id] if user_id in by_id]
        else:
            scope = _subtree(children, a.agency_id) if a.include_subagencies else {a.agency_id}
            targets = [p for p in people if p.agency_id in scope and (
                a.target_kind == 'agency' or (p.position or '').lower() == (a.position or '').lower())]
        for person in targets:
            key = (person.id, a.course_id)
            if key in enrolled:
                continue
            at = max(a.created_at, person.created_at) if person.created_at is not None else a.created_at
            if key not in due or at < due[key][0]:
                due[key] = (at, a.version, a.created_by_id)
    rows = sorted(due.items())
    for start in range(0, len(rows), 1000):
        batch = rows[start:start + 1000]
        op.bulk_insert(enrollments, [{'user_id': user_id, 'course_id': course_id, 'source': 'assignment',
                                      'enrolled_at': at, 'lessons_completed': 0}
                                     for (user_id, course_id), (at, _version, _by) in batch])
        op.bulk_insert(activities, [{'at': at, 'user_id': user_id, 'actor_id': by, 'verb': 'enrolled',
                                     'course_id': course_id, 'content_version': version,
                                     'details': {'source': 'assignment'}}
                                    for (user_id, course_id), (at, version, by) in batch])


def downgrade():
    pass  # the enrolments stay: learners may have made progress in them since
