"""Large corpora: the page keeps within its budget and says what it leaves out; small maps are untouched."""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from geomap.render import build_map, render_html
from geomap.render.budget import MapBudget, drawn_claims, spread_evenly
from geomap.render.chart import AreaPoint, AreaSeries, thinned_chart_svg
from geomap.render.packing import unpack_collection
from geomap.render.panel import group_claims, shortened

from . import synthetic

N_SOURCES = 60
N_WINDOWS = 30
CLAIMS_PER_SOURCE = 4


def large_kwargs() -> dict:
    """Every argument of build_map for 60 sources x 4 claims over 30 monthly windows."""
    lon, lat = synthetic.SUDZHA
    sources, claims, mentions = [], [], []
    for s in range(N_SOURCES):
        source_id = f"s{s:03d}"
        sources.append({"id": source_id, "title": f"Report {s}", "outlet": f"Outlet {s}",
                        "published": "2024-01-01", "published_estimated": False, "url": None})
        for c in range(CLAIMS_PER_SOURCE):
            month = (s * CLAIMS_PER_SOURCE + c) % N_WINDOWS
            window = f"{2023 + month // 12}-{month % 12 + 1:02d}"
            km2 = 100.0 + 10 * s + c
            kind = "area_held" if (c + s) % 2 == 0 else "depth"
            claims.append({
                "claim_id": f"{source_id}#{c}", "source": source_id, "outlet": f"Outlet {s}", "kind": kind,
                "value": km2, "unit": "km²", "km2": km2 if kind == "area_held" else None, "share": None,
                "km": None, "qualifier": None, "quote": f"Source {s} says {km2} km² (claim {c}).", "start": 0,
                "end": 5, "as_of_start": f"{window}-10", "as_of_end": f"{window}-10", "as_of_text": None,
                "place": "Sudzha", "window": window, "role": "buffer", "radius_km": None, "geometry_km2": km2,
                "derivation": None, "flags": [], "status": "mapped", "reason": None,
                "geometry": synthetic.circle_km2(lon + 0.01 * c, lat + 0.01 * (s % 7), km2),
            })
        for n in range(2):
            mentions.append({"source": source_id, "start": 10 * n, "end": 10 * n + 6, "text": "Sudzha",
                             "sentence": f"Sentence {n} of source {s} names Sudzha.", "type": "place",
                             "id": "694423", "name": "Sudzha", "kind": "populated_place", "lat": lat, "lon": lon,
                             "confidence": 0.9, "method": "exact"})
    frame = gpd.GeoDataFrame(claims, geometry="geometry", crs="EPSG:4326")
    return {"claim_geoms": frame, "envelopes": None, "mentions": pd.DataFrame(mentions), "sources": sources,
            "countries": synthetic.countries(), "admin1": synthetic.admin1(), "places": synthetic.places()}


SMALL_BUDGET = MapBudget(max_claim_features=60, min_features_per_window=1, canvas_above_features=100)


@pytest.fixture(scope="module")
def large_html() -> str:
    return render_html(build_map(**large_kwargs(), budget=SMALL_BUDGET))


def geojson_collections(html: str) -> list[dict]:
    """Every layer's features: inline in the script, or (large layers) in a JSON block of the body."""
    inline = re.findall(r"^  (\{\"type\":\"FeatureCollection\".*\}),$", html, re.M)
    blocks = re.findall(r'<script type="application/json" id="[^"]+_data">(.*?)</script>', html)
    return [json.loads(text) for text in inline] + [unpack_collection(json.loads(text)) for text in blocks]


def canvas_layers(html: str) -> int:
    """How many layers the page draws on a canvas (the last argument of the layer call names the map)."""
    return len(re.findall(r"^  map_\w+\);$", html, re.M))


def layer_names(html: str) -> list[str]:
    """The claim layers' names in the layer control."""
    names = [json.loads(f'"{name}"') for name in re.findall(r'"([^"]+)" : feature_group_', html)]
    return [name for name in names if name.startswith(("Claims · ", "Outlet "))]


# --- the selection --------------------------------------------------------------------------

def test_everything_is_drawn_when_it_fits():
    grouped = group_claims(large_kwargs()["claim_geoms"].to_dict("records"))
    assert drawn_claims(grouped, MapBudget()) == set(grouped)


def test_over_budget_the_map_draws_at_most_the_budget_area_claims_first():
    rows = large_kwargs()["claim_geoms"].to_dict("records")
    grouped = group_claims(rows)
    drawn = drawn_claims(grouped, SMALL_BUDGET)
    assert 0 < len(drawn) <= SMALL_BUDGET.max_claim_features
    windows_with_claims = {r["window"] for r in rows}
    assert {grouped[c][0]["window"] for c in drawn} == windows_with_claims  # every window keeps a share
    kinds = [grouped[c][0]["kind"] for c in drawn]
    assert kinds.count("area_held") > kinds.count("depth")
    assert drawn == drawn_claims(grouped, SMALL_BUDGET)  # deterministic


def test_spread_evenly_keeps_both_ends():
    assert spread_evenly(list(range(100)), 5) == [0, 25, 50, 74, 99]
    assert spread_evenly([1, 2], 5) == [1, 2]


# --- the page of a large corpus -------------------------------------------------------------

def windows_layers(html: str) -> dict[str, list[str]]:
    """The layers the date control shows for each window, by window key."""
    body = re.search(r"var layersByWindow = \{(.*?)\n  \};", html, re.S).group(1)
    return {json.loads(key): re.findall(r"feature_group_\w+", layers)
            for key, layers in re.findall(r'("[^"]*"): \[([^\]]*)\]', body)}


def test_large_map_draws_one_claim_layer_per_window_on_a_canvas(large_html):
    # The date control switches the windows; the layers control does not list them one by one.
    assert layer_names(large_html) == []
    windows = windows_layers(large_html)
    assert len(windows) == N_WINDOWS and all(windows.values())
    assert canvas_layers(large_html) > 0
    assert '<script type="application/json"' in large_html  # large layers are parsed with JSON.parse
    drawn = sum(len(c["features"]) for c in geojson_collections(large_html)
                if c["features"] and all(f["properties"].get("s", {}).get("color") for f in c["features"]))
    assert drawn <= SMALL_BUDGET.max_claim_features
    assert "the map draws" in large_html  # and says so in the panel


def test_large_panel_lists_the_first_sources_and_claims_and_counts_the_rest():
    budget = MapBudget(max_sources_per_window=2, max_claims_per_source=1)
    html = render_html(build_map(**large_kwargs(), budget=budget))
    panel = html[html.index('class="gm-control gm-panel"'):]
    assert panel.count('<details class="gm-window">') == N_WINDOWS
    windows = panel.split('<details class="gm-window">')[1:]
    for window in windows:
        assert window.count('class="gm-source"') <= 2
        assert window.count('class="gm-claim"') <= 2
    assert "more source" in panel and "claims in this window" in panel


def test_large_panel_shortens_a_derivation_that_lists_every_other_source():
    kwargs = large_kwargs()
    peaks = ", ".join(f"s{s:03d}#0 {1000 + s:,}" for s in range(1, N_SOURCES))
    derivation = f"(1 - 0.25) x 1,030 km² (median of other sources' peaks: {peaks}) = 772.5 km²"
    kwargs["claim_geoms"].loc[0, "derivation"] = derivation
    page = render_html(build_map(**kwargs, budget=SMALL_BUDGET))
    panel = page[page.index('class="gm-control gm-panel"'):]
    (shown,) = [html.unescape(text) for text in re.findall(r"<dt>derivation</dt><dd>(.*?)</dd>", panel)]
    assert len(shown) < MapBudget().max_detail_chars + 80 < len(derivation)
    assert shown.startswith("(1 - 0.25) x 1,030 km² (median of other sources' peaks: s001#0 1,001, ")
    assert shown.endswith(", s059#0 1,059) = 772.5 km²")  # the last item, and the result
    listed = shown.count("#0 ")
    assert f", … {N_SOURCES - 1 - listed} more (all in the claims table of geomap.gpkg), " in shown
    assert shortened("(1 - 0.5) x 1,000 km² (own peak, s001#0) = 500 km²", 20, "claims.csv").endswith("500 km²")
    assert shortened("no list here " * 50, 100, "claims.csv") == "no list here " * 50


def test_large_legend_lists_outlets_not_sources(large_html):
    legend = large_html[large_html.index('class="gm-control gm-legend"'):]
    legend = legend[:legend.index('<ul>\n', legend.index("</ul>"))]  # the outlets' list, before the symbols'
    assert legend.count('data-legend="source:') == 0
    assert legend.count('data-legend="outlet:') == N_SOURCES  # one outlet per source here, each listed once
    assert 'type="search"' in legend


def test_many_windows_make_the_date_control_a_list(large_html):
    control = large_html[large_html.index('class="gm-control gm-date"'):]
    control = control[:control.index("</div>\n</div>") if "</div>\n</div>" in control else None]
    assert "<select" in control
    assert control.count("<option") == N_WINDOWS + 1


def test_place_popup_quotes_a_few_sentences_and_counts_the_rest(large_html):
    markers = [f for c in geojson_collections(large_html) for f in c["features"]
               if f["geometry"]["type"] == "Point"]
    (sudzha,) = [m for m in markers if "Sudzha" in m["properties"]["t"]]
    blocks = sudzha["properties"]["q"]  # text blocks the page turns into elements, not HTML
    assert "p" not in sudzha["properties"]
    quotes = [text for kind, text in blocks if kind == "b"]
    assert len(quotes) == MapBudget().max_sentences_per_place
    meta = [text for kind, text in blocks if kind == "m"]
    # Source 0 gives its two sentences; the others' are counted, and where to find them said.
    assert "and 118 more sentences from 59 more sources (all in the mentions table of geomap.gpkg)" in meta, blocks
    (claim_list,) = [text for kind, text in blocks if kind == "l"]
    assert len(claim_list) == MapBudget().max_claims_per_place
    assert f"and {N_SOURCES * CLAIMS_PER_SOURCE - MapBudget().max_claims_per_place} more" in meta


def test_chart_of_many_sources_is_dots_within_the_point_budget():
    series = [AreaSeries(f"s{i}", "#000000", tuple(AreaPoint(pd.Timestamp(2024, 1, 1 + d).date(),
                                                             pd.Timestamp(2024, 1, 1 + d).date(), 100.0 + d, "x")
                                                   for d in range(10))) for i in range(50)]
    svg, note = thinned_chart_svg(series, max_series=12, max_points=100)
    assert str(svg).count("<circle") == 100
    assert "<polyline" not in str(svg)
    assert "500 area claims from 50 sources, 100 of them drawn" in note
    few_svg, few_note = thinned_chart_svg(series[:3], max_series=12, max_points=100)
    assert few_note == "" and str(few_svg).count("<polyline") == 3


# --- small maps are as they were ------------------------------------------------------------

def test_small_map_keeps_per_source_layers_svg_buttons_and_the_full_panel(page_html):
    assert canvas_layers(page_html) == 0 and "geomapGeoJsonLayer(" in page_html
    # One JSON block only: the country outlines, which their fill and the borders over the regions both draw.
    assert page_html.count('<script type="application/json"') == 1
    assert "<select" not in page_html
    assert 'class="gm-window"' not in page_html
    assert 'class="gm-meta gm-more"' not in page_html
    assert "Wire One · 2024-08" in [json.loads(f'"{name}"')
                                    for name in re.findall(r'"([^"]+)" : feature_group_', page_html)]


def test_an_explicit_budget_changes_nothing_on_a_small_map(tables):
    html = render_html(build_map(**tables, title="Kursk <test> map", budget=MapBudget(max_claim_features=10_000)))
    default = render_html(build_map(**synthetic.build_kwargs(), title="Kursk <test> map"))
    assert html == default


def test_large_map_claim_popups_are_short_and_outlines_thinned(large_html):
    claims = [f for c in geojson_collections(large_html) for f in c["features"]
              if f["geometry"]["type"] == "Polygon" and "q" in f["properties"]]
    assert claims
    for claim in claims:
        kinds = [kind for kind, _ in claim["properties"]["q"]]
        assert kinds == ["h", "m", "b", "x"]  # source and window, role, the quote, one line of facts
        ring = claim["geometry"]["coordinates"][0]
        assert len(ring) < 80  # the 257-vertex circles of large_kwargs, thinned
        assert all(len(str(x).split(".")[-1]) <= MapBudget().compact_decimals for point in ring for x in point)


# What the map shows: whether the claims' pane and the regions' summaries are displayed, and the summaries' tooltips.
SHOWN = """() => {
  const tips = [];
  map_geomap_0.eachLayer(layer => {
    if (layer.options && layer.options.pane === "geomapAggregates" && layer.getTooltip && layer.getTooltip()) {
      tips.push(layer.getTooltip().getContent().textContent);
    }
  });
  return {claims: map_geomap_0.getPane("overlayPane").style.display !== "none",
          summaries: map_geomap_0.getPane("geomapAggregates").style.display !== "none", tips: tips};
}"""


def at_zoom(page, zoom: int) -> dict:
    # The page fits its first view as it loads; a zoom set before that is undone, so it is set until it holds.
    page.wait_for_function(
        "zoom => { if (map_geomap_0.getZoom() !== zoom) { map_geomap_0.setZoom(zoom, {animate: false}); }"
        " return map_geomap_0.getZoom() === zoom; }", arg=zoom, polling=250)
    page.wait_for_timeout(200)
    return page.evaluate(SHOWN)


@pytest.mark.browser
def test_far_out_a_large_map_sums_claims_up_per_region_and_zooming_in_brings_them_back(large_html, tmp_path):
    from ..browser_support import artifacts_dir, opened_map

    path = tmp_path / "large.html"
    path.write_text(large_html, encoding="utf-8")
    with opened_map(path) as (page, log):
        far = at_zoom(page, MapBudget().aggregate_below_zoom - 2)
        assert not far["claims"] and far["summaries"]
        # Every claim's shape is centred in Kursk Oblast: one summary per window that has claims there.
        assert far["tips"] and all(tip.startswith("Kursk Oblast · ") for tip in far["tips"])
        assert any("claims from" in tip and "median claimed area" in tip for tip in far["tips"]), far["tips"][:3]
        page.screenshot(path=str(artifacts_dir() / "large-map-far.png"))
        near = at_zoom(page, MapBudget().aggregate_below_zoom + 2)
        assert near["claims"] and not near["summaries"]
        assert log.blocked == [] and log.errors == []
