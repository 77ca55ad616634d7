"""gunicorn settings for `make serve`: workers and address from the environment."""
import multiprocessing
import os

bind = os.environ.get("ANNOTATOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ANNOTATOR_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
timeout = 60
accesslog = None  # the app logs one line per request itself (annotator.requests)
