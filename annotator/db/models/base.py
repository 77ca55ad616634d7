"""What every table shares: UTC timestamps, the roles, id bounds and annotation statuses."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime
from sqlalchemy.types import TypeDecorator

ROLES = ("reviewer", "lead", "admin")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we support: a larger one names no row
# Werkzeug's hash method; tests swap in a cheap one (scrypt is slow on purpose).
DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"
STATUSES = (DRAFT, SUBMITTED, RETURNED)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _timestamp(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)
