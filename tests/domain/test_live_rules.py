"""Who learns of which change through the live channel (annotator.domain.live_rules)."""

import pytest

from annotator.domain.live_rules import (
    MAX_CHANGES,
    Change,
    Plan,
    annotation_kind,
    candidate_spans,
    describe,
    etag,
    plan_for,
)

AUTHOR, OTHER, LEAD = 1, 2, 3


@pytest.mark.parametrize(
    "new, before, before_deleted, after, after_deleted, status_changed, kind",
    [
        (True, None, False, "draft", False, False, "draft"),  # a new draft: its author's alone
        (True, None, False, "submitted", False, False, "status"),  # imported as submitted: a new claim for all
        (False, "draft", False, "draft", False, False, "draft"),  # a draft edited
        (False, "draft", False, "draft", True, False, "draft"),  # a draft deleted
        (False, "draft", False, "submitted", False, True, "status"),  # submitted: now others may know
        (False, "submitted", False, "submitted", False, False, "content"),  # verdict or note edited
        (False, "submitted", False, "returned", False, True, "status"),
        (False, "submitted", False, "submitted", True, False, "status"),  # deleted: it disappears for all
        (False, "submitted", True, "draft", False, True, "draft"),  # restored as a draft: hidden before and after
    ],
)
def test_annotation_kind(new, before, before_deleted, after, after_deleted, status_changed, kind):
    assert (
        annotation_kind(
            new=new,
            before_status=before,
            before_deleted=before_deleted,
            after_status=after,
            after_deleted=after_deleted,
            status_changed=status_changed,
        )
        == kind
    )


def plan(changes, viewer=OTHER, lead=False, known=(), readable=()):
    return plan_for(changes, viewer_id=viewer, viewer_is_lead=lead, known=set(known), readable=set(readable))


def test_a_draft_reaches_its_author_and_leads_only():
    changes = [Change("draft", span_id=10, annotation_id=5, private_to=AUTHOR)]
    assert plan(changes, viewer=AUTHOR).span_ids == {10}
    assert plan(changes, viewer=LEAD, lead=True).span_ids == {10}
    assert not plan(changes, viewer=OTHER, known={10}).anything


def test_an_edit_reaches_only_those_who_may_read_the_annotation():
    changes = [Change("content", span_id=10, annotation_id=5, private_to=AUTHOR)]
    assert not plan(changes, known={10}).anything  # blind review hides it from this viewer
    assert plan(changes, known={10}, readable={5}).span_ids == {10}
    assert plan(changes, viewer=AUTHOR).span_ids == {10}


def test_status_changes_and_rulings_reach_everyone():
    changes = [Change("status", span_id=10, annotation_id=5), Change("ruling", span_id=11)]
    assert plan(changes).span_ids == {10, 11}


def test_a_moved_claim_reaches_those_who_know_it():
    changes = [Change("span", span_id=10)]
    assert not plan(changes).anything
    assert plan(changes, known={10}).span_ids == {10}
    assert plan(changes, lead=True).span_ids == {10}


def test_comments_reach_the_thread_of_a_known_claim_and_never_the_text():
    changes = [Change("comment", span_id=10)]
    assert plan(changes, known={10}) == Plan(comment_span_ids={10}, new_comments=True)
    assert not plan(changes).anything
    assert candidate_spans(changes) == set()


def test_ones_own_changes_are_redrawn_without_news():
    changes = [
        Change("status", span_id=10, actor_id=OTHER),
        Change("status", span_id=11, actor_id=AUTHOR),
        Change("comment", span_id=10, actor_id=OTHER),
    ]
    mine = plan(changes, known={10})
    assert mine.span_ids == {10, 11} and mine.news == {11} and not mine.new_comments


def test_article_settings_versions_and_floods():
    assert plan([Change("article")]).whole_text
    assert plan([Change("version")]).new_version
    flood = [Change("status", span_id=i) for i in range(MAX_CHANGES + 1)]
    assert plan(flood).whole_text


def test_describe_and_etag():
    assert describe(Plan()) == ""
    assert (
        describe(Plan(span_ids={1, 2}, news={1, 2}, comment_span_ids={3}, new_comments=True))
        == "2 claims changed · new comment"
    )
    assert describe(Plan(span_ids={1}, news={1})) == "1 claim changed"
    assert describe(Plan(span_ids={1}, comment_span_ids={3})) == ""  # one's own changes: redrawn, no news
    assert "new version" in describe(Plan(new_version=True))
    assert etag(1, 7) == "a1r7" != etag(1, 8)


def test_the_whole_text_is_redrawn_only_past_the_limit_of_changes():
    at_limit = [Change("status", span_id=i) for i in range(MAX_CHANGES)]
    assert not plan(at_limit).whole_text
    assert plan(at_limit).span_ids == set(range(MAX_CHANGES))


def test_a_change_without_a_claim_does_not_hide_the_changes_after_it():
    changes = [Change("status", span_id=None), Change("status", span_id=10, actor_id=AUTHOR)]
    assert plan(changes).span_ids == {10}


def test_a_comment_by_someone_else_stays_news_after_ones_own():
    changes = [Change("comment", span_id=10, actor_id=AUTHOR), Change("comment", span_id=10, actor_id=OTHER)]
    assert plan(changes, viewer=OTHER, known={10}).new_comments
    assert plan(list(reversed(changes)), viewer=OTHER, known={10}).new_comments


def test_a_kind_of_change_this_version_does_not_know_reaches_nobody():
    changes = [Change("something newer", span_id=10, annotation_id=5, private_to=LEAD)]
    assert not plan(changes, viewer=LEAD, lead=True, known={10}, readable={5}).anything


def test_candidate_spans_are_those_a_lead_who_reads_everything_is_sent():
    changes = [
        Change("status", span_id=1),
        Change("content", span_id=2, annotation_id=5),
        Change("draft", span_id=3, private_to=AUTHOR),
        Change("ruling", span_id=4),
        Change("span", span_id=5),
        Change("comment", span_id=6),
        Change("article"),
        Change("version"),
        Change("version", span_id=7),  # a new text is a notice to reload, never a redrawn paragraph
        Change("status", span_id=None),
    ]
    assert candidate_spans(changes) == {1, 2, 3, 4, 5}
    lead = plan(changes, viewer=LEAD, lead=True, known=range(10), readable={5})
    assert lead.span_ids == candidate_spans(changes)


def test_status_line_wording():
    assert describe(Plan(new_version=True)) == "A new version of the article arrived"
    assert describe(Plan(whole_text=True, news={1})) == "Highlights updated"
    assert (
        describe(Plan(new_version=True, whole_text=True, new_comments=True))
        == "A new version of the article arrived · Highlights updated · new comment"
    )
