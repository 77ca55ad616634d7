"""The JSON API (``/api/v1``): views, schemas and problem details."""
