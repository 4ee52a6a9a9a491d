"""Saved news pages: the article is read and the page around it is not; entities are decoded once; the page's
own title, outlet and date are kept; hostile markup is parsed in linear time; nothing is fetched."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geomap import webpage
from geomap.sources import read_sources

from .cli_support import run_cli

PAGES = Path(__file__).parent / "data" / "pages"

# Places each page names only in its navigation, lists, tags, sidebar, footer or scripts (tests/data/pages).
CHROME = {
    "moscow-times.html": {
        "Odesa",
        "Lviv",
        "Tbilisi",
        "Zaporizhzhia",
        "Mykolaiv",
        "Chernihiv",
        "Riyadh",
        "Vinnytsia",
        "Yerevan",
        "Riga",
        "Amsterdam",
        "Kherson",
        "Poltava",
        "Kramatorsk",
    },
    "ukrainska-pravda.html": {
        "Kharkiv",
        "Dnipro",
        "Ivano-Frankivsk",
        "Frankivsk",
        "Kryvyi Rih",
        "Uzhhorod",
        "Chernivtsi",
        "Uman",
        "Ternopil",
        "Kramatorsk",
        "Bila Tserkva",
        "Zhytomyr",
        "Lutsk",
        "Rivne",
    },
    "associated-press.html": {
        "Bucharest",
        "Gaza",
        "Khartoum",
        "Jeddah",
        "Odesa",
        "Kakhovka",
        "Washington",
        "London",
        "Nairobi",
        "Athens",
        "Chisinau",
        "Izmir",
        "New York",
        "Warsaw",
        "Sevastopol",
        "Melitopol",
    },
}
# What the page's metadata says: (title, outlet, published).
METADATA = {
    "moscow-times.html": (
        "Russian Army Regains Control Over Sudzha in Kursk Border Region",
        "The Moscow Times",
        date(2025, 3, 13),
    ),
    "ukrainska-pravda.html": (
        "Ukrainian troops retreat near Sudzha but remain in Kursk Oblast",
        "Ukrainska Pravda",
        date(2025, 3, 12),
    ),
    "associated-press.html": (
        "Russia says it has retaken Sudzha, the biggest town in the Kursk region controlled by Ukraine",
        "The Associated Press",
        date(2025, 3, 13),
    ),
}


def geocode(*paths: Path) -> list[dict]:
    result = run_cli("geocode", *map(str, paths))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def page_mentions() -> dict[str, list[dict]]:
    records = geocode(*(PAGES / name for name in CHROME))
    return {name: [r for r in records if r["source"] == Path(name).stem] for name in CHROME}


@pytest.mark.parametrize("name", sorted(CHROME))
def test_places_named_only_around_the_article_are_not_mentions(page_mentions, name):
    surfaces = {r["text"] for r in page_mentions[name]}
    assert not surfaces & CHROME[name], sorted(surfaces & CHROME[name])


@pytest.mark.parametrize("name", sorted(CHROME))
def test_places_of_the_article_are_mentions(page_mentions, name):
    resolved = {(r["name"], r["id"]) for r in page_mentions[name] if r["type"] == "place"}
    assert {("Sudzha", "486816"), ("Kursk Oblast", "RU-KRS")} <= resolved


@pytest.mark.parametrize("name", sorted(CHROME))
def test_offsets_index_the_extracted_text(page_mentions, name):
    source = read_sources([PAGES / name]).sources[0]
    assert page_mentions[name]
    for record in page_mentions[name]:
        assert source.text[record["start"] : record["end"]] == record["text"]
        assert record["sentence"] in source.text
    # The article's paragraphs are lines of the text, in order.
    assert source.text.count("\n") >= 2


@pytest.mark.parametrize("name", sorted(METADATA))
def test_the_page_gives_title_outlet_url_and_date(name):
    source = read_sources([PAGES / name]).sources[0]
    assert (source.title, source.outlet, source.published) == METADATA[name]
    assert source.published_estimated is False
    assert source.url and source.url.startswith("https://")


def test_the_manifest_wins_over_the_page_and_the_page_fills_the_rest(tmp_path):
    page = tmp_path / "story.html"
    page.write_bytes((PAGES / "moscow-times.html").read_bytes())
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "mt"\nfile = "story.html"\noutlet = "MT"\n', encoding="utf-8"
    )
    source = read_sources([tmp_path]).sources[0]
    assert (source.outlet, source.title, source.published) == (
        "MT",
        METADATA["moscow-times.html"][0],
        date(2025, 3, 13),
    )


def page_of(body: str, head: str = "") -> webpage.Page:
    """The page read from a document with this <body> (and this <head>, if any)."""
    return webpage.read_page(f"<html><head>{head}</head><body>{body}</body></html>")


def test_entities_are_decoded_once():
    page = page_of(
        "<article><p>The page says &amp;lt;b&amp;gt; and &lt;i&gt;, AT&amp;T and &amp;amp; near Sudzha.</p></article>"
    )
    assert page.text == "The page says &lt;b&gt; and <i>, AT&T and &amp; near Sudzha."


def test_a_title_is_decoded_once():
    page = page_of("<p>Fighting near Sudzha.</p>", head="<title>Sudzha &amp;lt;b&amp;gt; retaken</title>")
    assert page.title == "Sudzha &lt;b&gt; retaken"


def test_a_short_brief_keeps_its_text_and_drops_the_navigation():
    page = page_of(
        "<nav><a href='/odesa'>Odesa</a></nav><article><p>Fighting went on near Sudzha, officials "
        "said.</p></article><footer>Riga</footer>"
    )
    assert page.text == "Fighting went on near Sudzha, officials said."


def test_lists_and_blocks_of_the_article_are_lines():
    page = page_of(
        "<article><h2>Sudzha</h2><p>Villages retaken:</p><ul><li>Melovoy</li><li>Podol<br>and "
        "Kositsa</li></ul><p>Fighting went on near Sudzha, officials said, and further north.</p></article>"
    )
    assert page.text.splitlines() == [
        "Sudzha",
        "Villages retaken:",
        "Melovoy",
        "Podol",
        "and Kositsa",
        "Fighting went on near Sudzha, officials said, and further north.",
    ]


@pytest.mark.parametrize("markup", ["", "   ", "<!--" * 100_000, "<p>" + "<b>" * 100_000, "<html></html>"])
def test_pages_without_an_article_give_no_text(markup):
    assert webpage.read_page(markup).text == ""


def test_a_page_without_article_text_is_said(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><script>var city = 'Kharkiv';</script><style>p {}</style></head><body></body></html>"
        + "<!--" * 50_000,
        encoding="utf-8",
    )
    source = read_sources([page]).sources[0]
    assert source.text == "" and source.warnings == ["no article text found in the page"]


def test_hostile_markup_is_parsed_by_lxml_not_html_parser(monkeypatch):
    """html.parser is quadratic on '<!--' repeated (100,000: 2 minutes); reading a page must not use it."""
    import html.parser

    def refuse(*args, **kwargs):
        raise AssertionError("html.parser used")

    monkeypatch.setattr(html.parser.HTMLParser, "feed", refuse)
    assert webpage.read_page("<!--" * 100_000 + "<p>Sudzha</p>").text in ("", "Sudzha")
    assert "Sudzha" in webpage.read_page((PAGES / "moscow-times.html").read_text(encoding="utf-8")).text


def test_reading_a_page_opens_no_network_connection(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access while reading a page")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for name in METADATA:
        page = webpage.read_page((PAGES / name).read_text(encoding="utf-8"))
        assert page.text and page.published is not None


MARKUP = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div class='related'>",
            "</div>",
            "<nav>",
            "<!--",
            "-->",
            "&amp;",
            "&lt;b&gt;",
            "<script>",
            "</script>",
            "<meta property='og:title' content='",
            "'>",
            "<time datetime='9999-12-31'>",
            "Sudzha ",
            "Kursk region. ",
            "\u2028",
            "<![CDATA[",
            "<ul><li>",
            "\x0c",
            "<table><tr><td>",
        ]
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(pieces=MARKUP, noise=st.text(max_size=40))
@example(pieces=["<nav>", "<p>", "<script>", "<p>"], noise="")  # an unclosed script's content once reached the text
def test_any_markup_gives_text_and_never_an_exception(pieces, noise):
    page = webpage.read_page("".join(pieces) + noise)
    assert "<p>" not in page.text and "<script>" not in page.text  # markup is structure, never text
    assert page.published is None or 1900 <= page.published.year <= 2100
