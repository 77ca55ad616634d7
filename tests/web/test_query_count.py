"""The article page runs a fixed number of SQL statements, however many annotations it shows."""

from datetime import timedelta

import pytest

from annotator.db.models import Annotation, Source, Span, utcnow
from annotator.domain import verdicts
from annotator.domain.anchoring import context_of
from annotator.extensions import db
from annotator.services import exports as export_service
from annotator.services import spans
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user
from tests.fixtures.app import PASSWORD, count_queries
from tests.fixtures.htmltree import article_text, highlighted_span_ids, page

REVIEWERS = 5


def populate(app, title: str, text: str, annotation_count: int) -> tuple[int, list[int]]:
    """An article with ``annotation_count`` annotations on overlapping spans, by five users."""
    assert annotation_count % REVIEWERS == 0
    with app.app_context():
        session = db.session()
        users = [
            create_or_update_user(
                session=session,
                username=f"{title}-user{n}",
                role="reviewer",
                password=PASSWORD,
                display_name=f"User {n} of {title}",
            )
            for n in range(REVIEWERS)
        ]
        article = create_article(session=session, title=title, raw_text=text)
        ranges, i = [], 0
        while len(ranges) < annotation_count // REVIEWERS:
            start = (i * 13) % (len(article.text) - 100)
            end = start + 5 + (i * 7) % 90  # lengths vary, so spans overlap and nest
            if (start, end) not in ranges and article.text[start:end].strip():
                ranges.append((start, end))
            i += 1
        scale = [v.key for v in verdicts.SCALE]
        now = utcnow()
        span_ids = []
        for n, (start, end) in enumerate(ranges):
            prefix, suffix = context_of(article.text, start, end)
            span = Span(
                article_id=article.id, start=start, end=end, quote=article.text[start:end], prefix=prefix, suffix=suffix
            )
            session.add(span)
            session.flush()
            span_ids.append(span.id)
            for k, user in enumerate(users):
                annotation = Annotation(
                    span_id=span.id,
                    user_id=user.id,
                    status="submitted",
                    verdict=scale[(n + k) % len(scale)],
                    note=f"note {n}/{k}",
                    created_at=now + timedelta(seconds=n),
                    updated_at=now + timedelta(seconds=n),
                )
                annotation.all_sources = [
                    Source(position=p, url=f"https://example.org/{n}/{k}/{p}", title=f"S{p}")
                    for p in range((n + k) % 3)
                ]
                session.add(annotation)
        session.commit()
        return article.id, span_ids


@pytest.fixture
def articles(app, demo_article):
    small = populate(app, "small", demo_article.text, 10)
    large = populate(app, "large", demo_article.text, 1000)
    return small, large


def test_article_page_with_1000_annotations_runs_as_many_queries_as_with_10(app, reviewer_client, articles):
    (small_id, small_spans), (large_id, large_spans) = articles
    reviewer_client.get(f"/articles/{small_id}")  # warm up (first statements of a new connection)
    with count_queries(app) as few:
        small = reviewer_client.get(f"/articles/{small_id}")
    with count_queries(app) as many:
        large = reviewer_client.get(f"/articles/{large_id}")
    assert small.status_code == large.status_code == 200
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 6
    small_root, large_root = page(small), page(large)
    assert highlighted_span_ids(small_root) == set(small_spans)
    assert highlighted_span_ids(large_root) == set(large_spans)
    assert "1000 annotations" in large_root.by_id("article-stats").text()
    assert f"{len(large_spans)} claims" in large_root.by_id("article-stats").text()
    with app.app_context():
        from annotator.db.models import Article

        text = db.session().get(Article, large_id).text
    assert article_text(large_root) == text


def test_span_panel_and_summary_and_exports_run_fixed_queries(app, reviewer_client, articles):
    (small_id, small_spans), (large_id, large_spans) = articles
    # Exports stream annotations in batches of 1000 with one sources query per batch: with
    # 1000 annotations that is one batch, the same count as for a handful.
    paths = [
        ("/articles/{id}/summary", 0),
        ("/articles/{id}/annotations.jsonld", 0),
        ("/articles/{id}/annotations.csv", 0),
        ("/articles/{id}/claims", 0),
        ("/articles/{id}/spans/{span}", 0),
        ("/articles/{id}?span={span}", 0),
    ]
    for template, batches in paths:
        measured = []
        for article_id, span_ids in ((small_id, small_spans), (large_id, large_spans)):
            path = template.format(id=article_id, span=span_ids[0])
            reviewer_client.get(path)
            with count_queries(app) as statements:
                response = reviewer_client.get(path)
                response.get_data()  # exports stream: their queries run as the body is read
            assert response.status_code == 200, path
            measured.append(len(statements))
        assert measured[0] <= measured[1] <= measured[0] + batches, (template, measured)


def test_large_export_holds_every_annotation(app, lead_client, articles):
    _, (large_id, _) = articles
    document = lead_client.get(f"/articles/{large_id}/annotations.jsonld").get_json()
    assert document["total"] == 1000 == len(document["first"]["items"])
    csv_lines = lead_client.get(f"/articles/{large_id}/annotations.csv").get_data(as_text=True)
    assert csv_lines.count("https://example.org/") == sum(((n + k) % 3) for n in range(200) for k in range(5))


@pytest.mark.parametrize("path", ["/articles/{id}/annotations.jsonld", "/articles/{id}/annotations.csv"])
def test_exports_stream_in_batches_with_the_same_content(app, lead_client, articles, monkeypatch, path):
    """Rows come in batches (one sources query each), the body streams, and batching changes nothing."""
    _, (large_id, _) = articles
    whole = lead_client.get(path.format(id=large_id)).get_data(as_text=True)
    monkeypatch.setattr(export_service, "EXPORT_BATCH", 64)
    with count_queries(app) as statements:
        response = lead_client.get(path.format(id=large_id), buffered=False)
        assert response.is_streamed
        batched = response.get_data(as_text=True)
    assert batched == whole
    sources_queries = [s for s in statements if "FROM sources" in s]
    assert len(sources_queries) == -(-1000 // 64)


@pytest.mark.parametrize(
    "path", ["/articles/{id}/annotations.jsonld", "/articles/{id}/annotations.csv", "/articles/{id}/claimreview.jsonld"]
)
def test_downloads_give_their_connections_back(app, lead_client, articles, path):
    """A streamed download reads with its own session and closes it when the body ends or is
    dropped half-way: many downloads never exhaust the pool."""
    _, (large_id, _) = articles
    pool = app.extensions["engine"].pool
    for _ in range(3):
        lead_client.get(path.format(id=large_id)).get_data()
        assert pool.checkedout() == 0
    dropped = lead_client.get(path.format(id=large_id), buffered=False)
    next(iter(dropped.response))  # the first piece only, then the client goes away
    dropped.close()
    assert pool.checkedout() == 0


def test_a_save_costs_the_same_in_a_small_and_a_large_article(app, reviewer_client, articles):
    """The save answers with the claim's paragraphs and the counters, not the whole text: its queries
    and size do not grow with the article's annotations, and its counters match the page's."""
    from tests.fixtures.app import annotation_data, post_annotation
    from tests.fixtures.htmltree import paragraphs

    measured = []
    for article_id, _ in articles:
        with app.app_context():
            from annotator.db.models import Article

            article = db.session().get(Article, article_id)
        quote = article.text.split("\n")[3][:40]
        data = annotation_data(article.text, quote, verdict="false", note="n", action="submit")
        post_annotation(reviewer_client, article, {**data, "note": "warm-up"})  # the same span, edited
        with count_queries(app) as statements:
            response = post_annotation(reviewer_client, article, data)
        assert response.status_code == 200
        root = page(response)
        [paragraph] = paragraphs(root)
        assert paragraph.text() == article.text.split("\n")[3]
        stats = root.by_id("article-stats").text()
        assert stats == page(reviewer_client.get(f"/articles/{article_id}")).by_id("article-stats").text()
        measured.append((len(statements), len(response.get_data())))
    (small_queries, small_size), (large_queries, large_size) = measured
    assert small_queries == large_queries
    assert large_size < 2 * small_size


def test_the_light_counts_agree_with_the_summaries_for_every_viewer(app, reviewer_client, make_user, demo_article):
    from annotator.services.users import find_user
    from tests.fixtures.app import CLAIM, annotation_data, post_annotation

    alice, bob = make_user("alice"), make_user("bob")
    second = "Putin appears willing to accept high casualties"
    for client, quote, action in (
        (reviewer_client, CLAIM, "save"),
        (alice, CLAIM, "submit"),
        (alice, second, "save"),
        (bob, second, "submit"),
    ):
        response = post_annotation(
            client, demo_article, annotation_data(demo_article.text, quote, verdict="true", action=action)
        )
        assert response.status_code == 200
    with app.app_context():
        session = db.session()
        for name in ("reviewer", "alice", "bob", "lead"):
            viewer = find_user(session, name)
            summaries = spans.span_summaries(session=session, article=demo_article, viewer=viewer)
            expected = (len(summaries), sum(len(s.judgements) for s in summaries))
            assert spans.listed_counts(session=session, article=demo_article, viewer=viewer) == expected, name
