"""Saved news pages: the article's own text, and the page's own title, site name, address and date.

A saved page holds far more than its article: navigation, "most read" and
"related" lists, footers, cookie notices, scripts. The places they name are not
the article's, so only the main text is read, the way news archives read pages:
with trafilatura, which scores the page's blocks (text and link density, tags,
class names) and keeps the article's paragraphs, headings, lists, quotes and
tables. It runs offline; nothing is fetched.

The page is parsed once, by lxml (libxml2), in time linear in its size
(Python's html.parser is quadratic on some inputs: ``'<!--' * 100000`` took 8 s).
Character references are decoded once, by that parser: the text is taken from
the nodes trafilatura keeps rather than from its own text output, which decodes
them a second time (``&amp;lt;b&amp;gt;`` would read ``<b>`` instead of
``&lt;b&gt;``). Blocks (paragraphs, headings, list items, table rows) are lines
of the text; offsets of mentions and claims in a page are offsets into it.

The title, site name and canonical address come from the page's meta tags
(Open Graph, Twitter cards, JSON-LD, ``<title>``, ``<link rel=canonical>``),
the publication date from htmldate reading the same markup (meta tags, JSON-LD,
``<time>`` elements, the address; never the article's prose, which would be a
guess).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from datetime import date

from geomap.dates import FIRST_YEAR, LAST_YEAR

__all__ = ["Page", "read_page"]

# trafilatura's blocks that are lines of the text; the rest (hi, ref, span, del) are inline.
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "code", "table", "row", "div", "section", "article",
                     "blockquote", "pre", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "main",
                     "body", "figure", "figcaption", "graphic", "note", "doc"})
_CELLS = frozenset({"cell", "td", "th"})
_TITLE_META = ("og:title", "twitter:title")
_SITE_META = ("og:site_name", "application-name", "twitter:site")
# htmldate's bounds: dates outside them are not the page's. Fixed, so the result does not depend on the day
# geomap runs (htmldate's default latest date is today).
_EARLIEST, _LATEST = f"{FIRST_YEAR}-01-01", f"{LAST_YEAR}-12-31"


@dataclass
class Page:
    """What a saved page says: the article's text and the page's metadata (None when it gives none)."""

    text: str
    title: str | None = None
    site_name: str | None = None
    url: str | None = None
    published: date | None = None


def read_page(markup: str) -> Page:
    """The article text and metadata of an HTML page (an empty text when it holds no article).

    Examples
    --------
    >>> page = read_page("<html><head><title>Kursk</title></head><body><nav><a>Odesa</a></nav>"
    ...                  "<article><p>Fighting went on near Sudzha, officials said.</p></article></body></html>")
    >>> page.text, page.title
    ('Fighting went on near Sudzha, officials said.', 'Kursk')
    """
    import lxml.etree
    import lxml.html

    # The markup was decoded already (geomap reads UTF-8): the parser must not decode it again by the page's
    # <meta charset>, so it gets UTF-8 bytes and is told so.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # "Document is empty": nothing but comments or blanks
        return Page(text="")
    page = Page(text="", title=_title(tree), site_name=_site_name(tree), url=_canonical_url(tree))
    page.published = _published(tree, page.url)
    page.text = _article_text(tree)
    return page


def _article_text(tree) -> str:
    import trafilatura

    _quiet_libraries()
    # A script's or style's content is code, never the article: an unclosed <script> inside a <nav> otherwise
    # reached the text ("<nav><p><script><p>" gave "<p>"). Their tails are the page's text and stay.
    for code in tree.xpath("//script | //style | //noscript | //template"):
        code.drop_tree()
    # Recall over precision: a paragraph or list of the article that is lost loses its places and claims,
    # and on news pages the chrome is dropped either way (tests/test_webpage.py).
    document = trafilatura.bare_extraction(tree, favor_recall=True, include_comments=False, include_tables=True,
                                           include_images=False, include_links=False, with_metadata=False,
                                           config=_trafilatura_config())
    body = getattr(document, "body", None)  # a Document, or None when nothing is found
    return "" if body is None else _text_of(body)


@functools.cache
def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()
    # trafilatura takes a main text under 250 characters for a failed extraction and falls back to the text
    # of the whole page, navigation included: a short news brief is still the article.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _text_of(element) -> str:
    """The text of an extracted body: each block on its own line, cells of a row apart, spaces collapsed."""
    import lxml.etree

    parts: list[str] = []
    # iterwalk, not recursion: a hostile page can nest deeper than Python's stack.
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS or tag == "lb":
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(" ")
            if node.text and tag != "lb":
                parts.append(node.text)
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            if node.tail and node is not element:
                parts.append(node.tail)
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(parts))
    return re.sub(r" *\n[ \n]*", "\n", text).strip()


def _quiet_libraries() -> None:
    # trafilatura and htmldate log what they discard at WARNING/ERROR; geomap reports the outcome (an empty
    # page) itself, in one line.
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _meta(tree, names: tuple[str, ...]) -> str | None:
    """The first non-empty ``<meta property|name=... content=...>`` of ``names``, in their order."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key in names and key not in found:
            content = _clean(element.get("content"))
            if content:
                found[key] = content
    return next((found[name] for name in names if name in found), None)


def _json_ld(tree) -> list[dict]:
    """The JSON-LD objects of the page (``@graph`` lists flattened); unreadable blocks are skipped."""
    objects: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        todo = data if isinstance(data, list) else [data]
        while todo:
            item = todo.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    todo.extend(item["@graph"])
    return objects


def _title(tree) -> str | None:
    title = _meta(tree, _TITLE_META)
    if title:
        return title
    for item in _json_ld(tree):
        if _clean(item.get("headline")):
            return _clean(item["headline"])
    for path in ("//title", "//h1"):
        for element in tree.xpath(path):
            text = _clean(element.text_content())
            if text:
                return text
    return None


def _site_name(tree) -> str | None:
    name = _meta(tree, _SITE_META[:2])
    if name:
        return name
    for item in _json_ld(tree):
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and _clean(publisher.get("name")):
            return _clean(publisher["name"])
    handle = _meta(tree, _SITE_META[2:])
    return handle.lstrip("@") or None if handle else None


def _canonical_url(tree) -> str | None:
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split() and _clean(element.get("href")):
            return _clean(element.get("href"))
    url = _meta(tree, ("og:url",))
    if url:
        return url
    return next((_clean(item["url"]) for item in _json_ld(tree) if _clean(item.get("url"))), None)


def _published(tree, url: str | None) -> date | None:
    import htmldate

    _quiet_libraries()
    try:
        found = htmldate.find_date(tree, url=url, extensive_search=False, original_date=True,
                                   outputformat="%Y-%m-%d", min_date=_EARLIEST, max_date=_LATEST)
        return date.fromisoformat(found) if found else None
    except (ValueError, TypeError, OverflowError):  # a date in the markup that is no date: the page gives none
        return None
