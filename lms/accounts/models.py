"""Users, their roles, their signed-in sessions, their identity provider links and the used SAML assertions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from lms.agencies.models import Agency
from lms.db import TimestampMixin, utcnow
from lms.extensions import db


class Role(StrEnum):
    """What a person may do. Everyone signed in may learn; the other roles add to that."""

    LEARNER = "learner"
    AUTHOR = "author"
    HR = "hr"  # scoped to the user's own agency and its sub-agencies
    PROGRAMME = "programme"  # the national programme office: every agency's reports, nothing else
    ADMIN = "admin"


#: Translated role names, for pages.
ROLE_NAMES = {
    Role.LEARNER: _l("Learner"),
    Role.AUTHOR: _l("Course author"),
    Role.HR: _l("HR officer"),
    Role.PROGRAMME: _l("Programme office"),
    Role.ADMIN: _l("Administrator"),
}


class User(TimestampMixin, db.Model):
    """A person with an account: a civil servant, an HR officer, an author or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the unique index makes "A@x" and "a@x" the same person.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    #: Preferred UI language (kk, ru, en); None means "decide from the browser".
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Deactivated by a person (an administrator or HR officer), not by the directory sync or the system: the
    #: directory then never reactivates the account; only a person does. Who did it is in the audit log.
    is_deactivated_by_hand: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: argon2id hash; None for accounts created by import that have not chosen a password yet.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    last_login_at: Mapped[datetime | None]
    #: The stable person id the agency's directory and identity providers share (employee number or IIN); None when
    #: the person came only by hand or CSV without one. Sign-in through a provider and directory sync match on it first.
    employee_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    #: The line manager (from the directory, a provider's claim, the employees CSV or People); never a cycle. People
    #: are deactivated, never deleted, so the reference needs no ON DELETE rule.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Unread notifications in the inbox, kept by lms.notifications in the transaction that delivers or reads them,
    #: so that every page's header shows the count without a statement of its own.
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")

    #: Whether someone active reports directly to this user (not a column): selected with the signed-in user by the
    #: sign-in check, so the "My team" menu item costs no statement; None when the user was loaded another way
    #: (policy.can_view_team then asks the database).
    has_active_reports: Mapped[bool | None] = query_expression()

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="select")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles the user holds."""
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        """True when the user holds `role`."""
        return any(row.role == role for row in self.role_rows)

    def set_roles(self, roles: set[Role] | frozenset[Role]) -> None:
        """Replace the user's roles with exactly `roles`, keeping rows that stay."""
        wanted = {Role(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if Role(row.role) in wanted] + [
            UserRole(role=role.value) for role in sorted(wanted - self.roles)
        ]

    # Flask-Login's interface. is_active is a column above.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class ExternalIdentity(TimestampMixin, db.Model):
    """A person's account at an identity provider (OpenID Connect or SAML), linked to one user.

    A returning sign-in is matched on (provider, subject) before anything else; the link is made the first time,
    by the person id or by a verified e-mail.
    """

    __tablename__ = "external_identities"
    __table_args__ = (db.UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "oidc" or "saml".
    protocol: Mapped[str] = mapped_column(String(8))
    #: The provider's key in the settings (e.g. "egov" for [oidc.egov]); keys are unique across both protocols.
    provider: Mapped[str] = mapped_column(String(64))
    #: The provider's own id of the person (OIDC `sub`, SAML NameID), as the provider sent it.
    subject: Mapped[str] = mapped_column(String(255))
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginSession(db.Model):
    """A signed-in browser session. The cookie carries a random token; only its hash is stored.

    Deleting the row ends the session at once: a copied cookie cannot be replayed after logout,
    a password change or deactivation.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token held in the session cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class SamlAssertion(db.Model):
    """A SAML assertion that has been used to sign in, kept until it expires so that it cannot be used again.

    In the database rather than in process memory, so that every instance behind the load balancer refuses a
    replay; the unique id decides between two instances receiving the same assertion at once.
    """

    __tablename__ = "saml_assertions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assertion's ID attribute, unique per IdP by the SAML rules (and random in practice).
    assertion_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime]
    #: The assertion's NotOnOrAfter (latest of conditions and subject confirmation); purged after it.
    expires_at: Mapped[datetime] = mapped_column(index=True)
