"""User accounts: the name a sign-in means, finding, creating and changing accounts, and ending their
sessions (every signed-in cookie carries the account's ``session_version``; raising it signs them out)."""

from __future__ import annotations

import unicodedata

from sqlalchemy import update
from sqlmodel import Session, col, select

from annotator.db.models import ROLES, User


def login_name(raw: object) -> str:
    """The username a sign-in names: without control or format characters, NFC, trimmed.

    The one normalisation behind both finding the account and counting failed sign-ins
    against it, so that no spelling of a name reaches the account in a bucket of its own.
    """
    if not isinstance(raw, str):
        return ""
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cf"))
    return unicodedata.normalize("NFC", kept).strip()


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def user_signing_in(session: Session, raw: object) -> User | None:
    """The account a sign-in names: by its normalised name (``login_name``), else, for an account named
    before names were normalised (one holding an invisible character such as a zero-width non-joiner,
    or not in NFC), by the name exactly as typed. Either way the sign-in limit counts against the
    normalised name, so no spelling gets guesses of its own."""
    name = login_name(raw)
    user = find_user(session, name) if name else None
    if user is None and isinstance(raw, str) and raw.strip() not in ("", name):
        user = find_user(session, raw.strip())
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign ``user`` out everywhere: every session cookie made so far stops working (not committed)."""
    if user.id is not None:
        session.execute(
            update(User)
            .where(col(User.id) == user.id)
            .values(session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        session.expire(user, ["session_version"])


def create_or_update_user(
    *, session: Session, username: str, role: str, password: str | None, display_name: str | None = None
) -> User:
    """Create a user, or update the role (and password, when given) of an existing one.

    A new role or password ends the user's sessions (signed in with the old ones)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    user = find_user(session, username)
    if user is None:
        user = User(username=username, display_name=display_name or username.title(), role=role)
    else:
        if user.role != role or password is not None:
            end_sessions(session, user)
        user.role = role
        if display_name:
            user.display_name = display_name
    if password is not None:
        user.set_password(password)
    session.add(user)
    session.commit()
    return user


def deactivate_user(*, session: Session, user: User) -> User:
    """Stop an account from signing in (and its API tokens from working); its work stays."""
    end_sessions(session, user)
    user.password_hash = None
    session.add(user)
    session.commit()
    return user
