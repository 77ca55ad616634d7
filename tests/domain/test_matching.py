"""The matching of a claim against earlier checks: normalising, key words, scores and the threshold."""

from annotator.domain import matching
from annotator.domain.matching import THRESHOLD, key_terms, normalise, rank, score

CLAIM = "more than 600,000 Russian soldiers have been killed or wounded"

SAME = [
    "Russia has lost more than 600000 soldiers killed or wounded since February 2022",
    "Over 600,000 Russian troops killed or wounded in Ukraine, says UK defence ministry",
    "Russian forces have suffered more than 600 000 casualties, killed or wounded, according to Western officials",
]
DIFFERENT = [
    "Ukraine has lost 600,000 soldiers",
    "The US election will change Putin's position on negotiations",
    "Inflation in the UK reached 11 percent in October 2022",
    "Putin is unlikely to negotiate regardless of who wins the US election",
]


def test_normalise_folds_case_width_punctuation_and_digit_groups():
    assert normalise("More than 600,000 RUSSIAN soldiers!") == "more than 600000 russian soldiers"
    assert normalise("600 000 and 600.000 and 600\u202f000") == "600000 and 600000 and 600000"
    assert normalise("ｆｕｌｌ-width Ｓoldiers") == "full width soldiers"


def test_the_same_claim_in_other_words_scores_above_the_threshold():
    for text in SAME:
        assert score(CLAIM, text) >= THRESHOLD, text


def test_other_claims_score_below_the_threshold():
    for text in DIFFERENT:
        assert score(CLAIM, text) < THRESHOLD, text


def test_identical_claims_score_100_and_empty_text_scores_0():
    assert score(CLAIM, CLAIM.upper() + ".") == 100
    assert score(CLAIM, "") == 0
    assert score("!!!", CLAIM) == 0


def test_rank_keeps_matches_above_the_threshold_best_first_up_to_the_limit():
    candidates = [(i, text) for i, text in enumerate(DIFFERENT + SAME)]
    ranked = rank(CLAIM, candidates)
    assert {m.item for m in ranked} == {4, 5, 6}
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert len(rank(CLAIM, candidates, limit=2)) == 2
    assert rank(CLAIM, candidates, threshold=101) == []
    assert all(0 <= m.percent <= 100 for m in ranked)


def test_key_terms_put_numbers_and_long_words_first_and_drop_stopwords():
    terms = key_terms(CLAIM)
    assert terms[0] == "600"
    assert "soldiers" in terms and "russian" in terms
    assert not {"more", "than", "have", "been", "or"} & set(terms)
    assert len(key_terms(" ".join(f"word{i}x" for i in range(20)))) == matching.MAX_TERMS


def test_key_terms_order_numbers_first_then_the_longest_words():
    assert key_terms("Kyiv reported 42 attacks near Zaporizhzhia and 1500 drones") == [
        "1500",
        "42",
        "zaporizhzhia",
        "reported",
        "attacks",
        "drones",
    ]


def test_key_terms_keep_two_digit_numbers_and_four_letter_words():
    assert key_terms("Kyiv 12 tax 7 war") == ["12", "kyiv"]


def test_key_terms_drop_leading_zeros_of_a_number():
    assert key_terms("agent 007 in room 0042") == ["42", "agent", "room"]


def test_rank_keeps_a_candidate_scoring_exactly_the_threshold():
    text = SAME[0]
    exact = score(CLAIM, text)
    assert [m.item for m in rank(CLAIM, [("same", text)], threshold=exact)] == ["same"]
    assert rank(CLAIM, [("same", text)], threshold=exact + 0.01) == []


def test_key_terms_of_text_without_words_are_empty():
    assert key_terms("?! … 0 1") == []
