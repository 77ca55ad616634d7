"""Sentences and check-worthiness scores of suggested claims (annotator.domain.checkworthiness)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.domain import checkworthiness as cw
from annotator.domain.text import canonicalize

ROOT = Path(__file__).resolve().parents[2]
SEED = canonicalize((ROOT / "annotator" / "data" / "seed-article.txt").read_text(encoding="utf-8"))
LABELS = json.loads((ROOT / "tests" / "data" / "seed-article-labels.json").read_text(encoding="utf-8"))
NATO = "According to NATO, more than 600,000 Russian soldiers have been killed or wounded in the conflict."

# Sentence-ish pieces with astral characters, combining marks and line breaks in between.
PIECES = [
    "The army said 5% fell.",
    "Is it true?",
    "😀 Emoji 🇺🇦 first.",
    "Dr. Smith told CNN on Monday.",
    "e\u0301t\u00e9 \U0001d400.",
    "  ",
    "\n",
    "\n\n",
    "- A bullet",
    "1. Numbered item.",
    "“Quoted,” he said.",
    "Ellipsis… then more",
    "!!",
    "?",
    "“”",
    "𝕏 posts 300 times.",
    "Wait.Wait.",
    "U.S. officials said so.",
]


@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=14).map("".join))
@settings(max_examples=300, deadline=None)
@example("😀 A. 😀 A. 😀 A.")  # repeated sentences: pysbd's own spans can point at the wrong one
@example("Hi 👋🏽.\nBye 👋🏽.")
def test_every_sentence_is_its_exact_range_of_the_text_and_none_overlap(raw):
    text = canonicalize(raw)
    sentences = cw.split_sentences(text)
    end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.quote
        assert s.start >= end, "sentences overlap or go backwards"
        assert s.quote == s.quote.strip() and s.quote
        assert "\n" not in s.quote, "a sentence never crosses a paragraph"
        end = s.end
    scored = cw.scored_sentences(text)
    assert [(x.start, x.end, x.quote) for x in scored] == [(s.start, s.end, s.quote) for s in sentences]
    assert all(0.0 <= x.score <= 1.0 for x in scored)


def test_offsets_count_code_points_with_emoji_before_the_claim():
    text = "🇺🇦 Live 🔥 updates 😀.\nOn the front 🪖, " + NATO + " 💥 Next one."
    found = {s.quote: s for s in cw.split_sentences(text)}
    nato = next(s for q, s in found.items() if "600,000" in q)
    assert text[nato.start : nato.end] == nato.quote
    assert nato.start == text.index("On the front")


def test_list_bullets_are_left_out_of_the_sentence():
    text = "Related:\n- Ukraine has received only 10% of latest US aid package, Zelenskyy reveals"
    quotes = [s.quote for s in cw.split_sentences(text)]
    assert quotes == ["Related:", "Ukraine has received only 10% of latest US aid package, Zelenskyy reveals"]


def test_the_nato_casualty_claim_ranks_in_the_top_three_of_the_demo_article():
    ranked = sorted(cw.scored_sentences(SEED), key=lambda s: (-s.score, s.start))
    top = [s.quote for s in ranked[:3]]
    assert NATO in top, top


def test_the_labels_cover_exactly_the_sentences_of_the_demo_article():
    assert [s.quote for s in cw.split_sentences(SEED)] == [item["sentence"] for item in LABELS["sentences"]]
    assert all(item["reason"].strip() for item in LABELS["sentences"])
    assert {item["check_worthy"] for item in LABELS["sentences"]} == {True, False}


def test_features_name_what_fired_with_their_weights():
    fired = dict(cw.explain(NATO))
    assert fired == {"number": 0.30, "comparison": 0.15, "attribution": 0.20, "named_source": 0.15}
    assert cw.score_one(NATO) == pytest.approx(0.80)
    assert set(cw.FEATURE_LABELS) == {f.key for f in cw.FEATURES}


@pytest.mark.parametrize(
    "low, high",
    [
        ("Did more than 600,000 soldiers really die?", "More than 600,000 soldiers died, the ministry said."),
        ("I think the budget should rise by 5%.", "The budget rose by 5% in 2023, the finance minister said."),
        ("Russia shows no sign of seeking peace, Vučić says", "Russia shows no sign of seeking peace, Vučić said."),
        ("Related:", "Prices rose 12% in October, according to Eurostat."),
    ],
)
def test_questions_opinions_and_headlines_score_below_factual_claims(low, high):
    assert cw.score_one(low) < cw.score_one(high)
    assert cw.score_one(low) < cw.DEFAULT_THRESHOLD <= cw.score_one(high)


def test_a_question_fires_the_question_feature_even_inside_quotes():
    assert "question" in dict(cw.explain("“Will the war end soon?”"))


def test_the_default_scorer_is_loaded_without_a_setting():
    assert cw.load_scorer("") is cw.score
    assert cw.load_scorer(None) is cw.score
    assert cw.load_scorer("default") is cw.score


def test_a_plug_in_scorer_is_loaded_and_used_without_features():
    scorer = cw.load_scorer("tests.fixtures.scorers:by_length")
    scored = cw.scored_sentences("Short one. A much longer sentence follows it here.", scorer)
    assert [s.features for s in scored] == [[], []]
    assert scored[0].score < scored[1].score
    assert cw.scorer_name(scorer) == "tests.fixtures.scorers:by_length"


@pytest.mark.parametrize(
    "spec, message",
    [
        ("no-colon", "expected 'package.module:callable'"),
        ("tests.no_such_module:score", "cannot import tests.no_such_module"),
        ("tests.fixtures.scorers:missing", "has no callable 'missing'"),
        ("tests.fixtures.scorers:not_callable", "has no callable 'not_callable'"),
        ("tests.fixtures.scorers:wrong_length", "gave 1 scores for 2 sentences"),
        ("tests.fixtures.scorers:not_numbers", "failed on a sample"),
    ],
)
def test_a_bad_scorer_setting_fails_at_load_with_a_clear_message(spec, message):
    with pytest.raises(cw.ScorerError, match="ANNOTATOR_CLAIM_SCORER") as raised:
        cw.load_scorer(spec)
    assert message in str(raised.value)


def test_a_plug_in_that_answers_badly_on_an_article_raises_scorer_error():
    scorer = cw.load_scorer("tests.fixtures.scorers:breaks_on_articles")
    with pytest.raises(RuntimeError):
        cw.scored_sentences(NATO, scorer)
    with pytest.raises(cw.ScorerError, match="gave 1 scores for 2 sentences"):
        cw.scored_sentences("One. Two.", lambda sentences: [0.1])


def test_empty_and_blank_texts_have_no_sentences():
    assert cw.split_sentences("") == []
    assert cw.split_sentences("\n \n") == []
    assert cw.scored_sentences("") == []


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_plug_in_score_that_is_not_finite_is_refused(bad):
    with pytest.raises(cw.ScorerError, match="not a finite number"):
        cw.scored_sentences("One. Two.", lambda sentences: [0.5, bad])


# --- the edges of each rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, full",
    [
        ("Stop, the ministry said!", True),  # an exclamation ends a sentence
        ("Did the ministry say that?", True),  # so does a question mark (the question feature weighs it)
        ("The budget rose sharply.", True),  # four words are enough
        ("Prices rose sharply.", False),  # three are a headline or a label
        ("He said “prices rose.”", True),  # closing quotes and brackets after the full stop
        ("Prices rose (as the data show.)", True),
        ("The release is numbered 2.X", False),  # a full stop inside the last word is no ending
        ("Ukraine has received only 10% of latest US aid package", False),
    ],
)
def test_a_full_sentence_ends_with_a_stop_and_has_four_words_or_more(sentence, full):
    assert ("not_a_sentence" not in dict(cw.explain(sentence))) == full


def test_the_score_is_the_sum_of_the_weights_held_to_zero_and_one():
    everything = "According to the IMF, the budget rose by more than 5% in 2023."
    assert [key for key, _ in cw.explain(everything)] == [
        "number",
        "money_percent",
        "comparison",
        "attribution",
        "named_source",
        "time",
    ]
    assert cw.score_one(everything) == 1.0  # 1.1 held to 1
    assert cw.score_one("Should we think it might rise?") == 0.0  # -0.7 held to 0
    assert cw.score_one("The budget rose sharply.") == 0.35
    assert cw.score([NATO, "Should we think it might rise?", "The budget rose sharply."]) == [0.8, 0.0, 0.35]


def test_whole_word_alternatives_match_only_whole_words():
    pattern = cw._words("per ?cent|dollars?")
    assert pattern == r"\b(?:per ?cent|dollars?)\b"
    assert [bool(re.search(pattern, s)) for s in ("5 percent", "ten dollars", "superdollars", "percentage")] == [
        True,
        True,
        False,
        False,
    ]


def test_the_default_scorer_gives_each_sentence_its_features_and_place():
    text = "Short one. " + NATO
    scored = cw.scored_sentences(text)
    assert [(s.start, s.end, s.quote, s.score) for s in scored] == [
        (0, 10, "Short one.", 0.0),
        (11, 11 + len(NATO), NATO, 0.8),
    ]
    assert scored[0].features == [["not_a_sentence", -0.70]]
    assert scored[1].features == [["number", 0.30], ["comparison", 0.15], ["attribution", 0.20], ["named_source", 0.15]]


def test_a_plug_in_score_is_kept_to_four_places_on_each_sentence():
    scored = cw.scored_sentences("Short one. A much longer one.", lambda sentences: [0.123456, 1])
    assert [(s.start, s.end, s.quote, s.score, s.features) for s in scored] == [
        (0, 10, "Short one.", 0.1235, []),
        (11, 29, "A much longer one.", 1.0, []),
    ]


@pytest.mark.parametrize(
    "answer, message",
    [
        (["high", "low"], "the scorer gave a score that is not a number"),
        ([None, 0.5], "the scorer gave a score that is not a number"),
        ([0.5, float("-inf")], "the scorer gave a score that is not a finite number"),
        ([0.1, 0.2, 0.3], "the scorer gave 3 scores for 2 sentences"),
    ],
)
def test_a_plug_in_that_answers_badly_is_told_exactly_what_is_wrong(answer, message):
    with pytest.raises(cw.ScorerError) as raised:
        cw.scored_sentences("One. Two.", lambda sentences: answer)
    assert str(raised.value) == message


def test_a_blank_setting_means_the_default_scorer():
    assert cw.load_scorer("  ") is cw.score
    assert cw.load_scorer(" default ") is cw.score


def test_a_setting_splits_at_its_first_colon():
    with pytest.raises(cw.ScorerError) as raised:
        cw.load_scorer("tests.fixtures.scorers:by_length:x")
    assert str(raised.value) == (
        "ANNOTATOR_CLAIM_SCORER='tests.fixtures.scorers:by_length:x': "
        "tests.fixtures.scorers has no callable 'by_length:x'"
    )


class _Model:
    """A callable object (a loaded model, say): it has no __qualname__ of its own."""

    def __call__(self, sentences):
        return [0.5 for _ in sentences]

    def __repr__(self):
        return "Model()"


def test_a_scorer_is_named_by_module_and_name():
    assert cw.scorer_name(cw.score) == "default"
    assert cw.scorer_name(_Model()) == f"{__name__}:Model()"


# --- sentences: pysbd's pieces checked against the text ----------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("Mr. Smith went. He said so.", [(0, "Mr. Smith went."), (16, "He said so.")]),
        # pysbd points its last piece back at an earlier copy, with a space it added: the rest is one piece
        ("A. “Quoted,” he said.A. A. A.", [(0, "A. “Quoted,” he said.A."), (24, "A. A.")]),
        # pysbd points a piece back into the one before: it is found again after it
        ("Wait.Wait....  A. ...1.", [(0, "Wait.Wait."), (10, "..."), (15, "A. ."), (19, "..1.")]),
        ("First one.\n\nSecond one.", [(0, "First one."), (12, "Second one.")]),
        ("First one.\n \nSecond one.", [(0, "First one."), (13, "Second one.")]),
        ("Intro.\n- \nNext.", [(0, "Intro."), (10, "Next.")]),
        ("- ", []),
    ],
)
def test_sentences_are_the_texts_own_ranges_in_order(text, found, monkeypatch):
    monkeypatch.setattr(cw, "_segmenter", None)  # made afresh, as on the first article after start-up
    sentences = cw.split_sentences(text)
    assert [(s.start, s.quote) for s in sentences] == found
    assert all(text[s.start : s.end] == s.quote for s in sentences)
