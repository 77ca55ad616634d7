"""The desk's rating scale against the verdicts already stored (``domain.verdicts`` reads the file).

At start-up the app refuses a scale file that drops or renames a rating stored verdicts still use,
unless the file maps the old key to a new one under ``[renamed]``; those verdicts then take the new
key (:func:`apply_renames`). ``annotator scale check FILE`` reports the same without starting the app.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import inspect, update
from sqlmodel import Session, func, select

from annotator.db.models import Annotation, FinalVerdict
from annotator.db.sql import table_of
from annotator.domain.verdicts import Scale
from annotator.services import publishing


def stored_counts(*, session: Session) -> Counter[str]:
    """How many stored verdicts use each key: reviewers' (deleted ones too: they can be restored),
    final verdicts, and published claims. Empty when the database has no tables yet."""
    tables = inspect(session.connection())
    if not tables.has_table("annotations"):
        return Counter()
    counts: Counter[str] = Counter()
    for model in (Annotation, FinalVerdict):
        statement = select(model.verdict, func.count()).group_by(model.verdict)
        for key, n in session.exec(statement):
            if key:  # "" is an annotation awaiting a verdict
                counts[key] += n
    if tables.has_table("publications"):
        counts.update(publishing.snapshot_keys(session=session))  # what published pages rate
    return counts


def problems(*, session: Session, scale: Scale) -> list[str]:
    """One line per rating stored verdicts use that ``scale`` drops without mapping it."""
    return scale.stored_problems(stored_counts(session=session))


def apply_renames(*, session: Session, scale: Scale) -> dict[str, int]:
    """Give the verdicts stored under each key of ``[renamed]`` its new key, and the published claims
    their new rating, and commit; how many verdicts of each changed (the database's triggers keep the
    spans' counters). Nothing when none are stored."""
    changed: dict[str, int] = {}
    tables = inspect(session.connection())
    if not scale.renamed or not tables.has_table("annotations"):
        return changed
    for old, new in scale.renamed.items():
        for model in (Annotation, FinalVerdict):
            result = session.connection().execute(
                update(table_of(model)).where(table_of(model).c.verdict == old).values(verdict=new)
            )
            if result.rowcount:
                changed[old] = changed.get(old, 0) + result.rowcount
    if tables.has_table("publications"):
        publishing.rename_in_snapshots(session=session, scale=scale)  # the published pages follow
    session.commit()
    return changed
