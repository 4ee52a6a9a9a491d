"""Areas held across a border, on the bundled data: the Kursk salient at its peak and in March 2025.

The statuses are written by hand (what geomap.claims.status reads from the seeds), so that each test says
which report makes the shape change: a disc on the Russia-Ukraine border while Sudzha is held, a strip along
it that leaves Sudzha out once the articles say it was lost, with the side the articles name.
"""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from pyproj import Geod

from geomap.claims.status import PlaceStatus
from geomap.geometry import claim_geometries
from geomap.geometry.statuses import HELD, LOST, StatusIndex, relation
from geomap.geometry.workspace import Workspace
from tests.geometry.conftest import AUGUST_2024, SUDZHA

GEOD = Geod(ellps="WGS84")
SUDZHA_POINT = shapely.Point(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"])
MID_MARCH = {"as_of_start": date(2025, 3, 16), "as_of_end": date(2025, 3, 16)}
POKROVSK = {"place": "Pokrovsk", "place_id": "708546", "anchor_lon": 37.18, "anchor_lat": 48.28}
GAZA = {"place": "Gaza", "place_id": "281133", "anchor_lon": 34.46667, "anchor_lat": 31.5}


def km2(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def flags_of(row, code):
    return [f for f in row["flags"] if f["code"] == code]


def status(place: str, place_id: str, kind: str, actor: str | None, day: date, lon: float, lat: float,
           place_kind: str = "populated_place", country: str = "RU", source: str = "news") -> PlaceStatus:
    quote = f"{place}: {kind} by {actor}"
    return PlaceStatus(source=source, place=place, place_id=place_id, place_kind=place_kind, country=country,
                       lon=lon, lat=lat, status=kind, actor=actor, cue=kind, as_of_start=day, as_of_end=day,
                       as_of_text=None, quote=quote, quote_start=0, quote_end=len(quote), start=0, end=len(place),
                       published=day)


SUDZHA_RETAKEN = status("Sudzha", "486816", "retaken", "RU", date(2025, 3, 13), 35.271, 51.191)
SUDZHA_HELD = status("Sudzha", "486816", "held", "UA", date(2025, 3, 13), 35.271, 51.191, source="other")
BELGOROD_RAIDED = status("Belgorod Oblast", "RU-BEL", "fought_over", "UA", date(2025, 3, 21), 36.9, 50.7,
                         place_kind="admin1")


@pytest.fixture(scope="module")
def workspace(gazetteer, regions):
    return Workspace(gazetteer, regions)


@pytest.fixture(scope="module")
def russia_near_sudzha(workspace):
    """Russia around Sudzha, cut along the accurate border, in lon/lat."""
    return workspace.accurate_polygon("RU", shapely.box(33.0, 49.5, 37.5, 53.0))


@pytest.fixture
def draw(gazetteer, regions):
    return lambda claims, statuses=(): claim_geometries(claims, gazetteer, regions, statuses=statuses)


# -- the peak: a disc on the border ---------------------------------------------------------------------------
def test_the_peak_is_a_disc_on_the_border_nearest_sudzha(draw, make_claim, workspace, russia_near_sudzha):
    row = draw([make_claim("area_held", 1300, "km²", km2=1300.0, actor="UA", **SUDZHA, **AUGUST_2024)]).iloc[0]
    assert (row["status"], row["role"], row["shape"], row["holder"], row["host"]) == (
        "mapped", "buffer", "border disc", "UA", "RU")
    assert row["construction"] == ("disc of 1,300 km² centred on the Russia–Ukraine border nearest Sudzha, "
                                   "clipped to Russia")
    assert km2(row.geometry) == pytest.approx(1300.0, rel=1e-3)  # area-true within 0.1 %
    assert km2(row.geometry.difference(russia_near_sudzha)) < 1e-3  # inside Russia along the accurate line
    centre = shapely.Point(row["border_lon"], row["border_lat"])
    line = workspace.border_lines.border_line("RU", "UA")
    assert line.distance(centre) < 1e-4  # on the OpenStreetMap line (~10 m)
    distance_km = GEOD.inv(SUDZHA_POINT.x, SUDZHA_POINT.y, centre.x, centre.y)[2] / 1000.0
    assert distance_km == pytest.approx(9.05, abs=0.3)  # the border point nearest Sudzha
    assert row.geometry.contains(SUDZHA_POINT)
    assert flags_of(row, "border_origin")[0]["distance_km"] == pytest.approx(distance_km, rel=1e-3)


def test_a_claim_dated_before_the_loss_keeps_the_disc(draw, make_claim):
    claim = make_claim("area_held", 330, "km²", km2=330.0, actor="UA", **SUDZHA,
                       as_of_start=date(2025, 3, 1), as_of_end=date(2025, 3, 1))
    row = draw([claim], [SUDZHA_RETAKEN]).iloc[0]
    assert row["shape"] == "border disc" and row["anchor_status"] is None


# -- March: a strip that leaves Sudzha out --------------------------------------------------------------------
def test_a_lost_sudzha_leaves_a_strip_along_the_border(draw, make_claim, russia_near_sudzha):
    row = draw([make_claim("area_held", 110, "km²", km2=110.0, actor="UA", **SUDZHA, **MID_MARCH)],
               [SUDZHA_RETAKEN]).iloc[0]
    assert (row["status"], row["shape"], row["anchor_status"]) == ("mapped", "border strip", LOST)
    assert km2(row.geometry) == pytest.approx(110.0, rel=1e-3)
    assert km2(row.geometry.difference(russia_near_sudzha)) < 1e-3
    assert row.geometry.distance(SUDZHA_POINT) > 0.015  # Sudzha and its own couple of km stay out
    lost = flags_of(row, "anchor_lost")[0]
    assert lost["status_quote"] == SUDZHA_RETAKEN.quote and lost["status_date"] == "2025-03-13"
    assert flags_of(row, "no_side_cue")[0]["severity"] == "warning"  # nothing says which way: said so
    assert row["construction"].startswith("strip of 110 km², 7 km deep along ")
    assert "of the Russia–Ukraine border from its point nearest Sudzha centred on it (no side named), leaving " \
           "out Sudzha (retaken by Russia on 2025-03-13), clipped to Russia" in row["construction"]


def test_the_strip_runs_toward_where_the_holder_still_fights(draw, make_claim):
    claim = make_claim("area_held", 110, "km²", km2=110.0, actor="UA", **SUDZHA, **MID_MARCH)
    centred = draw([claim], [SUDZHA_RETAKEN]).iloc[0]
    toward = draw([claim], [SUDZHA_RETAKEN, BELGOROD_RAIDED]).iloc[0]
    assert "toward Belgorod Oblast" in toward["construction"]
    side = flags_of(toward, "strip_side")[0]
    assert side["statuses"][0]["status_source"] == "news" and not flags_of(toward, "no_side_cue")
    belgorod_corner = shapely.Point(35.6, 51.0)  # where Kursk, Belgorod and Sumy regions meet, south-east
    assert toward.geometry.centroid.distance(belgorod_corner) < centred.geometry.centroid.distance(belgorod_corner)


def test_contradicting_reports_on_one_day_are_flagged_and_not_used(draw, make_claim):
    row = draw([make_claim("area_held", 110, "km²", km2=110.0, actor="UA", **SUDZHA, **MID_MARCH)],
               [SUDZHA_RETAKEN, SUDZHA_HELD]).iloc[0]
    conflict = flags_of(row, "status_conflict")[0]
    assert conflict["severity"] == "warning" and conflict["day"] == "2025-03-13"
    assert {s["status_source"] for s in conflict["statuses"]} == {"news", "other"}
    assert row["shape"] == "border disc" and row["status"] == "mapped"


# -- where the incursion construction does not apply -----------------------------------------------------------
def test_a_claim_inside_the_holders_own_country_keeps_the_disc_on_its_anchor(draw, make_claim):
    row = draw([make_claim("area_retaken", 800, "km²", km2=800.0, actor="RU", **SUDZHA, **AUGUST_2024)]).iloc[0]
    assert (row["shape"], row["host"]) == ("disc", "RU-KRS")
    assert row["construction"].endswith("centred on Sudzha, clipped to Kursk Oblast")


def test_an_anchor_with_no_border_within_reach_is_drawn_around_the_anchor_and_flagged(draw, make_claim):
    row = draw([make_claim("area_held", 500, "km²", km2=500.0, actor="RU", **POKROVSK, **AUGUST_2024)]).iloc[0]
    flag = flags_of(row, "border_out_of_reach")[0]
    assert flag["distance_km"] > flag["reach_km"] == pytest.approx(30.0)
    assert row["shape"] == "disc" and row["construction"].endswith("centred on Pokrovsk, clipped to Donetsk Oblast")
    assert km2(row.geometry) == pytest.approx(500.0, rel=1e-3)


def test_a_holder_with_no_land_border_is_flagged(draw, make_claim):
    row = draw([make_claim("area_held", 100, "km²", km2=100.0, actor="US", **SUDZHA, **AUGUST_2024)]).iloc[0]
    assert flags_of(row, "no_crossing_border") and row["shape"] == "disc"


def test_a_host_that_cannot_contain_the_area_is_not_drawn(draw, make_claim):
    """The Gaza Strip is ~365 km²: 1,368 km² held there cannot be drawn (the West Bank is another piece)."""
    row = draw([make_claim("area_held", 1368, "km²", km2=1368.0, actor="IL", **GAZA, **AUGUST_2024)]).iloc[0]
    assert row["status"] == "unmapped" and row.geometry is None
    assert row["reason"].startswith("claimed 1,368 km² exceeds Palestinian Territory near the border")


def test_a_strip_the_border_cannot_hold_is_not_drawn_and_says_why(draw, make_claim):
    """Sudzha lost, and more held than any strip along the Russia-Ukraine border could cover."""
    row = draw([make_claim("area_held", 5e7, "km²", km2=5e7, actor="UA", **SUDZHA, **MID_MARCH)],
               [SUDZHA_RETAKEN]).iloc[0]
    assert row["status"] == "unmapped" and row.geometry is None
    assert "strip along the whole Russia–Ukraine border near Sudzha holds less than 50,000,000 km²" in row["reason"]
    assert flags_of(row, "anchor_lost")


def test_odd_claims_across_borders_never_crash(draw, make_claim):
    claims = [make_claim("area_held", 5e7, "km²", km2=5e7, actor="UA", **SUDZHA, **MID_MARCH),
              make_claim("area_held", 0.01, "km²", km2=0.01, actor="UA", **SUDZHA, **MID_MARCH),
              make_claim("area_held", 50, "km²", km2=50.0, actor="UA", place="Sea", anchor_lon=30.0, anchor_lat=43.0),
              make_claim("share_retaken", 0.86, "%", share=0.86, actor="RU", **SUDZHA, **MID_MARCH)]
    frame = draw(claims, [SUDZHA_RETAKEN, SUDZHA_HELD, BELGOROD_RAIDED])
    assert len(frame) == 4
    assert all(row["status"] == "mapped" or row["reason"] for _, row in frame.iterrows())


# -- a buffer zone is a band on its line ----------------------------------------------------------------------
def test_a_buffer_zone_along_gazas_perimeter_is_a_band_on_it(draw, make_claim, workspace):
    quote = "Israel has widened its buffer zone along the Gaza perimeter to 60 square kilometres."
    row = draw([make_claim("area_held", 60, "km²", km2=60.0, actor="IL", quote=quote, **GAZA,
                           **AUGUST_2024)]).iloc[0]
    assert (row["status"], row["shape"], row["host"]) == ("mapped", "buffer-zone band", "PS-GZZ")
    assert km2(row.geometry) == pytest.approx(60.0, rel=1e-3)
    gaza = workspace.accurate_polygon("PS-GZZ")
    assert km2(row.geometry.difference(gaza)) < 1e-3
    for neighbour in ("IL", "EG"):  # along both land borders of the strip
        assert row.geometry.distance(workspace.border_lines.border_line("PS", neighbour)) < 1e-3
    assert row["construction"].startswith("band of 60 km², ") and "deep along the perimeter of Gaza" in \
        row["construction"]


# -- the status index ------------------------------------------------------------------------------------------
def test_what_a_status_means_depends_on_who_holds_the_area():
    assert relation(SUDZHA_RETAKEN, "UA") == LOST and relation(SUDZHA_RETAKEN, "RU") == HELD
    assert relation(SUDZHA_HELD, "UA") == HELD
    withdrawn = status("Sudzha", "486816", "withdrawn", None, date(2025, 3, 13), 35.271, 51.191)
    assert relation(withdrawn, "UA") == LOST  # "the withdrawal from Sudzha": by whoever held it


def test_the_latest_report_on_or_before_the_claim_decides():
    index = StatusIndex([status("Sudzha", "486816", "captured", "UA", date(2024, 8, 10), 35.271, 51.191),
                         SUDZHA_RETAKEN])
    assert index.anchor_state("486816", "UA", date(2024, 8, 31)).state == HELD
    assert index.anchor_state("486816", "UA", date(2025, 3, 13)).state == LOST
    assert index.anchor_state("486816", "UA", date(2024, 8, 1)) is None
    assert index.anchor_state("486816", "UA", None) is None
