"""services.highlights reads each claim's tone from its span's counters, kept by the database's
triggers, and the viewer's own annotation (one row per claim); the tones it gives must be those of
services.spans.span_summaries, which reads every annotation, for every viewer, and its counters
and suggestions those of spans.listed_counts and suggestions.suggestion_list.

Random articles: spans judged by up to four reviewers with drafts, submissions, returned and deleted
annotations, empty verdicts (imported highlights), rulings and orphans, under blind review or not.
"""

from __future__ import annotations

import random

import pytest

from annotator.db.models import Annotation, Article, FinalVerdict, Span, User, utcnow
from annotator.domain import verdicts
from annotator.extensions import db
from annotator.services import highlights, spans, suggestions
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user
from tests.fixtures.app import PASSWORD

TEXT = "\n".join(
    f"Paragraph {n}: the ministry said {n * 1000} homes were built last year. "
    f"Critics counted {n * 700} completions in the official register, about 30 percent fewer."
    for n in range(8)
)
KEYS = [v.key for v in verdicts.SCALE]
THRESHOLD = 0.1  # low: the test text's sentences are suggested, and claims cover some of them


def build(app, seed: int, blind: bool) -> tuple[int, list[int]]:
    """An article with random claims; returns its id and the ids of its users (the last one a lead)."""
    rng = random.Random(seed)
    with app.app_context():
        session = db.session()
        users = [
            create_or_update_user(
                session=session, username=f"h{seed}-{n}", role="lead" if n == 4 else "reviewer", password=PASSWORD
            )
            for n in range(5)
        ]
        article = create_article(session=session, title=f"Highlights {seed}", raw_text=TEXT)
        article.blind_review = blind
        now = utcnow()
        taken = set()
        for _ in range(40):
            start = rng.randrange(0, len(TEXT) // 2)  # the second half keeps sentences no claim covers
            end = start + rng.randrange(3, 60)
            if (start, end) in taken:
                continue
            taken.add((start, end))
            span = Span(
                article_id=article.id,
                start=start,
                end=end,
                quote=TEXT[start:end],
                anchor_state=rng.choice(["original", "original", "moved", "changed", "orphaned"]),
            )
            session.add(span)
            session.flush()
            for user in rng.sample(users[:4], rng.randrange(1, 5)):
                session.add(
                    Annotation(
                        span_id=span.id,
                        user_id=user.id,
                        verdict=rng.choice([*KEYS[:3], ""]) if rng.random() < 0.9 else rng.choice(KEYS),
                        status=rng.choice(["draft", "submitted", "submitted", "returned"]),
                        deleted_at=now if rng.random() < 0.15 else None,
                    )
                )
            if rng.random() < 0.15:
                session.add(FinalVerdict(span_id=span.id, verdict=rng.choice(KEYS), rationale="r", lead_id=users[4].id))
        session.commit()
        return article.id, [u.id for u in users]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("blind", [True, False], ids=["blind", "open"])
def test_highlights_give_every_viewer_the_tones_of_the_span_summaries(app, seed, blind):
    article_id, user_ids = build(app, seed, blind)
    seen, suggested_seen = set(), set()
    with app.app_context():
        session = db.session()
        article = session.get(Article, article_id)
        for user_id in user_ids:
            viewer = session.get(User, user_id)
            summaries = spans.span_summaries(session=session, article=article, viewer=viewer)
            for lo, hi in [(0, len(TEXT)), (120, 260), (300, 301), (len(TEXT) // 2, len(TEXT))]:
                want = {
                    s.id: (s.tone, bool(s.judgements))
                    for s in summaries
                    if not s.orphaned and s.start < hi and s.end > lo
                }
                read = highlights.paragraphs(
                    session=session, article=article, viewer=viewer, within=(lo, hi), threshold=THRESHOLD
                )
                got = {h.id: (h.tone, h.listed) for h in read.claims}
                assert got == want, (viewer.username, lo, hi)
                counts = spans.listed_counts(session=session, article=article, viewer=viewer)
                assert (read.claim_count, read.annotation_count) == counts
                refs = [h.ref() for h in read.claims]
                listed = suggestions.nearby_list(read.suggested, claims=refs, within=(lo, hi), threshold=THRESHOLD)
                stored = suggestions.suggestion_list(
                    session=session, article=article, claims=refs, threshold=THRESHOLD, within=(lo, hi)
                )
                assert [s.id for s in listed.listed] == [s.id for s in stored.listed]
                suggested_seen |= {s.id for s in listed.listed}
                seen |= {tone.split()[0].split("-")[0] for tone, _ in want.values()}
    assert {"pending", "verdict", "disputed", "settled"} <= seen  # the data reaches every kind of tone
    assert suggested_seen  # and some sentences are suggested
