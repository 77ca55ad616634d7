"""Two people saving the same thing at the same moment: one wins, the other gets 409, nothing is lost.

Each thread has its own test client and signed-in session, opens the form at the same
version, and posts when a barrier releases both. The app runs on a SQLite file (as in
production), so the two requests really race for the database's write lock. Where a
test widens the race window, it slows the critical section down *after* the lock is
taken, so that the other request is certain to arrive while the first is still saving.
"""

import threading
import time

import pytest

from annotator.services import annotations as annotation_service
from annotator.services import history
from tests.fixtures.app import HX, csrf_token, login
from tests.fixtures.htmltree import page
from tests.fixtures.review_helpers import (
    ISW,
    NATO,
    annotation_of,
    edit_version,
    events,
    final_form_version,
    final_of,
    save,
    source_fields,
    span_of,
)

ROUNDS = 3


def race(*requests):
    """Run the callables in threads released together by a barrier; their responses, in order."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait(timeout=10)
            results[i] = request()
        except BaseException as error:  # noqa: BLE001 (reported below)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request never finished (deadlock?)"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


@pytest.fixture
def slow_saves(monkeypatch):
    """Make every save linger 0.3 s inside its transaction, after the write lock is taken."""

    def slow(function):
        def wrapper(*args, **kwargs):
            result = function(*args, **kwargs)
            time.sleep(0.3)
            return result

        return wrapper

    monkeypatch.setattr(annotation_service, "_apply", slow(annotation_service._apply))
    monkeypatch.setattr(history, "final_verdict_snapshot", slow(history.final_verdict_snapshot))


def second_session(app, username):
    """Another browser of the same user (e.g. a second tab on another device)."""
    client = app.test_client()
    assert login(client, username).status_code == 303
    return client


# --- One annotation, two saves -----------------------------------------------------------------------------


def edit_request(client, token, annotation_id, version, verdict, note, sources):
    data = {
        "verdict": verdict,
        "note": note,
        "version": str(version),
        "action": "save",
        "csrf_token": token,
        **source_fields(sources),
    }
    return lambda: client.post(f"/annotations/{annotation_id}", data=data, headers=HX)


def check_one_winner(app, article, annotation_id, responses, mine):
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.get_data(as_text=True)[:300] for r in responses]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    loser = 1 - winner
    stored = annotation_of(app, "reviewer", article)
    verdict, note, sources = mine[winner]
    assert (stored.verdict, stored.note) == (verdict, note)
    assert [(s.url, s.title, s.excerpt) for s in stored.sources] == [
        (s["url"], s["title"], s["excerpt"]) for s in sources
    ]
    # The loser's work is not lost: the conflict view holds it, to re-apply.
    conflict = page(responses[loser])
    text = conflict.text()
    lost_verdict, lost_note, lost_sources = mine[loser]
    assert lost_note in text and note in text
    assert all(s["title"] in text for s in lost_sources)
    form = next(f for f in conflict.find_all("form") if "Re-apply mine" in f.text())
    hidden = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert (hidden["verdict"], hidden["note"], hidden["version"]) == (lost_verdict, lost_note, str(stored.version))
    return winner


@pytest.mark.parametrize("slow", [False, True], ids=["barrier", "barrier-with-slow-save"])
def test_two_simultaneous_saves_of_one_annotation_never_overwrite_each_other(
    app, reviewer_client, demo_article, request, slow
):
    if slow:
        request.getfixturevalue("slow_saves")
    save(reviewer_client, demo_article, verdict="true", note="original")
    annotation = annotation_of(app, "reviewer", demo_article)
    tab_two = second_session(app, "reviewer")
    for round_ in range(ROUNDS):
        # Both open the edit form at the same version...
        opened = edit_version(reviewer_client, annotation.id)
        assert edit_version(tab_two, annotation.id) == opened
        tokens = [csrf_token(c, f"/articles/{demo_article.id}") for c in (reviewer_client, tab_two)]
        mine = [("false", f"tab one, round {round_}", [NATO]), ("mixed", f"tab two, round {round_}", [ISW])]
        edits_before = [e.action for e in events(app)].count("edited")
        # ...and save at the same moment.
        responses = race(
            edit_request(reviewer_client, tokens[0], annotation.id, opened, *mine[0]),
            edit_request(tab_two, tokens[1], annotation.id, opened, *mine[1]),
        )
        check_one_winner(app, demo_article, annotation.id, responses, mine)
        assert annotation_of(app, "reviewer", demo_article).version == opened + 1
        # One save, one history event: the refused save left no trace but its 409.
        assert [e.action for e in events(app)].count("edited") == edits_before + 1


def test_reapplying_the_losers_version_after_a_race_saves_it(app, reviewer_client, demo_article, slow_saves):
    save(reviewer_client, demo_article, verdict="true", note="original")
    annotation = annotation_of(app, "reviewer", demo_article)
    tab_two = second_session(app, "reviewer")
    opened = edit_version(reviewer_client, annotation.id)
    tokens = [csrf_token(c, f"/articles/{demo_article.id}") for c in (reviewer_client, tab_two)]
    mine = [("false", "tab one", [NATO]), ("mixed", "tab two", [ISW])]
    responses = race(
        edit_request(reviewer_client, tokens[0], annotation.id, opened, *mine[0]),
        edit_request(tab_two, tokens[1], annotation.id, opened, *mine[1]),
    )
    winner = check_one_winner(app, demo_article, annotation.id, responses, mine)
    loser = 1 - winner
    form = next(f for f in page(responses[loser]).find_all("form") if "Re-apply mine" in f.text())
    data = {i.get("name"): i.get("value") for i in form.find_all("input")} | {"action": "save"}
    client = (reviewer_client, tab_two)[loser]
    assert client.post(form.get("action"), data=data, headers=HX).status_code == 200
    stored = annotation_of(app, "reviewer", demo_article)
    assert (stored.verdict, stored.note) == mine[loser][:2]
    assert [s.url for s in stored.sources] == [s["url"] for s in mine[loser][2]]
    # Both saves are in the history, the winner's then the loser's.
    edits = [e for e in events(app) if e.action == "edited"]
    assert [e.after["note"] for e in edits[-2:]] == [mine[winner][1], mine[loser][1]]


# --- One span, two leads ----------------------------------------------------------------------------------


def settle_request(client, token, article, span_id, version, verdict, rationale):
    data = {"verdict": verdict, "rationale": rationale, "version": version, "csrf_token": token}
    return lambda: client.post(f"/articles/{article.id}/spans/{span_id}/final-verdict", data=data, headers=HX)


@pytest.mark.parametrize("slow", [False, True], ids=["barrier", "barrier-with-slow-save"])
@pytest.mark.parametrize("settled_before", [False, True], ids=["first-ruling", "changing-the-ruling"])
def test_two_leads_settling_one_span_at_once_never_overwrite_each_other(
    app, reviewer_client, lead_client, make_user, demo_article, request, slow, settled_before
):
    save(reviewer_client, demo_article, verdict="true")
    span = span_of(app, demo_article)
    other_lead = make_user("lead2", "lead")
    if settled_before:
        token = csrf_token(lead_client, f"/articles/{demo_article.id}")
        assert settle_request(lead_client, token, demo_article, span.id, "", "mixed", "first")().status_code == 200
    if slow:
        request.getfixturevalue("slow_saves")
    for round_ in range(ROUNDS):
        opened = final_form_version(lead_client, demo_article, span.id)
        assert final_form_version(other_lead, demo_article, span.id) == opened
        assert (opened == "") == (not settled_before and round_ == 0)
        tokens = [csrf_token(c, f"/articles/{demo_article.id}") for c in (lead_client, other_lead)]
        mine = [("false", f"Lead one, round {round_}."), ("mostly-true", f"Lead two, round {round_}.")]
        settles_before = [e.action for e in events(app)].count("settled")
        responses = race(
            settle_request(lead_client, tokens[0], demo_article, span.id, opened, *mine[0]),
            settle_request(other_lead, tokens[1], demo_article, span.id, opened, *mine[1]),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.get_data(as_text=True)[:300] for r in responses]
        winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
        final = final_of(app, span.id)
        assert (final.verdict, final.rationale) == mine[winner]
        assert final.version == (int(opened) + 1 if opened else 1)
        conflict = page(responses[1 - winner]).text()
        assert mine[1 - winner][1] in conflict and mine[winner][1] in conflict
        assert [e.action for e in events(app)].count("settled") == settles_before + 1
