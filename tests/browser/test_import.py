"""A lead imports a file of annotations through the Import page and opens an imported claim."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from annotator.db.models import Article
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import sign_in


def test_lead_uploads_annotations_reads_the_report_and_opens_a_claim(page, live_app, tmp_path):
    with live_app.app_context():
        article = db.session().get(Article, 1)
    quote = CLAIM
    document = {
        "total": 3,
        "rows": [
            {
                "user": "acct:hanna@hypothes.is",
                "uri": "https://example.org/nowhere",
                "text": "MoD figure, not independent.",
                "tags": ["Mostly true", "casualties"],
                "user_info": {"display_name": "Hanna H."},
                "target": [
                    {
                        "source": "https://example.org/nowhere",
                        "selector": [{"type": "TextQuoteSelector", "exact": quote, "prefix": "", "suffix": ""}],
                    }
                ],
            },
            {
                "user": "acct:hanna@hypothes.is",
                "uri": "https://example.org/nowhere",
                "text": "",
                "tags": ["Pants on fire"],
                "target": [
                    {
                        "source": "https://example.org/nowhere",
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "exact": "Ukrainian President Volodymyr Zelenskyy",
                                "prefix": "",
                                "suffix": "",
                            }
                        ],
                    }
                ],
            },
            {
                "user": "acct:hanna@hypothes.is",
                "uri": "https://example.org/nowhere",
                "text": "",
                "tags": ["False"],
                "target": [
                    {
                        "source": "https://example.org/nowhere",
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "exact": "a sentence the article lost",
                                "prefix": "",
                                "suffix": "",
                            }
                        ],
                    }
                ],
            },
        ],
    }
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    sign_in(page, "lead")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Annotations file (JSON)").set_input_files(str(path))
    page.get_by_label("Into the article").select_option(label=article.title)
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.locator("#import-totals")).to_have_text(
        "1 imported · 0 re-anchored · 1 orphaned · 0 rejected · 1 imported, no verdict"
    )
    expect(page.locator("#import-report tbody tr").nth(2)).to_contain_text("kept as an orphan")
    # "Pants on fire" names no verdict of the scale: the highlight waits for one, as the lead's draft.
    expect(page.locator("#import-report tbody tr").nth(1)).to_contain_text("imported, no verdict")
    assert_accessible(page, "import report")
    page.locator("#import-report").get_by_role("link", name="Annotation 1").click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("MoD figure, not independent.")
    expect(panel).to_contain_text("Hanna H.")
