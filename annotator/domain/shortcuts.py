"""The keyboard shortcuts: the one list that the ``?`` overlay and the docs show.

static/annotator.js implements them; a browser test drives each one. The verdict
digits follow the scale's order in ``verdicts.SCALE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain import verdicts


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # alternatives, each shown as one <kbd> group ("Ctrl+Enter")
    action: str


def verdict_digits() -> list[tuple[str, str]]:
    """(digit, verdict label) in scale order: 1 is the first verdict of the scale."""
    return [(str(n), v.label) for n, v in enumerate(verdicts.SCALE, start=1)]


def groups() -> list[tuple[str, list[Shortcut]]]:
    """The shortcuts by where they work, in the order a reviewer uses them."""
    digits = ", ".join(f"{d} {label}" for d, label in verdict_digits())
    return [
        (
            "In the article",
            [
                Shortcut(("j", "k"), "Next / previous highlight or suggested claim"),
                Shortcut(("Enter",), "Open the highlight or suggestion that has the focus"),
                Shortcut(
                    ("s", "Shift+S"), "Select the sentence at the selection or focus; again: the next / previous one"
                ),
                Shortcut(("]", "["), "Move the end of the selection one word right / left"),
                Shortcut(("Shift+]", "Shift+["), "Move the start of the selection one word right / left"),
                Shortcut(("a",), "Annotate the selection (the Annotate button)"),
            ],
        ),
        (
            "In the annotation form",
            [
                Shortcut((f"1–{len(verdicts.SCALE)}",), f"Choose the verdict ({digits}), then go to Note"),
                Shortcut(("Ctrl+Enter", "⌘+Enter"), "Save"),
                Shortcut(("Esc",), "Close the form or the claim; the focus goes back to the highlight or suggestion"),
            ],
        ),
        (
            "Anywhere",
            [
                Shortcut(("?",), "Show this list of shortcuts"),
            ],
        ),
    ]
