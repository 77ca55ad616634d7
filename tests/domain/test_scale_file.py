"""The desk's scale file (annotator.domain.verdicts.parse): what it holds, what follows it, and every
file the app refuses, with the one line that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain import agreement, shortcuts, verdicts
from annotator.domain.grouping import Claim

FIVE = Path(__file__).parents[1] / "fixtures" / "scales" / "five-level.toml"


def rating(key: str, label: str, **fields) -> str:
    lines = ["[[rating]]", f'key = "{key}"', f'label = "{label}"', 'colour = "#1a7f37"', 'text_colour = "#ffffff"']
    lines.append(f'definition = "{label} means this."')
    lines += [f"{name} = {value!r}".replace("'", '"') for name, value in fields.items()]
    return "\n".join(lines) + "\n"


TWO = rating("yes", "Yes", order=1, rating_value=5) + rating("no", "No", order=2, rating_value=1)


def test_the_default_file_is_the_seven_level_scale():
    scale = verdicts.read(verdicts.DEFAULT_FILE)
    assert scale.ratings == verdicts.DEFAULT.ratings
    assert [v.label for v in scale.ratings][:3] == ["True", "Mostly true", "Mixed"]
    assert (scale.best_rating, scale.worst_rating) == (5, 1)
    assert [v.rank for v in scale.ratings] == [1, 2, 3, 4, 5, 6, None]
    assert scale.renamed == {}


def test_a_five_level_scale_with_two_ratings_outside_the_order():
    scale = verdicts.read(FIVE)
    assert [v.key for v in scale.ratings] == ["accurate", "needs-context", "inaccurate", "satire", "no-evidence"]
    assert [v.rank for v in scale.ratings] == [1, 2, 3, None, None]
    assert [v.rating for v in scale.ratings] == [3, 2, 1, None, None]
    assert (scale.best_rating, scale.worst_rating) == (3, 1)


def test_what_follows_the_scale_in_use():
    five = verdicts.read(FIVE)
    with verdicts.using(five):
        assert verdicts.KEYS == ("accurate", "needs-context", "inaccurate", "satire", "no-evidence")
        assert verdicts.choices()[1] == ("needs-context", "Needs context")
        assert verdicts.label("satire") == "Satire" and verdicts.label("true") == "true"  # off this scale
        assert verdicts.get("mixed") is None
        assert verdicts.ordinal_rank("inaccurate") == 3 and verdicts.ordinal_rank("satire") is None
        assert verdicts.adjacent("accurate", "needs-context") and not verdicts.adjacent("accurate", "inaccurate")
        assert not verdicts.adjacent("inaccurate", "satire")
        assert (verdicts.BEST_RATING, verdicts.WORST_RATING) == (3, 1)
        assert verdicts.order_labels() == "Accurate, Needs context, Inaccurate"
        assert verdicts.outside_labels() == "Satire or No evidence"
        assert verdicts.outside_labels("and") == "Satire and No evidence"
        assert ".verdict-satire{--verdict-bg:#6b3fa0;--verdict-fg:#ffffff;}" in verdicts.stylesheet()
        assert ".verdict-true{" not in verdicts.stylesheet()
        assert shortcuts.verdict_digits()[-1] == ("5", "No evidence")
        # Ordinal agreement ranks the three ordered ratings and leaves the other two out.
        claims = [
            Claim((1,), 0, 5, ((1, "accurate"), (2, "needs-context"))),
            Claim((2,), 9, 14, ((1, "satire"), (2, "inaccurate"), (3, "accurate"))),
        ]
        tally = agreement.tally_of(claims)
        assert tally.unranked == 1 and tally.ranked_units == 2
        assert tally.near_misses == 1  # accurate / needs-context; accurate / inaccurate is two steps
        assert tally.disagreeing_pairs == 4
    # The same units on the default scale: none of these keys is ranked there (no stale figures).
    assert agreement.tally_of(claims).ranked_units == 0
    assert verdicts.KEYS[0] == "true"  # the scale before is back in use
    assert verdicts.outside_labels() == "Unverifiable"


def test_order_numbers_become_places_and_the_file_order_is_the_listing_order():
    text = (
        rating("no", "No", order=30, rating_value=1)
        + rating("maybe", "Maybe")
        + rating("yes", "Yes", order=10, rating_value=5)
    )
    scale = verdicts.parse(text)
    assert [v.key for v in scale.ratings] == ["no", "maybe", "yes"]
    assert {v.key: v.rank for v in scale.ratings} == {"no": 2, "maybe": None, "yes": 1}


def test_renamed_keys_read_as_their_new_rating():
    scale = verdicts.parse(TWO + '[renamed]\n"true" = "yes"\n')
    assert scale.renamed == {"true": "yes"}
    with verdicts.using(scale):
        assert verdicts.label("true") == "Yes"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("rating = [", "is not valid TOML"),
        (rating("yes", "Yes"), "at least two [[rating]]"),
        ("".join(rating(f"r{n}", f"R{n}") for n in range(10)), "at most 9"),
        (TWO + rating("yes", "Again"), "“yes” and “yes” have the same key"),
        (TWO + rating("again", "YES"), "“yes” and “again” have the same label"),
        (TWO + rating("again", "Again", order=2), "“no” and “again” have the same order"),
        (TWO + rating("Bad Key", "Bad"), "lowercase letters, digits and hyphens"),
        (TWO + rating("x" * 41, "Long"), "at most 40"),
        (TWO.replace('"#1a7f37"', '"green"', 1), "colour must be a colour written #rrggbb, not 'green'"),
        (TWO.replace('"#ffffff"', '"#2a8f47"', 1), "contrast of 1."),
        (TWO + rating("odd", "Odd", rating_value=9), "rating_value 9 is outside worst_rating 1 to best_rating 5"),
        (TWO + rating("odd", "Odd", rating_value=2.5), "must be a whole number"),
        (TWO + rating("odd", "Odd", order=0), "order must be 1 or more"),
        (
            rating("yes", "Yes", order=1, rating_value=1) + rating("no", "No", order=2, rating_value=5),
            "lower rating_value",
        ),
        (TWO + '[renamed]\n"old" = "gone"\n', "maps “old” to 'gone', which is not a rating"),
        (TWO + '[renamed]\n"yes" = "no"\n', "“yes”, which is still a rating"),
        ("best_rating = 1\nworst_rating = 1\n" + TWO, "best_rating (1) must be above worst_rating (1)"),
        ("colour_scheme = 1\n" + TWO, "unknown setting 'colour_scheme'"),
        (TWO + rating("odd", "Odd", colour_name="x"), "unknown field 'colour_name'"),
        (TWO.replace('definition = "Yes means this."', 'definition = "two\\nlines"'), "one line"),
        (TWO.replace('label = "Yes"', 'label = ""'), "needs a label"),
    ],
)
def test_a_file_the_app_cannot_use_is_refused_in_one_line(text, expected):
    with pytest.raises(verdicts.ScaleError) as refused:
        verdicts.parse(text, "desk.toml")
    message = str(refused.value)
    assert expected in message and message.startswith("desk.toml")
    assert "\n" not in message


def test_an_unreadable_file_is_refused_in_one_line(tmp_path):
    with pytest.raises(verdicts.ScaleError, match=r"Cannot read the scale file .*missing\.toml"):
        verdicts.read(tmp_path / "missing.toml")
    (tmp_path / "latin1.toml").write_bytes(b'name = "\xe9"\n')
    with pytest.raises(verdicts.ScaleError, match="Cannot read"):
        verdicts.read(tmp_path / "latin1.toml")


def test_stored_verdicts_a_file_drops_are_named_with_their_count():
    scale = verdicts.parse(TWO + '[renamed]\n"true" = "yes"\n', "desk.toml")
    problems = scale.stored_problems({"yes": 4, "true": 9, "mixed": 12, "false": 1, "": 3, "gone": 0})
    assert problems == [
        "desk.toml drops the rating “false”, which 1 stored verdict uses: keep it, or map it to a rating "
        'of the file under [renamed] ("false" = "new-key").',
        "desk.toml drops the rating “mixed”, which 12 stored verdicts use: keep it, or map it to a rating "
        'of the file under [renamed] ("mixed" = "new-key").',
    ]


@given(st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)), min_size=2, max_size=2))
def test_contrast_is_symmetric_and_between_1_and_21(pair):
    a, b = ("#" + "".join(f"{c:02x}" for c in colour) for colour in pair)
    assert 1 <= verdicts.contrast(a, b) <= 21.0001
    assert verdicts.contrast(a, b) == pytest.approx(verdicts.contrast(b, a))
