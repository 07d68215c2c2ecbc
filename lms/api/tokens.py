"""Personal API tokens: created and revoked by their owner, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from lms.accounts.models import User
from lms.api.models import ApiToken
from lms.extensions import db

PREFIX = "lms_"
MAX_ACTIVE = 10


class TokenLimitReached(Exception):
    """The user already has MAX_ACTIVE live tokens."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the token itself (which is never stored and cannot be shown again)."""
    if len(list_tokens(user)) >= MAX_ACTIVE:
        raise TokenLimitReached()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=_digest(secret), prefix=secret[:12],
                     created_at=now)
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    """The user's live (not revoked) tokens, newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_token_for(user: User, token_id: int) -> ApiToken | None:
    """The user's own live token with this id; None for anyone else's (so it is not found)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                                                    ApiToken.revoked_at.is_(None)))


def revoke_token(token: ApiToken, *, now: datetime) -> None:
    """Stop the token working at once."""
    token.revoked_at = now


def authenticate(secret: str, *, now: datetime) -> User | None:
    """The active owner of a live token, or None. Marks the token used (at most once a minute)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret),
                                                     ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return token.user
