"""The difference between two versions of an article, for reading: insertions and deletions inline.

Pure functions. The character diff is cleaned up to whole words and phrases
(diff-match-patch's semantic clean-up), so a changed figure reads as one
deletion beside one insertion rather than scattered letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from annotator.domain.reanchoring import DELETE, DIFF_TIMEOUT, EQUAL, INSERT

SAME, ADDED, REMOVED = "same", "added", "removed"
_KIND = {EQUAL: SAME, INSERT: ADDED, DELETE: REMOVED}


@dataclass(frozen=True)
class Piece:
    kind: str  # same, added or removed
    text: str
    breaks: bool = False  # an added or removed paragraph break (shown as a mark)


@dataclass(frozen=True)
class TextDiff:
    paragraphs: list[list[Piece]]
    added_words: int
    removed_words: int
    changes: int  # stretches of added or removed text

    @property
    def identical(self) -> bool:
        return self.changes == 0


# Words, runs of white space, and single other characters (punctuation, symbols).
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
FIRST_PRIVATE, PRIVATE_CODES = 0xF0000, 0x110000 - 0xF0000  # Unicode's supplementary private use planes


def readable_diff(old: str, new: str) -> list[tuple[int, str]]:
    """The diff of two texts by whole words (a changed figure is one word out, one in), with
    small coincidences between edits folded in so that phrases read as phrases."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    tokens = list(dict.fromkeys(old_tokens + new_tokens))
    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_TIMEOUT
    if len(tokens) <= PRIVATE_CODES:
        # One private-use character per distinct token, as diff-match-patch does for lines.
        code = {token: chr(FIRST_PRIVATE + n) for n, token in enumerate(tokens)}
        encoded = differ.diff_main(
            "".join(map(code.__getitem__, old_tokens)), "".join(map(code.__getitem__, new_tokens)), False
        )
        # Clean up while still in tokens: on letters, the clean-up would split words again.
        differ.diff_cleanupSemantic(encoded)
        return [(op, "".join(tokens[ord(c) - FIRST_PRIVATE] for c in chunk)) for op, chunk in encoded]
    # More distinct words than private characters: by characters (diff_match_patch has no type annotations).
    diff: list[tuple[int, str]] = differ.diff_main(old, new)
    differ.diff_cleanupSemantic(diff)
    return diff


def compare(old: str, new: str) -> TextDiff:
    """Paragraphs of pieces, with counts of what changed."""
    diff = readable_diff(old, new)
    paragraphs: list[list[Piece]] = [[]]
    added = removed = changes = 0
    for op, chunk in diff:
        kind = _KIND[op]
        if kind != SAME:
            changes += 1
            words = len(chunk.split())
            added += words if kind == ADDED else 0
            removed += words if kind == REMOVED else 0
        lines = chunk.split("\n")
        for index, line in enumerate(lines):
            if index:
                if kind != SAME:
                    paragraphs[-1].append(Piece(kind, "", breaks=True))
                paragraphs.append([])
            if line:
                paragraphs[-1].append(Piece(kind, line))
    return TextDiff(paragraphs, added, removed, changes)


def as_text(comparison: TextDiff) -> str:
    """The diff as plain text, wdiff's way: ``[-deleted-]`` and ``{+inserted+}``, a paragraph a line."""
    marks = {SAME: "{}", ADDED: "{{+{}+}}", REMOVED: "[-{}-]"}
    return "\n".join(
        "".join(marks[p.kind].format("¶" if p.breaks else p.text) for p in paragraph)
        for paragraph in comparison.paragraphs
    )


def summary(comparison: TextDiff) -> str:
    if comparison.identical:
        return "the same text"
    return (
        f"{comparison.changes} change{'' if comparison.changes == 1 else 's'}: "
        f"{comparison.added_words} word{'' if comparison.added_words == 1 else 's'} inserted, "
        f"{comparison.removed_words} deleted"
    )
