"""The flask commands: create-user, import-article, export. Failures are one line, never a traceback."""

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.db.models import Article, User
from tests.fixtures.app import CLAIM, annotation_data, login, post_annotation, rows
from tests.fixtures.binary_files import PDF, SAMPLES
from tests.fixtures.cli import (
    assert_one_line_failure,  # noqa: F401
    output_lines,  # noqa: F401
)

# --- create-user -------------------------------------------------------------------------------------


def test_create_user_makes_a_lead_who_can_sign_in(app, runner):
    result = runner.invoke(args=["create-user", "carol", "--role", "lead", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    assert "carol" in result.output and "lead" in result.output
    user = rows(app, User, User.username == "carol")[0]
    assert user.role == "lead" and user.is_lead
    client = app.test_client()
    assert login(client, "carol", "s3cret-pass").status_code == 303
    assert client.get("/").status_code == 200
    assert login(app.test_client(), "carol", "wrong-pass").status_code == 422


def test_create_user_with_a_display_name(app, runner):
    result = runner.invoke(args=["create-user", "dan", "--password", "long-enough", "--name", "Dan Desk"])
    assert result.exit_code == 0, result.output
    user = rows(app, User, User.username == "dan")[0]
    assert (user.display_name, user.role) == ("Dan Desk", "reviewer")


def test_create_user_again_changes_role_and_password(app, runner):
    assert runner.invoke(args=["create-user", "erin", "--password", "first-pass"]).exit_code == 0
    result = runner.invoke(args=["create-user", "erin", "--role", "admin", "--password", "second-pass"])
    assert result.exit_code == 0, result.output
    users = rows(app, User, User.username == "erin")
    assert len(users) == 1 and users[0].role == "admin"
    assert login(app.test_client(), "erin", "second-pass").status_code == 303
    assert login(app.test_client(), "erin", "first-pass").status_code == 422


def test_create_user_with_a_bad_role_fails_with_one_line(app, runner):
    result = runner.invoke(args=["create-user", "frank", "--role", "boss", "--password", "long-enough"])
    line = assert_one_line_failure(result, "boss")
    assert "reviewer" in line and "lead" in line
    assert rows(app, User, User.username == "frank") == []


def test_create_user_with_a_short_password_fails_with_one_line(app, runner):
    result = runner.invoke(args=["create-user", "gina", "--password", "short"])
    assert_one_line_failure(result, "8")
    assert rows(app, User, User.username == "gina") == []


def test_create_user_without_password_and_no_terminal_fails_with_one_line(app, runner):
    result = runner.invoke(args=["create-user", "hank"], input="")
    assert_one_line_failure(result, "--password")
    assert rows(app, User, User.username == "hank") == []


def test_create_user_with_an_empty_name_fails_with_one_line(app, runner):
    result = runner.invoke(args=["create-user", "  ", "--password", "long-enough"])
    assert_one_line_failure(result, "empty")


# --- import-article ------------------------------------------------------------------------------------


def test_import_article_prints_its_path_and_stores_canonical_text(app, runner, tmp_path):
    path = tmp_path / "story.txt"
    raw = "\ufeffFirst line with cafe\u0301 😀\r\nSecond line: Zelenskyy e\u0301\r\n\r\nשלום and مرحبا\r\n"
    path.write_bytes(raw.encode("utf-8"))
    result = runner.invoke(
        args=[
            "import-article",
            str(path),
            "--title",
            "Imported story",
            "--publisher",
            "Wire",
            "--url",
            "https://wire.example/story",
            "--date",
            "2024-10-31",
        ]
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"/articles/(\d+)", result.output)
    assert match, result.output
    article = rows(app, Article, Article.id == int(match.group(1)))[0]
    expected = unicodedata.normalize("NFC", raw.lstrip("\ufeff").replace("\r\n", "\n")).rstrip()
    assert article.text == expected
    assert "\r" not in article.text and unicodedata.is_normalized("NFC", article.text)
    assert (article.title, article.publisher, article.source_url) == (
        "Imported story",
        "Wire",
        "https://wire.example/story",
    )
    assert article.published_on.isoformat() == "2024-10-31"
    client = app.test_client()
    login(client, "reviewer")
    response = client.get(f"/articles/{article.id}")
    assert response.status_code == 200
    assert "Imported story" in response.get_data(as_text=True)


def test_import_article_of_a_missing_file_fails_with_one_line(app, runner, tmp_path):
    before = len(rows(app, Article))
    result = runner.invoke(args=["import-article", str(tmp_path / "nope.txt"), "--title", "T"])
    assert_one_line_failure(result, "nope.txt")
    assert len(rows(app, Article)) == before


@pytest.mark.parametrize(
    "content, extra, fragment",
    [
        (b"\xff\xfe not utf-8 \x80", [], "UTF-8"),
        (b"   \r\n  \n", [], "empty"),
        (b"Fine text.", ["--url", "javascript:alert(1)"], "--url"),
        (b"Fine text.", ["--url", "http://[::1"], "--url"),
        (b"Fine text.", ["--date", "31/10/2024"], "--date"),
    ],
)
def test_import_article_with_bad_input_fails_with_one_line(app, runner, tmp_path, content, extra, fragment):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    before = len(rows(app, Article))
    result = runner.invoke(args=["import-article", str(path), "--title", "T", *extra])
    assert_one_line_failure(result, fragment)
    assert len(rows(app, Article)) == before


def test_import_article_with_an_empty_title_fails_with_one_line(app, runner, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Fine text.", encoding="utf-8")
    assert_one_line_failure(runner.invoke(args=["import-article", str(path), "--title", "  "]), "title")


# --- export ------------------------------------------------------------------------------------------------


@pytest.fixture
def annotated(app, reviewer_client, demo_article):
    data = annotation_data(
        demo_article.text,
        verdict="false",
        note="=not a formula",
        sources=[{"url": "https://example.org/x", "title": "X", "excerpt": ""}],
    )
    assert post_annotation(reviewer_client, demo_article, data).status_code == 200
    return demo_article


def test_export_w3c_writes_the_annotation_collection(app, runner, annotated, tmp_path):
    out = tmp_path / "out.jsonld"
    result = runner.invoke(args=["export", str(annotated.id), "--format", "w3c", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(output_lines(result)) == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection" and document["total"] == 1
    item = document["first"]["items"][0]
    selectors = {s["type"]: s for s in item["target"]["selector"]}
    start = annotated.text.index(CLAIM)
    assert selectors["TextPositionSelector"]["start"] == start
    assert selectors["TextQuoteSelector"]["exact"] == CLAIM
    # Outside a request, links use the configured base URL.
    assert item["target"]["source"] == f"http://127.0.0.1:5000/articles/{annotated.id}"
    assert item["id"].startswith("http://127.0.0.1:5000/annotations/")


def test_export_w3c_matches_the_download(app, runner, annotated, reviewer_client, tmp_path):
    out = tmp_path / "out.jsonld"
    assert runner.invoke(args=["export", str(annotated.id), "-o", str(out)]).exit_code == 0
    from_cli = json.loads(out.read_text(encoding="utf-8"))
    from_web = reviewer_client.get(f"/articles/{annotated.id}/annotations.jsonld").get_json()
    assert [i["body"] for i in from_cli["first"]["items"]] == [i["body"] for i in from_web["first"]["items"]]
    assert [i["target"]["selector"] for i in from_cli["first"]["items"]] == [
        i["target"]["selector"] for i in from_web["first"]["items"]
    ]


def test_export_csv_writes_a_header_and_a_row_per_annotation(app, runner, annotated, tmp_path):
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", str(annotated.id), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 2
    record = dict(zip(table[0], table[1], strict=True))
    assert record["quote"] == CLAIM and record["verdict_label"] == "False"
    assert record["note"] == "'=not a formula"


def test_export_to_standard_output(app, runner, annotated):
    result = runner.invoke(args=["export", str(annotated.id), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("annotation_id,")
    assert CLAIM in result.output


def test_export_of_an_unknown_article_fails_with_one_line(app, runner, tmp_path):
    out = tmp_path / "out.jsonld"
    result = runner.invoke(args=["export", "999", "--format", "w3c", "-o", str(out)])
    assert_one_line_failure(result, "999")
    assert not out.exists()


def test_export_to_an_unwritable_path_fails_with_one_line(app, runner, annotated, tmp_path):
    result = runner.invoke(args=["export", str(annotated.id), "-o", str(tmp_path / "missing-dir" / "out.json")])
    assert_one_line_failure(result)


# --- init-db and load-demo ------------------------------------------------------------------------------------


def test_load_demo_is_idempotent(app, runner):
    first = runner.invoke(args=["load-demo"])
    second = runner.invoke(args=["load-demo"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "/articles/" in second.output
    from annotator.cli.demo import DEMO_TITLE

    assert len(rows(app, Article, Article.title == DEMO_TITLE)) == 1
    assert sorted(u.username for u in rows(app, User)) == ["lead", "reviewer"]


def test_init_db_reports_the_database(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "Database ready" in result.output


def test_a_database_from_an_older_version_is_refused_with_one_line(tmp_path):
    import sqlite3

    from annotator import create_app

    database = tmp_path / "old.sqlite3"
    with sqlite3.connect(database) as connection:  # an "articles" table from before blind review existed
        connection.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, text TEXT)")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{database}", "DEMO_PASSWORD": "password-1"}
    )
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "older version" in lines[0] and "lacks" in lines[0]
    app.extensions["engine"].dispose()


def test_backup_and_restore_bring_the_database_back(app, runner, reviewer_client, demo_article, tmp_path):
    import sqlite3

    from annotator.db.models import Annotation
    from tests.fixtures.app import POSTGRES_URL, annotation_data, post_annotation, rows

    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    backup = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(backup)])
    if POSTGRES_URL:  # PostgreSQL has its own tools; the command says so in one line
        assert result.exit_code == 1 and "pg_dump" in result.output and len(result.output.strip().splitlines()) == 1
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM annotations").fetchone() == (1,)
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, "Putin appears willing"))
    assert len(rows(app, Annotation)) == 2
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert [a.note for a in rows(app, Annotation)] == [""]
    assert reviewer_client.get("/articles/1").status_code == 200


def test_restore_refuses_what_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    from tests.fixtures.app import POSTGRES_URL

    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert ("pg_restore" if POSTGRES_URL else "not a SQLite database") in result.output
    missing = runner.invoke(args=["restore", str(tmp_path / "none.sqlite3"), "--yes"])
    assert missing.exit_code == 1 and "no such file" in missing.output


@pytest.mark.parametrize(
    "name, message",
    [
        ("ali\x01ce", "the username holds control or invisible characters"),
        ("ali\u200bce", "the username holds control or invisible characters"),
        ("Cafe\u0301", "the username is not in Unicode normal form (NFC); type it as 'Caf\u00e9'"),
    ],
)
def test_create_user_refuses_a_name_that_signing_in_would_spell_differently(app, runner, name, message):
    result = runner.invoke(args=["create-user", name, "--password", "a long password"])
    assert result.exit_code == 1 and result.output.strip() == f"Error: {message}"
    assert rows(app, User, User.username == name) == []


# --- Demo accounts are never reset (outside test finding 6) ----------------------------------------------------


def test_load_demo_never_changes_an_existing_account(app, runner, client):
    from tests.fixtures.app import PASSWORD, login

    assert (
        runner.invoke(args=["create-user", "lead", "--role", "reviewer", "--password", "a new secret 1"]).exit_code == 0
    )
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    (lead,) = rows(app, User, User.username == "lead")
    assert lead.role == "reviewer"  # not made a lead again
    assert login(client, "lead", PASSWORD).status_code == 422  # the demo password does not open it again
    assert login(client, "lead", "a new secret 1").status_code == 303
    assert "Sign in at" in result.output and "'reviewer'" in result.output and "'lead'" not in result.output


def test_load_demo_creates_missing_demo_users_only(app, runner):
    from tests.fixtures.app import PASSWORD

    assert runner.invoke(args=["create-user", "reviewer", "--password", "mine 12345"]).exit_code == 0
    with app.app_context():
        from annotator.extensions import db

        session = db.session()
        session.exec(select(User).where(User.username == "lead")).one().username = "former-lead"
        session.commit()
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    (reviewer,) = rows(app, User, User.username == "reviewer")
    (lead,) = rows(app, User, User.username == "lead")
    assert not reviewer.check_password(PASSWORD) and lead.check_password(PASSWORD) and lead.role == "lead"


def test_load_demo_warns_while_demo_accounts_keep_the_demo_password(app, runner):
    result = runner.invoke(args=["load-demo"])
    assert "Warning: the demo accounts reviewer and lead still sign in with the demo password" in result.output
    for name, role in (("reviewer", "reviewer"), ("lead", "lead")):
        runner.invoke(args=["create-user", name, "--role", role, "--password", f"{name} own password"])
    result = runner.invoke(args=["load-demo"])
    assert "Warning" not in result.output and "passwords of their own" in result.output


def test_the_server_warns_on_start_while_demo_accounts_keep_the_demo_password(app, runner, tmp_path, monkeypatch):
    """gunicorn's start hook (make serve) builds the app from the environment and warns in its log."""
    import runpy

    from tests.fixtures.app import PASSWORD, POSTGRES_URL

    if POSTGRES_URL:
        pytest.skip("the hook reads the database from the environment; checked on SQLite")
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("ANNOTATOR_DEMO_PASSWORD", PASSWORD)
    monkeypatch.setenv("ANNOTATOR_SECRET_KEY", "x")
    hooks = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))

    class Log:
        def __init__(self):
            self.lines = []

        def warning(self, message, *args):
            self.lines.append(message % args if args else message)

    class Server:
        log = Log()

    hooks["when_ready"](Server)
    assert any("demo accounts reviewer and lead still sign in" in line for line in Server.log.lines)
    runner.invoke(args=["create-user", "lead", "--role", "lead", "--password", "lead own password"])
    Server.log = Log()
    hooks["when_ready"](Server)
    assert [line for line in Server.log.lines if "demo account reviewer still signs in" in line]


def test_make_serve_does_not_load_the_demo():
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "load-demo" not in serve and "init-db" in serve and "gunicorn" in serve
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "load-demo" in run  # the demo is what `make run` is for


# --- import-article: files that are not articles -----------------------------------------------------


def test_import_article_refuses_a_pdf_in_one_line_and_stores_nothing(app, runner, tmp_path, demo_article):
    from annotator.db.models import ArticleVersion

    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    before = len(rows(app, Article)), len(rows(app, ArticleVersion))
    line = assert_one_line_failure(runner.invoke(args=["import-article", str(path), "--title", "Jobs report"]))
    assert line == "Error: report.pdf is a PDF file, not text or a web page; reading PDFs is not supported yet."
    again = runner.invoke(args=["import-article", str(path), "--article", str(demo_article.id)])
    assert_one_line_failure(again, "report.pdf is a PDF file")
    assert (len(rows(app, Article)), len(rows(app, ArticleVersion))) == before


@pytest.mark.parametrize("name, data, kind", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_import_article_knows_binary_files_by_their_content_not_their_name(
    app, runner, tmp_path, demo_article, name, data, kind
):
    from annotator.db.models import ArticleVersion

    renamed = tmp_path / "story.txt"
    renamed.write_bytes(data)
    before = len(rows(app, Article)), len(rows(app, ArticleVersion))
    assert_one_line_failure(
        runner.invoke(args=["import-article", str(renamed), "--title", "T"]), f"story.txt is {kind}"
    )
    assert_one_line_failure(
        runner.invoke(args=["import-article", str(renamed), "--article", str(demo_article.id)]), f"story.txt is {kind}"
    )
    assert (len(rows(app, Article)), len(rows(app, ArticleVersion))) == before


def test_import_article_reads_a_web_page_named_txt_as_a_page_and_a_text_named_html_as_text(app, runner, tmp_path):
    from pathlib import Path

    saved = tmp_path / "page.txt"
    saved.write_bytes((Path(__file__).parents[1] / "fixtures" / "pages" / "news.html").read_bytes())
    result = runner.invoke(args=["import-article", str(saved)])
    assert result.exit_code == 0, result.output
    page = rows(app, Article)[-1]
    assert page.title == "Jobless rate falls to 3.9% in May" and "<" not in page.text and "Sign in" not in page.text
    notes = tmp_path / "notes.html"
    notes.write_text("Prices rose by 3% in May.\nWages did not.\n", encoding="utf-8")
    result = runner.invoke(args=["import-article", str(notes), "--title", "Notes"])
    assert result.exit_code == 0, result.output
    assert rows(app, Article)[-1].text == "Prices rose by 3% in May.\nWages did not."
