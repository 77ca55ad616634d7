"""The spans' counters kept by triggers (migration 0012): equal to a recount after any change, by any
statement the database accepts, and filled in for the annotations of a database upgraded to them.

Every test's ``app`` fixture checks the same at its end (``assert_counters_agree``), so that every
write path of the app (forms, API, imports, versions, the CLI) is covered; here the changes are
arbitrary rows and statements, including those the app never makes (hard deletes, moves, several
rows in one UPDATE).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from annotator.db import migrations
from annotator.db.models import Article, User
from annotator.extensions import db
from annotator.services import highlights, spans
from annotator.services.users import create_or_update_user
from tests.fixtures.app import counters_disagreeing

# Annotations here are rows written with raw SQL, without the search documents the app writes with them.
pytestmark = pytest.mark.raw_annotation_rows

STATUSES = ("draft", "submitted", "returned")
VERDICTS = ("true", "misleading", "false", "")  # a reviewer may keep a draft without a verdict
SPANS, USERS = 4, 3

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("insert"),
            st.integers(0, SPANS - 1),
            st.integers(0, USERS - 1),
            st.sampled_from(STATUSES),
            st.sampled_from(VERDICTS),
        ),
        st.tuples(st.just("verdict"), st.integers(0, 50), st.sampled_from(VERDICTS)),
        st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(STATUSES)),
        st.tuples(st.just("delete_soft"), st.integers(0, 50)),
        st.tuples(st.just("restore"), st.integers(0, 50)),
        st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, SPANS - 1)),
        st.tuples(st.just("delete_hard"), st.integers(0, 50)),
        st.tuples(st.just("submit_all_on"), st.integers(0, SPANS - 1)),
        st.tuples(st.just("rule"), st.integers(0, SPANS - 1)),
        st.tuples(st.just("unrule"), st.integers(0, SPANS - 1)),
        st.tuples(st.just("move_ruling"), st.integers(0, SPANS - 1), st.integers(0, SPANS - 1)),
        st.tuples(st.just("orphan"), st.integers(0, SPANS - 1), st.booleans()),
    ),
    max_size=25,
)


def _pick(connection, sql: str, index: int, **params):
    found = connection.execute(text(sql), params).scalars().all()
    return found[index % len(found)] if found else None


def _apply(connection, operation, span_ids: list[int], user_ids: list[int]) -> None:
    kind, *args = operation
    annotation = "SELECT id FROM annotations WHERE span_id IN ({}) ORDER BY id".format(",".join(map(str, span_ids)))
    if kind == "insert":
        span, user, status, verdict = span_ids[args[0]], user_ids[args[1]], args[2], args[3]
        connection.execute(
            text(
                "INSERT INTO annotations (span_id, user_id, verdict, note, status, return_note, version,"
                " created_at, updated_at, made_on_version)"
                " SELECT :span, :user, :verdict, '', :status, '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1"
                " WHERE NOT EXISTS (SELECT 1 FROM annotations WHERE span_id = :span AND user_id = :user)"
            ),
            {"span": span, "user": user, "status": status, "verdict": verdict},
        )
    elif kind == "status" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(text("UPDATE annotations SET status = :s WHERE id = :id"), {"s": args[1], "id": found})
    elif kind == "verdict" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(text("UPDATE annotations SET verdict = :v WHERE id = :id"), {"v": args[1], "id": found})
    elif kind == "delete_soft" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(text("UPDATE annotations SET deleted_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": found})
    elif kind == "restore" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(text("UPDATE annotations SET deleted_at = NULL WHERE id = :id"), {"id": found})
    elif kind == "move" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(
            text(
                "UPDATE annotations SET span_id = :to WHERE id = :id AND NOT EXISTS (SELECT 1 FROM annotations o"
                " WHERE o.span_id = :to AND o.user_id = (SELECT user_id FROM annotations WHERE id = :id))"
            ),
            {"to": span_ids[args[1]], "id": found},
        )
    elif kind == "delete_hard" and (found := _pick(connection, annotation, args[0])) is not None:
        connection.execute(text("DELETE FROM annotations WHERE id = :id"), {"id": found})
    elif kind == "submit_all_on":
        connection.execute(
            text("UPDATE annotations SET status = 'submitted' WHERE span_id = :s"), {"s": span_ids[args[0]]}
        )
    elif kind == "rule":
        connection.execute(
            text(
                "INSERT INTO final_verdicts (span_id, verdict, rationale, cited_sources, lead_id, version,"
                " created_at, updated_at)"
                " SELECT :span, 'false', '', '[]', :lead, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
                " WHERE NOT EXISTS (SELECT 1 FROM final_verdicts WHERE span_id = :span)"
            ),
            {"span": span_ids[args[0]], "lead": user_ids[0]},
        )
    elif kind == "unrule":
        connection.execute(text("DELETE FROM final_verdicts WHERE span_id = :s"), {"s": span_ids[args[0]]})
    elif kind == "move_ruling":
        connection.execute(
            text(
                "UPDATE final_verdicts SET span_id = :to WHERE span_id = :from"
                " AND NOT EXISTS (SELECT 1 FROM final_verdicts WHERE span_id = :to)"
            ),
            {"from": span_ids[args[0]], "to": span_ids[args[1]]},
        )
    elif kind == "orphan":
        state = "orphaned" if args[1] else "original"
        connection.execute(
            text("UPDATE spans SET anchor_state = :s WHERE id = :id"), {"s": state, "id": span_ids[args[0]]}
        )


def _setup(app) -> tuple[list[int], list[int]]:
    """Spans on the demo article at ranges no save of the app uses, and the demo's users."""
    with app.app_context(), db.engine().begin() as connection:
        existing = connection.execute(text("SELECT id FROM spans WHERE start >= 5000 ORDER BY id")).scalars().all()
        if not existing:
            for n in range(SPANS):
                connection.execute(
                    text(
                        'INSERT INTO spans (article_id, start, "end", quote, prefix, suffix, anchor_state,'
                        " anchored_version, created_at) VALUES (1, :s, :e, 'words', '', '', 'original', 1,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {"s": 5000 + 10 * n, "e": 5005 + 10 * n},
                )
            existing = connection.execute(text("SELECT id FROM spans WHERE start >= 5000 ORDER BY id")).scalars().all()
    with app.app_context():
        session = db.session()
        users = [
            create_or_update_user(session=session, username=f"counted{n}", role="reviewer", password=None).id
            for n in range(USERS)
        ]
        session.commit()
    return list(existing), users


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_counters_equal_a_recount_after_any_change(app, steps):
    span_ids, user_ids = _setup(app)
    with app.app_context():
        engine = db.engine()
        for step in steps:
            with engine.begin() as connection:
                _apply(connection, step, span_ids, user_ids)
            assert counters_disagreeing(engine) == [], step


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_the_counters_the_save_returns_are_the_page_counts_for_every_viewer(app, steps):
    """``highlights.paragraphs`` sums the counters; ``spans.listed_counts`` counts the annotations one by one."""
    span_ids, user_ids = _setup(app)
    with app.app_context():
        with db.engine().begin() as connection:
            for step in steps:
                _apply(connection, step, span_ids, user_ids)
        session = db.session()
        article = session.get(Article, 1)
        for user in session.exec(select(User)).all():
            found = highlights.paragraphs(session=session, article=article, viewer=user, within=(0, 0), threshold=1.0)
            expected = spans.listed_counts(session=session, article=article, viewer=user)
            assert (found.claim_count, found.annotation_count) == expected, (user.username, steps)
        session.close()


def test_upgrading_fills_in_the_counters_of_existing_annotations(app):
    """A database of the release before (0011) with annotations of every kind and a ruling: the upgrade
    counts them, and the triggers go on from there."""
    span_ids, user_ids = _setup(app)
    with app.app_context():
        engine = db.engine()
        migrations.downgrade(engine, "0011")
        with engine.begin() as connection:
            for step in [
                ("insert", 0, 0, "draft", "true"),
                ("insert", 0, 1, "submitted", "misleading"),
                ("insert", 1, 1, "returned", "false"),
                ("insert", 2, 2, "submitted", "true"),
                ("delete_soft", 3),
                ("rule", 1),
                ("rule", 3),
            ]:
                _apply(connection, step, span_ids, user_ids)
        migrations.upgrade(engine)
        with engine.connect() as connection:
            counted = connection.execute(
                text(
                    "SELECT id, live_annotations, shared_annotations, verdict_low, verdict_high, settled"
                    " FROM spans WHERE start >= 5000"
                )
            ).all()
        rows = {span: (*values[:-1], bool(values[-1])) for span, *values in counted}
        assert [rows[s] for s in span_ids] == [
            (2, 1, "misleading", "misleading", False),
            (1, 1, "false", "false", True),
            (0, 0, None, None, False),
            (0, 0, None, None, True),
        ]
        with engine.begin() as connection:
            _apply(connection, ("status", 0, "submitted"), span_ids, user_ids)
        assert counters_disagreeing(engine) == []
