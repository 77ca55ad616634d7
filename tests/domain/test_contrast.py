"""WCAG 2 contrast of the verdict badges and of the article text on every highlight wash (AA: 4.5:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.domain import verdicts

AA = 4.5
CSS = (Path(__file__).parents[2] / "static" / "app.css").read_text()
ARTICLE_INK = "#202124"  # .article-text colour; highlights inherit it
PAPER = "#ffffff"
HIGHLIGHT = (255, 214, 92)  # --highlight


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def luminance(colour: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """The WCAG contrast ratio of two colours (hex strings or rgb tuples), from 1 to 21."""
    la, lb = sorted((luminance(rgb(c) if isinstance(c, str) else c) for c in (a, b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(colour, alpha: float, base: str = PAPER) -> tuple[int, int, int]:
    """``colour`` at ``alpha`` painted over ``base`` (what the eye sees)."""
    top = rgb(colour) if isinstance(colour, str) else colour
    return tuple(round(t * alpha + b * (1 - alpha)) for t, b in zip(top, rgb(base), strict=True))


def test_the_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white


@pytest.mark.parametrize("verdict", verdicts.SCALE, ids=lambda v: v.key)
def test_badge_text_meets_aa(verdict):
    assert contrast(verdict.text_colour, verdict.colour) >= AA, (verdict.key, verdict.colour, verdict.text_colour)


def test_a_badge_that_fails_is_caught():
    assert contrast("#ffffff", "#5e9c2f") < AA  # the old Mostly true badge: white on light green


WASHES = {  # CSS rule -> the alpha of the highlight wash it paints
    "mark.hl {": 0.38,
    "mark.hl.depth-2": 0.62,
    "mark.hl.depth-3": 0.9,
    "mark.hl:hover": 0.95,
}


@pytest.mark.parametrize("rule,alpha", WASHES.items())
def test_article_text_on_highlight_washes_meets_aa(rule, alpha):
    line = next(line for line in CSS.splitlines() if line.startswith(rule))
    assert f"rgb(var(--highlight) / {str(alpha).lstrip('0')})" in line, "app.css changed: update this test"
    assert f"--highlight: {' '.join(map(str, HIGHLIGHT))};" in CSS
    assert contrast(ARTICLE_INK, over(HIGHLIGHT, alpha)) >= AA


def test_article_text_on_the_active_highlight_meets_aa():
    assert "mark.hl.active { background: rgb(31 79 209 / .18)" in CSS
    assert contrast(ARTICLE_INK, over((31, 79, 209), 0.18)) >= AA


@pytest.mark.parametrize("verdict", verdicts.SCALE, ids=lambda v: v.key)
def test_article_text_on_a_settled_highlight_meets_aa(verdict):
    assert re.search(r"mark\.hl\.settled \{[^}]*color-mix\(in srgb, var\(--verdict-bg\) 16%, transparent\)", CSS)
    assert contrast(ARTICLE_INK, over(verdict.colour, 0.16)) >= AA


def test_a_badge_always_shows_its_label():
    """Colour never tells a verdict alone: a badge holds the verdict's label (highlights say it in
    aria-description: tests/browser/test_accessibility.py)."""
    macros = (Path(__file__).parents[2] / "templates" / "_macros.html").read_text()
    assert "{{ verdict_label(key) }}</span>" in macros
