"""The renderer's pure parts: escaping, assets, windows, features, wording, chart."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from shapely.geometry import LineString, Point, Polygon

from geomap.render.chart import AreaPoint, AreaSeries, area_chart_svg, month_ticks, nice_step
from geomap.render.escaping import check_identifier, layer_label, script_json
from geomap.dates import period
from geomap.render.features import (admin1_features, admin1_occupation, country_features,
                                    geometry_to_geojson, label_min_zoom, place_labels)
from geomap.render.offline import OfflineAssetError, inline_css_images, leaflet_assets, script_safe_code
from geomap.render.panel import safe_link
from geomap.view import (
    SOURCE_PALETTE, DateWindow, claimed_text, date_windows, format_number, format_share, parse_flags,
    reference_dates_for_windows, source_colors, span_name, busiest_windows,
)


# --- escaping ----------------------------------------------------------------

def test_script_json_cannot_end_a_script_or_break_a_string():
    text = str(script_json({"q": "</script><!-- & \u2028\u2029 'x'"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"q": "</script><!-- & \u2028\u2029 'x'"}


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        script_json(float("nan"))


def test_layer_label_escapes_html_and_template_braces():
    assert layer_label('<b>"A" & {{x}}</b>') == "&lt;b&gt;&#34;A&#34; &amp; &#123;&#123;x&#125;&#125;&lt;/b&gt;"


@pytest.mark.parametrize("prefix", ["", "1map", "a-b", "a b", "é", "x" * 40])
def test_bad_prefixes_are_refused(prefix):
    with pytest.raises(ValueError):
        check_identifier(prefix)


# --- offline assets ----------------------------------------------------------

def test_leaflet_comes_from_the_installed_package_with_images_inlined():
    assets = leaflet_assets()
    assert assets.version == "1.9.4"
    assert 'version="1.9.4"' in assets.js
    assert "sourceMappingURL" not in assets.js
    assert "images/" not in assets.css and "data:image/png;base64," in assets.css


def test_css_images_become_data_uris_and_remote_ones_are_refused():
    css = ".a{background:url(images/x.png)} .b{behavior:url(#default#VML)}"
    out = inline_css_images(css, lambda path: b"PNG" if path == "images/x.png" else b"")
    assert 'url("data:image/png;base64,UE5H")' in out and "url(#default#VML)" in out
    with pytest.raises(OfflineAssetError):
        inline_css_images(".a{background:url(https://cdn.example/x.png)}", lambda path: b"")


def test_script_with_closing_tag_is_refused():
    with pytest.raises(OfflineAssetError):
        script_safe_code('var s = "</script>";')


# --- windows -----------------------------------------------------------------

def test_windows_are_ordered_by_date_with_undated_last():
    claims = [
        {"window": "undated"},
        {"window": "2025-03", "as_of_start": "2025-03-14", "as_of_end": "2025-03-14"},
        {"window": "2024-08", "as_of_start": "2024-08-15", "as_of_end": "2024-08-20"},
        {"window": "2024-08", "as_of_start": "2024-08-06", "as_of_end": None},
    ]
    windows = date_windows(claims, extra_labels=["2024-11"])
    assert [w.label for w in windows] == ["2024-08", "2024-11", "2025-03", "undated"]
    assert windows[0].range_text == "2024-08-06 – 2024-08-20"
    assert windows[1] == DateWindow("2024-11", date(2024, 11, 1), date(2024, 11, 30), "2024-11")
    assert not windows[3].dated and windows[3].range_text == ""


def test_windows_are_named_by_the_span_they_cover_not_by_their_month_label():
    # A window keyed by a month whose claims run for years (a year-long claim joined it) is named by its
    # span; windows whose spans read alike are told apart by their labels.
    claims = [
        {"window": "2022-09", "as_of_start": "2022-01-01", "as_of_end": "2022-12-31"},
        {"window": "2025-01", "as_of_start": "2023-10-01", "as_of_end": "2025-12-31"},
        {"window": "2024-08", "as_of_start": "2024-08-06", "as_of_end": "2024-08-20"},
        {"window": "2025-03", "as_of_start": "2025-03-14", "as_of_end": "2025-03-14"},
        {"window": "2021-02", "as_of_start": "2021-01-01", "as_of_end": "2023-12-31"},
        {"window": "2022-05", "as_of_start": "2022-01-01", "as_of_end": "2022-12-31"},
        {"window": "undated"},
    ]
    names = {w.label: w.shown for w in date_windows(claims)}
    assert names == {"2021-02": "2021 – 2023", "2022-09": "2022 (as of 2022-09)", "2022-05": "2022 (as of 2022-05)",
                     "2025-01": "2023-10 – 2025-12", "2024-08": "2024-08", "2025-03": "2025-03-14",
                     "undated": "undated"}
    assert span_name(date(2024, 2, 1), date(2024, 3, 31)) == "2024-02 – 2024-03"


def test_figures_are_drawn_for_the_busiest_windows_only():
    point = Point(35.0, 51.0)
    claims = [{"window": f"2024-{month:02d}", "status": "mapped", "geometry": point}
              for month in range(1, 13) for _ in range(month % 4 + 1)]
    claims += [{"window": "2025-01", "status": "mapped", "geometry": point}] * 9
    claims += [{"window": "2025-02", "status": "unmapped", "geometry": None}] * 20  # nothing to draw
    busiest = busiest_windows(claims, 3)
    assert busiest == ["2025-01", "2024-03", "2024-07"]  # 9, then 4 each (date order among equals)
    assert len(busiest_windows(claims, None)) == 13 and "2025-02" not in busiest_windows(claims, None)


def test_label_range_understands_years_months_and_days():
    assert period("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert period("2024-12") == (date(2024, 12, 1), date(2024, 12, 31))
    assert period("2024-02-29") == (date(2024, 2, 29), date(2024, 2, 29))
    assert period("late summer") is None


def test_reference_shown_for_a_window_is_the_latest_one_before_its_end():
    windows = [DateWindow("2024-08", date(2024, 8, 6), date(2024, 8, 20)),
               DateWindow("2025-03", date(2025, 3, 14), date(2025, 3, 14)),
               DateWindow("2024-01", date(2024, 1, 1), date(2024, 1, 31)),
               DateWindow("undated", None, None)]
    chosen = reference_dates_for_windows(windows, [date(2024, 8, 20), date(2025, 3, 10), date(2024, 9, 1)])
    assert chosen == {"2024-08": date(2024, 8, 20), "2025-03": date(2025, 3, 10)}


# --- features ----------------------------------------------------------------

def test_coordinates_are_rounded_and_collapsed_rings_dropped():
    polygon = Polygon([(35.123456789, 51.1), (35.2, 51.1), (35.2, 51.2), (35.123456789, 51.1)])
    geojson = geometry_to_geojson(polygon)
    assert geojson["coordinates"][0][0] == [35.12346, 51.1]
    tiny = Polygon([(35.0, 51.0), (35.000001, 51.0), (35.000001, 51.000001)])
    assert geometry_to_geojson(tiny) is None
    assert geometry_to_geojson(Point(-0.000001, 1.0)) == {"type": "Point", "coordinates": [0.0, 1.0]}
    assert geometry_to_geojson(LineString([(1, 1), (1.000001, 1)])) is None
    assert geometry_to_geojson(None) is None


def test_only_wholly_occupied_regions_are_marked_occupied():
    crimea = {"name": "Crimea", "country": "UA", "status": "occupied by Russia since 2014", "geometry": Point(34, 45)}
    donetsk = {"name": "Donetsk", "country": "UA", "status": "partly occupied by Russia since 2014",
               "geometry": Point(37.8, 48)}
    sumy = {"name": "Sumy", "country": "UA", "status": None, "geometry": Point(34.8, 50.9)}
    assert [admin1_occupation(r) for r in (crimea, donetsk, sumy)] == ["occupied", "partly", "none"]
    assert admin1_occupation({**donetsk, "occupied": True}) == "occupied"  # an explicit column decides
    assert admin1_occupation({**crimea, "occupied": False}) == "partly"
    [feature] = admin1_features([crimea, donetsk, sumy], "occupied")
    assert feature["properties"]["t"] == "Crimea (UA) — occupied by Russia since 2014"


def test_bigger_places_are_labelled_from_lower_zooms():
    zooms = [label_min_zoom(p) for p in (5_000_000, 400_000, 150_000, 50_000, 12_000, 5_000, 1_500, 100, None)]
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]


def test_place_labels_are_sorted_largest_first():
    rows = place_labels([
        {"name": "Small", "population": 10, "geonameid": 1, "geometry": Point(1, 2)},
        {"name": "Big", "population": 10_000, "geonameid": 2, "geometry": Point(3, 4)},
        {"name": None, "population": 99_999, "geonameid": 3, "geometry": Point(3, 4)},
    ])
    assert [row[3] for row in rows] == ["Big", "Small"]
    assert rows[0][:2] == [4.0, 3.0]  # lat, lon


# --- wording -----------------------------------------------------------------

@pytest.mark.parametrize("value, text", [(1368, "1,368"), (12.5, "12.5"), (1 / 3, "0.333"), (999.7, "1,000"),
                                         (None, "?")])
def test_format_number(value, text):
    assert format_number(value) == text


def test_claimed_text_keeps_the_sources_own_units():
    assert claimed_text({"value": 386, "unit": "square miles", "qualifier": "about"}) == "about 386 square miles"
    assert claimed_text({"value": 1 / 3, "unit": "one third"}) == "one third"
    assert claimed_text({"value": 30, "unit": "%"}) == "30 %"
    assert format_share(0.86) == "86 %" and format_share(30) == "30 %"


def test_colours_follow_the_sources_order_and_skip_sources_without_claims():
    sources = [{"id": "b"}, {"id": "quiet"}, {"id": "a"}]
    claims = [{"source": "a"}, {"source": "b"}, {"source": "zz-unlisted"}]
    assert source_colors(sources, claims) == {"b": SOURCE_PALETTE[0], "a": SOURCE_PALETTE[1],
                                               "zz-unlisted": SOURCE_PALETTE[2]}


def test_only_http_links_are_kept():
    assert safe_link("https://example.org/a") == "https://example.org/a"
    assert safe_link("javascript:alert(1)") is None and safe_link("data:text/html,x") is None


def test_flags_accept_lists_json_and_text():
    assert parse_flags([{"code": "c", "message": "m", "extra": 1}]) == [{"code": "c", "message": "m"}]
    assert parse_flags('[{"code": "c", "message": "m"}]') == [{"code": "c", "message": "m"}]
    assert parse_flags("plain words") == [{"code": "note", "message": "plain words"}]
    assert parse_flags(None) == [] and parse_flags("") == []


# --- chart -------------------------------------------------------------------

def test_chart_draws_one_series_per_source_and_escapes_names():
    series = [
        AreaSeries("Wire <One>", "#0072B2", (AreaPoint(date(2024, 8, 12), date(2024, 8, 12), 1000.0, "a <b>"),)),
        AreaSeries("Two", "#D55E00", (AreaPoint(date(2024, 8, 15), date(2024, 8, 20), 1300.0, "two"),
                                      AreaPoint(date(2025, 3, 14), date(2025, 3, 14), 110.0, "two later"))),
        AreaSeries("reference", "#111111", (AreaPoint(date(2024, 8, 20), date(2024, 8, 20), 1100.0, "ref"),),
                   reference=True),
    ]
    svg = str(area_chart_svg(series))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count("<circle") == 3 and svg.count("<rect") == 1
    assert svg.count("<polyline") == 1  # only the series with two points is joined
    assert "Wire &lt;One&gt;" in svg and "a &lt;b&gt;" in svg
    assert 'stroke-dasharray="5 3"' in svg  # the reference line
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert area_chart_svg([]) is None


def test_chart_axes_use_nice_steps_and_month_ticks():
    assert nice_step(1300) == 500 and nice_step(120) == 50 and nice_step(9) == 2
    ticks = month_ticks(date(2024, 8, 1), date(2025, 3, 20))
    assert ticks[0] == date(2024, 8, 1) and len(ticks) <= 6
    assert all(t.day == 1 for t in ticks)


def test_chart_y_axis_covers_the_largest_claim():
    series = [AreaSeries("s", "#000", (AreaPoint(date(2024, 8, 1), date(2024, 8, 1), 1368.0, "x"),))]
    labels = re.findall(r"<text[^>]*>([\d,]+)</text>", str(area_chart_svg(series)))
    assert max(int(label.replace(",", "")) for label in labels) >= 1368


def test_basemap_positions_keep_three_decimals_and_claims_five():
    # The basemap is simplified by 0.004° or more: a metre's precision would only make the page heavier.
    shape = Polygon([(35.123456, 48.123456), (36.987654, 48.123456), (36.987654, 49.555555)])
    [country] = country_features([{"code": "UA", "name": "Ukraine", "geometry": shape}], occupied=False)
    [region] = admin1_features([{"code": "UA-63", "name": "Kharkiv", "country": "UA", "geometry": shape}], "none")
    for made in (country, region):
        assert made["geometry"]["coordinates"][0][0] == [35.123, 48.123]
    assert geometry_to_geojson(shape)["coordinates"][0][0] == [35.12346, 48.12346]


def test_table_rows_hold_the_same_plain_values_read_column_by_column():
    """frame_records reads whole columns (numbers without a call per cell): every cell is what plain() makes of it."""
    import numpy as np
    import pandas as pd

    from geomap.formats import plain
    from geomap.view import claim_records, frame_records

    frame = pd.DataFrame({
        "count": np.array([3, 4, 5], dtype=np.int64),
        "km2": [1.5, float("nan"), float("inf")],
        "population": pd.array([7, None, 9], dtype="Int64"),
        "held": [True, False, True],
        "text": ["Sudzha", None, np.float64(2.5)],
        "day": [pd.Timestamp("2024-08-06"), pd.NaT, "2024-08"],
    })
    fields = ("count", "km2", "population", "held", "text", "day", "missing")
    expected = [{name: plain(frame[name][row]) if name in frame else None for name in fields} for row in range(3)]
    assert frame_records(frame, fields) == expected
    assert expected[1]["km2"] is None and expected[2]["km2"] is None and expected[1]["population"] is None

    flags = [[{"code": "spread", "message": "window 2024-08", "statuses": [{"quote": "…"}]}], [], None]
    claims = claim_records(pd.DataFrame({"claim_id": ["a", "b", "c"], "source": "s", "flags": flags}))
    assert [claim["flags"] for claim in claims] == [[{"code": "spread", "message": "window 2024-08"}], [], []]
