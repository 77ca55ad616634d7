"""Entry point for ``flask --app app`` and gunicorn (``app:app``)."""

import sys

from annotator import create_app
from annotator.domain.checkworthiness import ScorerError
from annotator.domain.verdicts import ScaleError

try:
    app = create_app()
except (ScorerError, ScaleError) as error:  # a bad ANNOTATOR_CLAIM_SCORER or scale file: say why and stop
    sys.exit(f"Error: {error}")
