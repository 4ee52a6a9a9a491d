"""Hostile text through the whole pipeline: escaped in every context, never run, never outside the output folder."""

from __future__ import annotations

import html.parser
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap import pipeline
from geomap.records import Source

HOSTILE = [
    "</script><script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "\"><svg onload=window.__pwned=1>",
    "'-alert(1)-'",
    "{{ 7*7 }} {% raw %}",
    "\u2028\u2029</SCRIPT >",
    "javascript:window.__pwned=1",
    "<!-- -->]]>",
]
CLAIM = "Ukrainian forces seized about 1,300 square kilometers around Sudzha in the Kursk region in August 2024."
OPTIONS = pipeline.OutputOptions(figures=False, geopackage=False)


class Inventory(html.parser.HTMLParser):
    """Tags, event-handler attributes and script bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.lower().startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def inventory(page: str) -> Inventory:
    parser = Inventory()
    parser.feed(page)
    parser.close()
    return parser


def build_page(text: str, title: str = "A title", outlet: str = "An outlet", source_id: str = "article") -> str:
    source = Source(id=source_id, text=text, title=title, outlet=outlet)
    results = pipeline.run_sources([source])
    return pipeline.output_files(results, OPTIONS)["index.html"].decode("utf-8")


@pytest.fixture(scope="module")
def baseline() -> Inventory:
    return inventory(build_page(CLAIM + " Fighting went on near Sudzha."))


def assert_no_injection(page: str, baseline: Inventory) -> None:
    found = inventory(page)
    assert found.tags.count("script") == baseline.tags.count("script")
    assert found.handlers == baseline.handlers
    for tag in ("img", "svg", "iframe", "object", "embed", "style", "link"):
        assert found.tags.count(tag) == baseline.tags.count(tag), tag


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_article_title_and_outlet_stay_text(payload, baseline):
    text = f"{CLAIM} Residents of Sudzha said {payload} near the Kursk region."
    page = build_page(text, title=f"Title {payload}", outlet=f"Outlet {payload}")
    assert_no_injection(page, baseline)
    # Inside scripts the payload is JSON-escaped: no raw "</script" and no raw "<" of the payload.
    for script in inventory(page).scripts:
        assert "</script" not in script.lower()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(noise=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
       payload=st.sampled_from(HOSTILE))
def test_random_and_hostile_strings_through_the_pipeline(noise, payload):
    # The noise can be words the readers act on ("retaken" adds a place-status marker, an svg of its own),
    # so the page to compare with is the same article with the payload replaced by plain words.
    def page_with(inserted: str) -> str:
        return build_page(f"{noise} {CLAIM} {inserted} Sudzha {noise}", title=noise + inserted, outlet=inserted)

    assert_no_injection(page_with(payload), inventory(page_with("plain words")))


def test_source_ids_cannot_escape_the_output_folder(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": "../../escaped", "text": CLAIM, "published": "2025-03-14"},
               {"id": "/etc/passwd", "text": CLAIM, "published": "2025-03-14"},
               {"id": "..\\..\\win", "text": CLAIM, "published": "2025-03-14"}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    results = pipeline.run([corpus])
    every_file = pipeline.OutputOptions(figure_formats=("svg",), csv=True, geojson=True, jsonl=True)
    written = pipeline.write(results, out, every_file)
    for path in written:
        assert Path(path).resolve().is_relative_to(out.resolve()), path
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and not p.resolve().is_relative_to(out.resolve())]
    assert outside == [corpus]
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {c["source"] for c in claims} == {r["id"] for r in records}


@pytest.mark.browser
def test_hostile_article_is_shown_as_text_in_the_browser(tmp_path):
    from tests.browser_support import offline_page, require_browser, wait_for_map

    require_browser()
    payload = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
    page_html = build_page(f"{CLAIM} A resident said {payload} in Sudzha.", title=f"Report {payload}")
    path = tmp_path / "hostile.html"
    path.write_text(page_html, encoding="utf-8")
    with offline_page() as (page, log):
        page.goto(path.as_uri())
        wait_for_map(page)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        # The claims panel quotes the sentence with the markup as visible text.
        assert "<script>window.__pwned=1</script>" in page.inner_text("body")
        assert not log.blocked, log.blocked
        assert not log.errors, log.errors


# -- files a spreadsheet or another machine opens ----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.org/x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_csv_cells_never_start_a_spreadsheet_formula_and_numbers_stay_numbers(tmp_path):
    import csv

    from geomap.export import csv_text
    from geomap.formats import to_csv

    folder = tmp_path / "articles"
    folder.mkdir()
    entries = []
    for number, formula in enumerate(FORMULAS):
        (folder / f"a{number}.txt").write_text(CLAIM, encoding="utf-8")
        entries.append(f'[[source]]\nid = "a{number}"\nfile = "a{number}.txt"\ntitle = {json.dumps(formula)}\n'
                       f'outlet = {json.dumps(formula)}\npublished = "2025-03-14"\n')
    (folder / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    out = tmp_path / "out"
    pipeline.write(pipeline.run([folder]), out, pipeline.OutputOptions(figures=False, geopackage=False, csv=True))
    tables = {path.name: list(csv.reader(path.open(encoding="utf-8", newline=""))) for path in out.glob("*.csv")}
    assert {"claims.csv", "sources.csv"} <= set(tables)
    for name, rows in tables.items():
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    sources = [dict(zip(tables["sources.csv"][0], row)) for row in tables["sources.csv"][1:]]
    assert sorted(s["title"] for s in sources) == sorted("'" + formula for formula in FORMULAS)
    claims = [dict(zip(tables["claims.csv"][0], row)) for row in tables["claims.csv"][1:]]
    assert {float(c["km2"]) for c in claims} == {1300.0}
    import pandas

    assert csv_text(pandas.DataFrame({"change_km2": [-50.0], "note": ["-50 km²"]})) == "change_km2,note\n-50.0,'-50 km²\n"
    assert to_csv([{"value": -3, "quote": "=2+2"}]) == "value,quote\n-3,'=2+2\n"


def test_outputs_name_sources_as_the_manifest_does_not_by_this_machines_folders(tmp_path):
    folder = tmp_path / "deep" / "articles"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "kursk.txt").write_text(CLAIM, encoding="utf-8")
    (folder / "sources.toml").write_text('[[source]]\nid = "kursk"\nfile = "texts/kursk.txt"\n'
                                         'published = "2025-03-14"\n', encoding="utf-8")
    out = tmp_path / "out"
    every_file = pipeline.OutputOptions(figures=False, csv=True, geojson=True, jsonl=True)
    written = pipeline.write(pipeline.run([folder.resolve()]), out, every_file)
    assert json.loads((out / "sources.json").read_text(encoding="utf-8"))[0]["path"] == "texts/kursk.txt"
    for path in written:
        assert str(tmp_path).encode() not in Path(path).read_bytes(), path
