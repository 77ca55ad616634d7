"""The verdict scale: the one place that defines verdicts.

Forms, badges, highlight colours, charts and exports all read this module.
The order is the scale's order, from True to False; Unverifiable stands
outside it (it has no ClaimReview rating).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    key: str
    label: str
    colour: str  # background of badges and chart bars
    text_colour: str  # readable text on that background
    rating: int | None  # schema.org ClaimReview ratingValue, 1 (worst) to 5 (best)
    description: str


SCALE: tuple[Verdict, ...] = (
    Verdict("true", "True", "#1a7f37", "#ffffff", 5, "Accurate, nothing significant missing."),
    Verdict("mostly-true", "Mostly true", "#5e9c2f", "#1d1d1d", 4, "Accurate but needs clarification or context."),
    Verdict("mixed", "Mixed", "#b58900", "#1d1d1d", 3, "Partly accurate, partly not."),
    Verdict("misleading", "Misleading", "#d9730d", "#1d1d1d", 2, "Contains facts but leaves a false impression."),
    Verdict(
        "mostly-false", "Mostly false", "#c2410c", "#ffffff", 2, "Has an element of truth but ignores critical facts."
    ),
    Verdict("false", "False", "#b42318", "#ffffff", 1, "Not accurate."),
    Verdict(
        "unverifiable",
        "Unverifiable",
        "#5b6472",
        "#ffffff",
        None,
        "Cannot be proved or disproved with available evidence.",
    ),
)

BY_KEY: dict[str, Verdict] = {v.key: v for v in SCALE}
KEYS: tuple[str, ...] = tuple(BY_KEY)
BEST_RATING = 5
WORST_RATING = 1


# Ordinal ranks for agreement on an ordered scale: the scale's order, 1 (True) to 6 (False).
# Not the ClaimReview rating, which gives Misleading and Mostly false the same 2: as ranks they are
# distinct, Misleading one step nearer True. Verdicts without a rating (Unverifiable) stand outside
# the order and have no rank.
ORDINAL_RANK: dict[str, int] = {
    v.key: rank for rank, v in enumerate((v for v in SCALE if v.rating is not None), start=1)
}


def ordinal_rank(key: str) -> int | None:
    """The verdict's place on the ordered scale (1 = True), or None outside the order (Unverifiable, unknown keys)."""
    return ORDINAL_RANK.get(key)


def adjacent(a: str, b: str) -> bool:
    """Whether two verdicts are neighbours on the ordered scale (a near miss when they disagree)."""
    ra, rb = ORDINAL_RANK.get(a), ORDINAL_RANK.get(b)
    return ra is not None and rb is not None and abs(ra - rb) == 1


def get(key: str) -> Verdict | None:
    """The verdict with this key, or None for an unknown key."""
    return BY_KEY.get(key)


# An annotation awaiting a verdict (a highlight imported without one, kept as its author's draft)
# stores the verdict "": it reads as this, and can't be submitted until a verdict is chosen.
NO_VERDICT = ""
NO_VERDICT_LABEL = "No verdict yet"


def label(key: str) -> str:
    """The verdict's label, "No verdict yet" for "", or the raw key when it is not on the scale."""
    verdict = BY_KEY.get(key)
    return verdict.label if verdict else NO_VERDICT_LABEL if key == NO_VERDICT else key


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs in scale order, for select fields."""
    return [(v.key, v.label) for v in SCALE]


def stylesheet() -> str:
    """CSS classes for badges and highlight accents, generated from the scale.

    Colours live here rather than in app.css so that the scale stays the
    single source of truth and no inline style attribute is needed (CSP).
    """
    rules = []
    for v in SCALE:
        rules.append(f".verdict-{v.key}{{--verdict-bg:{v.colour};--verdict-fg:{v.text_colour};}}")
    return "\n".join(rules) + "\n"
