"""Take the user guide's screenshots (docs/img/) from the running demo.

Starts the app (`flask --app app run`) on a free 127.0.0.1 port with a temporary SQLite
database and the demo loaded (`flask --app app load-demo`), adds a second reviewer and a few
annotations through the JSON API, then drives headless Chromium (Playwright, with Debian's
/usr/bin/chromium) as the demo reviewer and the demo lead through the pages each meets,
and writes one JPEG per page. Nothing outside the temporary directory and docs/img is
touched, and nothing is fetched from the network.

    .venv/bin/python scripts/docs_screenshots.py            # needs make test's .venv and Chromium

The images are committed; run this again after a change to what the pages look like, look
at every image, and keep each under 200 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [  # as in tests/browser/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
QUALITY = 75
LIMIT_BYTES = 200 * 1024
PASSWORD = "demo-" + secrets.token_urlsafe(8)
ARTICLE = "Putin unlikely to negotiate regardless of US election outcome"

NATO = "more than 600,000 Russian soldiers have been killed or wounded in the conflict"
DRONES = "Russia maintains advantages in drones, aircraft, and vehicles suitable for autumn and winter combat"
VUCIC = "Serbian President Aleksandar Vučić said Putin rules out negotiations"
TROOPS = "Ukrainian commanders report increased Russian troop deployments"
TRUMP = "Donald Trump has proposed ending support for Kyiv’s war effort"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    """The app with the demo loaded, on a temporary database, served on a free local port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("ANNOTATOR_", "FLASK_"))}
        self.env = environment | {
            "ANNOTATOR_DATABASE_URL": f"sqlite:///{directory / 'docs.sqlite3'}",
            "ANNOTATOR_SECRET_KEY": secrets.token_hex(32),
            "ANNOTATOR_DEMO_PASSWORD": PASSWORD,
            "ANNOTATOR_BASE_URL": self.url,
            "ANNOTATOR_LIVE_POLL_SECONDS": "3600",  # no live-update status line in the pictures
        }
        self.server: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}

    def flask(self, *args: str) -> str:
        """Run `flask --app app ARGS` on the demo's database; its standard output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    @contextmanager
    def serving(self):
        log = (self.directory / "server.log").open("w")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if self.server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the app did not start: see {self.directory / 'server.log'}")
                time.sleep(0.2)
            yield self
        finally:
            self.server.terminate()
            self.server.wait(timeout=10)
            log.close()

    def annotate(self, token: str, quote: str, verdict: str, note: str = "", sources=(), submit: bool = True) -> dict:
        """One annotation of the demo article through the JSON API, as a program would make it."""
        body = [{"type": "TextualBody", "purpose": "assessing", "value": verdict}]
        if note:
            body.append({"type": "TextualBody", "purpose": "commenting", "value": note})
        body += [
            {"type": "SpecificResource", "purpose": "linking", "source": url, "label": title} for url, title in sources
        ]
        annotation = {
            "type": "Annotation",
            "body": body,
            "target": {"selector": [{"type": "TextQuoteSelector", "exact": quote}]},
        }
        request = urllib.request.Request(
            f"{self.url}/api/v1/articles/1/annotations{'?submit=true' if submit else ''}",
            data=json.dumps(annotation).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)


def seed(demo: Demo) -> None:
    """A second reviewer and the annotations the pictures show, besides what the browser adds."""
    demo.flask("create-user", "sam", "--role", "reviewer", "--password", PASSWORD, "--name", "Sam Second")
    riley = demo.flask("create-token", "reviewer", "--name", "docs screenshots").strip()
    sam = demo.tokens["sam"] = demo.flask("create-token", "sam", "--name", "docs screenshots").strip()
    demo.annotate(sam, DRONES, "Misleading", "Only the drone advantage is sourced; aircraft and vehicles are not.")
    demo.annotate(sam, VUCIC, "Unverifiable", "Only Vučić's account of a private call exists.")
    demo.annotate(sam, TRUMP, "True", "Trump's campaign statements, several times since 2023.")
    demo.annotate(riley, DRONES, "Mixed", "The drone claim is sourced to soldiers; the rest is not.")
    demo.annotate(
        riley,
        VUCIC,
        "True",
        "Vučić said so on 29 October; this reports what he said.",
        [("https://www.predsednik.rs/en/press-center", "Serbian presidency, press centre")],
    )
    demo.annotate(riley, TROOPS, "Unverifiable", "Commanders' reports; no figures given.", submit=False)


class Camera:
    def __init__(self, out: Path):
        self.out = out
        self.taken: list[Path] = []

    def shoot(self, page: Page, name: str, **options) -> None:
        page.wait_for_load_state("networkidle")
        page.evaluate(
            "document.activeElement && document.activeElement.blur && "
            "document.activeElement !== document.body && document.activeElement.blur()"
        )
        path = self.out / f"{name}.jpg"
        page.screenshot(path=str(path), type="jpeg", quality=QUALITY, animations="disabled", caret="hide", **options)
        self.taken.append(path)
        print(f"{path}\t{path.stat().st_size // 1024} KB")


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def select_with_mouse(page: Page, quote: str) -> None:
    """Drag over ``quote`` in the article text, as a person selects it (see tests/browser/test_annotate.py)."""
    page.wait_for_load_state("load")
    boxes = page.evaluate(
        """(quote) => {
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(quote);
            if (at < 0) continue;
            const rectOf = (from, to) => {
              const range = document.createRange();
              range.setStart(node, from); range.setEnd(node, to);
              const rect = range.getClientRects()[0];
              return {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
            };
            node.parentElement.scrollIntoView({block: 'center'});
            return {first: rectOf(at, at + 1), last: rectOf(at + quote.length - 1, at + quote.length)};
          }
          return null;
        }""",
        quote,
    )
    if not boxes:
        raise SystemExit(f"{quote!r} is not in one text node of the article")
    first, last = boxes["first"], boxes["last"]
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move((first["left"] + last["right"]) / 2, (first["top"] + last["bottom"]) / 2, steps=5)
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=5)
    page.mouse.up()


def open_claim(page: Page, quote: str) -> None:
    """Open a claim's panel from the article's list of claims, as a reader picks one."""
    page.goto("/articles/1")
    page.locator("#panel").get_by_role("link", name=quote, exact=True).click()
    expect(page.locator("#panel blockquote.quote")).to_contain_text(quote[:40])


def edited_version(directory: Path) -> Path:
    """The demo text with NATO's figure updated and one sentence cut, as a newsroom's quiet edit."""
    text = (ROOT / "annotator" / "data" / "seed-article.txt").read_text(encoding="utf-8")
    text = text.replace("more than 600,000 Russian soldiers", "nearly 700,000 Russian soldiers")
    text = text.replace(
        "Earlier, Serbian President Aleksandar Vučić said Putin rules out negotiations, "
        "referring to their conversation in October.\n",
        "",
    )
    if "nearly 700,000" not in text or "Vučić said Putin rules out" in text:
        raise SystemExit("the demo article changed: update edited_version()")
    path = directory / "article-updated.txt"
    path.write_text(text, encoding="utf-8")
    return path


def take(demo: Demo, camera: Camera) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        reviewer = browser.new_context(viewport=VIEWPORT, base_url=demo.url).new_page()
        lead = browser.new_context(viewport=VIEWPORT, base_url=demo.url).new_page()

        # Signing in, the article list and the article with its highlights and suggested claims.
        reviewer.goto("/login")
        reviewer.get_by_label("Username").fill("reviewer")
        camera.shoot(reviewer, "sign-in")
        sign_in(reviewer, "reviewer")
        camera.shoot(reviewer, "articles")
        reviewer.get_by_role("link", name=ARTICLE).click()
        expect(reviewer.locator("#article-text mark").first).to_be_visible()
        camera.shoot(reviewer, "article")

        # Annotating: select, Annotate, the form filled in; then Submit and the claim's panel.
        select_with_mouse(reviewer, NATO)
        reviewer.get_by_role("button", name="Annotate").click()
        expect(reviewer.locator("#panel blockquote.quote")).to_have_text(NATO)
        reviewer.get_by_label("Verdict").select_option(label="Mostly true")
        reviewer.get_by_label("Note").fill(
            "NATO's estimate of killed and wounded together; Russia publishes "
            "no figure. UK Defence Intelligence gives a similar one."
        )
        reviewer.get_by_label("Source URL").first.fill("https://www.nato.int/cps/en/natohq/opinions.htm")
        reviewer.get_by_label("Source title").first.fill("NATO press briefing")
        reviewer.get_by_role("button", name="+ Add source").click()
        reviewer.get_by_label("Source URL").nth(1).fill(
            "https://www.gov.uk/government/organisations/defence-intelligence"
        )
        reviewer.get_by_label("Source title").nth(1).fill("UK Defence Intelligence update")
        reviewer.evaluate("document.getElementById('panel').scrollTop = 0")
        camera.shoot(reviewer, "annotate-form")
        reviewer.get_by_role("button", name="Submit", exact=True).click()
        expect(reviewer.locator("#panel .annotation")).to_have_count(1)
        # Sam judges the same words; Riley has submitted, so blind review shows Riley Sam's verdict.
        demo.annotate(
            demo.tokens["sam"],
            NATO,
            "True",
            "NATO's public estimate, repeated by the US and UK.",
            [("https://www.nato.int/cps/en/natohq/news.htm", "NATO newsroom")],
        )
        reviewer.reload()
        expect(reviewer.locator("#panel .annotation")).to_have_count(2)
        camera.shoot(reviewer, "claim-panel")

        # The lead: the queue, settling a claim, returning an annotation, the summary and the dashboard.
        sign_in(lead, "lead")
        lead.goto("/review/queue")
        camera.shoot(lead, "queue")
        open_claim(lead, NATO)
        lead.get_by_label("Final verdict").select_option(label="Mostly true")
        lead.get_by_label("Public rationale").fill(
            "NATO's estimate, which UK Defence Intelligence matches; it counts the wounded as well as the dead."
        )
        lead.get_by_label("NATO press briefing").first.check()
        lead.locator("#panel .lead-box").scroll_into_view_if_needed()
        camera.shoot(lead, "settle")
        lead.get_by_label("Claim summary").fill("NATO says Russia has lost over 600,000 soldiers in Ukraine")
        lead.get_by_label("Claimant is").select_option(label="An organisation")
        lead.get_by_label("Claim date").fill("2024-10-30")
        lead.get_by_role("button", name="Settle").click()
        expect(lead.locator("#panel .final-verdict .badge")).to_have_text("Mostly true")

        # Publishing it: the lead's page, then the public fact-check as a signed-out reader sees it.
        lead.goto("/articles/1/publication")
        lead.locator(".publish-list input[type=checkbox]").first.check()
        lead.get_by_role("button", name="Publish", exact=True).click()
        expect(lead.locator(".publication-state")).to_contain_text("Published")
        camera.shoot(lead, "publish")
        reader = browser.new_context(viewport=VIEWPORT, base_url=demo.url).new_page()
        reader.goto(lead.locator(".publication-state a").first.get_attribute("href") or "/")
        expect(reader.locator("#claim-1 .badge")).to_have_text("Mostly true")
        camera.shoot(reader, "public-fact-check")
        reader.context.close()
        open_claim(lead, DRONES)
        returning = lead.locator("#panel details.return-box", has_text="Return to Riley Reviewer")
        returning.get_by_text("Return to Riley Reviewer").click()
        returning.get_by_label("What needs changing").fill(
            "Split the claim: the drone part is sourced, aircraft and vehicles are not."
        )
        returning.get_by_role("button", name="Return").click()
        expect(lead.locator("#panel .status-tag")).to_have_text("Returned")
        lead.goto("/articles/1/summary")
        camera.shoot(lead, "summary")
        lead.goto("/review")
        camera.shoot(lead, "dashboard")
        lead.goto("/articles/1/report")
        camera.shoot(lead, "report")

        # The reviewer's view of the text now: settled, disputed, agreed, hidden and draft highlights.
        reviewer.goto("/articles/1")
        reviewer.locator("#article-text mark", has_text="Vučić").first.evaluate(
            "node => node.scrollIntoView({block: 'center'})"
        )
        camera.shoot(reviewer, "highlights")

        # Imports: other fact-checkers' ClaimReviews (command line), then a Hypothesis file on the Import page.
        demo.flask("import-claimreview", str(ROOT / "tests" / "fixtures" / "claimreview" / "reviews.json"))
        lead.goto("/import")
        lead.get_by_label("File").set_input_files(
            str(ROOT / "tests" / "fixtures" / "interchange" / "hypothesis-reading.json")
        )
        lead.get_by_label("Article").select_option(label=ARTICLE)
        lead.get_by_role("button", name="Import").click()
        expect(lead.locator("main")).to_contain_text("imported")
        camera.shoot(lead, "import-report")

        # The reviewer again: Checked before, My work, search, API tokens.
        open_claim(reviewer, NATO)
        checked = reviewer.locator("#panel").get_by_text("Checked before").first
        expect(checked).to_be_visible()
        expect(reviewer.locator("#panel")).to_contain_text("Northern Fact Desk")
        checked.scroll_into_view_if_needed()
        camera.shoot(reviewer, "checked-before")
        reviewer.goto("/work")
        camera.shoot(reviewer, "my-work")
        reviewer.goto("/search?q=NATO")
        camera.shoot(reviewer, "search")
        reviewer.goto("/settings/tokens")
        reviewer.get_by_label("Token name").fill("newsroom CMS")
        reviewer.get_by_role("button", name="Create token").click()
        expect(reviewer.locator("main")).to_contain_text("fca_")
        camera.shoot(reviewer, "tokens")

        # A new version of the text: the claims re-anchored, its report and the diff.
        demo.flask("import-article", str(edited_version(demo.directory)), "--article", "1")
        reviewer.goto("/articles/1/versions")
        camera.shoot(reviewer, "versions")
        reviewer.goto("/articles/1/versions/2")
        camera.shoot(reviewer, "version-report")
        reviewer.goto("/articles/1/diff")
        reviewer.locator("#diff-text ins").first.evaluate("node => node.scrollIntoView({block: 'center'})")
        camera.shoot(reviewer, "diff")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the images go")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    camera = Camera(args.out)
    with tempfile.TemporaryDirectory(prefix="annotator-screenshots-") as directory:
        demo = Demo(Path(directory))
        demo.flask("load-demo")
        with demo.serving():
            seed(demo)
            take(demo, camera)
    too_big = [p for p in camera.taken if p.stat().st_size > LIMIT_BYTES]
    if too_big:
        raise SystemExit(f"over {LIMIT_BYTES // 1024} KB: {', '.join(p.name for p in too_big)}")


if __name__ == "__main__":
    main()
