"""Reading an imported item before its batch's transaction: parsed, and its content checked by the
reviewer's own form (``services.imports``). Nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.formats.interchange import Incoming, Rejected, parse_item
from annotator.services.content import content_form


@dataclass(eq=False)
class Item:
    """One item of the file as read: parsed, its content checked."""

    number: int  # counts from 1
    incoming: Incoming | None = None
    failure: BaseException | None = None  # why it could not be read
    content: tuple[str, str, list[dict]] = ("", "", [])  # verdict, note, sources, as the form checked them
    content_failure: BaseException | None = None  # why the form refused them

    @property
    def quote(self) -> str:
        return self.incoming.quote if self.incoming else ""


def read(number: int, file_format: str, raw: Any, *, untagged: str) -> Item:
    """Parse the item and check its content. What is wrong is reported when the item's turn comes, in
    the order the checks have always run (its article and its place in the text before its content)."""
    item = Item(number)
    try:
        item.incoming = parse_item(file_format, raw, untagged=untagged)
    except Exception as error:  # noqa: BLE001 - the reason, or "not stored", goes on the item's report
        item.failure = error
        return item
    try:
        item.content = checked_content(item.incoming)
    except Exception as error:  # noqa: BLE001 - as above
        item.content_failure = error
    return item


def checked_content(incoming: Incoming) -> tuple[str, str, list[dict]]:
    """Verdict, note and sources, checked by the reviewer's own form (same limits, same messages).
    An item awaiting a verdict (``incoming.verdict`` "") keeps "": its draft gets one later."""
    form = content_form(verdict=incoming.verdict, note=incoming.note, sources=incoming.sources)
    errors = {name: messages for name, messages in form.errors.items() if incoming.verdict or name != "verdict"}
    if errors:
        raise Rejected(" ".join(_messages(errors)))
    return form.verdict.data or "", form.note.data or "", form.source_rows()


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]
