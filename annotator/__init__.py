"""The fact-check annotator: ``create_app`` builds the Flask application."""

import importlib.util
import logging
import re
import time
from pathlib import Path

import jinja2
from flask import Flask, Response, g, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from annotator import (
    config,
    extensions,  # not `db` by name: it would hide the annotator.db package
)
from annotator.db import listeners
from annotator.domain import checkworthiness, verdicts
from annotator.extensions import csrf, htmx, limiter, login_manager
from annotator.services import history

PACKAGE, INSTALLED, ROOT = config.PACKAGE, config.INSTALLED, config.ROOT  # where templates/, static/ and instance/ are
# Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "vendor", "verdict_styles", "health.healthz"}
request_log = logging.getLogger("annotator.requests")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class MacroTemplate(jinja2.Template):
    """A template whose module, imported with ``{% from ... import ... %}``, is made once.

    Jinja 3.1 makes an imported template's module again at every import when the importing render
    has variables the imported template's globals lack (so that the module could read them): about
    0.1 ms per import, five per save. Our macro files read only their arguments and the
    environment's globals (``verdict_label``, ``url_for``, ...), so the module made once serves.
    """

    def _get_default_module(self, ctx=None):
        return super()._get_default_module(None)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; ``test_config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(config.instance_dir()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config.from_environment(Path(app.instance_path), test_config))
    # A bad ANNOTATOR_CLAIM_SCORER stops the app here (ScorerError says why), not mid-request.
    app.extensions["claim_scorer"] = checkworthiness.load_scorer(app.config["CLAIM_SCORER"])
    # So does a scale file the app cannot use (ScaleError, one line); checked against the stored
    # verdicts once the database is bound, below.
    scale = verdicts.read(app.config["SCALE_FILE"]) if app.config["SCALE_FILE"] else verdicts.DEFAULT

    if app.config["TRUSTED_PROXIES"]:
        # The client's address (the sign-in limit's key, the log) and scheme as the proxies closest to the
        # app saw them; headers from further out, which a client can write, are not believed.
        hops = app.config["TRUSTED_PROXIES"]
        # Flask's documented way to add WSGI middleware; mypy forbids assigning to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    extensions.db.init_app(app)
    _use_scale(app, scale)
    listeners.install()  # the search index and the live marker follow every session's writes
    csrf.init_app(app)
    htmx.init_app(app)
    app.extensions["htmx"] = htmx
    login_manager.init_app(app)
    limiter.init_app(app)
    login_manager.login_view = "auth.login"

    from annotator import cli
    from annotator.api import views as api
    from annotator.web import (
        annotations,
        articles,
        auth,
        checks,
        exports,
        form_rendering,
        health,
        imports,
        live,
        public,
        publishing,
        queue,
        report,
        review,
        search,
        suggestions,
        summary,
        tokens,
        versions,
        work,
    )

    app.session_interface = public.SessionInterface()  # public pages: no cookie, no Vary: Cookie
    for module in (
        auth,
        articles,
        annotations,
        checks,
        summary,
        review,
        queue,
        work,
        search,
        exports,
        imports,
        versions,
        health,
        tokens,
        suggestions,
        api,
        live,
        report,
        publishing,
        public,
    ):
        app.register_blueprint(module.bp)
    cli.register(app)

    _configure_logging()
    _register_assets(app)
    _register_request_hooks(app)
    _register_error_handlers(app)
    app.jinja_env.template_class = MacroTemplate
    form_rendering.install()  # WTForms' attributes, without a string.Formatter each (same markup)
    app.jinja_env.globals["verdict_scale"] = verdicts.SCALE
    app.jinja_env.globals["verdict_label"] = verdicts.label
    app.jinja_env.globals["scale_order_labels"] = verdicts.order_labels
    app.jinja_env.globals["scale_outside_labels"] = verdicts.outside_labels
    app.jinja_env.globals["history_changes"] = history.changes
    app.jinja_env.globals["field_labels"] = history.FIELD_LABELS
    from annotator.domain import shortcuts

    app.jinja_env.globals["shortcut_groups"] = shortcuts.groups
    return app


def _use_scale(app: Flask, scale: verdicts.Scale) -> None:
    """Put the desk's scale in use, once the stored verdicts agree with it: ScaleError (a line per
    rating they use that the file drops without mapping) stops the app; mapped keys are renamed."""
    from annotator.services import scale as stored

    renamed: dict[str, int] = {}
    with app.app_context():
        session = extensions.db.session()
        try:
            problems = stored.problems(session=session, scale=scale)
        except OperationalError as error:  # the database is not up yet: the next start checks
            session.rollback()
            logging.getLogger("annotator").warning("Scale: the stored verdicts were not checked: %s", error.orig)
        else:
            if problems:
                session.rollback()
                raise verdicts.ScaleError("\n".join(problems))
            renamed = stored.apply_renames(session=session, scale=scale)
    for old, n in renamed.items():
        logging.getLogger("annotator").warning(
            "Scale: %s stored verdict(s) renamed from %s to %s", n, old, scale.renamed[old]
        )
    verdicts.use(scale)
    app.extensions["scale"] = scale


@login_manager.user_loader
def _load_user(user_id: str):
    """The session's user, while the session is current (see ``auth``); otherwise the sign-in is dropped."""
    from annotator.db.models import User
    from annotator.web import auth

    try:
        user = extensions.db.session().get(User, int(user_id))
    except ValueError:
        user = None
    if user is None or not user.is_active or not auth.session_is_current(user):
        auth.forget_login()
        return None
    auth.note_activity()
    return user


def _configure_logging() -> None:
    """Request lines and errors go to standard error (gunicorn's error log), once per process."""
    logger = logging.getLogger("annotator")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    werkzeug_log = logging.getLogger("werkzeug")  # the access log of `flask run` (what `make run` starts)
    if not any(isinstance(f, WithoutQueryStrings) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(WithoutQueryStrings())


class WithoutQueryStrings(logging.Filter):
    """Drops the query string from the request lines a log record quotes: a query may hold search words
    or quoted article text, which never reach the logs (gunicorn keeps no access log at all)."""

    # From "?" to the request line's protocol, its colour's end, the closing quote of a quoted request
    # line (a malformed one may hold spaces and quotes), or the end.
    QUERY = re.compile(r"""\?.*?(?=\s+HTTP/\d|\x1b\[|['"]\)?$|$)""", re.S)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str) and not record.args:
            record.msg = self.QUERY.sub("", record.msg)
        return True


def _register_assets(app: Flask) -> None:
    """Serve htmx from its installed package and the verdict colours from the scale."""
    spec = importlib.util.find_spec("js_lib_htmx")
    assert spec is not None and spec.origin is not None  # an installed dependency, found as a file
    htmx_dir = Path(spec.origin).parent / "static" / "htmx"

    @app.get("/vendor/htmx/<path:filename>", endpoint="vendor")
    def vendor(filename: str):
        return send_from_directory(htmx_dir, filename, max_age=86400)

    stylesheet = verdicts.stylesheet()

    @app.get("/verdicts.css", endpoint="verdict_styles")
    def verdict_styles():
        return Response(stylesheet, mimetype="text/css", headers={"Cache-Control": "max-age=3600"})


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _start_timer_and_require_login():
        g.request_started = time.perf_counter()
        if request.endpoint == "live.poll":
            from annotator.web import live

            unchanged = live.answer_unchanged()  # 304 in one statement, before anything loads the user
            if unchanged is not None:
                return unchanged
        # The API authenticates each request by its token (annotator.api.views), never by the session.
        if (
            request.endpoint in PUBLIC_ENDPOINTS
            or request.endpoint is None
            or request.blueprint in ("api", "public")  # the API by its token; published pages need no one
        ):
            return None
        if not current_user.is_authenticated:
            login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
            if htmx:
                return Response(status=401, headers={"HX-Redirect": login_url})
            return redirect(login_url)
        return None

    @app.after_request
    def _timing_and_security_headers(response: Response) -> Response:
        # The policy headers come first and need nothing that can fail, so that they survive any error:
        # if a later step raises, Flask logs it and sends this same response object.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["HSTS_SECONDS"]:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
            )
        response.vary.add("HX-Request")
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started is not None else None
        if duration_ms is not None:
            response.headers["Server-Timing"] = f"app;dur={duration_ms:.1f}"
        user_id = _request_user_id()
        if user_id != "-":
            response.headers.setdefault("Cache-Control", "private, no-store")
        if duration_ms is not None:
            # One line per request; the path only (a query string may hold quoted article text).
            request_log.info(
                "method=%s path=%s status=%s duration_ms=%.1f user=%s address=%s",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                user_id,
                request.remote_addr or "-",
            )
        return response


def _request_user_id() -> str:
    """Who made the request: the API token's user on the API (which ignores the session), else the session's."""
    from annotator.api import views as api

    if "live_user_id" in g:  # a poll answered 304 without loading the user
        return str(g.live_user_id)
    if request.blueprint == "public":  # the same page for everyone: no user read, no session touched
        return "-"
    if api.is_api_request():
        user = g.get("api_user")
        return str(user.id) if user is not None else "-"
    return current_user.get_id() if current_user and current_user.is_authenticated else "-"


def _register_error_handlers(app: Flask) -> None:
    messages = {
        400: ("Bad request", "The request could not be understood."),
        403: ("Not allowed", "You do not have permission to do that."),
        404: ("Not found", "There is nothing at this address."),
        405: ("Method not allowed", "This address does not accept that kind of request."),
        409: ("Conflict", "This changed in the meantime; reload and try again."),
        429: ("Too many attempts", "Too many failed sign-ins. Wait a few minutes, then try again."),
        413: ("Too large", "The request is larger than this server accepts."),
        500: ("Something went wrong", "The server hit an error; nothing you entered was changed."),
    }

    def render_error(status: int, message: str | None = None, error=None):
        from annotator.api import views as api

        if status == 500:
            # A failed write leaves the session unusable for the page and hooks that follow.
            extensions.db.discard_changes()

        if api.is_api_request():
            return api.error_problem(status, error)  # errors no API view handled: unknown path, 405, 413, 500
        if (
            message is None
            and error is not None
            and status != 429
            and getattr(error, "description", None) != type(error).description
        ):
            message = error.description  # a view's own explanation, e.g. abort(403, "…")
        title, default_message = messages.get(status, ("Error", "The request failed."))
        context = {"title": title, "message": message or default_message, "status": status}
        if htmx:
            # Show errors of htmx requests in the page's notice area, not in the target.
            body = render_template("errors/_error.html", **context)
            return Response(body, status=status, headers={"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"})
        return render_template("errors/error.html", **context), status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return render_error(400, "Your form has expired or was not sent from this site. Reload the page and try again.")

    for status in messages:
        app.register_error_handler(status, lambda error, status=status: render_error(status, error=error))
