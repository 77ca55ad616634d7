"""Who wrote an imported item: the user its creator names, found among the users read for its batch, or
a new reviewer without a password, made only once an item of that creator is kept."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from annotator.db.models import User
from annotator.db.search_index import CHUNK
from annotator.domain.text import one_line
from annotator.formats.creators import creator_identity, derived_username, describe_creator
from annotator.formats.interchange import Incoming, Rejected


@dataclass(frozen=True)
class NewAuthor:
    """A user to make for a creator once one of its items is kept."""

    username: str
    display_name: str
    identity: str | None


class Authors:
    """The users a batch's items name, read in two queries (by username and by creator identity).

    Users made for new creators join as their items are kept, so a later item of the batch finds
    them as it would have found them in the database, item after item.
    """

    def __init__(self, session: Session, incomings: Iterable[Incoming]):
        self.session = session
        incomings = list(incomings)
        names = {(i.creator_username or "").strip() for i in incomings} - {""}
        identities = {identity for i in incomings if (identity := creator_identity(i)) is not None}
        self.by_name: dict[str, User] = {}
        self.by_identity: dict[str, User] = {}
        for chunk in _chunks(names):
            found = session.exec(select(User).where(col(User.username).in_(chunk)))
            self.by_name.update((user.username, user) for user in found)
        for chunk in _chunks(identities):
            for user in session.exec(select(User).where(col(User.creator_identity).in_(chunk))):
                assert user.creator_identity is not None  # as the query asked
                self.by_identity[user.creator_identity] = user

    def named(self, incoming: Incoming) -> tuple[User | NewAuthor, str]:
        """The user the file names as author (or the one to make), and a notice for the report when the
        username is not the one the creator's name gives.

        A nickname names the user exactly, as given (an existing account included). A creator without
        one is found by its identity (``creators.creator_identity``: its IRI, else its name) among
        the users earlier imports made; else a user is made with the username its name or IRI gives,
        ``-2``, ``-3``… added when another user (another creator, or a real account) has that name.
        Rejected when the creator gives no usable username.
        """
        nickname = (incoming.creator_username or "").strip()
        identity = creator_identity(incoming)
        if nickname:
            if len(nickname) > 80 or not nickname.isprintable() or any(c.isspace() for c in nickname):
                raise Rejected("The annotation's creator has no usable username (creator.nickname); name a reviewer.")
            user = self.by_name.get(nickname)
            if user is None:
                free = identity is not None and identity not in self.by_identity
                return NewAuthor(nickname, _display_name(incoming, nickname), identity if free else None), ""
            return user, ""
        if identity is None:
            raise Rejected(
                "The annotation's creator has no usable username: no nickname, name or IRI to name a "
                "user by (creator.nickname, creator.name, creator.id); name a reviewer."
            )
        wanted = derived_username(incoming.creator_name, incoming.creator_id)
        found = self.by_identity.get(identity)
        if found is not None:
            if found.username == wanted:
                return found, ""
            return found, f"creator {describe_creator(incoming)} imported as {found.username}, as in an earlier import"
        if wanted is None:
            raise Rejected(
                f"The creator {describe_creator(incoming)} gives no usable username (no Latin letters or "
                "digits in its name or IRI); name a reviewer."
            )
        username = self._free_username(wanted)
        notice = (
            ""
            if username == wanted
            else (f"creator {describe_creator(incoming)} imported as {username}: {wanted} is another creator")
        )
        return NewAuthor(username, _display_name(incoming, username), identity), notice

    def make(self, new: NewAuthor) -> User:
        """Store the user (flushed: it has its id) and know it from now on."""
        user = User(
            username=new.username, display_name=new.display_name, role="reviewer", creator_identity=new.identity
        )
        self.session.add(user)
        self.session.flush()
        self.by_name[user.username] = user
        if new.identity is not None:
            self.by_identity[new.identity] = user
        return user

    def _free_username(self, wanted: str) -> str:
        """``wanted``, or the first of ``wanted-2``, ``wanted-3``… no user has (users made by this
        batch included: they are flushed)."""
        taken = set(
            self.session.exec(select(User.username).where(col(User.username).startswith(wanted, autoescape=True)))
        )
        username, n = wanted, 2
        while username in taken:
            username, n = f"{wanted}-{n}", n + 1
        return username


def _display_name(incoming: Incoming, username: str) -> str:
    return (one_line(incoming.creator_name) or "")[:120] or username


def _chunks(values: set[str]) -> Iterable[list[str]]:
    ordered = sorted(values)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]
