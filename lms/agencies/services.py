"""Reading and changing the agency tree."""

from __future__ import annotations

from sqlalchemy import Select, select

from lms.agencies.models import Agency
from lms.extensions import db


def subtree_ids_query(root_id: int) -> Select:
    """A SELECT of the ids of agency `root_id` and all its descendants (recursive CTE; usable in IN (...))."""
    tree = select(Agency.id).where(Agency.id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Agency.id).where(Agency.parent_id == tree.c.id))
    return select(tree.c.id)


def ancestor_ids_query(agency_id) -> Select:
    """A SELECT of the ids of agency `agency_id` and every agency above it (recursive CTE; usable in IN (...)).

    `agency_id` may be a bindparam, so that a caller can build the statement once and pass the id when executing.
    UNION, not UNION ALL: a cycle in the tree ends the walk instead of looping.
    """
    chain = select(Agency.id, Agency.parent_id).where(Agency.id == agency_id).cte("ancestors", recursive=True)
    chain = chain.union(select(Agency.id, Agency.parent_id).where(Agency.id == chain.c.parent_id))
    return select(chain.c.id)


def list_subtree_ids(root_id: int) -> set[int]:
    """Return the ids of agency `root_id` and every agency below it."""
    return set(db.session.scalars(subtree_ids_query(root_id)))


def is_within(agency_id: int | None, root_id: int | None) -> bool:
    """True when agency `agency_id` is `root_id` or lies below it."""
    if agency_id is None or root_id is None:
        return False
    if agency_id == root_id:
        return True
    return agency_id in list_subtree_ids(root_id)


def get_agency_by_code(code: str) -> Agency | None:
    """Return the agency with this code, or None."""
    return db.session.scalar(select(Agency).where(Agency.code == code))


def list_children(parent_id: int | None, *, only_ids: set[int] | None = None) -> list[Agency]:
    """Return the agencies directly under `parent_id` (the roots when None), ordered by code."""
    query = select(Agency).where(Agency.parent_id == parent_id).order_by(Agency.code)
    if only_ids is not None:
        query = query.where(Agency.id.in_(only_ids))
    return list(db.session.scalars(query))


def list_ancestors(agency: Agency) -> list[Agency]:
    """Return the agencies above `agency`, root first."""
    chain: list[Agency] = []
    seen = {agency.id}
    node = agency.parent
    while node is not None and node.id not in seen:
        chain.append(node)
        seen.add(node.id)
        node = node.parent
    return list(reversed(chain))


def list_tree(root_id: int | None = None) -> list[tuple[Agency, int]]:
    """Return (agency, depth) pairs in depth-first order: the whole forest, or the subtree of `root_id`.

    One query, whatever the size of the tree.
    """
    query = select(Agency).order_by(Agency.code)
    if root_id is not None:
        query = query.where(Agency.id.in_(subtree_ids_query(root_id)))
    nodes = list(db.session.scalars(query))
    ids = {node.id for node in nodes}
    children: dict[int | None, list[Agency]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent, []).append(node)
    ordered: list[tuple[Agency, int]] = []
    stack = [(node, 0) for node in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        ordered.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node.id, [])))
    return ordered


class AgencyError(ValueError):
    """An agency change is refused; the message says why (translated by the caller's locale)."""


def save_agency(agency: Agency | None, *, code: str, names: dict[str, str], parent: Agency | None,
                is_active: bool) -> Agency:
    """Create (agency None) or update an agency; a move keeps its people and history. Flushes.

    Raises AgencyError for a taken code, no name, or a parent that would make a cycle.
    """
    from flask_babel import gettext as _

    code = code.strip()
    other = get_agency_by_code(code)
    if other is not None and other is not agency:
        raise AgencyError(_("The code %(code)s is already used by another agency.", code=code))
    if not any(value.strip() for value in names.values()):
        raise AgencyError(_("Give the agency a name in at least one language."))
    if agency is not None and parent is not None and parent.id in list_subtree_ids(agency.id):
        raise AgencyError(_("An agency cannot be moved under itself or one of its sub-agencies."))
    if agency is None:
        agency = Agency(code=code)
        db.session.add(agency)
    agency.code = code
    agency.name_kk, agency.name_ru, agency.name_en = (names.get(k, "").strip() for k in ("kk", "ru", "en"))
    agency.parent = parent
    agency.is_active = is_active
    db.session.flush()
    return agency
