"""Live updates: who may learn of a change, and what a poll re-renders for them (pure; no Flask, no DB).

Every change to an article's claims is logged with a *kind* that says who may learn of it, so that
the live channel never tells a reviewer about another's draft or a verdict that blind review hides:

- ``status``: an annotation appeared to others, disappeared, or changed status (submitted,
  returned, deleted, restored): everyone who reads the article sees its claim change;
- ``content``: a submitted annotation's verdict, note or sources changed: only those who may
  read that annotation (its author, leads, and reviewers blind review lets through);
- ``draft``: a change to a draft: its author, and leads (who see that drafts exist);
- ``ruling``: a final verdict set or changed: everyone;
- ``span``: a claim moved (re-attached): those who know the claim;
- ``comment``: a comment on a claim: only its open discussion thread, never the text;
- ``article``: a setting of the whole article changed (blind review): every paragraph;
- ``version``: a new version of the text arrived: a notice to reload, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DRAFT = "draft"  # models.DRAFT, repeated so that this module imports nothing of the app
KINDS = ("status", "content", "draft", "ruling", "span", "comment", "article", "version")
MAX_CHANGES = 200  # more changes than this since the viewer's revision: re-render the whole text


def etag(article_id: int, revision: int) -> str:
    """The poll's entity tag (unquoted): the article and its change counter, the same for every viewer."""
    return f"a{article_id}r{revision}"


def annotation_kind(
    *,
    new: bool,
    before_status: str | None,
    before_deleted: bool,
    after_status: str,
    after_deleted: bool,
    status_changed: bool,
) -> str:
    """The kind of a change to one annotation, from its state before and after."""
    shown_before = not new and not before_deleted and before_status != DRAFT
    shown_after = not after_deleted and after_status != DRAFT
    if shown_before != shown_after or (shown_before and (status_changed or before_deleted != after_deleted)):
        return "status"
    return "content" if shown_after else "draft"


@dataclass(frozen=True)
class Change:
    """One logged change (a row of ``live_changes``)."""

    kind: str
    span_id: int | None = None
    annotation_id: int | None = None
    private_to: int | None = None
    actor_id: int | None = None


@dataclass
class Plan:
    """What a poll sends one viewer."""

    span_ids: set[int] = field(default_factory=set)  # claims whose paragraphs are re-rendered
    comment_span_ids: set[int] = field(default_factory=set)  # claims whose discussion changed
    whole_text: bool = False  # re-render every paragraph
    new_version: bool = False  # the text changed: ask to reload
    news: set[int] = field(default_factory=set)  # claims changed by someone else (what the status line counts)
    new_comments: bool = False  # someone else commented on the open claim

    @property
    def anything(self) -> bool:
        return bool(self.span_ids or self.comment_span_ids or self.whole_text or self.new_version)


def candidate_spans(changes: list[Change]) -> set[int]:
    """The claims whose paragraphs some viewer may need re-rendered (before deciding who)."""
    return {c.span_id for c in changes if c.span_id is not None and c.kind not in ("comment", "version")}


def plan_for(
    changes: list[Change], *, viewer_id: int, viewer_is_lead: bool, known: set[int], readable: set[int]
) -> Plan:
    """What of ``changes`` this viewer may learn of.

    ``known``: the claims the viewer may know of now (ids); ``readable``: the annotations whose
    verdict and content they may read now. Both as ``spans`` decides them for the article page.
    """
    plan = Plan()
    if len(changes) > MAX_CHANGES:
        plan.whole_text = True
    for change in changes:
        kind = change.kind
        if kind == "version":
            plan.new_version = True
        elif kind == "article":
            plan.whole_text = True
        elif kind == "comment":
            if change.span_id in known:
                plan.comment_span_ids.add(change.span_id)
                plan.new_comments |= change.actor_id != viewer_id
        elif change.span_id is None:
            continue
        elif _may_learn(change, viewer_id=viewer_id, viewer_is_lead=viewer_is_lead, known=known, readable=readable):
            plan.span_ids.add(change.span_id)
            if change.actor_id != viewer_id:
                plan.news.add(change.span_id)
    return plan


def _may_learn(change: Change, *, viewer_id: int, viewer_is_lead: bool, known: set[int], readable: set[int]) -> bool:
    """Whether the viewer may learn that this claim changed (a change with a claim, not a comment)."""
    if change.kind in ("status", "ruling"):
        return True
    if change.kind == "content":
        return change.annotation_id in readable or change.private_to == viewer_id
    if change.kind == "draft":
        return change.private_to == viewer_id or viewer_is_lead
    if change.kind == "span":
        return viewer_is_lead or change.span_id in known
    return False


def describe(plan: Plan) -> str:
    """What the status line says after an update by others that the viewer can see ('' for none: one's own
    changes are redrawn, for one's other tabs, without news)."""
    parts = []
    if plan.new_version:
        parts.append("A new version of the article arrived")
    if plan.whole_text:
        parts.append("Highlights updated")
    elif plan.news:
        count = len(plan.news)
        parts.append(f"{count} claim{'' if count == 1 else 's'} changed")
    if plan.new_comments:
        parts.append("new comment")
    return " · ".join(parts)
