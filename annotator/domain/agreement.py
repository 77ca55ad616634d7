"""Inter-reviewer agreement on an article's claims, for the lead dashboard.

Pure module (no Flask, no DB). Spans judged by reviewers are grouped into
claims (spans whose ranges overlap enough are the same claim); each claim with
two or more reviewers is one unit for Krippendorff's alpha, computed twice:

- nominal: the verdict keys are categories without order or distance;
- ordinal: the verdicts are ranks on the scale (``verdicts.ordinal_rank``: True 1 ... False 6),
  and a disagreement weighs more the more verdicts lie between the two. Unverifiable has no
  rank: its judgements are missing values (left out, and counted), so a claim needs two ranked
  verdicts to be an ordinal unit.

A *near miss* is a pair of reviewers on one claim whose verdicts differ but are adjacent on the
ordered scale (Mostly true and Mixed, say); the near-miss share is taken among the disagreeing
pairs (each unordered pair of reviewers of a claim counted once).

Alpha is computed exactly (``fractions.Fraction``) and converted to float at
the end, so equal inputs up to relabelling or reordering give equal floats.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from annotator.domain import verdicts
from annotator.domain.grouping import DEFAULT_THRESHOLD, Claim, JudgedSpan, group_claims


@dataclass(frozen=True)
class AgreementReport:
    """Agreement figures for one article (or, pooled, for several)."""

    claims: int  # claims after grouping
    claims_compared: int  # claims with >= 2 reviewers: the units alpha rests on
    full_agreement_share: float | None  # share of compared claims where all agree; None if none
    alpha: float | None  # Krippendorff's nominal alpha; None when undefined
    near_threshold: float  # the IoU threshold used for grouping
    ordinal_alpha: float | None = None  # Krippendorff's ordinal alpha (Unverifiable as missing)
    ordinal_compared: int = 0  # claims with >= 2 ranked verdicts: the units ordinal alpha rests on
    unranked: int = 0  # Unverifiable verdicts on compared claims, left out of ordinal alpha
    disagreeing_pairs: int = 0  # pairs of reviewers on a compared claim whose verdicts differ
    near_misses: int = 0  # of those, pairs whose verdicts are adjacent on the scale

    @property
    def near_miss_share(self) -> float | None:
        """Near misses among disagreeing pairs; None when no pair disagrees."""
        return self.near_misses / self.disagreeing_pairs if self.disagreeing_pairs else None


@dataclass
class Tally:
    """What the agreement figures rest on, counted over claims; tallies of several articles add
    up to the pooled one, so pooling needs no second pass over the claims.

    ``values`` is n of the coincidence matrix, ``totals`` its n_c, and ``same_pairs_by_size``
    the ordered same-value pairs in units of m values (each weighted 1/(m-1) in o_cc).
    """

    claims: int = 0
    compared: int = 0  # units: claims with >= 2 verdicts
    unanimous: int = 0
    values: int = 0
    same_pairs_by_size: Counter[int] = field(default_factory=Counter)
    totals: Counter[Hashable] = field(default_factory=Counter)
    # Ordinal: ``ranked_pairs`` counts ordered pairs of different ranks (c, k) in units of m ranked
    # values, keyed (m, c, k); ``rank_totals`` is n_c per rank, ``ranked_units`` the units.
    ranked_units: int = 0
    ranked_pairs: Counter[tuple[int, int, int]] = field(default_factory=Counter)
    rank_totals: Counter[int] = field(default_factory=Counter)
    unranked: int = 0
    disagreeing_pairs: int = 0
    near_misses: int = 0

    def add_unit(self, values: Sequence[Hashable]) -> None:
        """One unit's values, one per coder; fewer than two are not pairable and count for nothing."""
        m = len(values)
        if m < 2:
            return
        counts: dict[Hashable, int] = {}  # a plain dict: Counter costs more for two or three values
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        same_pairs = 0
        for value, a in counts.items():
            same_pairs += a * (a - 1)  # a category with count a gives a(a-1) ordered same-value pairs
            self.totals[value] += a  # each value pairs with m-1 others, each 1/(m-1): adds 1 to n_c
        self.same_pairs_by_size[m] += same_pairs
        self.values += m
        self.compared += 1
        self.unanimous += len(counts) == 1

    def add_ranked_unit(self, ranks: list[int | None]) -> None:
        """One unit's ranks for ordinal alpha, None for a value outside the order (a missing value)."""
        ranked = [r for r in ranks if r is not None]
        self.unranked += len(ranks) - len(ranked)
        m = len(ranked)
        if m < 2:
            return
        self.ranked_units += 1
        for i, c in enumerate(ranked):
            self.rank_totals[c] += 1
            for k in ranked[i + 1 :]:
                if c != k:
                    low, high = min(c, k), max(c, k)
                    self.ranked_pairs[m, low, high] += 2  # (c, k) and (k, c): delta is symmetric

    def add_pairs(self, values: list[str]) -> None:
        """Disagreeing and near-miss pairs among one unit's verdicts (each unordered pair once)."""
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                if values[i] != values[j]:
                    self.disagreeing_pairs += 1
                    self.near_misses += verdicts.adjacent(values[i], values[j])

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.claims + other.claims,
            self.compared + other.compared,
            self.unanimous + other.unanimous,
            self.values + other.values,
            self.same_pairs_by_size + other.same_pairs_by_size,
            self.totals + other.totals,
            self.ranked_units + other.ranked_units,
            self.ranked_pairs + other.ranked_pairs,
            self.rank_totals + other.rank_totals,
            self.unranked + other.unranked,
            self.disagreeing_pairs + other.disagreeing_pairs,
            self.near_misses + other.near_misses,
        )

    def ordinal_alpha(self) -> Fraction | None:
        """Krippendorff's alpha with the ordinal metric, exact; None when undefined (no unit with two
        ranked values, or a single rank among them).

        With n_g the pairable values of rank g, the squared distance of ranks c < k is
        delta2(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, and
        alpha = 1 - (n - 1) * sum_{c != k} o_ck delta2(c, k) / sum_{c != k} n_c n_k delta2(c, k).
        Ranks nobody used have n_g = 0 and add nothing, so gaps in the ranks do not matter.
        In integers: 4 * delta2 = (2 * sum_{g=c..k} n_g - n_c - n_k)^2, and the 4s cancel; one
        Fraction per unit size m (o_ck weighs each pair 1/(m-1)).
        """
        totals = self.rank_totals
        n = sum(totals.values())
        ranks = sorted(r for r, count in totals.items() if count)
        if len(ranks) < 2:
            return None
        distance: dict[tuple[int, int], int] = {}  # 4 * delta2, for c < k
        expected = 0
        for i, c in enumerate(ranks):
            running = totals[c]
            for k in ranks[i + 1 :]:
                running += totals[k]
                d = (2 * running - totals[c] - totals[k]) ** 2
                distance[c, k] = d
                expected += 2 * totals[c] * totals[k] * d
        by_size: dict[int, int] = {}
        for (m, c, k), count in self.ranked_pairs.items():
            by_size[m] = by_size.get(m, 0) + count * distance[c, k]
        observed = sum((Fraction(total, m - 1) for m, total in by_size.items()), Fraction(0))
        return 1 - (n - 1) * observed / expected  # expected > 0: two ranks with values, distance > 0

    def alpha(self) -> float | None:
        """Krippendorff's nominal alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k; None
        when no unit is pairable, or when every pairable value is the same category (De = 0)."""
        n = self.values
        if n == 0:
            return None
        # sum_c o_cc, exact: one Fraction per unit size rather than per unit
        agreeing = sum((Fraction(pairs, m - 1) for m, pairs in self.same_pairs_by_size.items()), Fraction(0))
        observed = n - agreeing  # sum_{c != k} o_ck
        expected = n * n - sum(v * v for v in self.totals.values())  # sum_{c != k} n_c n_k
        if expected == 0:
            return None
        return float(1 - (n - 1) * observed / expected)

    def report(self, threshold: float) -> AgreementReport:
        return AgreementReport(
            claims=self.claims,
            claims_compared=self.compared,
            full_agreement_share=self.unanimous / self.compared if self.compared else None,
            alpha=self.alpha(),
            near_threshold=threshold,
            ordinal_alpha=None if (ordinal := self.ordinal_alpha()) is None else float(ordinal),
            ordinal_compared=self.ranked_units,
            unranked=self.unranked,
            disagreeing_pairs=self.disagreeing_pairs,
            near_misses=self.near_misses,
        )


def krippendorff_alpha_nominal(units: Iterable[Mapping[Hashable, Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data; None when undefined.

    Each unit maps coder -> value. Units with fewer than 2 values are not
    pairable and are dropped. From the coincidence matrix o_ck (each ordered
    pair of values from different coders in unit u adds 1/(m_u - 1)), with
    n_c = sum_k o_ck and n = sum_c n_c:

        alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k   (= 1 - Do/De)

    Undefined (None) when no unit is pairable, or when De == 0, i.e. every
    pairable value is the same single category: there is no variation to agree
    on, even though every pair agrees (the full-agreement share is then 1.0).
    """
    tally = Tally()
    for unit in units:
        tally.add_unit(list(unit.values()))
    return tally.alpha()


def krippendorff_alpha_ordinal(units: Iterable[Mapping[Hashable, int | None]]) -> float | None:
    """Krippendorff's alpha for ordinal data; None when undefined.

    Each unit maps coder -> rank (any integers; only their order and frequencies matter), None
    for a missing value. Units with fewer than 2 ranks are dropped. See ``Tally.ordinal_alpha``.
    """
    tally = Tally()
    for unit in units:
        tally.add_ranked_unit(list(unit.values()))
    alpha = tally.ordinal_alpha()
    return None if alpha is None else float(alpha)


# What _ordinal_effect returns: ranked_units, rank_totals' and ranked_pairs' items, unranked,
# disagreeing_pairs, near_misses.
_OrdinalEffect = tuple[int, tuple[tuple[int, int], ...], tuple[tuple[tuple[int, int, int], int], ...], int, int, int]


@functools.lru_cache(maxsize=8192)
def _ordinal_effect(values: tuple[str, ...], scale: verdicts.Scale) -> _OrdinalEffect:
    """What a unit of these verdicts (sorted) adds to the ordinal and pair counts on ``scale`` (the
    one in use: part of the key, so that another scale's figures are never reused). Units repeat
    (seven verdicts, a few reviewers each): worked out once per combination, then added."""
    ranks = [verdicts.ORDINAL_RANK.get(v) for v in values]
    part = Tally()
    part.add_ranked_unit(ranks)
    part.add_pairs(list(values))
    return (
        part.ranked_units,
        tuple(part.rank_totals.items()),
        tuple(part.ranked_pairs.items()),
        part.unranked,
        part.disagreeing_pairs,
        part.near_misses,
    )


def tally_of(claims: list[Claim]) -> Tally:
    """The tally of claims already grouped: each claim with two or more reviewers is a unit."""
    tally = Tally(claims=len(claims))
    rank_totals, ranked_pairs = tally.rank_totals, tally.ranked_pairs
    for claim in claims:
        if len(claim.judgements) >= 2:
            values = [verdict for _, verdict in claim.judgements]
            tally.add_unit(values)
            units, totals, pairs, unranked, disagreeing, near = _ordinal_effect(tuple(sorted(values)), verdicts.CURRENT)
            tally.ranked_units += units
            for rank, count in totals:
                rank_totals[rank] += count
            for key, count in pairs:
                ranked_pairs[key] += count
            tally.unranked += unranked
            tally.disagreeing_pairs += disagreeing
            tally.near_misses += near
    return tally


def agreement(spans: Iterable[JudgedSpan], threshold: float = DEFAULT_THRESHOLD) -> AgreementReport:
    """Agreement on one article's judged spans."""
    return tally_of(group_claims(spans, threshold)).report(threshold)


def agreement_overall(
    spans_by_article: Iterable[Iterable[JudgedSpan]], threshold: float = DEFAULT_THRESHOLD
) -> AgreementReport:
    """Pooled agreement over several articles: claims grouped per article, one alpha over all units.

    Alphas do not average: the pooled alpha is not the mean of per-article alphas.
    """
    return pooled_agreement([group_claims(spans, threshold) for spans in spans_by_article], threshold)


def pooled_agreement(claims_by_article: Iterable[list[Claim]], threshold: float = DEFAULT_THRESHOLD) -> AgreementReport:
    """Pooled agreement over claims already grouped per article (so that grouping runs once)."""
    return sum((tally_of(claims) for claims in claims_by_article), Tally()).report(threshold)
