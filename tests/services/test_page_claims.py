"""services.page_claims.listed_claims, the article page's lean read of its claims, says of every span what
spans.span_summaries says, for every kind of viewer: the same claims in the same order, the same
readable verdicts, hidden and draft counts, tones and quotes. The page reads it for the claims its list
shows (``only``, the first of ``highlights.whole_article``'s): those lines are the full read's."""

import random

import pytest
from sqlmodel import select

from annotator.db.models import Annotation, Article, FinalVerdict, Span, User, utcnow
from annotator.domain import verdicts
from annotator.domain.anchoring import context_of
from annotator.domain.reanchoring import CHANGED, MOVED, ORPHANED
from annotator.extensions import db
from annotator.services import highlights, spans
from annotator.services.page_claims import listed_claims
from annotator.services.users import create_or_update_user
from annotator.services.visibility import OPERATOR
from tests.fixtures.app import PASSWORD

STATUSES = ["draft", "submitted", "submitted", "returned"]


def mixed_article(app, demo_article, seed: int) -> tuple[list[User], User]:
    """The demo article with overlapping spans judged by four reviewers in every status (drafts, returned,
    deleted, no verdict yet), some settled, some whose wording changed, one orphaned."""
    rng = random.Random(seed)
    with app.app_context():
        session = db.session()
        reviewers = [
            create_or_update_user(
                session=session, username=f"r{n}", role="reviewer", password=PASSWORD, display_name=f"Reviewer {4 - n}"
            )
            for n in range(4)
        ]
        lead = create_or_update_user(session=session, username="boss", role="lead", password=PASSWORD)
        text = demo_article.text
        ranges = set()
        while len(ranges) < 40:
            start = rng.randrange(0, len(text) - 60)
            ranges.add((start, start + rng.randrange(3, 60)))
        for n, (start, end) in enumerate(sorted(ranges)):
            prefix, suffix = context_of(text, start, end)
            state = rng.choice(["original", "original", MOVED, CHANGED]) if n else ORPHANED
            quote = text[start:end] if state != ORPHANED else "words of an older version"
            span = Span(
                article_id=demo_article.id,
                start=start,
                end=end,
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                anchor_state=state,
            )
            session.add(span)
            session.flush()
            for user in rng.sample(reviewers, rng.randint(1, 4)):
                session.add(
                    Annotation(
                        span_id=span.id,
                        user_id=user.id,
                        status=rng.choice(STATUSES),
                        verdict=rng.choice([*verdicts.KEYS, ""]),
                        deleted_at=utcnow() if rng.random() < 0.1 else None,
                    )
                )
            if rng.random() < 0.25:
                session.add(FinalVerdict(span_id=span.id, verdict=rng.choice(verdicts.KEYS), lead_id=lead.id))
        session.commit()
        return reviewers, lead


def described(claim) -> tuple:
    return (
        claim.id,
        claim.start,
        claim.end,
        claim.quote,
        claim.final_verdict,
        claim.state,
        claim.orphaned,
        claim.settled,
        claim.disputed,
        claim.tone,
        [(j.annotation_id, j.verdict) for j in claim.shown],
        claim.hidden_count,
        claim.draft_count,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("blind", [True, False])
def test_listed_claims_agree_with_the_span_summaries_for_every_viewer(app, demo_article, seed, blind):
    reviewers, lead = mixed_article(app, demo_article, seed)
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        article.blind_review = blind
        session.commit()
        for viewer in [*reviewers, lead, OPERATOR]:
            summaries = spans.span_summaries(session=session, article=article, viewer=viewer)
            claims = listed_claims(session=session, article=article, viewer=viewer)
            assert [described(c) for c in claims] == [described(s) for s in summaries], viewer.id
            assert [c.listed for c in claims] == [len(s.judgements) for s in summaries]
            assert [c.ref() for c in claims] == [s.ref() for s in summaries]
        kinds = {(c.orphaned, c.settled, c.disputed, c.hidden_count > 0) for c in claims}
        assert len(kinds) >= 3, "the data mixes orphaned, settled, disputed and hidden claims"


@pytest.mark.parametrize("blind", [True, False])
def test_the_page_reads_the_lines_of_the_claims_it_shows_as_the_full_read_gives_them(app, demo_article, blind):
    """``listed_claims(only=the first n highlights)``: the full read's first n placed claims and every
    orphan, for every n and viewer, also where the n-th claim shares its first character with the next;
    and the highlights' quotes and tones are the claims'."""
    reviewers, lead = mixed_article(app, demo_article, 4)
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        article.blind_review = blind
        placed_start = session.exec(select(Span.start).where(Span.anchor_state == "original")).first()
        for end in (placed_start + 2, placed_start + 70, placed_start + 71):  # claims starting together
            span = Span(article_id=article.id, start=placed_start, end=end, quote=article.text[placed_start:end])
            session.add(span)
            session.flush()
            session.add(Annotation(span_id=span.id, user_id=reviewers[0].id, status="submitted", verdict="true"))
        session.commit()
        for viewer in [*reviewers, lead, OPERATOR]:
            full = listed_claims(session=session, article=article, viewer=viewer)
            placed = [c for c in full if not c.orphaned]
            orphans = [c for c in full if c.orphaned]
            whole = highlights.whole_article(session=session, article=article, viewer=viewer)
            assert [(h.id, h.start, h.end, h.quote, h.tone) for h in whole.claims] == [
                (c.id, c.start, c.end, c.quote, c.tone) for c in placed
            ]
            assert (whole.claim_count, whole.annotation_count) == (len(placed), sum(c.listed for c in placed))
            assert whole.suggested == []
            assert orphans, "the data holds an orphan"
            for n in range(len(placed) + 1):
                page = listed_claims(session=session, article=article, viewer=viewer, only=whole.claims[:n])
                assert [described(c) for c in page if not c.orphaned] == [described(c) for c in placed[:n]], n
                assert [described(c) for c in page if c.orphaned] == [described(c) for c in orphans]
            for first in range(0, len(placed), 3):  # a later page of the list ("Show more")
                page = listed_claims(session=session, article=article, viewer=viewer, only=whole.claims[first:])
                assert [c.id for c in page if not c.orphaned] == [c.id for c in placed[first:]], first
            shared = [a.start == b.start for a, b in zip(placed, placed[1:], strict=False)]
            assert any(shared), "two claims start on the same character"


def test_an_article_without_annotations_lists_no_claims(app, demo_article, make_user):
    with app.app_context():
        session = db.session()
        article = session.get(Article, demo_article.id)
        assert listed_claims(session=session, article=article, viewer=OPERATOR) == []


@pytest.mark.parametrize(
    "final, verdicts, state, tone",
    [
        ("false", ["true", "mixed"], "original", "settled verdict-false"),
        ("false", [], "changed", "settled verdict-false changed"),
        (None, [], "original", "pending"),
        (None, ["", ""], "moved", "pending"),
        (None, ["true", "", "true"], "original", "verdict-true"),
        (None, ["true", "false"], "original", "disputed"),
        (None, ["", "true", "true", "mixed"], "changed", "disputed changed"),
    ],
)
def test_a_highlight_tone_comes_from_the_ruling_or_the_readable_verdicts(final, verdicts, state, tone):
    assert spans.tone_of(final, verdicts, state) == tone
    assert spans.tone_of(final, {v for v in verdicts if v}, state) == tone  # as SpanSummary gives them
