"""A change reads its row once, under the write lock (``db.sql.get_for_change``), and never acts on values
read before it: a row the session held already, read before another user's change, is read again.

Two sessions of the same app stand for two requests: the first reads a row (as a panel does before
the lock), the second changes it and commits, then the first makes its change with the version it saw.
It must be refused (StaleEdit), on both databases.
"""

from __future__ import annotations

import pytest

from annotator.db import sql
from annotator.db.models import Annotation, Span, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.services import adjudication, spans
from annotator.services import annotations as annotation_service
from annotator.services.annotations import StaleEdit
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user
from tests.fixtures.app import PASSWORD

TEXT = "The ministry said 4,000 homes were built last year, twice the year before."
WORDS = "4,000 homes"


@pytest.fixture
def claim(app):
    """A span with a reviewer's submitted annotation; ids of the span, the annotation, the reviewer, two leads."""
    with app.app_context():
        session = db.session()
        reviewer = create_or_update_user(session=session, username="rita", role="reviewer", password=PASSWORD)
        leads = [
            create_or_update_user(session=session, username=name, role="lead", password=PASSWORD)
            for name in ("lena", "leo")
        ]
        article = create_article(session=session, title="Homes", raw_text=TEXT)
        start = TEXT.index(WORDS)
        target = resolve_target(article.text, start=start, end=start + len(WORDS), quote=WORDS)
        annotation = annotation_service.save_annotation(
            session=session,
            user=reviewer,
            article=article,
            target=target,
            verdict="false",
            note="The register says 2,870.",
            sources=[],
            submit=True,
        )
        return annotation.span_id, annotation.id, reviewer.id, [lead.id for lead in leads]


def test_an_edit_on_a_row_read_before_anothers_change_is_refused(app, claim):
    _span_id, annotation_id, reviewer_id, _leads = claim
    with app.app_context():
        first = db.session()
        seen = first.get(Annotation, annotation_id)  # the edit form's read: version 1
        assert seen is not None and seen.version == 1
        with app.app_context():  # another request changes it meanwhile
            other = db.session()
            annotation_service.update_annotation(
                session=other,
                annotation=other.get(Annotation, annotation_id),
                user=other.get(User, reviewer_id),
                verdict="misleading",
                note="Changed elsewhere.",
                sources=[],
                expected_version=1,
            )
        # SQLite: read again under the write lock, though the session held it; PostgreSQL: read again,
        # FOR UPDATE, by lock_current below.
        again = sql.get_for_change(first, Annotation, annotation_id)
        assert again is seen
        with pytest.raises(StaleEdit):
            annotation_service.update_annotation(
                session=first,
                annotation=again,
                user=seen.user,
                verdict="true",
                note="Mine.",
                sources=[],
                expected_version=1,
            )
        first.rollback()
        assert first.get(Annotation, annotation_id).note == "Changed elsewhere."


def test_a_ruling_changed_since_the_panel_read_it_is_refused(app, claim):
    span_id, _annotation_id, _reviewer_id, (lena_id, leo_id) = claim
    with app.app_context():
        session = db.session()
        span = session.get(Span, span_id)
        lena = session.get(User, lena_id)
        adjudication.set_final_verdict(
            session=session,
            span=span,
            lead=lena,
            verdict="false",
            rationale="First.",
            sources=[],
            expected_version=None,
        )
    with app.app_context():
        first = db.session()
        panel_read = spans.final_verdict_of(first, span_id)  # the settle view's claim read, before the lock
        assert panel_read is not None and panel_read.version == 1
        with app.app_context():  # the other lead changes the ruling meanwhile
            other = db.session()
            adjudication.set_final_verdict(
                session=other,
                span=other.get(Span, span_id),
                lead=other.get(User, leo_id),
                verdict="mixed",
                rationale="Second.",
                sources=[],
                expected_version=1,
            )
        with pytest.raises(StaleEdit):
            adjudication.set_final_verdict(
                session=first,
                span=first.get(Span, span_id),
                lead=first.get(User, lena_id),
                verdict="true",
                rationale="Third, on the first one's version.",
                sources=[],
                expected_version=1,
            )
        first.rollback()
        ruling = spans.final_verdict_of(first, span_id, fresh=True)
        assert (ruling.verdict, ruling.rationale, ruling.version) == ("mixed", "Second.", 2)
