"""The article text's highlights as HTML (``web.panel.highlighted``): parsed back, it gives the text
exactly, each segment's span ids, tone and depth, and each suggested sentence's run, escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import text
from annotator.domain.text import SpanRef
from annotator.web.panel import highlighted

TONES = ("true", "false", "mixed", 'odd"<tone>&')


class Pieces(HTMLParser):
    """(text, mark attributes or None, suggestion attributes or None) per piece of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, dict | None, dict | None]] = []
        self.mark: dict | None = None
        self.suggestion: dict | None = None
        self.suggestions: list[dict] = []

    def handle_starttag(self, tag, attrs):
        assert tag in ("mark", "span") and self.mark is None  # marks hold text only
        if tag == "mark":
            self.mark = dict(attrs)
        else:
            assert self.suggestion is None  # suggestions do not nest
            self.suggestion = dict(attrs)
            self.suggestions.append(self.suggestion)

    def handle_endtag(self, tag):
        if tag == "mark":
            self.mark = None
        else:
            self.suggestion = None

    def handle_data(self, data):
        self.pieces.append((data, self.mark, self.suggestion))


@st.composite
def paragraph_cases(draw):
    body = draw(st.text(alphabet="ab <>&\"'é-", max_size=50))
    ranges = st.tuples(st.integers(0, len(body)), st.integers(0, len(body))).filter(lambda r: r[0] < r[1])
    spans = [SpanRef(i + 1, a, b) for i, (a, b) in enumerate(draw(st.lists(ranges, max_size=8)))]
    suggested = [SpanRef(100 + i, a, b) for i, (a, b) in enumerate(draw(st.lists(ranges, max_size=3)))]
    tones = {s.id: draw(st.sampled_from(TONES)) for s in spans}
    tips = {s.id: draw(st.text(alphabet="ab\"<>&' ", max_size=8)) for s in suggested if draw(st.booleans())}
    return body, spans, suggested, tones, tips


@settings(max_examples=300, deadline=None)
@given(paragraph_cases())
def test_highlighted_html_parses_back_to_the_text_and_its_segments(case):
    body, spans, suggested, tones, tips = case
    (paragraph,) = text.paragraphs(body, spans, suggested)
    parser = Pieces()
    parser.feed(str(highlighted(paragraph, tones, tips)))
    parser.close()
    assert "".join(piece for piece, _, _ in parser.pieces) == body
    # Each character's mark and suggestion, against its segment's.
    expected, found = [], []
    for segment in paragraph.segments:
        ids = segment.span_ids
        mark = None
        if ids:
            depth = min(len(ids), 3)
            mark = (" ".join(map(str, ids)), f"hl {tones[ids[0]]} depth-{depth}")
        expected += [(mark, segment.suggestion_id)] * len(segment.text)
    for piece, mark, suggestion in parser.pieces:
        shown = (mark["data-span-ids"], mark["class"]) if mark else None
        sid = int(suggestion["data-suggestion-id"]) if suggestion else None
        found += [(shown, sid)] * len(piece)
    assert found == expected
    for suggestion in parser.suggestions:
        assert suggestion["class"] == "suggestion"
        assert suggestion["title"] == tips.get(int(suggestion["data-suggestion-id"]), "Suggested claim")


def test_one_suggestion_run_per_sentence_around_its_highlights():
    body = "Prices rose. Wages fell."
    (paragraph,) = text.paragraphs(body, [SpanRef(1, 0, 6)], [SpanRef(7, 0, 12), SpanRef(8, 13, 24)])
    html = str(highlighted(paragraph, {1: "false"}, {7: 'Says "rose"'}))
    assert html == (
        '<span class="suggestion" data-suggestion-id="7" title="Says &#34;rose&#34;">'
        '<mark class="hl false depth-1" data-span-ids="1">Prices</mark> rose.</span> '
        '<span class="suggestion" data-suggestion-id="8" title="Suggested claim">Wages fell.</span>'
    )
