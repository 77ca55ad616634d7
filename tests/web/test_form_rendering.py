"""The app's html_params (``web.form_rendering``) writes the markup WTForms' own does, for any attributes."""

from __future__ import annotations

import wtforms.widgets
import wtforms.widgets.core
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from annotator.web import form_rendering
from annotator.web.forms import NewAnnotationForm

# Keys as templates and widgets pass them: names, with the trailing underscore of class_/for_, the
# data_/aria_ prefixes, and odd characters a caller might slip in.
keys = st.one_of(
    st.sampled_from(["id", "name", "class_", "for_", "type", "value", "rows", "checked", "required", "maxlength"]),
    st.builds(
        lambda p, s: p + s, st.sampled_from(["data_", "aria_", ""]), st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
    ),
    st.text(min_size=1, max_size=8),
)
values = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.text(),
    st.sampled_from(['say "no"', "<script>alert(1)</script>", "a & b", "it's", "\u2019 \u2014 \u2713"]),
    st.text().map(Markup),
    st.sampled_from([Markup('already "quoted"'), Markup("<b>bold</b>"), Markup("&amp;")]),
)


@given(st.dictionaries(keys, values, max_size=8))
def test_the_same_markup_as_wtforms_for_any_attributes(attributes):
    ours = form_rendering.html_params(**attributes)
    assert isinstance(ours, Markup)
    assert ours == form_rendering.ORIGINAL(**attributes)


def render_fields() -> list[str]:
    """The annotation form's fields and labels as WTForms renders them now (a request context is needed)."""
    form = NewAnnotationForm(
        formdata=None,
        data={"note": 'A "quoted" <note> & more', "verdict": "false", "start": 3, "end": 9, "quote": 'x"y'},
    )
    rendered = [form.note(rows=5, placeholder="Why?"), form.verdict(), form.note.label(for_="note"), form.quote()]
    rendered += [form.start(type="hidden"), form.csrf_token()]
    for row in form.sources:
        rendered += [row.form.url(), row.form.title.label(), row.form.excerpt(rows=2)]
    return [str(html) for html in rendered]


def test_wtforms_renders_with_it_once_the_app_starts(app, monkeypatch):
    assert wtforms.widgets.core.html_params is form_rendering.html_params
    assert wtforms.widgets.html_params is form_rendering.html_params
    assert wtforms.widgets.TextInput.html_params is form_rendering.html_params
    with app.test_request_context():
        ours = render_fields()
        monkeypatch.setattr(wtforms.widgets.core, "html_params", form_rendering.ORIGINAL)
        monkeypatch.setattr(wtforms.widgets, "html_params", form_rendering.ORIGINAL)
        monkeypatch.setattr(wtforms.widgets.core.Input, "html_params", staticmethod(form_rendering.ORIGINAL))
        theirs = render_fields()
    assert ours == theirs
    assert '<option selected value="false">False</option>' in ours[1]
    assert "&#34;quoted&#34; &lt;note&gt; &amp; more" in ours[0]
