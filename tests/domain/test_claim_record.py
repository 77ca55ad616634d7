"""The claim on record (annotator.domain.claim_record): who the article says made a claim, the tags'
reading, and what history keeps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.claim_record import ORGANIZATION, ClaimRecord, attributed_claimant, read_tags
from annotator.domain.text import canonicalize

SEED = canonicalize((Path(__file__).parents[2] / "annotator" / "data" / "seed-article.txt").read_text(encoding="utf-8"))


def claimant_of(text: str, quote: str) -> str | None:
    start = text.index(quote)
    return attributed_claimant(text, start, start + len(quote))


@pytest.mark.parametrize(
    "quote,claimant",
    [
        (
            "more than 600,000 Russian soldiers have been killed or wounded in the conflict",
            "NATO",
        ),  # According to NATO, …
        ("Putin is unlikely to engage in peace negotiations", "CNN’s Lauren Kent"),  # …, according to analysis by X.
        (
            "Russia is closely monitoring US policy",
            "Ukrainian President Volodymyr Zelenskyy",
        ),  # X previously stated that …
        ("Putin rules out negotiations", "Serbian President Aleksandar Vučić"),  # Earlier, X said …
        ("Putin appears willing to accept high casualties", "CNN"),  # …, CNN says.
        ("Ukraine is just a means to an end", "John Lough"),  # X, an associate fellow at …, told CNN that “…”
        ("it’s a quick process", "Thomas Graham"),  # “…,” X, a Russian foreign policy expert, told CNN.
        ("a change in US leadership may not lead to peace negotiations", None),  # analysts suggest: no one by name
        ("He claims he could resolve the conflict", None),  # a pronoun: the name is in another sentence
    ],
)
def test_the_claimant_the_demo_article_names(quote, claimant):
    assert claimant_of(SEED, quote) == claimant


@pytest.mark.parametrize(
    "text,quote,claimant",
    [
        ("The minister said taxes will fall.", "taxes will fall", None),  # a title alone is no name
        ("The Kremlin said taxes will fall.", "taxes will fall", "Kremlin"),
        ("Taxes will fall, he said.", "Taxes will fall", None),
        ("Taxes will fall, said Jane Doe of the Treasury.", "Taxes will fall", "Jane Doe"),
        ("According to the report by Full Fact, taxes fell.", "taxes fell", "Full Fact"),
        ("Taxes fell. Jane Doe said so later.", "Taxes fell", None),  # another sentence
        ("Ana de la Cruz said that prices doubled.", "prices doubled", "Ana de la Cruz"),
    ],
)
def test_attributions_in_other_sentences(text, quote, claimant):
    assert claimant_of(text, quote) == claimant


@given(
    st.text(alphabet=st.sampled_from(list("Ab cD, e. said Told according to NATO’s Éva:;\n")), max_size=120), st.data()
)
def test_a_claimant_is_always_words_of_the_text_starting_with_a_capital(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = attributed_claimant(text, start, end)
    if found is not None:
        assert found and found[0].isupper() and found in text
        assert "\n" not in found


def test_tags_are_trimmed_and_kept_once_in_the_order_given():
    assert read_tags(" war,  Ukraine  casualties , WAR,, nato ") == ("war", "Ukraine casualties", "nato")
    assert read_tags("") == ()
    with pytest.raises(ValueError, match="under 40 characters"):
        read_tags("x" * 41)
    with pytest.raises(ValueError, match="At most 20 tags"):
        read_tags(",".join(f"t{n}" for n in range(21)))


def test_history_keeps_only_the_fields_that_hold_something():
    assert ClaimRecord().snapshot() == {}
    record = ClaimRecord(
        claimant="NATO",
        claimant_kind=ORGANIZATION,
        claim_date=date(2024, 10, 30),
        summary="Over 600,000 Russian casualties",
        tags=("war", "casualties"),
    )
    assert record.snapshot() == {
        "claimant": "NATO (Organization)",
        "claim_date": "2024-10-30",
        "summary": "Over 600,000 Russian casualties",
        "tags": "war, casualties",
    }
