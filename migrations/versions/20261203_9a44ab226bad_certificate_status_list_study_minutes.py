"""Certificates: a place in a W3C Bitstring Status List (status_list, status_index; revocation for generic verifiers),
the study time in minutes (printed as hours and minutes), and the top of the learner's agency chain (the ministry of
a department).

Existing certificates get a random place each (in issue order, 65,536 per list of 131,072 entries, as the service
assigns them); their study time is the course's current estimate when it still rounds to the hours recorded, else the
hours recorded; their ministry is the top of the learner's current agency chain when that agency still has the names
recorded on the certificate, else none.

Revision ID: 9a44ab226bad
Revises: 7ab3fc8a83f3
Create Date: 2026-12-03 12:00:00.000000

"""
import random

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a44ab226bad'
down_revision = '7ab3fc8a83f3'
branch_labels = None
depends_on = None

#: As lms.certificates.status_list at the time of writing (migrations do not import the app).
LIST_LENGTH = 131_072
LIST_FILL = LIST_LENGTH // 2

certificates = sa.table(
    'certificates', sa.column('id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('course_id', sa.Integer()), sa.column('agency_names', sa.JSON()), sa.column('hours', sa.Double()),
    sa.column('top_agency_names', sa.JSON()), sa.column('study_minutes', sa.Integer()),
    sa.column('status_list', sa.Integer()), sa.column('status_index', sa.Integer()))
users = sa.table('users', sa.column('id', sa.Integer()), sa.column('agency_id', sa.Integer()))
courses = sa.table('courses', sa.column('id', sa.Integer()), sa.column('estimated_minutes', sa.Integer()))
agencies = sa.table('agencies', sa.column('id', sa.Integer()), sa.column('parent_id', sa.Integer()),
                    sa.column('name_kk', sa.String()), sa.column('name_ru', sa.String()),
                    sa.column('name_en', sa.String()))


def _backfill():
    conn = op.get_bind()
    tree = {row.id: row for row in conn.execute(sa.select(agencies))}
    agency_of = dict(conn.execute(sa.select(users.c.id, users.c.agency_id)).all())
    minutes_of = dict(conn.execute(sa.select(courses.c.id, courses.c.estimated_minutes)).all())
    rows = conn.execute(sa.select(certificates.c.id, certificates.c.user_id, certificates.c.course_id,
                                  certificates.c.agency_names, certificates.c.hours)
                        .order_by(certificates.c.id)).all()
    draw = random.SystemRandom()
    places = []
    for start in range(0, len(rows), LIST_FILL):
        count = min(LIST_FILL, len(rows) - start)
        places += [(start // LIST_FILL + 1, index) for index in draw.sample(range(LIST_LENGTH), count)]
    updates = []
    for row, (number, index) in zip(rows, places):
        estimate = minutes_of.get(row.course_id)
        minutes = estimate if estimate is not None and round(estimate / 60, 1) == row.hours else round(row.hours * 60)
        updates.append({'b_id': row.id, 'b_top': _top_names(tree, agency_of.get(row.user_id), row.agency_names),
                        'b_minutes': minutes, 'b_list': number, 'b_index': index})
    if updates:
        conn.execute(certificates.update().where(certificates.c.id == sa.bindparam('b_id')).values(
            top_agency_names=sa.bindparam('b_top'), study_minutes=sa.bindparam('b_minutes'),
            status_list=sa.bindparam('b_list'), status_index=sa.bindparam('b_index')), updates)


def _names(agency):
    return {'kk': agency.name_kk, 'ru': agency.name_ru, 'en': agency.name_en}


def _top_names(tree, agency_id, recorded):
    agency = tree.get(agency_id)
    if agency is None or _names(agency) != (recorded or {}):
        return {}  # the learner moved, or the agency was renamed: what was true at issue is not known
    top, seen = agency, {agency.id}
    while top.parent_id is not None and top.parent_id in tree and top.parent_id not in seen:
        top = tree[top.parent_id]
        seen.add(top.id)
    return _names(top) if top.id != agency.id else {}


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('top_agency_names', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('study_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_list', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
    _backfill()
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('top_agency_names', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('study_minutes', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('status_list', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('status_index', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_status_list_status_index'),
                                          ['status_list', 'status_index'])


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_status_list_status_index'), type_='unique')
        batch_op.drop_column('status_index')
        batch_op.drop_column('status_list')
        batch_op.drop_column('study_minutes')
        batch_op.drop_column('top_agency_names')
