"""Personal API tokens: making, finding, listing and revoking them.

A token is ``fca_`` followed by 43 random URL-safe characters (32 bytes). Only its
SHA-256 is stored, with its first characters as a visible prefix; the token itself is
shown once, when it is made. Tokens act as their user, and only for a user who can sign
in: an account without a password (the author of imported annotations) cannot use one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from annotator.db.models import ApiToken, User, utcnow

TOKEN_PREFIX = "fca_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # what the lists show: "fca_" and 8 random characters
NAME_MAX_LENGTH = 100
# last_used_at is written at most this often per token, so that reading the API is not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token cannot be made for this user; the message says why."""


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token itself (to show once, never kept)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused("the token needs a name")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenRefused(f"the token name is longer than {NAME_MAX_LENGTH} characters")
    if not user.is_active:
        raise TokenRefused(f"{user.username} cannot sign in, so cannot have API tokens")
    assert user.id is not None  # an active user is a stored one
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(token), prefix=token[:PREFIX_LENGTH])
    session.add(row)
    session.commit()
    return row, token


def authenticate(*, session: Session, token: str) -> User | None:
    """The active user a token (as sent) belongs to, or None for an unknown, revoked or malformed one.

    Records when the token was used, at most once a minute.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or not row.active:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.commit()
    return user


def user_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    )
    return list(session.exec(statement))


def revoke_token(*, session: Session, token: ApiToken, at: datetime | None = None) -> ApiToken:
    """Revoke a token (it answers 401 from now on); revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = at or utcnow()
        session.commit()
    return token
