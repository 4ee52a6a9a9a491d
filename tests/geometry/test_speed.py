"""The shortcuts that keep the geometry stage fast give the same numbers as the slow way."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from geomap.geometry.bases import AreaClaim, ShareBases, share_base
from geomap.geometry.build import claim_rows
from geomap.geometry.projection import LONLAT, LocalProjection
from geomap.geometry.workspace import Recent, Workspace
from tests.geometry.conftest import AUGUST_2024, SUDZHA

CENTRES = [(35.271, 51.191), (0.0, 0.0), (-179.9, -45.5), (179.99, 89.5), (34.4667, 31.5), (-70.123456, -33.45)]


@pytest.mark.parametrize("lon, lat", CENTRES)
def test_projection_pipeline_matches_from_crs_bit_for_bit(lon, lat):
    local = LocalProjection(lon, lat)
    crs = CRS.from_proj4(local.proj_string)
    forward = Transformer.from_crs(LONLAT, crs, always_xy=True)
    inverse = Transformer.from_crs(crs, LONLAT, always_xy=True)
    rng = np.random.default_rng(0)
    lons = np.clip(lon + rng.normal(0.0, 5.0, 2000), -180.0, 180.0)
    lats = np.clip(lat + rng.normal(0.0, 5.0, 2000), -90.0, 90.0)
    x, y = local._forward.transform(lons, lats)
    assert np.array_equal(np.array(forward.transform(lons, lats)), np.array([x, y]), equal_nan=True)
    assert np.array_equal(np.array(inverse.transform(x, y)), np.array(local._inverse.transform(x, y)),
                          equal_nan=True)
    assert local.crs == crs


def test_recent_keeps_the_last_results_and_recomputes_older_ones():
    calls = []
    recent = Recent(2)

    def compute(key):
        calls.append(key)
        return key * 10

    assert [recent.get(k, lambda k=k: compute(k)) for k in (1, 2, 1, 3, 2, 1)] == [10, 20, 10, 30, 20, 10]
    assert calls == [1, 2, 3, 2, 1]  # 2 was dropped when 3 came (1 had been used since)


def test_region_codes_match_a_scan_of_every_polygon(regions):
    def scanned(kind, bbox):
        box = shapely.box(*bbox)
        return [regions.codes[i] for i in np.flatnonzero(regions.kinds == kind)
                if regions.geometries[i].intersects(box)]

    for kind, bbox in (("country", (30.0, 44.0, 40.0, 53.0)), ("country", (34.0, 31.0, 35.0, 32.0)),
                       ("admin1", (35.0, 51.0, 35.5, 51.5)), ("country", (0.0, 0.0, 0.1, 0.1))):
        assert regions.codes_of(kind, bbox) == scanned(kind, bbox)
        frame = regions.frame(kind, bbox)
        assert (list(frame["code"]) if len(frame) else []) == scanned(kind, bbox)
    assert regions.codes_of("country", (0.0, 0.0, 0.1, 0.1)) == []  # open sea
    assert len(regions.codes_of("country")) == int((regions.kinds == "country").sum())


def test_share_bases_match_one_off_lookups(make_claim):
    areas = [AreaClaim("a#1", "a", "area_seized", 1000.0, "2024-08", "RU-KRS"),
             AreaClaim("a#2", "a", "area_held", 1300.0, "2024-09", "RU-KRS"),
             AreaClaim("b#1", "b", "area_held", 800.0, "2024-08", None),
             AreaClaim("c#1", "c", "area_retaken", 200.0, "2024-10", "RU-BEL"),
             AreaClaim("c#2", "c", "area_held", 600.0, "2024-10", "RU-KRS")]
    bases = ShareBases(areas)
    for source in ("a", "b", "c", "d"):
        for window in ("2024-08", "2024-09", "2025-03", "undated"):
            for region in ("RU-KRS", "RU-BEL", None):
                share = make_claim("share_held", 30, "%", source=source, share=0.3)
                assert bases.base(share, window, region) == share_base(share, window, region, areas)


def test_repeated_band_claims_are_drawn_once_and_identically(gazetteer, regions, make_claim):
    quote = "advanced 10 km deep along a 20 km front near Sudzha"
    claims = [make_claim(kind, value, "km", source=source, km=float(value), quote=quote, start=start,
                         end=start + 5, quote_start=0, **SUDZHA, **AUGUST_2024)
              for source in ("s1", "s2") for kind, value, start in (("depth", 10, 9), ("front_width", 20, 30))]
    workspace = Workspace(gazetteer, regions)
    drawn = []
    workspace.bands = _Counting(workspace.bands, drawn)
    rows = claim_rows(claims, workspace)
    assert len(drawn) == 1  # the same anchor, depth and width: one band for all four claims
    bands = [row["geometry"] for row in rows if row["role"] == "band"]
    assert len(bands) == 4 and all(shapely.equals_exact(band, bands[0], 0.0) for band in bands)


class _Counting:
    """A Recent that records which keys it had to compute."""

    def __init__(self, recent: Recent, computed: list):
        self.recent, self.computed = recent, computed

    def get(self, key, compute):
        return self.recent.get(key, lambda: (self.computed.append(key), compute())[1])


def test_cutting_a_stretch_out_of_a_real_border_matches_shapely_to_the_bit(gazetteer, regions):
    from shapely.ops import substring as walked

    from geomap.geometry.borders import nearest_component, substring
    from geomap.geometry.constructions import inner_edge_line

    workspace = Workspace(gazetteer, regions)
    projection = workspace.projection(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"])
    border = nearest_component(workspace.local_border_line(projection, "RU", "UA", 256.0), shapely.Point(0, 0))
    rng = np.random.default_rng(1)
    for line in (border, inner_edge_line(border, 7000.0)):
        cuts = [(0.0, line.length), (0.0, 1.0), (line.length - 1.0, line.length)]
        cuts += [tuple(sorted(pair)) for pair in rng.uniform(0.0, line.length, (200, 2))]
        for start, end in cuts:
            assert np.array_equal(shapely.get_coordinates(substring(line, start, end)),
                                  shapely.get_coordinates(walked(line, start, end)))
    assert substring(border, 5000.0, 1000.0).equals(walked(border, 5000.0, 1000.0))  # reversed: shapely's own


def test_source_peaks_match_the_tiers_read_plainly():
    """The bisected peaks (SourcePeaks) are the module docstring's tiers, ties and all."""
    import random

    from geomap.geometry.bases import HELD_KINDS, UNDATED, SourcePeaks, natural_claim_key

    def plain_peak(areas, window):
        earlier = [a for a in areas if a.kind in HELD_KINDS and UNDATED not in (window, a.window) and a.window < window]
        for tier in (earlier, [a for a in areas if a.kind in HELD_KINDS], areas):
            if tier:
                return sorted(tier, key=lambda a: (-a.km2, natural_claim_key(a.claim_id)))[0]
        return None

    draw = random.Random(18)
    windows = ["2024-07", "2024-08", "2024-09", "2025-03", UNDATED]
    for _ in range(2000):
        areas = [AreaClaim(f"s#{draw.randint(1, 9)}", "s", draw.choice(("area_held", "area_seized", "area_retaken")),
                           float(draw.choice((50, 386, 1300))), draw.choice(windows), None)
                 for _ in range(draw.randint(0, 6))]
        peaks = SourcePeaks(areas)
        for window in [*windows, "2024-01", "2026-01"]:
            assert peaks.at(window) is plain_peak(areas, window)


def test_status_index_answers_as_a_scan_of_every_status():
    """The date-ordered indexes give each claim the anchor states and nearby statuses a plain scan finds, in order."""
    import math
    import random
    from datetime import date, timedelta

    from geomap.geometry.statuses import SIDE_CUE_DAYS, StatusIndex, relation, status_date
    from geomap.records import PlaceStatus

    draw = random.Random(18)
    places = [(f"p{i}", 35.0 + draw.uniform(-2, 2), 51.0 + draw.uniform(-2, 2)) for i in range(12)]
    statuses = []
    for index in range(600):
        place_id, lon, lat = draw.choice(places)
        day = date(2024, 8, 1) + timedelta(days=draw.randint(0, 90))
        statuses.append(PlaceStatus(
            f"s{draw.randint(1, 30)}", place_id, place_id, "populated_place", "RU", lon, lat,
            draw.choice(("captured", "retaken", "lost", "withdrawn", "held", "fought_over", "withdrawn_to")),
            draw.choice((None, "UA", "RU")), "cue", None, day if draw.random() < 0.5 else None, None, "quote",
            0, 10, draw.randint(0, 5), 6, day))

    def plain_state(place_id, holder, as_of):
        decisive = [(status_date(s), relation(s, holder), s) for s in statuses if s.place_id == place_id]
        decisive = [(day, rel, s) for day, rel, s in decisive if rel in ("lost", "held") and day <= as_of]
        if not decisive:
            return None
        latest = max(day for day, _, _ in decisive)
        on_day = [(rel, s) for day, rel, s in decisive if day == latest]
        return (latest, {rel for rel, _ in on_day}, tuple(s for _, s in on_day))

    def plain_near(lon, lat, as_of, holder, wanted):
        # every status of the index's grid cells (whole degrees, as many either way as 100 km needs there), cell by
        # cell, in the corpus' order, then sorted by source and offset
        low, high = as_of - timedelta(days=SIDE_CUE_DAYS), as_of + timedelta(days=SIDE_CUE_DAYS)
        lat_cells = math.ceil(100.0 / 111.0) + 1
        lon_cells = math.ceil(100.0 / (111.0 * math.cos(math.radians(lat)))) + 1
        found = []
        for dx in range(-lon_cells, lon_cells + 1):
            for dy in range(-lat_cells, lat_cells + 1):
                for s in statuses:
                    if (math.floor(s.lon), math.floor(s.lat)) != (math.floor(lon) + dx, math.floor(lat) + dy):
                        continue
                    if s.status == "withdrawn_to":
                        rel = "withdrawn_to" if s.actor in (None, holder) else None
                    else:
                        rel = relation(s, holder)
                    if low <= status_date(s) <= high and rel in wanted:
                        found.append((s, rel))
        return sorted(found, key=lambda item: (item[0].source, item[0].start))

    index = StatusIndex(statuses)
    for _ in range(300):
        place_id, lon, lat = draw.choice(places)
        as_of = date(2024, 8, 1) + timedelta(days=draw.randint(-10, 100))
        holder = draw.choice((None, "UA", "RU"))
        state = index.anchor_state(place_id, holder, as_of)
        expected = plain_state(place_id, holder, as_of)
        assert (None if state is None else (state.day, {"conflict"} if state.state == "conflict" else {state.state},
                                            state.evidence)) == \
            (None if expected is None else (expected[0], expected[1] if len(expected[1]) == 1 else {"conflict"},
                                            expected[2]))
        for wanted in (("held", "contested"), ("withdrawn_to",)):
            assert index.near(lon, lat, 100.0, as_of, holder, wanted) == plain_near(lon, lat, as_of, holder, wanted)
