"""Agency pages for HR officers and admins: the tree within their scope, an agency with its people."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.accounts import policy
from lms.accounts.models import User
from lms.agencies import bp
from lms.agencies import services as agencies
from lms.extensions import db

PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    if not policy.can_view_agencies(current_user):
        abort(403)
    root_id = None if policy.is_admin(current_user) else current_user.agency_id
    tree = agencies.list_tree(root_id)
    counts = dict(db.session.execute(
        select(User.agency_id, func.count()).where(User.is_active.is_(True)).group_by(User.agency_id)
    ).all())
    return render_template("agencies/index.html", tree=tree, counts=counts,
                           locale=str(get_locale()))


@bp.get("/<code>")
@login_required
def detail(code: str):
    if not policy.can_view_agencies(current_user):
        abort(403)
    agency = agencies.get_agency_by_code(code)
    if agency is None or not policy.can_view_agency(current_user, agency):
        abort(404)
    page = request.args.get("page", 1, type=int)
    people = db.paginate(
        select(User).where(User.agency_id == agency.id).order_by(User.full_name, User.id),
        page=page, per_page=PAGE_SIZE, error_out=False,
    )
    ancestors = [a for a in agencies.list_ancestors(agency) if policy.can_view_agency(current_user, a)]
    return render_template("agencies/detail.html", agency=agency, people=people, ancestors=ancestors,
                           children=agencies.list_children(agency.id), locale=str(get_locale()))
