"""services.imports stores items in batches (one transaction each) and says and stores exactly what storing
them one at a time did: the same report, line for line and ids included, the same rows, history, search
documents and live changes. A failing item is reported alone; the others of its batch are kept.
Runs on SQLite, and on PostgreSQL under `make test-pg`."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

import pytest
from sqlalchemy import insert
from sqlmodel import select

from annotator.db import live_marker, search_index
from annotator.db.models import (
    Annotation,
    Article,
    Event,
    FinalVerdict,
    LiveChange,
    SearchDocument,
    Source,
    Span,
    User,
)
from annotator.extensions import db
from annotator.formats.interchange import W3C
from annotator.services import history, import_authors, import_batch, imports
from tests.fixtures.app import CLAIM, make_app
from tests.fixtures.imports import SECOND, item

SETTLED_QUOTE = "Thomas Graham, a Russian foreign policy expert"
FOURTH = "Putin aims to exploit perceived Western political dysfunction"
FIFTH = "Ukraine would become increasingly outgunned"
GONE = "words long gone from the article"
ALSO_GONE = "other words that were never there"


def by(creator: dict, quote: str, **fields) -> dict:
    """An item whose creator is given as other tools give it (a name, an IRI, no nickname)."""
    return {**item(quote, **fields), "creator": {"type": "Person", **creator}}


# Every path an item can take, several in one batch: spans shared, new and stored; orphans new and
# stored; duplicates of stored verdicts and of earlier items; creators made, found, renamed.
TRICKY = [
    item(CLAIM, nickname="reviewer"),  # 1 rejected: stored before (the setup)
    item(FOURTH, nickname="ann"),  # 2 imported: a new span, a new user
    item(FOURTH, nickname="bob"),  # 3 imported: the same new span
    item(FOURTH, nickname="ann", verdict="False"),  # 4 rejected: ann judged it in item 2
    item(SETTLED_QUOTE, nickname="cy"),  # 5 rejected: settled; cy is not made
    item(GONE, nickname="ann"),  # 6 orphaned: the stored orphan
    item(ALSO_GONE, nickname="bob"),  # 7 orphaned: a new orphan
    item(ALSO_GONE, nickname="cy"),  # 8 orphaned: the same new orphan; cy made now
    item(CLAIM, verdict="Pants on fire", nickname="dee"),  # 9 rejected by the form; dee is not made
    "not an annotation",  # 10 rejected
    item(SECOND, start=3, nickname="ann"),  # 11 re-anchored
    by({"name": "Jane Doe", "id": "https://other.example/jane"}, FIFTH),  # 12 jane-doe
    by({"name": "Jane Doe"}, FIFTH),  # 13 jane-doe-2: another creator of that name
    by({"name": "J. Doe", "id": "https://other.example/jane"}, CLAIM),  # 14 jane-doe, as before
    item(FIFTH, nickname="ann", note="Two sources", sources=["https://a.example/1", "https://a.example/2"]),  # 15
    item(FIFTH, nickname="ann"),  # 16 rejected: ann judged it in item 15
    item(CLAIM, nickname="jane-doe"),  # 17 rejected: jane-doe judged it in item 14
    item(SECOND, nickname="ann", verdict="True"),  # 18 rejected: item 11 (re-anchored onto these words)
    item(CLAIM, nickname="   "),  # 19 rejected: no usable creator
    item("", nickname="eve"),  # 20 rejected: no quote
]
OUTCOMES = [
    "rejected",
    "imported",
    "imported",
    "rejected",
    "rejected",
    "orphaned",
    "orphaned",
    "orphaned",
    "rejected",
    "rejected",
    "re-anchored",
    "imported",
    "imported",
    "imported",
    "imported",
    "rejected",
    "rejected",
    "rejected",
    "rejected",
    "rejected",
]


def run_import(app, items, *, batch_size=None, **options) -> list[imports.ItemReport]:
    with app.app_context():
        session = db.session()
        article = session.exec(select(Article).order_by(Article.id)).first()
        return list(
            imports.import_items(
                session=session, file_format=W3C, items=items, article=article, batch_size=batch_size, **options
            )
        )


def prepare(app) -> None:
    """What the database holds before: a verdict on CLAIM, a settled claim, an orphan."""
    setup = [item(CLAIM, nickname="reviewer"), item(SETTLED_QUOTE, nickname="reviewer"), item(GONE, nickname="lead")]
    assert [r.outcome for r in run_import(app, setup)] == ["imported", "imported", "orphaned"]
    with app.app_context():
        session = db.session()
        span = session.exec(select(Span).where(Span.quote == SETTLED_QUOTE)).one()
        lead = session.exec(select(User).where(User.username == "lead")).one()
        session.add(FinalVerdict(span_id=span.id, verdict="false", lead_id=lead.id))
        session.commit()


def snapshot(app) -> dict:
    """Every row an import writes (but times), the search documents and the live changes (but revisions)."""
    with app.app_context():
        session = db.session()

        def table(*columns, order):
            return [tuple(row) for row in session.execute(select(*columns).order_by(order))]

        return {
            "spans": table(
                Span.id,
                Span.article_id,
                Span.start,
                Span.end,
                Span.quote,
                Span.prefix,
                Span.suffix,
                Span.anchor_state,
                Span.anchored_version,
                order=Span.id,
            ),
            "annotations": table(
                Annotation.id,
                Annotation.span_id,
                Annotation.user_id,
                Annotation.verdict,
                Annotation.note,
                Annotation.status,
                Annotation.version,
                Annotation.made_on_version,
                order=Annotation.id,
            ),
            "sources": table(
                Source.id, Source.annotation_id, Source.position, Source.url, Source.title, order=Source.id
            ),
            "events": table(
                Event.id, Event.span_id, Event.annotation_id, Event.user_id, Event.action, Event.after, order=Event.id
            ),
            "users": table(User.id, User.username, User.display_name, User.role, User.creator_identity, order=User.id),
            "documents": table(
                SearchDocument.annotation_id,
                SearchDocument.quote,
                SearchDocument.note,
                SearchDocument.sources,
                order=SearchDocument.annotation_id,
            ),
            "changes": Counter(
                tuple(row)
                for row in session.execute(
                    select(
                        LiveChange.kind,
                        LiveChange.span_id,
                        LiveChange.annotation_id,
                        LiveChange.private_to,
                        LiveChange.actor_id,
                    )
                )
            ),
            "stale documents": search_index.stale_documents(session),
        }


def imported_with(tmp_path, batch_size: int) -> tuple[list[dict], dict]:
    """The tricky file imported into a fresh database (on PostgreSQL: the same one, emptied)."""
    app = make_app(tmp_path / f"batch-{batch_size}.sqlite3")
    try:
        prepare(app)
        reports = [asdict(report) for report in run_import(app, TRICKY, batch_size=batch_size)]
        return reports, snapshot(app)
    finally:
        app.extensions["engine"].dispose()


def test_batches_of_any_size_store_and_report_what_one_item_at_a_time_does(tmp_path):
    one_at_a_time, stored = imported_with(tmp_path, 1)
    assert [r["outcome"] for r in one_at_a_time] == OUTCOMES
    assert stored["stale documents"] == []
    # Boundaries inside the pairs that share a span or repeat a verdict, and no boundary at all.
    for size in (3, 500):
        reports, rows = imported_with(tmp_path, size)
        assert reports == one_at_a_time, size
        assert rows == stored, size
    ann_2, bob_3, ann_4 = one_at_a_time[1:4]
    assert bob_3["span_id"] == ann_2["span_id"]  # the same new span twice in one batch
    assert (
        ann_4["reason"] == f"ann already judged these words (annotation {ann_2['annotation_id']}); not imported twice."
    )
    assert "annotation" in one_at_a_time[0]["reason"] and "settled" in one_at_a_time[4]["reason"]
    gone_6, bob_7, cy_8 = one_at_a_time[5:8]
    assert gone_6["span_id"] < bob_7["span_id"] == cy_8["span_id"]  # the stored orphan, then one new one
    assert one_at_a_time[12]["notice"].endswith("imported as jane-doe-2: jane-doe is another creator")
    assert one_at_a_time[13]["author"] == "jane-doe" and "as in an earlier import" in one_at_a_time[13]["notice"]
    usernames = [user[1] for user in stored["users"]]
    assert usernames.count("cy") == 1 and "dee" not in usernames and "eve" not in usernames
    assert [(s[2], s[3]) for s in stored["sources"]] == [(0, "https://a.example/1"), (1, "https://a.example/2")]
    # One live change per annotation, its author the actor, as when each was stored in its own transaction.
    annotation_changes = [change for change in stored["changes"] if change[0] in ("status", "draft")]
    assert sorted(change[2] for change in annotation_changes) == [a[0] for a in stored["annotations"]]


def test_a_failing_item_in_the_middle_of_a_batch_is_reported_and_the_others_are_kept(app, monkeypatch):
    real_record = history.record

    def record_refusing_boom(session, **kwargs):
        if kwargs["after"]["note"] == "boom":
            raise RuntimeError("disk full")
        return real_record(session, **kwargs)

    monkeypatch.setattr(history, "record", record_refusing_boom)
    items = [
        item(CLAIM, nickname="ann"),
        item(FOURTH, nickname="bob", sources=["https://a.example/1"]),
        item(FIFTH, nickname="ivy", note="boom", sources=["https://a.example/2"]),  # a new user, span and source
        item(SECOND, nickname="bob"),
        item(FIFTH, nickname="ivy"),  # ivy again: made now, as if item 3 never was
    ]
    reports = run_import(app, items, batch_size=10)
    assert [(r.number, r.outcome) for r in reports] == [
        (1, "imported"),
        (2, "imported"),
        (3, "rejected"),
        (4, "imported"),
        (5, "imported"),
    ]
    assert reports[2].reason == "not stored: RuntimeError" and reports[2].quote == FIFTH
    rows = snapshot(app)
    assert [a[0] for a in rows["annotations"]] == [r.annotation_id for r in reports if r.annotation_id]
    assert [s[3] for s in rows["sources"]] == ["https://a.example/1"]  # nothing of item 3
    assert [u[1] for u in rows["users"]].count("ivy") == 1
    assert len(rows["events"]) == 4 and rows["stale documents"] == []
    fifth = [s for s in rows["spans"] if s[4] == FIFTH]
    assert len(fifth) == 1 and reports[4].span_id == fifth[0][0]


def test_a_database_error_while_planning_one_item_fails_that_item_alone(app, monkeypatch):
    real_make = import_authors.Authors.make

    def make_refusing_zed(self, new):
        if new.username == "zed":
            raise RuntimeError("refused")
        return real_make(self, new)

    monkeypatch.setattr(import_authors.Authors, "make", make_refusing_zed)
    items = [item(CLAIM, nickname="ann"), item(FOURTH, nickname="zed"), item(FOURTH, nickname="bob")]
    reports = run_import(app, items, batch_size=10)
    assert [(r.outcome, r.reason) for r in reports] == [
        ("imported", ""),
        ("rejected", "not stored: RuntimeError"),
        ("imported", ""),
    ]
    assert {u.username for u in snapshot_users(app)} >= {"ann", "bob"}
    assert "zed" not in {u.username for u in snapshot_users(app)}


def snapshot_users(app) -> list[User]:
    with app.app_context():
        return list(db.session().exec(select(User)))


def test_a_batch_refused_as_a_whole_is_stored_one_item_at_a_time(app, monkeypatch):
    """Another writer took a new span's range first (the unique index refuses the batch's INSERT):
    the batch is rolled back and its items stored one by one, each finding that span."""
    real_write, calls = import_batch.write, []

    def write_after_another_writer(session, new_claims, planned):
        calls.append(len(planned))
        if len(calls) == 1:
            session.execute(insert(Span), [{**new_claims[0].row, "quote": "the other writer's"}])
        return real_write(session, new_claims, planned)

    monkeypatch.setattr(import_batch, "write", write_after_another_writer)
    items = [item(CLAIM, nickname="ann"), item(CLAIM, nickname="bob"), item(FOURTH, nickname="ann")]
    reports = run_import(app, items, batch_size=10)
    assert [r.outcome for r in reports] == ["imported", "imported", "imported"]
    assert calls == [3, 1, 1, 1]  # the batch, then each item on its own
    rows = snapshot(app)
    assert len(rows["annotations"]) == 3 and reports[0].span_id == reports[1].span_id
    assert not [s for s in rows["spans"] if s[4] == "the other writer's"]  # rolled back with the batch
    assert rows["stale documents"] == []


def test_each_batch_is_committed_before_the_next_is_read_and_marks_the_article_once(app, demo_article):
    quotes = [CLAIM, SECOND, FOURTH, FIFTH, SETTLED_QUOTE, "Ukrainian commanders", "Russian troop deployments"]
    items = [item(quote, nickname=f"r{n % 2}") for n, quote in enumerate(quotes)]
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        before = live_marker.revision_of(session, demo_article.id)
        reports = imports.import_items(session=session, file_format=W3C, items=items, article=article, batch_size=3)
        first = next(reports)
        assert first.number == 1
        with db.engine().connect() as other:  # what another connection sees: the first batch only
            assert len(other.execute(select(Annotation.id)).all()) == 3
        rest = list(reports)
    assert [r.number for r in [first, *rest]] == list(range(1, 8))
    assert all(r.outcome == "imported" for r in [first, *rest])
    with app.app_context():
        session = db.session()
        assert live_marker.revision_of(session, demo_article.id) == before + 3  # three batches, one raise each
        changes = session.exec(
            select(LiveChange).where(LiveChange.revision > before).order_by(LiveChange.annotation_id)
        ).all()
        authors = {r.annotation_id: r.author for r in [first, *rest]}
        users = {u.id: u.username for u in session.exec(select(User))}
        assert [c.kind for c in changes] == ["status"] * 7
        assert [users[c.actor_id] for c in changes] == [authors[c.annotation_id] for c in changes]


@pytest.mark.parametrize("size", [2, 500])
def test_the_command_line_reports_items_across_batch_boundaries(app, runner, demo_article, tmp_path, monkeypatch, size):
    """The default batch size (500) and a tiny one: every item reported in order, a verdict repeated
    across a boundary rejected naming the annotation the earlier batch stored."""
    monkeypatch.setattr(imports, "BATCH_SIZE", size)
    text = demo_article.text
    items = [item(text[n : n + 20], start=n, nickname=f"r{n % 3}") for n in range(501)]
    items += [items[499], items[0]]  # items 502 and 503 repeat 500 and 1
    path = tmp_path / "many.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = runner.invoke(args=["import-annotations", str(path), "--article", str(demo_article.id)])
    assert result.exit_code == 0, result.output[-500:]
    lines = result.output.splitlines()
    assert lines[-1] == "501 imported, 0 re-anchored, 0 orphaned, 2 rejected"
    assert [line.split(":")[0] for line in lines[:-1]] == [f"item {n}" for n in range(1, 504)]
    ids = [int(line.split("annotation ")[1].split(" ")[0]) for line in lines[:501]]
    assert ids == list(range(ids[0], ids[0] + 501))
    assert f"(annotation {ids[499]}); not imported twice" in lines[501]
    assert f"(annotation {ids[0]}); not imported twice" in lines[502]
    with app.app_context():
        assert search_index.stale_documents(db.session()) == []
        assert len(db.session().exec(select(Event)).all()) == 501


def test_items_for_a_reviewer_gone_since_the_import_began_are_not_given_to_their_creators(app, demo_article):
    with app.app_context():
        session = db.session()
        gone = User(username="gone", display_name="Gone")
        session.add(gone)
        session.commit()
        article = session.get(Article, demo_article.id)
        reports = imports.import_items(
            session=session, file_format=W3C, items=[item(CLAIM, nickname="ann")], article=article, reviewer=gone
        )
        session.delete(gone)
        session.commit()
        assert [(r.outcome, r.reason) for r in reports] == [("rejected", "not stored: LookupError")]
        assert not session.exec(select(User).where(User.username == "ann")).all()
        assert not session.exec(select(Annotation)).all()
