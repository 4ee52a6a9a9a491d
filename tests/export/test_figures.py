"""Static figures: PNGs decode at the size the dpi asks for, SVGs parse and carry their text, both repeat exactly."""

from __future__ import annotations

import hashlib
import logging
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.errors
from shapely.affinity import translate
from PIL import Image
from pyproj import Geod

from geomap.errors import GeomapError
from geomap.figures import (
    ATTRIBUTION, CHART_SIZE_IN, MAP_SIZE_IN, area_chart_figure, claims_map_figure, focus_cluster, nice_length,
    scale_bar, write_figures,
)
from geomap.records import Source

DATA = Path(__file__).parent.parent / "data"
SOURCE_COLOURS = {"wire": (0x00, 0x72, 0xB2), "daily": (0xD5, 0x5E, 0x00), "paper": (0x00, 0x9E, 0x73)}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def svg_text(path) -> str:
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(" ".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text"))


def colour_pixels(path, rgb, tolerance: int = 6) -> int:
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())


@pytest.fixture(scope="module")
def august_png(tables, tmp_path_factory):
    return claims_map_figure(tables, "2024-08", tmp_path_factory.mktemp("fig") / "map.png", dpi=200)


def test_map_png_decodes_at_the_size_the_dpi_gives(august_png):
    with Image.open(august_png) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (round(MAP_SIZE_IN[0] * 200), round(MAP_SIZE_IN[1] * 200))
        assert "Software" not in image.info


def test_map_draws_the_windows_claims_in_their_source_colours(august_png):
    # August has claims from "wire" and "daily"; "paper" only claims in March.
    assert colour_pixels(august_png, SOURCE_COLOURS["wire"]) > 500
    assert colour_pixels(august_png, SOURCE_COLOURS["daily"]) > 500
    assert colour_pixels(august_png, SOURCE_COLOURS["paper"]) == 0


def test_map_svg_parses_with_legend_title_and_attribution(tables, tmp_path):
    path = claims_map_figure(tables, "2025-03", tmp_path / "map.svg")
    text = svg_text(path)
    assert ATTRIBUTION in text
    assert "Claimed territory · 2025-03-13" in text  # named by the day its claims cover
    for name in ("Daily Two", "Paper Three", "Wire One"):  # all three have March claims
        assert name in text
    assert "110 km²" in text and "Sudzha" in text and "km" in text  # a claim, a place, the scale bar


def test_map_files_repeat_byte_for_byte(tables, tmp_path):
    for suffix in ("png", "svg"):
        first = claims_map_figure(tables, "all", tmp_path / f"a.{suffix}", dpi=72)
        second = claims_map_figure(tables, "all", tmp_path / f"b.{suffix}", dpi=72)
        assert sha256(first) == sha256(second), suffix


def test_chart_png_and_svg(tables, tmp_path):
    png = area_chart_figure(tables, tmp_path / "chart.png", dpi=300)
    with Image.open(png) as image:
        image.load()
        assert image.size == (round(CHART_SIZE_IN[0] * 300), round(CHART_SIZE_IN[1] * 300))
    assert colour_pixels(png, SOURCE_COLOURS["daily"]) > 300
    svg = area_chart_figure(tables, tmp_path / "chart.svg")
    text = svg_text(svg)
    assert "Claimed area over time" in text and "claimed area (km²)" in text
    for name in ("Wire One", "Daily Two", "Paper Three", "reference"):
        assert name in text
    again = area_chart_figure(tables, tmp_path / "again.svg")
    assert sha256(svg) == sha256(again)


def test_unknown_window_and_format_are_refused(tables, tmp_path):
    with pytest.raises(ValueError, match="2023-01"):
        claims_map_figure(tables, "2023-01", tmp_path / "map.png")
    with pytest.raises(ValueError, match="PNG or SVG"):
        claims_map_figure(tables, "2024-08", tmp_path / "map.pdf")
    assert list(tmp_path.iterdir()) == []


def test_write_figures_writes_a_map_per_window_and_the_chart(tables, tmp_path):
    written = write_figures(tables, tmp_path, dpi=50, formats=("png",))
    assert [p.name for p in written] == ["map_2024-08.png", "map_2025-03.png", "area_chart.png"]


def test_outlines_of_a_shape_the_projection_left_crossing_itself_are_compared(caplog):
    """Two claimed areas of a 10,000-article build whose comparison stopped its figures: the second crosses itself
    by a hair in the map's metres, and GEOS's floating-point symmetric difference raised "side location conflict".
    They are compared on their valid forms, on a 1 cm grid: about 1,000 km² each, around different anchors, so
    their outlines do not coincide, and the first is not counted as covered."""
    from geomap.figures.claims_map import coincide, covering_counts

    path = DATA / "figures" / "outlines_side_location_conflict.wkt"
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    first, crossing = shapely.from_wkt(lines)
    assert first.is_valid and not crossing.is_valid
    assert abs(first.area - 1e9) < 0.03e9 and abs(crossing.area - 1e9) < 0.03e9
    with caplog.at_level(logging.INFO, logger="geomap"):
        assert not coincide(first, crossing)
        assert not coincide(crossing, first)
        assert covering_counts(np.array([first, crossing, first], dtype=object)) == [1, 0, 0]
    assert any("side location conflict" in record.getMessage() for record in caplog.records)


def test_a_figure_says_once_how_many_of_its_overlays_needed_the_grid(caplog):
    """A busy window compares one self-crossing area with many others: one note for the figure, with the count,
    not one per comparison; notes on another figure's overlays are left as they are."""
    from geomap.figures.claims_map import covering_counts, overlay_notes_once

    path = DATA / "figures" / "outlines_side_location_conflict.wkt"
    first, crossing = shapely.from_wkt([line for line in path.read_text().splitlines()
                                        if line and not line.startswith("#")])
    shapes = np.array([first, crossing, first, crossing, first], dtype=object)  # 7 pairs with a crossing one
    with caplog.at_level(logging.INFO, logger="geomap"):
        with overlay_notes_once("claims map of 2024-08"):
            covering_counts(shapes, what="claims map of 2024-08")
            covering_counts(shapes[:2], what="claims map of 2025-03")
    notes = [record.getMessage() for record in caplog.records if "GEOS could not overlay" in record.getMessage()]
    ours = [note for note in notes if note.startswith("claims map of 2024-08")]
    assert len(ours) == 1, notes
    assert "7 times" in ours[0] and "outlines ×7" in ours[0] and "side location conflict" in ours[0]
    assert len([note for note in notes if note.startswith("claims map of 2025-03")]) == 1


def refuse_overlays_of(window: str, monkeypatch) -> None:
    """Make every overlay of ``window``'s claims map fail even on the snap-rounding grid.

    No shapes are known on which GEOS's overlay fails once they are made valid and snap-rounded, so the failure
    that the figures must survive is raised here, for that one map.
    """
    from geomap.geometry import overlay

    real_union = overlay.union

    def union(geometries, grid, what):
        if f"claims map of {window}" in what:
            raise shapely.errors.GEOSException("TopologyException: side location conflict at 16181.06 -63988.56")
        return real_union(geometries, grid, what)

    monkeypatch.setattr(overlay, "union", union)


def test_a_map_geos_cannot_draw_is_left_out_with_a_warning_naming_it(tables, tmp_path, monkeypatch, caplog):
    refuse_overlays_of("2024-08", monkeypatch)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        written = write_figures(tables, tmp_path, dpi=50, formats=("png", "svg"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written) == [
        "area_chart.png", "area_chart.svg", "map_2025-03.png", "map_2025-03.svg"]
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "map_2024-08" in warnings[0] and "side location conflict" in warnings[0]


def test_a_build_whose_map_geos_cannot_draw_writes_everything_else(tmp_path, monkeypatch):
    """The skipped figure is drawn in a worker (forked: it inherits the failure); the build still writes."""
    from geomap import pipeline

    refuse_overlays_of("2024-08", monkeypatch)
    results = pipeline.run_sources([Source(id="a", text=(
        "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."))])
    assert set(results.claim_geoms["window"]) == {"2024-08"}  # the map the failure is for
    written = {path.name for path in pipeline.write(results, tmp_path / "out")}
    assert {"index.html", "geomap.gpkg", "area_chart.png"} <= written
    assert not (tmp_path / "out" / "figures" / "map_2024-08.png").exists()
    assert (tmp_path / "out" / "figures" / "area_chart.png").exists()


@pytest.mark.parametrize("target, expected", [(0.7, 0.5), (1, 1), (3.2, 2), (7, 5), (19, 10), (260, 200)])
def test_nice_length(target, expected):
    assert nice_length(target) == expected


def test_scale_bar_length_is_true_on_the_ellipsoid(tables):
    from geomap.figures import MapView
    from geomap.view import claim_records

    shapes = [c["geometry"] for c in claim_records(tables["claim_geoms"]) if c["geometry"] is not None]
    view = MapView.around(shapes, [], MAP_SIZE_IN, (0, 0, 0.6, 0.8))
    km, length = scale_bar(view)
    minx, miny, maxx, maxy = view.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    (lon1, lon2), (lat1, lat2) = view.to_lonlat.transform([cx - length / 2, cx + length / 2], [cy, cy])
    ground_km = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000
    assert ground_km == pytest.approx(km, rel=1e-3)
    assert 0.1 < length / (maxx - minx) <= 0.22


def test_focus_cluster_frames_the_busiest_group_of_claims():
    sudzha = [shapely.Point(35.27, 51.19).buffer(0.1), shapely.Point(35.3, 51.2).buffer(0.2),
              shapely.LineString([(35.0, 51.0), (35.5, 51.3)])]
    donetsk = shapely.Point(37.8, 48.0).buffer(0.3)
    assert focus_cluster([donetsk] + sudzha) == [1, 2, 3]
    assert focus_cluster([donetsk]) == [0]
    assert focus_cluster([]) == []


def test_focus_cluster_counts_neighbours_as_the_ellipsoid_measures_them():
    """Claims a hair inside and outside the radius, at latitudes where a sphere's distances are furthest from the
    ellipsoid's (equator, 60°N, north-south and east-west): the frame is the busiest group the geodesic finds."""
    geod = Geod(ellps="WGS84")
    points = []
    for lat in (0.0, 60.0):
        for azimuth in (0.0, 90.0):
            for metres in (149_900.0, 150_100.0, 148_000.0, 152_500.0):
                lon, lat_end, _ = geod.fwd(30.0, lat, azimuth, metres)
                points.append(shapely.Point(lon, lat_end))
        points.append(shapely.Point(30.0, lat))
    lons = np.array([p.x for p in points])
    lats = np.array([p.y for p in points])
    neighbours = [np.flatnonzero(geod.inv(np.full(len(points), lon), np.full(len(points), lat), lons, lats)[2]
                                 <= 150_000.0) for lon, lat in zip(lons, lats)]
    best = max(range(len(points)), key=lambda i: (len(neighbours[i]), -i))
    assert focus_cluster(points) == neighbours[best].tolist()
    assert len(neighbours[best]) == 5  # of the four at one distance and azimuth, two are within the radius


def test_a_far_away_claim_is_named_under_the_map_not_framed(tables, tmp_path):
    claim_geoms = tables["claim_geoms"].copy()
    far = claim_geoms["claim_id"] == "daily#1"
    claim_geoms.loc[far, "geometry"] = claim_geoms.loc[far, "geometry"].apply(lambda g: translate(g, 2.5, -3.2))
    path = claims_map_figure({**tables, "claim_geoms": claim_geoms}, "all", tmp_path / "map.svg")
    text = svg_text(path)
    assert "Outside this map" in text and "daily#1" in text
    assert "Overview" in text
    assert "10 km" in text or "20 km" in text  # still the local scale, not hundreds of km


def test_coinciding_outlines_are_counted_as_comparing_every_pair():
    from geomap.figures.claims_map import coincide, covering_counts

    base = shapely.Point(0, 0).buffer(10_000)
    shapes = np.array([base, base.buffer(100), translate(base, 50), translate(base, 30_000), base.buffer(-2_000),
                       shapely.LineString([(0, 0), (5_000, 0)]), shapely.LineString([(0, 0), (5_000, 0)]),
                       translate(base, 30_010), shapely.LineString([(0, 5e-7), (5_000, 5e-7)]),
                       shapely.LineString([(0, 5e-6), (5_000, 5e-6)]), shapely.Polygon()], dtype=object)
    brute = [sum(coincide(shapes[i], shapes[j]) for j in range(i + 1, len(shapes))) for i in range(len(shapes))]
    assert covering_counts(shapes) == brute
    assert brute[0] == 2 and brute[5] == 2 and brute[6] == 1  # the check finds something to count


def test_legend_room_keeps_every_entry_that_can_show():
    from geomap.figures.style import legend_room

    labels = ["one line", "two\nlines"] * 100
    count = legend_room(labels, 400, 8.5, 10, 1.6, 0.9)
    assert 0 < count < len(labels)
    assert legend_room(labels[:3], 400, 8.5, 10, 1.6, 0.9) == 3
    # Each entry is at least this tall, so the first one left out starts below the room.
    tallest_start = 10 + sum((max(label.count("\n") + 1, 1.6) + 0.9) * 8.5 for label in labels[:count])
    assert tallest_start >= 400


def test_one_collection_draws_what_one_geopandas_plot_per_geometry_draws(tmp_path):
    import geopandas
    from matplotlib.figure import Figure

    from geomap.figures.draw import add_lines, add_polygons
    from geomap.figures.style import DeferredCanvas

    shapes = [shapely.Point(0, 0).buffer(3), shapely.Polygon(shapely.box(4, 4, 9, 9).exterior,
                                                            [shapely.box(5, 5, 6, 6).exterior]),
              shapely.MultiPolygon([shapely.box(-8, 2, -6, 4), shapely.box(-5, -5, -4, -2)])]
    colours = ["#0072b2", "#d55e00", "#009e73"]

    def draw(batched: bool, path):
        figure = Figure(figsize=(3, 3))
        DeferredCanvas(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        if batched:
            add_polygons(ax, shapes, facecolor=colours, edgecolor="none", zorder=3)
            add_lines(ax, shapely.boundary(shapes).tolist(), color=colours, linewidth=[2.0, 1.0, 3.0],
                      linestyle=["solid", (0, (6, 3)), (0, (2, 3))], zorder=3.01)
        else:
            for shape, colour, width, style in zip(shapes, colours, [2.0, 1.0, 3.0],
                                                   ["solid", (0, (6, 3)), (0, (2, 3))]):
                series = geopandas.GeoSeries([shape], crs="EPSG:3857")
                series.plot(ax=ax, facecolor=colour, edgecolor="none", zorder=3)
            for shape, colour, width, style in zip(shapes, colours, [2.0, 1.0, 3.0],
                                                   ["solid", (0, (6, 3)), (0, (2, 3))]):
                geopandas.GeoSeries([shape], crs="EPSG:3857").boundary.plot(ax=ax, color=colour, linewidth=width,
                                                                            linestyle=style, zorder=3.01)
        ax.set_xlim(-10, 10)
        ax.set_ylim(-10, 10)
        ax.set_aspect("equal")
        figure.savefig(path, dpi=100)
        return np.asarray(Image.open(path).convert("RGB")).astype(int)

    one_by_one, together = draw(False, tmp_path / "a.png"), draw(True, tmp_path / "b.png")
    assert np.abs(one_by_one - together).max() <= 2  # the same pixels, but for antialiasing


def test_windows_shared_among_workers_give_the_same_files(tables, tmp_path):
    """A run's windows are shared among the workers of its pool: the same files, byte for byte, as drawn by one."""
    from geomap.workers import Workers

    alone = write_figures(tables, tmp_path / "one", dpi=50, formats=("png", "svg"))
    maps = sorted({p.name.split(".")[0][len("map_"):] for p in alone if p.name.startswith("map_")})
    assert len(maps) >= 2  # two windows or more
    with Workers(2) as workers:
        drawn = [workers.submit(write_figures, tables, tmp_path / "two", 50, ("png", "svg"), [label], index == 0)
                 for index, label in enumerate(maps)]
        shared = [path for future in drawn for path in future.result()]
    assert sorted(p.name for p in alone) == sorted(p.name for p in shared)
    for one in alone:
        assert one.read_bytes() == (tmp_path / "two" / one.name).read_bytes(), one.name


def test_a_failing_figure_worker_fails_the_whole_drawing(tmp_path, monkeypatch):
    """A build whose figures fail in a worker fails as a whole, saying why, and writes nothing."""
    from geomap import pipeline

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("geomap.figures.write_figures", fail)  # the workers are forked: they inherit the patch
    results = pipeline.run_sources([Source(id="a", text=(
        "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."))])
    with pytest.raises(GeomapError, match="drawing the figures failed: RuntimeError: disk full"):
        pipeline.write(results, tmp_path / "out")
    assert not (tmp_path / "out").exists()
