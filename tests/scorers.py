"""Claim scorers plugged in by tests through ANNOTATOR_CLAIM_SCORER (``tests.scorers:NAME``)."""

calls: list[list[str]] = []


def by_length(sentences: list[str]) -> list[float]:
    """A stand-in for a trained model: longer sentences score higher (0..1)."""
    calls.append(list(sentences))
    return [min(1.0, len(s) / 200) for s in sentences]


def wrong_length(sentences: list[str]) -> list[float]:
    return [0.5]


def not_numbers(sentences: list[str]) -> list[str]:
    return ["high" for _ in sentences]


def breaks_on_articles(sentences: list[str]) -> list[float]:
    """Answers the start-up sample, then fails on real articles (a model server gone away, say)."""
    if any("NATO" in s or "emoji" in s for s in sentences):
        raise RuntimeError("model server unreachable")
    return [0.5 for _ in sentences]


not_callable = 42
