"""The README's Python API example runs and gives what it says."""

from __future__ import annotations

import os
import re
from pathlib import Path

import folium
import pytest

import geomap
from geomap.errors import GeomapError

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-example -->\s*```python\n(.*?)```\s*<!-- /api-example -->", text, re.S)
    assert block, "README has no API example block"
    return block.group(1)


def test_readme_api_example_runs(tmp_path, capsys):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict = {}
        exec(compile(readme_example(), "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    shapes = namespace["shapes"]
    assert list(shapes["kind"]) == ["area_seized", "area_held"]
    assert abs(shapes["geometry_km2"].iloc[0] - 1300) / 1300 < 0.005
    assert abs(shapes["geometry_km2"].iloc[1] - 110) / 110 < 0.005
    assert all("Russia–Ukraine border nearest Sudzha" in text for text in shapes["construction"])
    statuses = namespace["statuses"]
    assert list(statuses[["place", "status", "actor", "as_of_end"]].itertuples(index=False, name=None)) == [
        ("Sudzha", "retaken", "RU", "2025-03-13")]
    assert set(namespace["places"]["name"]) >= {"Sudzha", "Kursk Oblast"}
    assert list(namespace["claims"]["as_of_start"]) == ["2024-08-01", "2025-03-01"]
    m = namespace["m"]
    groups = [child for child in m._children.values() if isinstance(child, folium.FeatureGroup)]
    assert len(groups) == 3  # two sources' claims and the places
    report = tmp_path / "report"
    assert (report / "index.html").is_file() and (report / "geomap.gpkg").is_file()
    assert "area_seized" in capsys.readouterr().out


def test_api_is_lazy_and_documented():
    assert set(geomap.__all__) >= {"analyze", "folium_layers", "claims_frame"}
    for name in ("analyze", "analyze_paths", "mentions_frame", "claims_frame", "claim_geometries_frame",
                 "place_status_frame", "folium_layers", "make_map", "write"):
        function = getattr(geomap, name)
        assert function.__doc__ and function.__annotations__, name


def test_undated_text_stays_undated():
    results = geomap.analyze("Last August Ukraine seized about 1,300 square kilometers around Sudzha.")
    claims = geomap.claims_frame(results)
    assert len(claims) == 1
    assert claims["as_of_start"].iloc[0] is None and claims["km2"].iloc[0] == 1300


def test_folium_layers_colour_each_source_as_geomaps_own_map_does():
    # "b" comes first among the sources, "a" first among the claim ids: the map's colours follow the sources.
    results = geomap.analyze({"b": "By March, Ukrainian forces held just 110 square kilometers near Sudzha.",
                              "a": "In August, Ukraine seized about 1,300 square kilometers of the Kursk region "
                                   "around Sudzha."}, published={"a": "2024-08-20", "b": "2025-03-16"})
    from geomap.render import render_html

    page = render_html(geomap.make_map(results))
    legend = dict(re.findall(r'data-legend="source:(\w+)"><svg[^>]*><rect[^>]* fill="(#[0-9A-Fa-f]{6})"', page))
    assert set(legend) == {"a", "b"} and legend["a"] != legend["b"]
    for group in geomap.folium_layers(results)[:-1]:
        source = group.layer_name.split(" · ")[0]
        [shapes] = [child for child in group._children.values() if isinstance(child, folium.GeoJson)]
        assert shapes.style_function(None)["color"] == legend[source], source


def test_a_text_with_half_of_a_surrogate_pair_is_one_clear_error_naming_it():
    with pytest.raises(GeomapError, match=r"text 'second' holds a lone surrogate \(\\ud800 at character 5\)"):
        geomap.analyze({"first": "Fighting near Kyiv.", "second": "Near \ud800 Kharkiv."})
