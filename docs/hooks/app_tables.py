"""MkDocs hook: tables read from the app's own single sources of truth, so they cannot drift.

A page holds a marker line; the build puts the table in its place:

- ``<!-- verdict-scale -->``: the verdict scale (``annotator.domain.verdicts.SCALE``);
- ``<!-- shortcuts -->``: the keyboard shortcuts as the ``?`` overlay lists them
  (``annotator.domain.shortcuts.groups``).

Every marker must be used somewhere: a page that loses its marker fails the build.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

_used: set[str] = set()


def verdict_scale() -> str:
    from annotator.domain import verdicts

    rows = ["| key | label | what it means | ClaimReview rating | ordinal rank |", "|---|---|---|---|---|"]
    for verdict in verdicts.SCALE:
        rating = verdict.rating if verdict.rating is not None else "none"
        rank = verdicts.ordinal_rank(verdict.key) or "none (outside the order)"
        rows.append(f"| `{verdict.key}` | {verdict.label} | {verdict.description} | {rating} | {rank} |")
    return "\n".join(rows)


def shortcuts() -> str:
    from annotator.domain import shortcuts as module

    lines = []
    for where, group in module.groups():
        lines += [f"**{where}**", "", "| keys | what |", "|---|---|"]
        for shortcut in group:
            keys = " or ".join(f"<kbd>{key}</kbd>" for key in shortcut.keys)
            action = shortcut.action.replace("|", r"\|")
            lines.append(f"| {keys} | {action} |")
        lines.append("")
    return "\n".join(lines)


TABLES = {"<!-- verdict-scale -->": verdict_scale, "<!-- shortcuts -->": shortcuts}


def on_config(config):
    _used.clear()
    return config


def on_page_markdown(markdown: str, page, config, files):
    for marker, make in TABLES.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
            _used.add(marker)
    return markdown


def on_post_build(config):
    unused = sorted(set(TABLES) - _used)
    if unused:
        raise PluginError(f"no page holds {', '.join(unused)}: the generated table would be missing")
