"""The use cases: each takes ``session=`` and plain values and returns rows or dataclasses."""
