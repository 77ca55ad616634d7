"""Accounts: users and their personal API tokens."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Index, String
from sqlmodel import Field, Relationship, SQLModel
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.db.models.base import _timestamp, utcnow

if TYPE_CHECKING:  # for the annotations only: the mapper finds the class by its name
    from annotator.db.models.claims import Annotation


# Read at each call (tests set a cheaper one on this module).
PASSWORD_HASH_METHOD = "scrypt"


class User(SQLModel, table=True):
    __tablename__ = "users"
    # One user per imported creator: the import finds the user it made for a creator by this.
    __table_args__ = (Index("uq_users_creator_identity", "creator_identity", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(80), unique=True, nullable=False))
    display_name: str = Field(max_length=120)
    role: str = Field(default="reviewer", max_length=20)
    # None: an account that cannot sign in (e.g. the author of imported annotations).
    password_hash: str | None = Field(default=None, max_length=256)
    # Copied into the session cookie at sign-in; raising it (sign-out, new password or role,
    # deactivation) ends every session signed in before (annotator.web.auth).
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    # For a user an import made for a file's creator: which creator it stands for (its IRI, or
    # "name:" and its name; see interchange.creator_identity). None for every other account.
    creator_identity: str | None = Field(default=None, max_length=500)

    annotations: list["Annotation"] = Relationship(back_populates="user")

    # Flask-Login's user protocol.
    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_lead(self) -> bool:
        return self.role in ("lead", "admin")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)


class ApiToken(SQLModel, table=True):
    """A personal API token: the API acts as its user. Only the token's SHA-256 is stored;
    the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=100)
    # Hex SHA-256 of the whole token: what a request's token is looked up by.
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    # The token's first characters, shown in lists so that its owner can tell tokens apart.
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    last_used_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))

    user: User = Relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
