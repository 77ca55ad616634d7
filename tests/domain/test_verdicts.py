"""Tests for annotator.domain.verdicts: the single definition of the verdict scale."""

from __future__ import annotations

import re

import pytest

from annotator.domain import verdicts
from annotator.domain.verdicts import BY_KEY, KEYS, SCALE, Verdict, choices, get, label, stylesheet

HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")


def test_scale_has_exactly_the_seven_labels_in_order():
    assert [v.label for v in SCALE] == [
        "True",
        "Mostly true",
        "Mixed",
        "Misleading",
        "Mostly false",
        "False",
        "Unverifiable",
    ]


def test_scale_keys_are_unique():
    keys = [v.key for v in SCALE]
    assert len(keys) == len(set(keys)) == 7


def test_scale_keys_are_css_class_safe_slugs():
    for v in SCALE:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", v.key), v.key


def test_keys_and_by_key_follow_scale_order():
    assert KEYS == tuple(v.key for v in SCALE)
    assert list(BY_KEY) == list(KEYS)
    assert all(BY_KEY[v.key] is v for v in SCALE)


def test_ratings_are_one_to_five_except_unverifiable_which_has_none():
    for v in SCALE:
        if v.key == "unverifiable":
            assert v.rating is None
        else:
            assert isinstance(v.rating, int)
            assert verdicts.WORST_RATING <= v.rating <= verdicts.BEST_RATING
    assert (verdicts.WORST_RATING, verdicts.BEST_RATING) == (1, 5)


def test_only_unverifiable_has_no_rating():
    assert [v.label for v in SCALE if v.rating is None] == ["Unverifiable"]


def test_ratings_never_increase_along_the_scale():
    rated = [v.rating for v in SCALE if v.rating is not None]
    assert rated == sorted(rated, reverse=True)
    assert rated[0] == 5 and rated[-1] == 1


@pytest.mark.parametrize("verdict", SCALE, ids=lambda v: v.key)
def test_colours_are_lowercase_hex_rrggbb(verdict: Verdict):
    assert HEX_COLOUR.fullmatch(verdict.colour), verdict.colour
    assert HEX_COLOUR.fullmatch(verdict.text_colour), verdict.text_colour


@pytest.mark.parametrize("verdict", SCALE, ids=lambda v: v.key)
def test_every_verdict_has_a_description(verdict: Verdict):
    assert verdict.description.strip()


def test_choices_match_scale_order_and_labels():
    assert choices() == [(v.key, v.label) for v in SCALE]


def test_get_returns_verdict_or_none():
    assert get("mixed") is SCALE[2]
    assert get("no-such-verdict") is None


def test_label_of_known_key_is_its_label():
    assert label("mostly-false") == "Mostly false"


def test_label_of_unknown_key_returns_the_key():
    assert label("pants-on-fire") == "pants-on-fire"
    assert label("") == "No verdict yet"  # a draft awaiting a verdict (an imported highlight)


def test_stylesheet_has_one_rule_per_verdict():
    css = stylesheet()
    rules = [line for line in css.splitlines() if line.strip()]
    assert len(rules) == len(SCALE)
    for v, rule in zip(SCALE, rules, strict=True):
        assert rule.startswith(f".verdict-{v.key}{{")
        assert f"--verdict-bg:{v.colour};" in rule
        assert f"--verdict-fg:{v.text_colour};" in rule
        assert rule.endswith("}")
    assert css.endswith("\n")


def test_stylesheet_contains_no_markup():
    css = stylesheet()
    assert "<" not in css and ">" not in css
