"""Entry point for ``flask --app app`` and gunicorn (``app:app``)."""

import sys

from annotator import create_app
from annotator.domain.checkworthiness import ScorerError

try:
    app = create_app()
except ScorerError as error:  # a bad ANNOTATOR_CLAIM_SCORER: say why in one line and stop
    sys.exit(f"Error: {error}")
