"""A tiny HTML tree for web tests (standard library only).

``parse(html)`` gives an ``Element`` whose ``text()`` is the DOM text content
(character references decoded), so tests compare what a browser would hold
rather than the escaped markup.
"""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None" = None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self):
        """Every descendant element, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs) -> list["Element"]:
        found = []
        for el in self.elements():
            if tag is not None and el.tag != tag:
                continue
            if class_ is not None and class_ not in el.classes:
                continue
            if all(el.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                found.append(el)
        return found

    def find(self, tag: str | None = None, **kwargs) -> "Element | None":
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> "Element | None":
        return next((el for el in self.elements() if el.attrs.get("id") == element_id), None)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response) -> Element:
    return parse(response.get_data(as_text=True))


def article_text(root: Element) -> str:
    """The article's text as the DOM holds it: its paragraphs joined with newlines."""
    container = root.by_id("article-text")
    assert container is not None, "no #article-text"
    found = paragraphs(root)
    assert all("data-start" in p.attrs for p in found)
    return "\n".join(p.text() for p in found)


def paragraphs(root: Element) -> list[Element]:
    """The article's paragraphs: all of #article-text on a page, the out-of-band ones in a fragment."""
    container = root.by_id("article-text")
    if container is not None:
        return [c for c in container.children if isinstance(c, Element) and c.tag == "p"]
    return [p for p in root.find_all("p") if p.get("hx-swap-oob") == "true" and "data-start" in p.attrs]


def marks(root: Element) -> list[Element]:
    return [m for p in paragraphs(root) for m in p.find_all("mark")]


def highlighted_span_ids(root: Element) -> set[int]:
    return {int(i) for m in marks(root) for i in m.get("data-span-ids", "").split()}


def labelled(root: Element, label: str) -> Element | None:
    """The form control whose <label> reads ``label``."""
    for lab in root.find_all("label"):
        if lab.text().strip() == label:
            return root.by_id(lab.get("for"))
    return None


def field_errors(root: Element, field_id: str) -> list[str]:
    """The messages shown next to a form field (``<ul id="FIELD-errors">``)."""
    errors = root.by_id(f"{field_id}-errors")
    return [li.text().strip() for li in errors.find_all("li")] if errors is not None else []


def csrf_from(root: Element) -> str:
    field = root.find("input", name="csrf_token")
    assert field is not None, "no csrf_token input"
    return field.get("value")
