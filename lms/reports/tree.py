"""The agency tree held in memory for one report: a few hundred rows, loaded in one query, so that rolling counts
up through the hierarchy and working out scopes costs no further queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms.agencies.models import Agency
from lms.extensions import db
from lms.i18n import localized


@dataclass(frozen=True)
class Node:
    """One agency, detached from the session."""

    id: int
    code: str
    parent_id: int | None
    names: dict[str, str]
    is_active: bool

    def name_in(self, locale: str) -> str:
        """The agency's name in `locale`, falling back to another language, then to the code."""
        return localized(self.names, locale) or self.code


@dataclass
class AgencyTree:
    """Every agency, with parent and child links."""

    nodes: dict[int, Node]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> AgencyTree:
        """Read the whole tree (one query)."""
        rows = db.session.execute(select(Agency.id, Agency.code, Agency.parent_id, Agency.name_kk, Agency.name_ru,
                                         Agency.name_en, Agency.is_active).order_by(Agency.code)).all()
        nodes = {row.id: Node(row.id, row.code, row.parent_id, {"kk": row.name_kk, "ru": row.name_ru,
                                                                 "en": row.name_en}, row.is_active) for row in rows}
        children: dict[int | None, list[int]] = {}
        for node in nodes.values():
            parent = node.parent_id if node.parent_id in nodes else None
            children.setdefault(parent, []).append(node.id)
        return cls(nodes, children)

    def subtree(self, root_id: int) -> list[int]:
        """`root_id` and every agency below it (a cycle, which the editor refuses, cannot loop forever)."""
        found, stack, seen = [], [root_id], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(self.children.get(current, []))
        return found

    def ancestors(self, agency_id: int) -> list[Node]:
        """The agencies above `agency_id`, root first."""
        chain, seen = [], {agency_id}
        parent = self.nodes[agency_id].parent_id
        while parent is not None and parent in self.nodes and parent not in seen:
            chain.append(self.nodes[parent])
            seen.add(parent)
            parent = self.nodes[parent].parent_id
        return list(reversed(chain))

    def child_nodes(self, agency_id: int | None) -> list[Node]:
        """The agencies directly under `agency_id` (the top-level agencies for None), by code."""
        return [self.nodes[child] for child in self.children.get(agency_id, [])]
