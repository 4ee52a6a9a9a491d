"""The rendered page: deterministic, offline, escaped, with its controls."""

from __future__ import annotations

import hashlib
import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from geomap.render import build_map, fetchable_urls, render_html, write_html
from geomap.render.offline import INERT_SCRIPT_URLS

from ..html_structure import parse
from . import synthetic


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- determinism -------------------------------------------------------------

def test_same_inputs_give_byte_identical_html():
    first = render_html(build_map(**synthetic.build_kwargs()))
    second = render_html(build_map(**synthetic.build_kwargs()))
    assert sha256(first) == sha256(second)


def test_rendering_one_map_twice_gives_the_same_html(tables):
    folium_map = build_map(**tables)
    assert sha256(render_html(folium_map)) == sha256(render_html(folium_map))


def test_no_random_ids_are_left(page_html):
    # folium/branca ids are 32 hex digits; ours are <prefix>_<n>.
    assert not re.findall(r"_[0-9a-f]{32}\b", page_html)
    assert "map_geomap_0" in page_html


def test_prefix_namespaces_every_element_id(tables):
    left = render_html(build_map(**synthetic.build_kwargs(), prefix="left"))
    right = render_html(build_map(**synthetic.build_kwargs(), prefix="right"))
    left_ids = {attrs["id"] for _, attrs in parse(left).attributes if attrs.get("id")}
    right_ids = {attrs["id"] for _, attrs in parse(right).attributes if attrs.get("id")}
    assert left_ids and all("left_" in element_id for element_id in left_ids)
    assert not left_ids & right_ids
    assert "geomap_" not in " ".join(left_ids)


def test_bad_prefix_is_refused(tables):
    with pytest.raises(ValueError, match="prefix"):
        build_map(**tables, prefix="x-y")


def test_write_html_writes_the_rendered_page_and_no_temporary_file(tmp_path, tables):
    folium_map = build_map(**tables)
    target = tmp_path / "out" / "map.html"
    target.parent.mkdir()
    target.write_text("old")
    write_html(folium_map, target)
    assert target.read_text(encoding="utf-8") == render_html(folium_map)
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]


# --- offline -----------------------------------------------------------------

def test_page_fetches_nothing_from_the_network(page_html):
    assert fetchable_urls(page_html) == []
    parts = parse(page_html)
    assert not [attrs for tag, attrs in parts.attributes if tag == "script" and attrs.get("src")]
    assert not [attrs for tag, attrs in parts.attributes if tag == "link"]


def test_every_http_url_in_the_page_is_a_link_or_leaflets_inert_text(page_html):
    links = {attrs["href"] for tag, attrs in parse(page_html).attributes if tag == "a" and attrs.get("href")}
    for url in re.findall(r"https?://[^\s\"'<>)\\]*", page_html):
        assert url in links or url.rstrip("/") in INERT_SCRIPT_URLS, url


def test_leaflet_is_inlined_from_the_installed_package(page_html):
    assert 'version="1.9.4"' in page_html or "Leaflet 1.9.4" in page_html
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "jquery", "awesome-markers"):
        assert cdn not in page_html.lower()
    assert "images/marker-icon.png" not in page_html  # Leaflet's images are data: URIs


def test_online_tiles_are_opt_in(tables):
    offline = render_html(build_map(**tables))
    online = render_html(build_map(**synthetic.build_kwargs(), tiles="OpenStreetMap.Mapnik"))
    assert "tile.openstreetmap.org" not in offline
    assert any("tile.openstreetmap.org" in url for url in fetchable_urls(online))


def test_fetchable_urls_finds_what_a_browser_would_load():
    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="//cdn.example/x.js"></script><style>a{background:url(http://e.example/i.png)}</style>'
        '</head><body><a href="https://example.org/read">read</a><img src="https://e.example/p.png">'
        '<script>fetch("https://api.example/data")</script></body></html>'
    )
    found = fetchable_urls(page)
    assert "https://cdn.example/x.css" in found and "//cdn.example/x.js" in found
    assert "http://e.example/i.png" in found and "https://e.example/p.png" in found
    assert "https://api.example/data" in found
    assert "https://example.org/read" not in found


# --- escaping ----------------------------------------------------------------

def test_hostile_quote_cannot_break_out_of_scripts_or_markup(page_html):
    assert "</script><img" not in page_html
    assert "<img src=x" not in page_html
    parts = parse(page_html)
    assert not [tag for tag, _ in parts.attributes if tag == "img"]
    # The quote is shown as text in the panel...
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page_html
    # ...and inside script JSON (popup HTML, already escaped) with & escaped again.
    assert "\\u0026lt;/script\\u0026gt;\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page_html
    # Template syntax in a quote is text, not evaluated.
    assert "{{ 7*7 }}" in page_html


def test_script_blocks_hold_no_raw_markup_from_articles(page_html):
    for script in parse(page_html).scripts:
        assert "window.__pwned=1</script>" not in script
        assert "<img src=x" not in script


def test_json_in_scripts_escapes_line_separators_and_ampersands():
    kwargs = synthetic.build_kwargs()
    claims = kwargs["claim_geoms"]
    claims.loc[0, "quote"] = "line\u2028separator & paragraph\u2029separator"
    html = render_html(build_map(**kwargs))
    for script in parse(html).scripts:
        assert "\u2028" not in script and "\u2029" not in script
    assert "line\\u2028separator \\u0026amp; paragraph\\u2029separator" in html


def test_plain_text_in_script_json_is_escaped():
    kwargs = synthetic.build_kwargs()
    kwargs["mentions"].loc[2, "name"] = "</script><b>Sumy"
    html = render_html(build_map(**kwargs))
    # Tooltips travel as plain text in JSON and are shown with textContent.
    assert "\\u003c/script\\u003e\\u003cb\\u003eSumy (1 mention)" in html
    assert "</script><b>Sumy" not in html


def test_title_and_layer_names_are_escaped(tables):
    kwargs = synthetic.build_kwargs()
    kwargs["sources"][0]["outlet"] = "Wire <b>One</b> {{ 6*7 }}"
    html = render_html(build_map(**kwargs, title="<script>alert(1)</script>"))
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<b>One</b>" not in html
    assert "42" not in re.findall(r"Wire[^\"]*", html)[0]


def test_unsafe_source_links_are_not_links(page_html):
    hrefs = [attrs.get("href") for tag, attrs in parse(page_html).attributes if tag == "a"]
    assert "https://example.org/a1" in hrefs
    assert not [href for href in hrefs if href and href.lower().startswith("javascript:")]


# --- content -----------------------------------------------------------------

def test_legend_date_control_and_panel_are_present(page_html):
    parts = parse(page_html)
    ids = {attrs.get("id") for _, attrs in parts.attributes}
    for element in ("legend", "date_control", "claims_panel"):
        assert any(i and i.startswith(f"{element}_geomap_") for i in ids), element
    buttons = [attrs["data-window"] for tag, attrs in parts.attributes if tag == "button"]
    assert buttons == ["all", "2024-08", "2025-03"]
    assert "GeoNames (CC BY 4.0), Natural Earth (public domain)" in page_html
    assert "L.control.scale()" in page_html
    assert "<svg viewBox" in page_html  # the area chart


def test_panel_lists_sources_without_claims_and_unmapped_claims(page_html):
    assert "Quiet Four" in page_html
    assert page_html.count("no claims found") == 1
    assert "not mapped: share of an unknown whole" in page_html
    assert "386 square miles" in page_html and "1,000 km²" in page_html
    assert "anchor_town" in page_html and "exceeds_region" in page_html  # flags, list and JSON string
    assert "2024-08-20 (estimated)" in page_html


def test_one_layer_per_source_and_window(page_html):
    # The layer control's names, as folium writes them (JSON strings).
    names = [json.loads(name) for name in re.findall(r'("[^"]*")\s*:\s*feature_group_', page_html)]
    assert "Wire One · 2024-08" in names and "Daily Two · 2024-08" in names
    assert "Paper Three · 2025-03-14" in names  # the window is named by the one day its claims cover
    assert any(name.startswith("Envelope · 2024-08") for name in names)
    assert "Other claim geometries · 2024-08" in names


def test_demonyms_stay_off_the_map(page_html):
    assert "Ukrainian troops left." not in page_html
    assert "Sudzha (2 mentions)" in page_html


def test_coordinates_are_rounded_to_five_decimals(page_html):
    for script in parse(page_html).scripts:
        for match in re.finditer(r'"coordinates":(\[[^"]*\])', script):
            assert not re.search(r"\d\.\d{6,}", match.group(1))


def test_page_stays_small(page_html):
    assert len(page_html.encode("utf-8")) < 1_500_000


def test_empty_pipeline_still_renders_every_source_as_without_claims(tables):
    empty_claims = gpd.GeoDataFrame(columns=["claim_id", "source", "window", "geometry"], geometry="geometry",
                                    crs="EPSG:4326")
    empty_envelopes = gpd.GeoDataFrame(columns=["window", "n_sources", "geometry"], geometry="geometry",
                                       crs="EPSG:4326")
    html = render_html(build_map(
        empty_claims, empty_envelopes, pd.DataFrame(columns=["source", "type", "lat", "lon"]), tables["sources"],
        tables["countries"], tables["admin1"], tables["places"]))
    assert html.count("no claims found") == len(tables["sources"])
    assert "no dated area claims to chart" in html
    assert fetchable_urls(html) == []


def test_claims_in_another_crs_are_reprojected(tables):
    kwargs = synthetic.build_kwargs()
    kwargs["claim_geoms"] = kwargs["claim_geoms"].to_crs(3857)
    html = render_html(build_map(**kwargs))
    assert "Wire One · 2024-08" in html
    for script in parse(html).scripts:
        for match in re.finditer(r'"coordinates":(\[[^"]*\])', script):
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", match.group(1))]
            assert max(abs(n) for n in numbers) <= 180


def test_place_labels_carry_zoom_thresholds(page_html):
    match = re.search(r"var places = (\[\[.*?\]\]);", page_html)
    places = json.loads(match.group(1))
    assert places[0][3] == "Kyiv" and places[0][2] < places[-1][2]
    assert "Sumy \\u003cb\\u003eOblast\\u003c/b\\u003e \\u0026 Co" in page_html


def test_the_map_layer_groups_write_the_page_folium_feature_groups_write():
    """geomap's groups skip compiling their scripts as templates again; the page must not change by it."""
    import folium

    from geomap.render.mapview import LayerGroup

    def page(group_class) -> str:
        folium_map = folium.Map(location=[51.0, 35.0], zoom_start=7, tiles=None)
        for name, show in (("Claims · 2024-08", True), ("Claims · 2025-03", False)):
            group = group_class(name=name, show=show).add_to(folium_map)
            folium.CircleMarker([51.2, 35.3], radius=4).add_to(group)
        folium.LayerControl().add_to(folium_map)
        return render_html(folium_map)

    ours, folium_page = page(LayerGroup), page(folium.FeatureGroup)
    assert ours == folium_page
    assert ours.count("L.featureGroup(") == 2
    assert len(re.findall(r"feature_group_\w+\.addTo\(map_\w+\)", ours)) == 1  # the other is hidden at first
