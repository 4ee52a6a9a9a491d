"""The structure of an HTML text as the tests read it: tags and their attributes, ids, top-level elements and
script texts (one parser for the page, the fragment and the notebook display)."""

from __future__ import annotations

from html.parser import HTMLParser


class Structure(HTMLParser):
    """Tags, ids, top-level elements and script texts of an HTML text."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.top_level: list[str] = []
        self.scripts: list[str] = []
        self.attributes: list[tuple[str, dict]] = []
        self.html_tags: list[str] = []  # outside inline SVG, where <title> is a tooltip, not the page's
        self._depth = 0
        self._svg_depth = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if self._svg_depth == 0:
            self.html_tags.append(tag)
        if tag == "svg" or self._svg_depth:
            self._svg_depth += 1
        attributes = dict(attrs)
        self.attributes.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if self._depth == 0:
            self.top_level.append(tag)
        if tag not in self.VOID:
            self._depth += 1
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if self._svg_depth:
            self._svg_depth -= 1
        if tag not in self.VOID:
            self._depth -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(text: str) -> Structure:
    structure = Structure()
    structure.feed(text)
    structure.close()
    return structure
