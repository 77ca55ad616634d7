"""gunicorn settings for `make serve`: workers and address from the environment."""

import multiprocessing
import os

bind = os.environ.get("ANNOTATOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ANNOTATOR_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
timeout = 60
accesslog = None  # the app logs one line per request itself (annotator.requests)


def when_ready(server):
    """Once, as the server starts: warn while demo accounts still sign in with the demo password."""
    from annotator import create_app
    from annotator.cli.demo import demo_accounts_warning
    from annotator.domain.verdicts import ScaleError

    try:
        app = create_app()
    except ScaleError as error:  # the workers would each refuse it: say why once and stop
        server.log.error("Error: %s", error)
        raise SystemExit(1) from None
    except Exception as error:  # noqa: BLE001 - the workers will report it; the check is only a warning
        server.log.warning("Could not check the demo accounts: %s", error)
        return
    warning = demo_accounts_warning(app)
    app.extensions["engine"].dispose()
    if warning:
        server.log.warning(warning)
