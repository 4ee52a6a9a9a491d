"""claim_geometries on seed-like and synthetic claims: what a reader of the map would check."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from pyproj import Geod

from geomap.geometry import envelopes, spread_table
from geomap.schema import CLAIM_GEOMETRIES
from tests.geometry.conftest import AUGUST_2024, MARCH_2025, SUDZHA

GEOD = Geod(ellps="WGS84")
KURSK = {"place": "Kursk", "place_id": "RU-KRS"}


def geodesic_km2(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def row_of(frame, claim_id):
    rows = frame[frame["claim_id"] == claim_id]
    assert len(rows) == 1, claim_id
    return rows.iloc[0]


def flags_of(row, code):
    return [f for f in row["flags"] if f["code"] == code]


@pytest.fixture
def seed_claims(make_claim):
    """The Kursk claims as the seeds give them (anchors as in tests/data/claims/seeds.gold.jsonl)."""
    return [
        make_claim("area_seized", 386, "square miles", "000", km2=999.7354, actor="UA", **SUDZHA, **AUGUST_2024),
        make_claim("share_held", 0.333333, "fraction", "000", share=0.333333, actor="UA", **KURSK,
                   as_of_start=date(2025, 3, 1), as_of_end=date(2025, 3, 1)),
        make_claim("area_held", 50, "square miles", "001", km2=129.4994, actor="UA", **KURSK, **MARCH_2025),
        make_claim("area_seized", 1300, "square kilometers", "002", km2=1300.0, actor="UA", **KURSK, **AUGUST_2024),
        make_claim("share_held", 30, "%", "002", share=0.3, actor="UA", **KURSK, **MARCH_2025),
        make_claim("area_held", 110, "square kilometers", "004", km2=110.0, actor="UA", alt_value=42,
                   alt_unit="square miles", **KURSK, **MARCH_2025),
        make_claim("area_held", 1368, "square kilometers", "004", km2=1368.0, actor="UA", alt_value=528,
                   alt_unit="square miles", **KURSK, as_of_start=date(2024, 1, 1), as_of_end=date(2024, 12, 31)),
    ]


# -- the frame ----------------------------------------------------------------------------------------------
def test_one_row_per_claim_sorted_with_the_documented_columns(geo, make_claim):
    claims = [make_claim("area_held", 10, "km²", "s2", km2=10.0, **SUDZHA, claim_id="s2#10"),
              make_claim("area_held", 20, "km²", "s2", km2=20.0, **SUDZHA, claim_id="s2#9"),
              make_claim("area_held", 30, "km²", "s1", km2=30.0, **SUDZHA, claim_id="s1#1")]
    frame = geo(claims)
    assert list(frame["claim_id"]) == ["s1#1", "s2#9", "s2#10"]
    assert [c for c in frame.columns if c != "geometry"] == CLAIM_GEOMETRIES.names
    assert frame.crs.to_epsg() == 4326


@pytest.fixture(scope="module")
def accurate_kursk(gazetteer, regions):
    """Kursk Oblast cut along the OpenStreetMap Russia-Ukraine line, as hosts are."""
    from geomap.geometry.workspace import Workspace

    return Workspace(gazetteer, regions).accurate_polygon("RU-KRS")


# -- area claims --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("km2", [1368.0, 110.0, 999.7354])
def test_areas_of_no_known_holder_are_discs_on_sudzha_in_kursk_oblast(geo, regions, accurate_kursk, make_claim,
                                                                        km2):
    frame = geo([make_claim("area_held", km2, "km²", km2=km2, **SUDZHA, **AUGUST_2024)])
    row = frame.iloc[0]
    assert row["status"] == "mapped" and row["role"] == "buffer" and row["shape"] == "disc"
    assert row["host"] == "RU-KRS"
    assert row["geometry_km2"] == pytest.approx(km2, rel=0.001)
    assert geodesic_km2(row.geometry) == pytest.approx(km2, rel=0.001)
    # inside Kursk Oblast as cut along the accurate border, up to slivers of a few m² along the clipped edge
    assert geodesic_km2(row.geometry.difference(accurate_kursk)) < 1e-3
    assert row.geometry.buffer(1e-6).contains(shapely.Point(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"]))
    assert row["construction"].startswith("disc of ")
    assert row["construction"].endswith(" km² centred on Sudzha, clipped to Kursk Oblast")


def test_the_salient_is_clipped_at_the_border(geo, regions, make_claim):
    """Sudzha is ~12 km from the border: a 1,368 km² disc (r ~ 21 km) must be cut there, so r grows."""
    row = geo([make_claim("area_held", 1368, "km²", km2=1368.0, **SUDZHA)]).iloc[0]
    assert row["radius_km"] > (1368.0 / 3.14159265) ** 0.5 * 1.01


def test_a_disc_in_a_host_whose_cut_left_a_spike_is_drawn(geo, make_claim):
    """Israel's Southern District, cut along the Palestinian border, carried a zero-width spike that GEOS
    could not clip; a disc around Ashkelon crossed it and was not drawn."""
    ashkelon = {"place": "Ashkelon", "place_id": "295620", "anchor_lat": 31.66926, "anchor_lon": 34.57149}
    row = geo([make_claim("area_held", 1000, "km²", km2=1000.0, actor="IL", **ashkelon, **MARCH_2025)]).iloc[0]
    assert row["status"] == "mapped" and row["host"] == "IL-D"
    assert shapely.is_valid(row.geometry)
    assert abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6 == pytest.approx(1000.0, rel=5e-3)


def test_a_disc_reaching_where_the_cut_host_has_edges_a_hair_apart_is_valid(geo, make_claim):
    """A 2,077 km² disc on Sudzha reaches a place of Kursk Oblast's cut outline (51.198 N, 34.904 E) where
    two edges lie a hair apart: valid in metres, the polygon crossed itself once back in lon/lat."""
    row = geo([make_claim("area_held", 2077, "km²", km2=2077.0, actor="RU", **SUDZHA, **MARCH_2025)]).iloc[0]
    assert row["status"] == "mapped" and row["host"] == "RU-KRS"
    assert shapely.is_valid(row.geometry)
    assert abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6 == pytest.approx(2077.0, rel=5e-3)


def test_area_larger_than_the_host_is_unmapped(geo, make_claim):
    """Kursk Oblast is 30,127 km² in Natural Earth, 29,771 km² cut along the accurate border."""
    row = geo([make_claim("area_held", 40_000, "km²", km2=40_000.0, **SUDZHA)]).iloc[0]
    assert row["status"] == "unmapped"
    assert row["reason"] == "claimed 40,000 km² exceeds host 29,771.3 km²"
    assert row.geometry is None
    host = flags_of(row, "host_share")[0]
    assert host["exceeds"] is True and host["host_km2"] == pytest.approx(29771.3, rel=1e-4)


def test_claim_without_anchor_is_unmapped(geo, make_claim):
    row = geo([make_claim("area_held", 100, "km²", km2=100.0)]).iloc[0]
    assert (row["status"], row["reason"]) == ("unmapped", "no anchor place")


def test_host_share_flag_reports_the_share(geo, make_claim):
    row = geo([make_claim("area_held", 1368, "km²", km2=1368.0, **SUDZHA)]).iloc[0]
    flag = flags_of(row, "host_share")[0]
    assert flag["share_of_host"] == pytest.approx(1368.0 / 29771.3, rel=1e-4)
    assert flag["exceeds"] is False and flag["severity"] == "info"


def test_region_level_claims_borrow_the_town_anchor(geo, seed_claims):
    frame = geo(seed_claims)
    kursk_rows = frame[frame["place_id"] == "RU-KRS"]
    assert (kursk_rows["anchor_lon"] == SUDZHA["anchor_lon"]).all()
    assert all(flags_of(row, "anchor_borrowed") for _, row in kursk_rows.iterrows())


# -- shares -------------------------------------------------------------------------------------------------
def test_share_uses_the_sources_own_peak(geo, seed_claims):
    row = row_of(geo(seed_claims), "002#2")
    assert row["derivation"] == "0.30 x 1,300 km² (own peak, 002#1) = 390 km²"
    assert row["km2"] == pytest.approx(390.0)
    assert row["base_km2"] == pytest.approx(1300.0)
    assert row["geometry_km2"] == pytest.approx(390.0, rel=0.005)


def test_share_without_own_peak_uses_the_median_of_other_peaks(geo, make_claim):
    claims = [make_claim("area_held", 1000, "km²", "a", km2=1000.0, **SUDZHA, **AUGUST_2024),
              make_claim("area_held", 1200, "km²", "b", km2=1200.0, **SUDZHA, **AUGUST_2024),
              make_claim("area_held", 80, "km²", "b", km2=80.0, **SUDZHA, **MARCH_2025),  # not b's peak
              make_claim("area_held", 2000, "km²", "c", km2=2000.0, **SUDZHA, **AUGUST_2024),
              make_claim("share_retaken", 86, "%", "d", share=0.86, **SUDZHA, **MARCH_2025)]
    row = row_of(geo(claims), "d#1")
    assert row["base_km2"] == pytest.approx(1200.0)
    assert row["km2"] == pytest.approx(0.14 * 1200.0)
    assert row["derivation"] == ("(1 - 0.86) x 1,200 km² (median of other sources' peaks: "
                                 "a#1 1,000, b#1 1,200, c#1 2,000) = 168 km²")


def test_share_with_no_area_anywhere_is_unmapped(geo, make_claim):
    row = geo([make_claim("share_held", 30, "%", share=0.3, **SUDZHA)]).iloc[0]
    assert row["status"] == "unmapped" and row["reason"].startswith("no base area")


def test_share_and_absolute_claims_that_disagree_are_flagged(geo, make_claim):
    """110 km² now vs "30 % left" of its 1,368 km² peak = 410 km²."""
    claims = [make_claim("area_held", 1368, "km²", "004", km2=1368.0, **SUDZHA, **AUGUST_2024),
              make_claim("area_held", 110, "km²", "004", km2=110.0, **SUDZHA, **MARCH_2025),
              make_claim("share_held", 30, "%", "004", share=0.3, **SUDZHA, **MARCH_2025)]
    row = row_of(geo(claims), "004#3")
    flag = flags_of(row, "share_vs_absolute")[0]
    assert flag["derived_km2"] == pytest.approx(410.4)
    assert flag["absolute_km2"] == pytest.approx(110.0)
    assert flag["same_source"] is True
    assert "410.4 km²" in flag["message"] and "110 km²" in flag["message"]


def test_coherent_share_is_not_flagged(geo, make_claim):
    claims = [make_claim("area_held", 1000, "km²", km2=1000.0, **SUDZHA, **AUGUST_2024),
              make_claim("area_held", 310, "km²", km2=310.0, **SUDZHA, **MARCH_2025),
              make_claim("share_held", 30, "%", share=0.3, **SUDZHA, **MARCH_2025)]
    assert not flags_of(row_of(geo(claims), "s1#3"), "share_vs_absolute")


# -- units --------------------------------------------------------------------------------------------------
def test_two_units_that_disagree_are_flagged(geo, make_claim):
    frame = geo([make_claim("area_held", 110, "square kilometers", km2=110.0, alt_value=50, alt_unit="square miles",
                            **SUDZHA),
                 make_claim("area_held", 110, "square kilometers", km2=110.0, alt_value=42, alt_unit="square miles",
                            **SUDZHA)])
    flag = flags_of(row_of(frame, "s1#1"), "unit_disagreement")[0]
    assert flag["alternative"] == pytest.approx(129.4994, rel=1e-4)
    assert flag["difference_pct"] == pytest.approx(17.7, abs=0.1)
    assert not flags_of(row_of(frame, "s1#2"), "unit_disagreement")  # 42 sq mi = 108.8 km²: 1.1 % apart


# -- distances, bands, regions --------------------------------------------------------------------------------
def test_sudzha_to_the_border_is_measured_on_the_ellipsoid(geo, make_claim):
    quote = "Sudzha, about 10 km from the border"
    row = geo([make_claim("distance", 10, "km", km=10.0, quote=quote, start=14, end=19, quote_start=0,
                          **SUDZHA)]).iloc[0]
    assert row["role"] == "ring" and row["radius_km"] == 10.0
    flag = flags_of(row, "distance_check")[0]
    # real-world ~9 km; measured against the OpenStreetMap border line (the generalised Natural Earth
    # 1:10m border would put it at ~12 km)
    assert 7.0 <= flag["measured_km"] <= 11.0
    assert flag["target"] == "the Russia-Ukraine border"
    assert "OpenStreetMap" in flag["method"]
    assert flag["severity"] == "info"  # "about 10 km" holds
    measured = GEOD.inv(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"], flag["border_lon"], flag["border_lat"])[2]
    assert measured / 1000.0 == pytest.approx(flag["measured_km"], rel=1e-6)
    # the ring really has the claimed radius
    lon, lat = row.geometry.coords[0]
    assert GEOD.inv(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"], lon, lat)[2] / 1000.0 == pytest.approx(10.0, rel=1e-3)


def test_distance_between_two_places_is_a_geodesic_line(geo, gazetteer, make_claim):
    kursk_city = gazetteer.lookup("Kursk")
    city = next(c for c in kursk_city if c.kind == "populated_place")
    row = geo([make_claim("distance", 100, "km", km=100.0, region_id=city.id, **SUDZHA)]).iloc[0]
    assert row["role"] == "line"
    flag = flags_of(row, "distance_check")[0]
    expected = GEOD.inv(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"], city.lon, city.lat)[2] / 1000.0
    assert flag["measured_km"] == pytest.approx(expected, rel=1e-6)
    assert GEOD.geometry_length(row.geometry) / 1000.0 == pytest.approx(expected, rel=1e-3)


def test_depth_becomes_a_band_inside_the_host_touching_the_border(geo, regions, accurate_kursk, make_claim):
    quote = "Ukrainian troops advanced 15 km deep along a 40 km front"
    claims = [make_claim("depth", 15, "km", km=15.0, actor="UA", quote=quote, **SUDZHA),
              make_claim("front_width", 40, "km", km=40.0, actor="UA", quote=quote, **SUDZHA)]
    frame = geo(claims)
    band = row_of(frame, "s1#1")
    assert band["role"] == "band" and band["host"] == "RU-KRS"
    assert geodesic_km2(band.geometry.difference(accurate_kursk)) < 1e-3
    assert band["construction"].startswith("band 15 km deep along ")
    assert band["construction"].endswith("of the Kursk Oblast–Ukraine border nearest Sudzha, clipped to Kursk Oblast")
    assert band.geometry.distance(regions.polygon("UA")) < 1e-4  # touches the border (~10 m in degrees)
    # at most width x depth, and clearly more than nothing
    assert 200.0 < band["geometry_km2"] <= 40.0 * 15.0 * 1.05
    assert "front width from s1#2" in band["derivation"]
    assert row_of(frame, "s1#2")["role"] == "band"


def test_front_width_alone_is_the_border_stretch(geo, make_claim):
    row = geo([make_claim("front_width", 30, "km", km=30.0, actor="UA", **SUDZHA)]).iloc[0]
    assert row["role"] == "line"
    assert GEOD.geometry_length(row.geometry) / 1000.0 == pytest.approx(30.0, rel=0.01)


def test_region_share_is_annotated_with_the_claimed_area(geo, regions, make_claim):
    row = geo([make_claim("region_share", 20, "%", share=0.2, actor="RU", place="Ukraine", place_id="UA",
                          region="Ukraine", region_id="UA")]).iloc[0]
    ukraine_km2 = regions.area_km2("UA")
    assert row["role"] == "region"
    assert row["km2"] == pytest.approx(0.2 * ukraine_km2)
    assert row["geometry_km2"] == pytest.approx(ukraine_km2)
    assert flags_of(row, "region_share")[0]["true_share"] is None


def test_region_area_is_checked_against_the_polygon(geo, regions, make_claim):
    row = geo([make_claim("region_area", 40_000, "km²", km2=40_000.0, region="Kursk Oblast",
                          region_id="RU-KRS")]).iloc[0]
    flag = flags_of(row, "region_area_check")[0]
    assert flag["polygon_km2"] == pytest.approx(regions.area_km2("RU-KRS"))
    assert flag["severity"] == "warning"  # 40,000 vs 30,127 km²


def test_relative_area_is_computed_even_without_an_anchor(geo, regions, make_claim):
    claims = [make_claim("relative_area", 3, "times the size of", place="Ukraine", place_id="UA", region="Kyiv",
                         region_id="703448"),
              make_claim("relative_area", 3, "times the size of", region="Kyiv", region_id="UA-30", **SUDZHA)]
    frame = geo(claims)
    kyiv = regions.area_km2("UA-30")
    unanchored, anchored = row_of(frame, "s1#1"), row_of(frame, "s1#2")
    assert unanchored["status"] == "unmapped" and unanchored["reason"].startswith("no anchor place")
    assert unanchored["km2"] == pytest.approx(3 * kyiv)
    assert unanchored["derivation"].startswith("3 x 1,642 km² (Kyiv City, UA-30)")
    assert anchored["status"] == "mapped" and anchored["geometry_km2"] == pytest.approx(3 * kyiv, rel=0.005)


# -- windows, envelopes, spread ---------------------------------------------------------------------------------
def test_windows_split_august_and_march(geo, seed_claims):
    frame = geo(seed_claims)
    assert row_of(frame, "000#1")["window"] == "2024-08"
    assert row_of(frame, "001#1")["window"] == "2025-03"
    # "last year" (2024-01-01..2024-12-31) joins the August window of the other claims
    assert row_of(frame, "004#2")["window"] == "2024-08"
    assert geo([]).empty


def test_envelopes_union_each_windows_buffers(geo, seed_claims):
    frame = geo(seed_claims)
    result = envelopes(frame)
    assert list(result["window"]) == ["2024-08", "2025-03"]
    august = result.iloc[0]
    assert (august["n_sources"], august["sources"]) == (3, "000, 002, 004")
    assert (result.iloc[1]["n_sources"], result.iloc[1]["sources"]) == (4, "000, 001, 002, 004")
    # concentric discs: the union is the biggest one
    assert august["geometry_km2"] == pytest.approx(1368.0, rel=0.005)
    assert result.crs.to_epsg() == 4326


def test_spread_table_names_the_furthest_claim(geo, seed_claims):
    table = spread_table(geo(seed_claims))
    august = table[table["window"] == "2024-08"]
    assert set(august["claim_id"]) == {"000#1", "002#1", "004#2"}
    assert august["min_km2"].iloc[0] == pytest.approx(999.7354)
    assert august["median_km2"].iloc[0] == pytest.approx(1300.0)
    assert august["max_km2"].iloc[0] == pytest.approx(1368.0)
    assert list(august[august["furthest"]]["claim_id"]) == ["000#1"]
    march = table[table["window"] == "2025-03"]
    assert march[march["derived"]]["claim_id"].tolist() == ["000#2", "002#2"]


def test_spread_flag_on_rows(geo, seed_claims):
    row = row_of(geo(seed_claims), "000#1")
    flag = flags_of(row, "spread")[0]
    assert flag["furthest"] is True and flag["deviation_pct"] == pytest.approx(-23.1, abs=0.1)


# -- determinism and speed ----------------------------------------------------------------------------------
def test_same_claims_same_bytes(geo, seed_claims):
    first = geo(seed_claims).drop(columns="flags").to_json()
    second = geo(list(reversed(seed_claims))).drop(columns="flags").to_json()
    assert first == second
    assert str(geo(seed_claims)["flags"].tolist()) == str(geo(seed_claims)["flags"].tolist())


def test_twenty_claims_of_every_kind_map_in_one_call(geo, seed_claims, make_claim):
    """Speed is measured by benchmarks/bench_geometry.py (never by a timed test); here, that they all map."""
    extra = [make_claim("area_held", 50.0 * (i + 1), "km²", f"x{i}", km2=50.0 * (i + 1), **SUDZHA, **MARCH_2025)
             for i in range(10)]
    extra.append(make_claim("distance", 10, "km", "y", km=10.0, quote="10 km from the border", **SUDZHA))
    extra.append(make_claim("depth", 20, "km", "y", km=20.0, actor="UA", **SUDZHA))
    claims = seed_claims + extra
    assert len(claims) >= 19
    frame = geo(claims)
    assert (frame["status"] == "mapped").all()
    assert frame["construction"].notna().all()
