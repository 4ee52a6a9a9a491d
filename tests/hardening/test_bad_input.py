"""Bad input, end to end: one clear line naming the file and the reason, the right exit code, nothing lost."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geomap import pipeline, sources

from ..cli_support import run_cli

GEOMAP = str(Path(sys.executable).with_name("geomap"))
ARTICLE = ("Ukrainian forces seized about 1,300 square kilometers of the Kursk region around Sudzha in August 2024. "
           "By March 2025 they held just 110 square kilometers.\n")


def run_geomap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``geomap ARGS`` in this process (what is tested is what the command says and writes, not the process)."""
    return run_cli(*args, cwd=cwd)


def assert_one_clean_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    """No traceback; each needle on some error line."""
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("geomap: error:")]
    assert error_lines, result.stderr
    for needle in needles:
        assert any(needle in line for line in error_lines), (needle, result.stderr)


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_outputs(tmp_path_factory) -> Path:
    """A good build whose outputs the failing runs below must leave untouched."""
    articles = tmp_path_factory.mktemp("articles")
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = run_geomap("-q", "build", str(articles), "-o", str(out), "--no-figures")
    assert result.returncode == 0, result.stderr
    return out


def test_empty_corpus(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = run_geomap("build", str(empty), "-o", str(out))
    assert result.returncode == 1
    assert_one_clean_error(result, str(empty), "no articles found")
    assert not out.exists()


def test_empty_jsonl_corpus(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("", encoding="utf-8")
    result = run_geomap("claims", str(corpus))
    assert result.returncode == 0 and result.stdout == ""


def test_file_that_disappears_mid_run(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(ARTICLE, encoding="utf-8")
    real = sources.read_text_file

    def vanish_b(path, *args, **kwargs):
        if path.name == "a.txt":
            (folder / "b.txt").unlink()  # gone after the folder was listed
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sources, "read_text_file", vanish_b)
    result = sources.read_sources([folder])
    assert [s.id for s in result.sources] == ["a", "c"]
    assert [str(p) for p in result.problems] == [f"{folder / 'b.txt'}: file disappeared before it could be read"]


def test_non_utf8_bytes_are_replaced_and_said(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Fighting near Sudzha in the Kursk region; caf\xe9 \xff\xfe closed.".encode("latin-1"))
    result = run_geomap("geocode", str(path), "--format", "jsonl")
    assert result.returncode == 0
    assert f"geomap: warning: {path}: invalid UTF-8" in result.stderr
    names = {json.loads(line)["name"] for line in result.stdout.splitlines()}
    assert {"Sudzha", "Kursk Oblast"} <= names


def test_fifty_megabyte_single_line_file(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "w", encoding="utf-8") as handle:
        line = ARTICLE.replace("\n", " ")
        handle.write(line * (50_000_000 // len(line) + 1))
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    result = run_geomap("geocode", str(big), str(good), "--format", "jsonl")
    assert result.returncode == 1
    assert_one_clean_error(result, str(big), "MB, more than the 20 MB limit")
    assert {json.loads(line)["source"] for line in result.stdout.splitlines()} == {"good"}


def test_manifest_with_duplicate_ids_missing_files_and_bad_dates(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "two.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sources.toml").write_text(
        '[[source]]\nid = "one"\nfile = "one.txt"\npublished = "2025-03-14"\n\n'
        '[[source]]\nid = "one"\nfile = "two.txt"\n\n'
        '[[source]]\nid = "three"\nfile = "three.txt"\n\n'
        '[[source]]\nid = "four"\nfile = "two.txt"\npublished = "14/03/2025"\n',
        encoding="utf-8")
    result = run_geomap("claims", str(folder), "--format", "jsonl")
    assert result.returncode == 1
    assert_one_clean_error(result, "id='one'", "repeats an earlier entry")
    assert_one_clean_error(result, "id='three'", "field 'file'", "does not exist")
    assert_one_clean_error(result, "id='four'", "field 'published'", "not a date")
    claims = [json.loads(line) for line in result.stdout.splitlines()]
    assert {c["source"] for c in claims} == {"one"}
    assert claims[0]["as_of_start"] == "2024-08-01"


@pytest.mark.parametrize("case", ["no_date", "wrong_crs_none", "not_polygons"])
def test_bad_reference_files_fail_cleanly_and_keep_outputs(tmp_path, previous_outputs, case):
    before = digest_tree(previous_outputs)
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    square = [[[35.0, 51.0], [35.4, 51.0], [35.4, 51.3], [35.0, 51.3], [35.0, 51.0]]]
    features = {
        "no_date": [{"type": "Feature", "properties": {"label": "x"},
                     "geometry": {"type": "Polygon", "coordinates": square}}],
        "wrong_crs_none": [{"type": "Feature", "properties": {"date": "2025-03-10"},
                            "geometry": {"type": "Polygon",
                                         "coordinates": [[[3.9e6, 6.6e6], [3.95e6, 6.6e6], [3.95e6, 6.65e6],
                                                          [3.9e6, 6.6e6]]]}}],
        "not_polygons": [{"type": "Feature", "properties": {"date": "2025-03-10"},
                          "geometry": {"type": "Point", "coordinates": [35.2, 51.2]}}],
    }[case]
    reference = tmp_path / f"{case}.geojson"
    reference.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = run_geomap("build", str(articles), "-o", str(previous_outputs), "--reference", str(reference))
    assert result.returncode != 0
    assert_one_clean_error(result, str(reference))
    assert digest_tree(previous_outputs) == before


def test_self_intersecting_reference_is_repaired_with_a_warning(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    bowtie = [[[35.0, 51.0], [35.4, 51.3], [35.4, 51.0], [35.0, 51.3], [35.0, 51.0]]]
    reference = tmp_path / "bowtie.geojson"
    reference.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"date": "2025-03-10"}, "geometry": {"type": "Polygon",
                                                                             "coordinates": bowtie}}]}))
    out = tmp_path / "out"
    result = run_geomap("build", str(articles), "-o", str(out), "--reference", str(reference), "--no-figures",
                        "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "geomap: warning:" in result.stderr and "Traceback" not in result.stderr
    assert (out / "comparison.csv").is_file()


def test_output_folder_that_cannot_be_written(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_geomap("build", str(articles), "-o", str(blocker / "out"), "--no-figures")
    assert result.returncode == 1
    assert_one_clean_error(result, str(blocker / "out"), "cannot write")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_output_folder(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run_geomap("build", str(articles), "-o", str(out), "--no-figures")
    finally:
        out.chmod(0o755)
    assert result.returncode == 1
    assert_one_clean_error(result, str(out), "cannot write")


def write_that_fails(tmp_path: Path, previous_outputs: Path, options) -> str:
    """Write a new run over a copy of ``previous_outputs`` with a failure patched in by the caller.

    Returns the error's text after checking that the copy is untouched, byte for byte, and that no
    staging folder was left behind.
    """
    import shutil

    out = tmp_path / "out"
    shutil.copytree(previous_outputs, out)
    before = digest_tree(out)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE.replace("110", "120"), encoding="utf-8")
    run_results = pipeline.run([good])
    with pytest.raises(Exception) as raised:
        pipeline.write(run_results, out, options)
    assert digest_tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".geomap-staging")]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.geomap-")]
    return str(raised.value)


def test_existing_outputs_are_replaced_whole_or_not_at_all(tmp_path, monkeypatch, previous_outputs):
    """A failure while writing leaves the previous outputs byte for byte, and no staging folder behind."""
    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geomap.export.add_geopackage_layer", fail)
    message = write_that_fails(tmp_path, previous_outputs, pipeline.OutputOptions(figures=False))
    assert "No space left" in message


def test_a_second_build_replaces_outputs(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    first = run_geomap("-q", "build", str(articles), "-o", str(out), "--no-figures", "--format", "jsonl")
    assert first.returncode == 0
    (articles / "good.txt").write_text(ARTICLE.replace("110", "120"), encoding="utf-8")
    second = run_geomap("-q", "build", str(articles), "-o", str(out), "--no-figures", "--format", "jsonl")
    assert second.returncode == 0
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    assert 120 in [c["value"] for c in claims]


def test_failed_figures_leave_previous_outputs(tmp_path, monkeypatch, previous_outputs):
    """Figures are drawn in a forked process: when drawing fails there, the run fails and writes nothing."""
    def fail(*args, **kwargs):
        raise RuntimeError("the font cache is unreadable")

    monkeypatch.setattr("geomap.figures.write_figures", fail)  # inherited by the forked worker
    message = write_that_fails(tmp_path, previous_outputs, pipeline.OutputOptions(figures=True))
    assert "drawing the figures failed" in message
    assert "font cache is unreadable" in message


def test_workers_end_when_the_run_fails_before_drawing():
    """A build that fails after its workers started (bad sources, say) must not leave them behind."""
    from geomap.workers import Workers

    with pytest.raises(RuntimeError, match="the run failed"):
        with Workers(2) as workers:
            workers.submit(time.sleep, 60)
            workers.submit_figures(time.sleep, 60)
            children = list(workers.children)
            assert len(children) == 3 and all(child.is_alive() for child in children)
            raise RuntimeError("the run failed")
    assert not any(child.is_alive() for child in children)
