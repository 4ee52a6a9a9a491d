"""Inputs that used to crash a whole run, hang, read without end or read outside their folder.

Each is reported in one line naming the file (or entry, or line) and the reason, is skipped, and the other
inputs are still processed (exit code 1).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from geomap import pipeline
from geomap.sources import read_sources

from .test_bad_input import ARTICLE, GEOMAP, assert_one_clean_error, run_geomap

GOOD = "Ukrainian forces held about 110 square kilometers near Sudzha in the Kursk region, officials said.\n"


def articles_folder(tmp_path: Path, manifest_entry: str) -> Path:
    """A folder with a.txt (under ``manifest_entry``) and b.txt (a good entry)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sources.toml").write_text(f'[[source]]\nid = "a"\n{manifest_entry}\n\n'
                                         '[[source]]\nid = "b"\nfile = "b.txt"\npublished = "2025-03-14"\n',
                                         encoding="utf-8")
    return folder


def problems_and_ids(*paths, **options) -> tuple[list[str], list[str]]:
    result = read_sources(list(paths), **options)
    return [str(p) for p in result.problems], [s.id for s in result.sources]


# -- dates out of the calendar's reach ---------------------------------------------------------------

@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_published_date_out_of_range_is_reported_and_the_rest_built(tmp_path, day):
    folder = articles_folder(tmp_path, f'file = "a.txt"\npublished = "{day}"')
    result = run_geomap("build", str(folder), "-o", str(tmp_path / "out"), "--no-figures")
    assert result.returncode == 1, result.stderr
    assert_one_clean_error(result, "id='a'", f"field 'published': {day} is outside the years 1900-2100")
    sources = json.loads((tmp_path / "out" / "sources.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in sources] == ["b"]


def test_a_corpus_date_out_of_range_is_reported(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "x", "text": ARTICLE, "published": "9999-12-31"}) + "\n"
                      + json.dumps({"id": "y", "text": GOOD}) + "\n", encoding="utf-8")
    problems, ids = problems_and_ids(corpus)
    assert problems == [f"{corpus}:1: field 'published': 9999-12-31 is outside the years 1900-2100 that news "
                        "dates fall in"]
    assert ids == ["y"]


def test_a_date_out_of_range_in_the_text_dates_nothing(tmp_path):
    """'On 1 January 0001' in an article's text: the claim is undated, the build does not fail."""
    folder = articles_folder(tmp_path, 'file = "a.txt"\npublished = "2025-03-14"')
    (folder / "a.txt").write_text("On 1 January 0001 Ukrainian forces held 50 square kilometers near Sudzha in "
                                  "the Kursk region.\n", encoding="utf-8")
    result = run_geomap("-q", "build", str(folder), "-o", str(tmp_path / "out"), "--no-figures", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    claims = [json.loads(line) for line in (tmp_path / "out" / "claims.jsonl").read_text().splitlines()]
    assert [c["as_of_start"] for c in claims if c["source"] == "a"] == [None]


# -- values of the wrong type ------------------------------------------------------------------------

@pytest.mark.parametrize(("entry", "needle"), [
    ('file = "a.txt"\npublished = 2025-03-13T10:00:00', "field 'published': 2025-03-13T10:00:00 is a date and time"),
    ('file = "a.txt"\npublished = 20250313', "field 'published': 20250313 is not a date"),
    ('file = "a\\u0000.txt"', "field 'file' holds a NUL character"),
    ('file = ["a.txt"]', "field 'file' is a list (['a.txt']), not a string"),
    ('file = "a.txt"\ntitle = { text = "x" }', "field 'title' is a table"),
    ('file = "a.txt"\npublished_estimated = "yes"', "field 'published_estimated' is a string ('yes'), not true or false"),
])
def test_manifest_values_of_the_wrong_type_are_reported(tmp_path, entry, needle):
    folder = articles_folder(tmp_path, entry)
    problems, ids = problems_and_ids(folder)
    assert len(problems) == 1 and "[[source]] id='a'" in problems[0] and needle in problems[0], problems
    assert "b" in ids


def test_manifest_entries_that_are_not_tables_are_reported(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sources.toml").write_text("source = [1, 2]\n", encoding="utf-8")
    result = run_geomap("claims", str(folder))
    assert result.returncode == 1
    assert_one_clean_error(result, "[[source]] #1: is a number (1), not a [[source]] table")
    assert {json.loads(line)["source"] for line in result.stdout.splitlines()} == {"a"}


def test_a_lone_surrogate_in_a_corpus_is_reported_and_output_is_utf8(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"id": "s", "text": "Fighting near Sudzha \\ud800 in the Kursk region."}\n'
                      + json.dumps({"id": "t", "text": GOOD}) + "\n", encoding="utf-8")
    result = subprocess.run([GEOMAP, "geocode", str(corpus)], capture_output=True,
                            timeout=300)
    assert result.returncode == 1
    stderr = result.stderr.decode("utf-8")
    assert f"{corpus}:1: field 'text' holds a lone surrogate (\\ud800 at character 21)" in stderr
    assert "Traceback" not in stderr
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert {r["source"] for r in records} == {"t"}


# -- standard input ------------------------------------------------------------------------------------

def test_binary_standard_input_is_refused(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = subprocess.run([GEOMAP, "geocode", "-", str(good)],
                            input=bytes(range(256)) * 4, capture_output=True, timeout=300)
    assert result.returncode == 1
    assert "geomap: error: <stdin>: binary data (NUL bytes), not text" in result.stderr.decode()
    assert {json.loads(line)["source"] for line in result.stdout.decode("utf-8").splitlines()} == {"good"}


def test_latin1_standard_input_gives_utf8_output():
    text = "Fighting near Sudzha in the Kursk region; the caf\xe9 in Kursk was closed.".encode("latin-1")
    result = subprocess.run([GEOMAP, "geocode", "-"], input=text, capture_output=True,
                            timeout=300)
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]  # strict UTF-8
    assert {"Sudzha", "Kursk Oblast"} <= {r["name"] for r in records}
    assert "\ufffd" in records[0]["sentence"] or any("\ufffd" in r["sentence"] for r in records)
    assert "geomap: warning: <stdin>: invalid UTF-8" in result.stderr.decode()


@pytest.mark.parametrize(("data", "needle"), [
    (b"x" * 2_000, "standard input is more than the 0.001 MB limit"),
    (b"Sudzha\x00Kursk", "binary data (NUL bytes)"),
])
def test_standard_input_is_held_to_the_size_limit_and_the_nul_check(data, needle):
    result = read_sources(["-"], stdin=io.BytesIO(data), max_bytes=1_000)
    assert [str(p) for p in result.problems] == [f"<stdin>: {needle}" + (
        " for one article (split it, or raise the limit with --max-mb)" if "limit" in needle else ", not text")]
    assert result.sources == []


# -- file names and kinds ------------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_reported(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = os.path.join(os.fsencode(folder), b"bad\xff.txt")
    with open(bad, "wb") as handle:
        handle.write(GOOD.encode())
    result = subprocess.run([GEOMAP, "-q", "build", str(folder), "-o",
                             str(tmp_path / "out"), "--no-figures"], capture_output=True, timeout=600)
    assert result.returncode == 1
    stderr = result.stderr.decode("utf-8")
    assert f"geomap: error: {folder}/bad\\xff.txt: the name is not valid UTF-8; rename the file" in stderr
    assert "Traceback" not in stderr
    sources = json.loads((tmp_path / "out" / "sources.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in sources] == ["good"]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    problems, ids = problems_and_ids(fifo, good)  # before: blocked for ever in open()
    assert problems == [f"{fifo}: a FIFO (named pipe), not a file; geomap reads files ('-' reads standard input)"]
    assert ids == ["good"]


def test_a_device_is_refused_not_read_without_end(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    problems, ids = problems_and_ids("/dev/zero", good)  # before: 7.8 GB read in 8 s
    assert problems == ["/dev/zero: a character device, not a file; geomap reads files ('-' reads standard input)"]
    assert ids == ["good"]


def test_a_file_larger_than_its_size_said_is_read_only_to_the_limit(tmp_path, monkeypatch):
    """st_size can lie (a file growing, /proc): the read itself stops at the limit."""
    import geomap.sources as sources

    path = tmp_path / "growing.txt"
    path.write_text("Sudzha " * 1_000, encoding="utf-8")
    real_fstat = os.fstat

    def small_fstat(fd):
        found = real_fstat(fd)
        return os.stat_result((found.st_mode, 0, 0, 0, 0, 0, 10) + tuple(found)[7:])

    monkeypatch.setattr(sources.os, "fstat", small_fstat)
    problems, _ = problems_and_ids(path, max_bytes=1_000)
    assert problems == [f"{path}: file is more than the 0.001 MB limit for one article (split it, or raise the "
                        "limit with --max-mb)"]


def test_titles_and_outlets_are_capped_with_a_warning(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "t", "text": GOOD, "title": "T" * 10_000_000, "outlet": "O" * 5_000_000,
                                  "published": "2025-03-14"}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_geomap("build", str(corpus), "-o", str(out), "--no-figures")
    assert result.returncode == 0, result.stderr
    assert f"geomap: warning: {corpus}:1: title is 10,000,000 characters long; kept the first 299" in result.stderr
    assert f"geomap: warning: {corpus}:1: outlet is 5,000,000 characters long; kept the first 119" in result.stderr
    assert (out / "index.html").stat().st_size < 3_000_000  # before: 176 MB, which Chromium could not open
    sources = json.loads((out / "sources.json").read_text(encoding="utf-8"))
    assert len(sources[0]["title"]) == 300 and sources[0]["title"].endswith("…")


# -- files outside the manifest's folder ---------------------------------------------------------------

@pytest.fixture()
def secret(tmp_path) -> Path:
    path = tmp_path / "private" / "diary.txt"
    path.parent.mkdir()
    path.write_text("My password is near Sudzha.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_manifest_file_outside_its_folder_is_refused(tmp_path, secret, how):
    if how == "symlink":
        folder = articles_folder(tmp_path, 'file = "link.txt"')
        (folder / "link.txt").symlink_to(secret)
    else:
        name = "../private/diary.txt" if how == "dotdot" else str(secret)
        folder = articles_folder(tmp_path, f'file = "{name}"')
    (folder / "a.txt").unlink()  # only the entry's own file could be article 'a'
    result = read_sources([folder])
    problems = [str(p) for p in result.problems]
    assert len(problems) == 1, problems
    assert "[[source]] id='a': field 'file'" in problems[0]
    assert f"leads to {secret}, outside the folder {folder}" in problems[0] and "--allow-outside" in problems[0]
    assert not [s.id for s in result.sources if "password" in s.text]
    allowed = read_sources([folder], allow_outside=True)
    assert allowed.problems == []
    assert [s.id for s in allowed.sources if "password" in s.text] == ["a"]


def test_a_symlink_in_a_folder_that_leads_outside_is_refused(tmp_path, secret):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "notes.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "good.txt")  # a link within the folder is fine
    result = run_geomap("geocode", str(folder))
    assert result.returncode == 1
    assert_one_clean_error(result, f"{folder / 'notes.txt'}: this symbolic link leads to {secret}, outside")
    assert {json.loads(line)["source"] for line in result.stdout.splitlines()} == {"good", "inside"}
    allowed = run_geomap("--allow-outside", "geocode", str(folder))
    assert allowed.returncode == 0
    assert "notes" in {json.loads(line)["source"] for line in allowed.stdout.splitlines()}


# -- reference layers ----------------------------------------------------------------------------------

SQUARE = [[35.0, 51.0], [35.4, 51.0], [35.4, 51.3], [35.0, 51.3], [35.0, 51.0]]  # around Sudzha


def reference_file(tmp_path: Path, ring, day: str = "2025-03-10", crs: str | None = None, empty=False) -> Path:
    features = [] if empty else [{"type": "Feature", "properties": {"date": day},
                                  "geometry": {"type": "Polygon", "coordinates": [ring]}}]
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "reference.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sudzha_run():
    from geomap.records import Source

    return pipeline.run_sources([Source(id="a", text=ARTICLE, published=None)])


@pytest.mark.parametrize(("case", "needle"), [
    ("empty", "the reference layer is empty: it holds no features"),
    ("9999", "feature 0 has 'date': 9999-12-31 is outside the years 1900-2100"),
    ("0001", "feature 0 has 'date': 0001-01-01 is outside the years 1900-2100"),
    ("degrees as EPSG:3857", "the file says its CRS is EPSG:3857, in metres, but its coordinates are longitudes and "
                             "latitudes in degrees"),
    ("swapped", "the file's axes look swapped"),
    ("elsewhere", "km from the nearest claim's place: it is not about the same ground"),
])
def test_implausible_references_are_refused_saying_why(tmp_path, sudzha_run, case, needle):
    from geomap.errors import GeomapError
    from geomap.geometry import check_near_claims, load_reference

    path = reference_file(
        tmp_path, [[y, x] for x, y in SQUARE] if case == "swapped" else
        [[x - 20, y - 10] for x, y in SQUARE] if case == "elsewhere" else SQUARE,
        day={"9999": "9999-12-31", "0001": "0001-01-01"}.get(case, "2025-03-10"),
        crs="urn:ogc:def:crs:EPSG::3857" if case.startswith("degrees") else None, empty=case == "empty")
    with pytest.raises(GeomapError) as raised:
        check_near_claims(load_reference(path), sudzha_run.claim_geoms, path)
    assert str(raised.value).startswith(f"{path}: ") and needle in str(raised.value), str(raised.value)


def test_a_reference_on_the_claims_ground_passes(tmp_path, sudzha_run):
    from geomap.geometry import check_near_claims, load_reference

    path = reference_file(tmp_path, SQUARE)
    check_near_claims(load_reference(path), sudzha_run.claim_geoms, path)


def test_a_swapped_reference_fails_the_build_in_one_line(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(ARTICLE, encoding="utf-8")
    path = reference_file(tmp_path, [[y, x] for x, y in SQUARE])
    result = run_geomap("build", str(articles), "-o", str(tmp_path / "out"), "--reference", str(path),
                        "--no-figures")
    assert result.returncode == 1
    assert_one_clean_error(result, str(path), "axes look swapped")
    assert not (tmp_path / "out" / "comparison.csv").exists()
