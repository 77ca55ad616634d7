"""The verdict scale: the one place that defines verdicts, read from the desk's scale file.

A desk rates claims on its own scale (PolitiFact, Full Fact, AFP and Maldita all differ). The scale
is a TOML file (``annotator/data/scale.toml`` by default; ``ANNOTATOR_SCALE_FILE`` names another)
that :func:`parse` reads into a :class:`Scale`, refusing with one line what the app could not use.
The app puts its scale in use at start-up (:func:`use`); forms, badges, highlight colours, keys
1-9, charts, agreement, exports and imports all read the scale in use through this module
(``SCALE``, ``get``, ``label``, ``ordinal_rank``, ...). A process serves one desk, so one scale.

Ratings are listed in the file's order. Those with an ``order`` stand on the ordered scale (1 the
nearest true), which ordinal agreement ranks; the others (like Unverifiable) stand outside it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "scale.toml"
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
COLOUR_PATTERN = re.compile(r"#[0-9a-f]{6}")
MOST_RATINGS = 9  # each rating has a digit key, 1 to 9
KEY_MAX = 40  # the verdict columns' width
LABEL_MAX = 40
DEFINITION_MAX = 200
AA_CONTRAST = 4.5


class ScaleError(ValueError):
    """A scale file the app cannot use; the message is one line naming the file and what is wrong."""


@dataclass(frozen=True)
class Verdict:
    key: str
    label: str
    colour: str  # background of badges and chart bars
    text_colour: str  # readable text on that background
    rating: int | None  # schema.org ClaimReview ratingValue, worst_rating to best_rating; None: none
    description: str  # the one-line definition
    rank: int | None = None  # place on the ordered scale, 1 = nearest true; None: outside the order


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key (``agreement``)
class Scale:
    name: str
    ratings: tuple[Verdict, ...]
    best_rating: int
    worst_rating: int
    renamed: Mapping[str, str] = field(default_factory=dict)  # a key no longer on the scale -> its new key
    source: str = ""  # the file it was read from

    @property
    def by_key(self) -> dict[str, Verdict]:
        return {v.key: v for v in self.ratings}

    def stored_problems(self, counts: Mapping[str, int]) -> list[str]:
        """One line per key that stored verdicts use (``counts``: key -> how many) and this scale
        neither has nor maps to a new key under ``[renamed]``."""
        keys = self.by_key
        return [
            f"{self.source or 'The scale'} drops the rating “{key}”, which {n:,} stored verdict"
            f"{'' if n == 1 else 's'} use{'s' if n == 1 else ''}: keep it, or map it to a rating of the file "
            f'under [renamed] ("{key}" = "new-key").'
            for key, n in sorted(counts.items())
            if n and key and key not in keys and key not in self.renamed
        ]


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def linear(c: int) -> float:
        c_ = c / 255
        return c_ / 12.92 if c_ <= 0.03928 else ((c_ + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def parse(text: str, source: str = "the scale file") -> Scale:
    """The scale a TOML file holds; ScaleError (one line, naming ``source``) when it cannot serve."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScaleError(f"{source} is not valid TOML: {error}.") from None

    def fail(message: str) -> ScaleError:
        return ScaleError(f"{source}: {message}")

    def whole(value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"{what} must be a whole number, not {value!r}.")
        return value

    def text_of(entry: dict[str, Any], name: str, where: str, longest: int) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{where} needs a {name} (text).")
        value = value.strip()
        if "\n" in value or len(value) > longest:
            raise fail(f"{where}: the {name} must be one line of at most {longest} characters.")
        return value

    known_top = {"name", "best_rating", "worst_rating", "rating", "renamed"}
    if unknown := sorted(set(data) - known_top):
        raise fail(f"unknown setting {unknown[0]!r} (the settings are {', '.join(sorted(known_top))}).")
    best = whole(data.get("best_rating", 5), "best_rating")
    worst = whole(data.get("worst_rating", 1), "worst_rating")
    if best <= worst:
        raise fail(f"best_rating ({best}) must be above worst_rating ({worst}).")
    entries = data.get("rating")
    if not isinstance(entries, list) or len(entries) < 2:
        raise fail("a scale needs at least two [[rating]] entries.")
    if len(entries) > MOST_RATINGS:
        raise fail(f"{len(entries)} ratings: a scale holds at most {MOST_RATINGS} (each has a digit key, 1 to 9).")
    known_entry = {"key", "label", "order", "rating_value", "colour", "text_colour", "definition"}
    ratings: list[Verdict] = []
    for number, entry in enumerate(entries, start=1):
        where = f"rating {number}"
        if not isinstance(entry, dict):
            raise fail(f"{where} must be a table ([[rating]]).")
        key = entry.get("key")
        if not isinstance(key, str) or len(key) > KEY_MAX or not KEY_PATTERN.fullmatch(key):
            raise fail(
                f"{where}: the key must be lowercase letters, digits and hyphens, at most {KEY_MAX}, not {key!r}."
            )
        where = f"rating “{key}”"
        if unknown := sorted(set(entry) - known_entry):
            raise fail(f"{where}: unknown field {unknown[0]!r} (the fields are {', '.join(sorted(known_entry))}).")
        label = text_of(entry, "label", where, LABEL_MAX)
        definition = text_of(entry, "definition", where, DEFINITION_MAX)
        colours = []
        for name in ("colour", "text_colour"):
            value = entry.get(name)
            if not isinstance(value, str) or not COLOUR_PATTERN.fullmatch(value.lower()):
                raise fail(f"{where}: {name} must be a colour written #rrggbb, not {value!r}.")
            colours.append(value.lower())
        colour, text_colour = colours
        if (ratio := contrast(colour, text_colour)) < AA_CONTRAST:
            raise fail(
                f"{where}: its text colour {text_colour} on {colour} has a contrast of {ratio:.2f}:1; "
                f"badges need at least {AA_CONTRAST}:1."
            )
        rating = entry.get("rating_value")
        if rating is not None:
            rating = whole(rating, f"{where}: rating_value")
            if not worst <= rating <= best:
                raise fail(f"{where}: rating_value {rating} is outside worst_rating {worst} to best_rating {best}.")
        order = entry.get("order")
        if order is not None and whole(order, f"{where}: order") < 1:
            raise fail(f"{where}: order must be 1 or more, not {order}.")
        ratings.append(Verdict(key, label, colour, text_colour, rating, definition, order))
    for attribute, what in (("key", "key"), ("label", "label"), ("rank", "order")):
        seen: dict[Any, str] = {}
        for v in ratings:
            value = getattr(v, attribute)
            value = value.casefold() if isinstance(value, str) else value
            if value is not None and value in seen:
                raise fail(f"ratings “{seen[value]}” and “{v.key}” have the same {what}.")
            seen[value] = v.key
    ordered = sorted((v for v in ratings if v.rank is not None), key=lambda v: v.rank or 0)
    rated = [v for v in ordered if v.rating is not None]
    for nearer, further in zip(rated, rated[1:], strict=False):
        if (nearer.rating or 0) < (further.rating or 0):
            raise fail(
                f"“{nearer.key}” stands nearer true than “{further.key}” (order) but has a lower rating_value "
                f"({nearer.rating} < {further.rating})."
            )
    # Ranks are places on the ordered scale, 1, 2, ... whatever numbers the file used to order them.
    places = {v.key: place for place, v in enumerate(ordered, start=1)}
    ratings = [
        Verdict(v.key, v.label, v.colour, v.text_colour, v.rating, v.description, places.get(v.key)) for v in ratings
    ]
    renamed_table = data.get("renamed", {})
    if not isinstance(renamed_table, dict):
        raise fail("[renamed] must be a table of old key = new key.")
    keys = {v.key for v in ratings}
    renamed: dict[str, str] = {}
    for old, new in renamed_table.items():
        if old in keys:
            raise fail(f"[renamed] maps “{old}”, which is still a rating of the file.")
        if not isinstance(new, str) or new not in keys:
            raise fail(f"[renamed] maps “{old}” to {new!r}, which is not a rating of the file.")
        renamed[old] = new
    name = data.get("name", "")
    if not isinstance(name, str):
        raise fail("name must be text.")
    return Scale(name.strip() or "Rating scale", tuple(ratings), best, worst, renamed, source)


def read(path: str | Path) -> Scale:
    """The scale in the file at ``path``; ScaleError when it is missing, unreadable or unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScaleError(f"Cannot read the scale file {path}: {getattr(error, 'strerror', None) or error}.") from None
    return parse(text, str(path))


DEFAULT: Scale = read(DEFAULT_FILE)

# The scale in use, and what is derived from it: set together by use(). Read them as attributes of
# this module (``verdicts.SCALE``), never imported by name, so that they follow the scale in use.
CURRENT: Scale = DEFAULT
SCALE: tuple[Verdict, ...] = ()
BY_KEY: dict[str, Verdict] = {}
KEYS: tuple[str, ...] = ()
BEST_RATING = 5
WORST_RATING = 1
# Ordinal ranks for agreement on an ordered scale: the places of the ordered ratings, 1 the nearest
# true. Not the ClaimReview rating, which may give two ratings the same value (the default gives
# Misleading and Mostly false 2): as ranks they are distinct. Ratings outside the order have no rank.
ORDINAL_RANK: dict[str, int] = {}


def use(scale: Scale) -> None:
    """Put ``scale`` in use in this process (the app does at start-up)."""
    global CURRENT, SCALE, BY_KEY, KEYS, BEST_RATING, WORST_RATING, ORDINAL_RANK
    CURRENT = scale
    SCALE = scale.ratings
    BY_KEY = scale.by_key
    KEYS = tuple(BY_KEY)
    BEST_RATING, WORST_RATING = scale.best_rating, scale.worst_rating
    ORDINAL_RANK = {v.key: v.rank for v in SCALE if v.rank is not None}


@contextmanager
def using(scale: Scale) -> Iterator[Scale]:
    """``scale`` in use for the block, then the one before it again."""
    before = CURRENT
    use(scale)
    try:
        yield scale
    finally:
        use(before)


use(DEFAULT)


def ordinal_rank(key: str) -> int | None:
    """The verdict's place on the ordered scale (1 = nearest true), or None outside the order or unknown."""
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
    """The verdict's label, "No verdict yet" for "", the label of the rating an old key was renamed
    to, or the raw key when it is not on the scale (history written under an older scale)."""
    verdict = BY_KEY.get(key) or BY_KEY.get(CURRENT.renamed.get(key, ""))
    return verdict.label if verdict else NO_VERDICT_LABEL if key == NO_VERDICT else key


def ordered() -> list[Verdict]:
    """The ratings on the ordered scale, nearest true first."""
    return sorted((v for v in SCALE if v.rank is not None), key=lambda v: v.rank or 0)


def order_labels() -> str:
    """The ordered scale in words: "True, Mostly true, ..., False"."""
    return ", ".join(v.label for v in ordered())


def outside_labels(conjunction: str = "or") -> str:
    """The ratings outside the order in words ("Unverifiable"; "Satire or Unproven"); "" when none."""
    labels = [v.label for v in SCALE if v.rank is None]
    return ", ".join(labels[:-1]) + f" {conjunction} " * (len(labels) > 1) + labels[-1] if labels else ""


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
