"""Settings from environment variables, with safe defaults.

Nothing else in the app reads ``os.environ``: tests pass overrides straight
into ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from annotator.domain.checkworthiness import DEFAULT_THRESHOLD

PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries templates/ and static/ inside the package (pyproject.toml maps them there)
# and keeps instance/ in the working directory; a checkout has all three beside the package.
INSTALLED = (PACKAGE / "templates").is_dir()
ROOT = PACKAGE if INSTALLED else PACKAGE.parent


def instance_dir() -> Path:
    """Where the app keeps its SQLite file and secret key: instance/ in the checkout (or, installed,
    in the working directory)."""
    return (Path.cwd() if INSTALLED else ROOT) / "instance"


def _secret_key(instance_path: Path) -> str:
    """ANNOTATOR_SECRET_KEY, or a random key generated once and kept in instance/."""
    configured = os.environ.get("ANNOTATOR_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _hours(name: str, default: float) -> int:
    """A duration given in hours by environment variable ``name``, in seconds."""
    value = os.environ.get(name, "").strip()
    hours = float(value) if value else default
    if not 0 < hours < 24 * 366 * 10:
        raise ValueError(f"{name} must be a number of hours above 0, not {value!r}")
    return int(hours * 3600)


def _proxy_hops() -> int:
    """ANNOTATOR_TRUSTED_PROXIES: how many reverse proxies stand in front of the app (0, the default: none)."""
    value = os.environ.get("ANNOTATOR_TRUSTED_PROXIES", "").strip()
    if value and not (value.isascii() and value.isdigit() and int(value) <= 10):
        raise ValueError(f"ANNOTATOR_TRUSTED_PROXIES must be a number of proxies from 0 to 10, not {value!r}")
    return int(value or 0)


def database_url_of(instance_path: Path) -> str:
    """ANNOTATOR_DATABASE_URL, or the SQLite file under instance/."""
    return os.environ.get("ANNOTATOR_DATABASE_URL") or f"sqlite:///{instance_path / 'annotator.sqlite3'}"


def scale_file() -> str | None:
    """ANNOTATOR_SCALE_FILE: the desk's rating scale (None: the default, annotator/data/scale.toml)."""
    return os.environ.get("ANNOTATOR_SCALE_FILE", "").strip() or None


def from_environment(instance_path: Path, overrides: dict | None = None) -> dict:
    """The app's configuration as read from the environment, then ``overrides``."""
    overrides = overrides or {}
    database_url = database_url_of(instance_path)
    secure = os.environ.get("ANNOTATOR_SECURE_COOKIES") == "1"
    settings = {
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path),
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "DEMO_PASSWORD": os.environ.get("ANNOTATOR_DEMO_PASSWORD"),
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        # A signed-in session ends after this long without use, and this long after signing in
        # whatever happens (annotator.web.auth); the cookie itself expires with the second.
        "SESSION_IDLE_SECONDS": _hours("ANNOTATOR_SESSION_IDLE_HOURS", 12),
        "SESSION_LIFETIME_SECONDS": _hours("ANNOTATOR_SESSION_LIFETIME_HOURS", 14 * 24),
        "SESSION_REFRESH_EACH_REQUEST": False,  # the cookie is re-sent when it changes, not on every answer
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "ORGANISATION_NAME": os.environ.get("ANNOTATOR_ORGANISATION", "Fact-check desk"),
        # The desk's own site: the ClaimReview author's url, and the public pages' link home.
        "ORGANISATION_URL": os.environ.get("ANNOTATOR_ORGANISATION_URL", "").strip(),
        # Published fact-checks name who checked each claim only when this is set (to 1).
        "PUBLIC_BYLINE": os.environ.get("ANNOTATOR_PUBLIC_BYLINE", "").strip() not in ("", "0"),
        # Strict-Transport-Security max-age in seconds; 0 (the default) sends none. Set it behind HTTPS.
        "HSTS_SECONDS": int(os.environ.get("ANNOTATOR_HSTS_SECONDS", "0") or 0),
        # Failed sign-ins allowed per account and per client address (Flask-Limiter syntax), and where
        # the counts live: memory:// for one server, e.g. redis://host:6379 when several share the load.
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("ANNOTATOR_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("ANNOTATOR_LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        "RATELIMIT_STORAGE_URI": os.environ.get("ANNOTATOR_RATELIMIT_STORAGE", "memory://"),
        # Reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are believed
        # (Werkzeug's ProxyFix with this hop count). 0 believes none: a client could name any address.
        "TRUSTED_PROXIES": _proxy_hops(),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Importing articles from the web: hosts exempt from the public-address check (comma-separated;
        # e.g. an intranet CMS), the time allowed for a whole fetch, and the largest page taken.
        "FETCH_ALLOWED_HOSTS": frozenset(
            h.strip().lower() for h in os.environ.get("ANNOTATOR_FETCH_ALLOWED_HOSTS", "").split(",") if h.strip()
        ),
        "FETCH_TIMEOUT": float(os.environ.get("ANNOTATOR_FETCH_TIMEOUT", "10") or 10),
        "FETCH_MAX_BYTES": int(os.environ.get("ANNOTATOR_FETCH_MAX_BYTES", str(5 * 1024 * 1024))),
        # The most items (annotations, or ClaimReviews) one upload in the browser may hold; larger files
        # are refused with 413 before anything is stored. The import commands have no cap.
        "IMPORT_MAX_ITEMS": max(1, int(os.environ.get("ANNOTATOR_IMPORT_MAX_ITEMS", "5000") or 5000)),
        # How often an open article asks the server what changed (live updates), in seconds.
        "LIVE_POLL_SECONDS": max(1, int(os.environ.get("ANNOTATOR_LIVE_POLL_SECONDS", "3") or 3)),
        # Absolute links in exports made outside a request (the CLI).
        "BASE_URL": os.environ.get("ANNOTATOR_BASE_URL", "http://127.0.0.1:5000"),
        # Suggested claims: the check-worthiness scorer ("package.module:callable"; empty: the built-in
        # one) and the score from which a sentence is suggested.
        "CLAIM_SCORER": os.environ.get("ANNOTATOR_CLAIM_SCORER", ""),
        "SUGGESTION_THRESHOLD": float(os.environ.get("ANNOTATOR_SUGGESTION_THRESHOLD", "") or DEFAULT_THRESHOLD),
        "SEED_ARTICLE": Path(__file__).parent / "data" / "seed-article.txt",
        # The desk's rating scale (TOML; annotator/data/scale.toml, the 7-level scale, when unset).
        "SCALE_FILE": scale_file(),
    } | overrides
    settings.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(seconds=settings["SESSION_LIFETIME_SECONDS"]))
    return settings
