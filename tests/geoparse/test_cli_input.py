"""``geomap geocode`` on the inputs users actually have: empty, binary, broken, huge, HTML, stdin, corpora.

Every run is a new ``geomap`` process. Whatever the input, the command must not
show a traceback; a bad input gets one error line naming the file and exit 1,
and the other inputs are still processed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from geomap.records import Source
from geomap.sources import html_to_text

from ..work import growth
from .support import SEEDS, distinct_places_text, run_geomap

NEWS = ("Russian troops retook Sudzha in the Kursk region on Wednesday, officials in Moscow said. "
        "Ukrainian units withdrew toward Sumy, about 80 km from the border.\n")


def assert_clean(result) -> None:
    """No traceback and no Python error class on stderr, whatever happened."""
    assert "Traceback" not in result.stderr, result.stderr
    assert "Error:" not in result.stderr.replace("geomap: error:", ""), result.stderr


def jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def seed_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


# -- empty, binary, broken -------------------------------------------------------------------

def test_empty_file(cli_env, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_geomap(cli_env, "geocode", str(empty))
    assert_clean(result)
    assert result.returncode == 0
    assert result.stdout == ""


def test_empty_file_as_a_table_and_as_geojson(cli_env, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    table = run_geomap(cli_env, "geocode", str(empty), "--format", "table")
    assert table.returncode == 0 and table.stdout.startswith("source")
    geojson = run_geomap(cli_env, "geocode", str(empty), "--format", "geojson")
    assert geojson.returncode == 0
    assert json.loads(geojson.stdout) == {"type": "FeatureCollection", "features": []}
    assert_clean(table)
    assert_clean(geojson)


def test_binary_file_is_one_error_line_and_the_others_are_read(cli_env, tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    good = tmp_path / "report.txt"
    good.write_text(NEWS, encoding="utf-8")
    result = run_geomap(cli_env, "geocode", str(binary), str(good))
    assert_clean(result)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1
    assert str(binary) in errors[0] and "binary" in errors[0]
    records = jsonl(result)
    assert {r["source"] for r in records} == {"report"}
    assert "Sudzha" in [r["text"] for r in records]


def test_invalid_utf8_is_decoded_with_replacement_and_a_warning(cli_env, tmp_path: Path) -> None:
    broken = tmp_path / "latin1.txt"
    data = "Shelling hit Kharkiv and Sumy; caf\u00e9 owners in Kursk fled.".encode("latin-1")
    broken.write_bytes(data + b"\n" + NEWS.encode("utf-8"))
    result = run_geomap(cli_env, "geocode", str(broken))
    assert_clean(result)
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and str(broken) in warnings[0] and "UTF-8" in warnings[0]
    decoded = data.decode("utf-8", errors="replace") + "\n" + NEWS
    records = jsonl(result)
    assert {"Kharkiv", "Sumy", "Kursk", "Sudzha"} <= {r["text"] for r in records}
    for record in records:
        assert decoded[record["start"]:record["end"]] == record["text"]


def test_missing_file_is_named_and_the_others_are_read(cli_env, tmp_path: Path) -> None:
    good = tmp_path / "report.txt"
    good.write_text(NEWS, encoding="utf-8")
    missing = tmp_path / "nowhere.txt"
    result = run_geomap(cli_env, "geocode", str(missing), str(good))
    assert_clean(result)
    assert result.returncode == 1
    assert str(missing) in result.stderr
    assert {r["source"] for r in jsonl(result)} == {"report"}


# -- size -------------------------------------------------------------------------------------

def test_one_enormous_line(cli_env, tmp_path: Path) -> None:
    one_line = " ".join(seed_text().split())
    huge = (one_line + " ") * (5_000_000 // len(one_line) + 1)
    path = tmp_path / "huge.txt"
    path.write_text(huge, encoding="utf-8")
    assert path.stat().st_size >= 5_000_000 and "\n" not in huge
    result = run_geomap(cli_env, "geocode", str(path), "--format", "csv")
    assert_clean(result)
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    one_copy = run_geomap(cli_env, "geocode", "-", "--format", "csv", stdin=one_line)
    per_copy = len(list(csv.DictReader(io.StringIO(one_copy.stdout))))
    copies = huge.count(one_line)
    # Every copy of the text yields its places (a copy cut at the end may yield fewer).
    assert per_copy * (copies - 1) <= len(rows) <= per_copy * (copies + 1)
    for row in rows[:200] + rows[-200:]:
        assert huge[int(row["start"]):int(row["end"])] == row["text"]


# Linearity is checked by counting the calls a parse makes (see tests/work.py), which a loaded machine
# does not change; benchmarks/bench_hot_paths.py times the same texts.
def parse_text(geoparser):
    return lambda text: geoparser.parse(Source(id="counted", text=text))


def test_work_grows_linearly_with_the_length_of_one_text(geoparser) -> None:
    one_line = " ".join(seed_text().split()) + " "
    small = (one_line * (100_000 // len(one_line) + 1))[:100_000]
    ratio = growth(parse_text(geoparser), small, small * 4)
    assert ratio < 5.0, f"4x the text took {ratio:.2f}x the calls"


def test_work_grows_linearly_with_the_number_of_places_in_one_text(geoparser) -> None:
    few, many = distinct_places_text(geoparser, 300), distinct_places_text(geoparser, 1200)
    ratio = growth(parse_text(geoparser), few, many)
    assert ratio < 5.5, f"4x the places took {ratio:.2f}x the calls"


# -- formats of input ---------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Kursk: the retreat</title>
<style>.map { background: url(kharkiv.png) } /* Odesa */</style>
<script>var city = "Kharkiv"; // Zaporizhzhia</script></head>
<body>
<h1>Retreat from Sudzha</h1>
<p>Russian troops retook <b>Sudzha</b> in the <a href="/kursk">Kursk region</a> &amp; pushed on
toward Sumy&nbsp;province.</p>
<ul><li>Korenevo</li><li>Officials in Moscow said the town of Sudzha was &ldquo;liberated&rdquo;.</li></ul>
<p>Ukraine&#8217;s army withdrew.<br>Analysts in Washington agreed.</p>
</body></html>
"""


def test_html_tags_are_stripped_and_offsets_index_the_stripped_text(cli_env, tmp_path: Path) -> None:
    page = tmp_path / "retreat.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    result = run_geomap(cli_env, "geocode", str(page))
    assert_clean(result)
    assert result.returncode == 0
    stripped = html_to_text(HTML_PAGE)
    records = jsonl(result)
    for record in records:
        assert record["text"] == stripped[record["start"]:record["end"]]
        assert "<" not in record["sentence"] and "&amp;" not in record["sentence"]
    found = {r["text"] for r in records if r["type"] == "place"}
    assert {"Sudzha", "Kursk", "Moscow", "Ukraine", "Washington"} <= found
    # Script and style are not text: their names are not mentions.
    assert "Odesa" not in found and "Zaporizhzhia" not in found
    assert "Kharkiv" not in found


def test_stdin(cli_env) -> None:
    result = run_geomap(cli_env, "geocode", "-", stdin=NEWS)
    assert_clean(result)
    assert result.returncode == 0
    records = jsonl(result)
    assert {r["source"] for r in records} == {"stdin"}
    for record in records:
        assert NEWS[record["start"]:record["end"]] == record["text"]
    assert [r["id"] for r in records if r["text"] == "Sudzha"] == ["486816"]


def test_jsonl_corpus(cli_env, tmp_path: Path) -> None:
    articles = [
        {"id": "a1", "text": NEWS, "published": "2025-03-13", "outlet": "Wire"},
        {"id": "a2", "text": "Drones struck Kharkiv overnight, officials in Sumy and Poltava said."},
        {"id": 3, "text": ""},
    ]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    result = run_geomap(cli_env, "geocode", str(corpus))
    assert_clean(result)
    assert result.returncode == 0
    texts = {str(a["id"]): a["text"] for a in articles}
    records = jsonl(result)
    assert {r["source"] for r in records} == {"a1", "a2"}
    for record in records:
        assert texts[record["source"]][record["start"]:record["end"]] == record["text"]


def test_jsonl_corpus_with_a_bad_line(cli_env, tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "a1", "text": NEWS}) + "\n{not json\n"
                      + json.dumps({"text": "no id"}) + "\n", encoding="utf-8")
    result = run_geomap(cli_env, "geocode", str(corpus))
    assert_clean(result)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 2 and all(f"{corpus}:" in line for line in errors)
    assert {r["source"] for r in jsonl(result)} == {"a1"}


def test_folder(cli_env, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(NEWS, encoding="utf-8")
    (folder / "b.md").write_text("# Kharkiv\n\nDrones hit *Kharkiv* and Sumy overnight.\n", encoding="utf-8")
    (folder / "c.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "d.jsonl").write_text(json.dumps({"id": "d1", "text": "Fighting near Pokrovsk and Kramatorsk."})
                                    + "\n", encoding="utf-8")
    (folder / "README.md").write_text("Notes about Odesa, not an article.\n", encoding="utf-8")
    (folder / "e.txt").write_bytes(b"\x00\x01binary")
    (folder / "picture.png").write_bytes(b"\x89PNG\x00")
    result = run_geomap(cli_env, "geocode", str(folder))
    assert_clean(result)
    assert result.returncode == 1  # e.txt is binary
    assert str(folder / "e.txt") in result.stderr
    assert "picture.png" not in result.stderr
    records = jsonl(result)
    assert {r["source"] for r in records} == {"a", "b", "c", "d1"}
    assert "Odesa" not in {r["text"] for r in records}


# -- output formats ---------------------------------------------------------------------------

def test_geojson_points_are_lon_lat(cli_env) -> None:
    as_jsonl = run_geomap(cli_env, "geocode", "-", stdin=NEWS)
    as_geojson = run_geomap(cli_env, "geocode", "-", "--format", "geojson", stdin=NEWS)
    assert_clean(as_geojson)
    assert as_geojson.returncode == 0
    collection = json.loads(as_geojson.stdout)
    assert collection["type"] == "FeatureCollection"
    records = jsonl(as_jsonl)
    assert len(collection["features"]) == len(records) > 0
    for feature, record in zip(collection["features"], records):
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == [record["lon"], record["lat"]]
        assert feature["properties"]["text"] == record["text"]
    sudzha = next(f for f in collection["features"] if f["properties"]["text"] == "Sudzha")
    lon, lat = sudzha["geometry"]["coordinates"]
    assert 35.0 < lon < 35.5 and 51.0 < lat < 51.4  # Sudzha: 51.19 N, 35.27 E


def test_csv_has_a_header_and_one_row_per_mention(cli_env) -> None:
    as_jsonl = run_geomap(cli_env, "geocode", "-", stdin=NEWS)
    as_csv = run_geomap(cli_env, "geocode", "-", "--format", "csv", stdin=NEWS)
    assert_clean(as_csv)
    assert as_csv.returncode == 0
    reader = csv.DictReader(io.StringIO(as_csv.stdout))
    assert {"source", "start", "end", "text", "id", "lat", "lon"} <= set(reader.fieldnames or [])
    rows = list(reader)
    records = jsonl(as_jsonl)
    assert [(r["text"], int(r["start"])) for r in rows] == [(r["text"], r["start"]) for r in records]


def test_table(cli_env) -> None:
    result = run_geomap(cli_env, "geocode", "-", "--format", "table", stdin=NEWS)
    assert_clean(result)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["source", "start", "end", "text"]
    assert any("Sudzha" in line and "486816" in line for line in lines[2:])


def test_no_demonyms_option(cli_env) -> None:
    result = run_geomap(cli_env, "geocode", "-", "--no-demonyms", stdin=NEWS)
    assert_clean(result)
    records = jsonl(result)
    assert records and all(r["type"] == "place" for r in records)
