"""Fixtures of the web tests."""

from __future__ import annotations

import pytest

from tests.fixtures.dashboard import (  # noqa: F401
    B1,
    B2,
    B3,
    CLAIM,
    CLAIM_SHORT,
    EARLY,
    GRAHAM,
    LATE,
    LOUGH,
    SECOND_TEXT,
    Scripted,
    annotation_id,
    column,
    dashboard_page,
    give_back,
    post_as_page,
    resubmit,
    save,
    settle,
    table,
)
from tests.fixtures.helpers import add_article, created_article


@pytest.fixture
def scripted(app, reviewer_client, lead_client, make_user, demo_article) -> Scripted:
    alice, bob = make_user("alice"), make_user("bob")
    a = demo_article
    b = created_article(
        app, add_article(lead_client, title="Bike lanes halved accidents, council says", text=SECOND_TEXT)
    )
    c = created_article(app, add_article(lead_client, title="Nothing checked yet", text="Quiet text."))
    save(reviewer_client, a, EARLY, "true")
    save(alice, a, EARLY, "true")
    save(reviewer_client, a, CLAIM, "true")
    save(alice, a, CLAIM, "false")
    save(bob, a, CLAIM_SHORT, "false")
    save(reviewer_client, a, LATE, "mixed")
    save(alice, a, GRAHAM, "mostly-true")
    save(reviewer_client, a, LOUGH, "true")
    save(alice, a, LOUGH, "true")
    save(reviewer_client, b, B1, "false")
    save(bob, b, B1, "false")
    save(reviewer_client, b, B2, "true")
    save(alice, b, B2, "mostly-true")
    save(bob, b, B2, "true")
    save(bob, b, B3, "unverifiable", action="save")
    settle(app, lead_client, a, LOUGH, "true")
    settle(app, lead_client, b, B1, "mostly-false")
    give_back(app, lead_client, a, "reviewer", LATE, "Which report? Cite it.")
    give_back(app, lead_client, a, "bob", CLAIM_SHORT)
    resubmit(app, bob, a, "bob", CLAIM_SHORT)
    return Scripted(a, b, c)
