"""Draw docs/constructions.png: how geomap turns a claimed area into a shape, one panel per construction.

Every panel is made by the same functions the geometry stage uses
(:mod:`geomap.geometry.constructions`, :func:`geomap.geometry.buffers.solve_local_radius`, and for the
last panel the whole stage on the bundled data), so the figure shows what the code does, not a sketch
of it. Run from the repository root::

    .venv/bin/python docs/constructions.py            # writes docs/constructions.png
"""

from __future__ import annotations

import sys
import textwrap
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
import shapely.ops  # noqa: E402

from geomap.geometry.buffers import solve_local_radius  # noqa: E402
from geomap.geometry.constructions import accurate_side, solve_band_depth, solve_strip  # noqa: E402

KM = 1000.0
HOST, NEIGHBOUR, SEA = "#f3f0e8", "#dfe7d3", "#c6dbe9"
SHAPE, LINE, LOST = "#0072B2", "#333333", "#D55E00"
OUT = Path(__file__).with_name("constructions.png")


def km(coords) -> list:
    return [[value / KM for value in axis] for axis in coords]


def fill(ax, geometry, **style) -> None:
    for part in shapely.get_parts(geometry):
        if part.geom_type == "Polygon":
            ax.fill(*km(part.exterior.xy), **style)


def outline(ax, geometry, **style) -> None:
    for part in shapely.get_parts(geometry):
        coords = part.exterior.xy if part.geom_type == "Polygon" else part.xy
        ax.plot(*km(coords), **style)


def scene(ax, host, neighbour, shape, line) -> None:
    """The host, its neighbour, a solved shape and the border line it was drawn from."""
    fill(ax, host, color=HOST)
    fill(ax, neighbour, color=NEIGHBOUR)
    fill(ax, shape, color=SHAPE, alpha=0.35)
    outline(ax, shape, color=SHAPE, lw=1.5)
    outline(ax, line, color=LINE, lw=1.5)


def point(ax, geometry, label: str, color: str = LINE, marker: str = "o") -> None:
    ax.plot(geometry.x / KM, geometry.y / KM, marker=marker, color=color, markersize=7, zorder=5)
    ax.annotate(label, (geometry.x / KM, geometry.y / KM), xytext=(6, 4), textcoords="offset points", fontsize=8)


def caption(ax, text: str) -> None:
    ax.text(0.0, -0.09, textwrap.fill(text, 78), transform=ax.transAxes, fontsize=7.5, va="top")


def frame(ax, title: str, text: str, extent: tuple[float, float, float, float]) -> None:
    ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    caption(ax, text)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7)
    ax.set_facecolor(SEA)


def border_world():
    """A wiggly land border along y ~ 0: host to the north, neighbour to the south."""
    line = shapely.LineString([(-60 * KM, 2 * KM), (-30 * KM, -3 * KM), (-10 * KM, 1 * KM), (5 * KM, -4 * KM),
                               (25 * KM, 3 * KM), (60 * KM, -1 * KM)])
    land = shapely.box(-60 * KM, -40 * KM, 60 * KM, 60 * KM)
    north = shapely.Polygon([*line.coords, (60 * KM, 60 * KM), (-60 * KM, 60 * KM)])
    return line, north, land.difference(north)


def panel_anchor_disc(ax) -> None:
    line, host, neighbour = border_world()
    town = shapely.Point(0, 35 * KM)
    solved = solve_local_radius(town, 800 * KM * KM, host)
    scene(ax, host, neighbour, solved.geometry, line)
    point(ax, town, "anchor")
    frame(ax, "disc on the anchor", "An area held inside the holder's own country (or with no border near): the "
          "disc around the anchor whose part inside the host region is the claimed area (800 km²).",
          (-60, -40, 60, 60))


def panel_border_disc(ax) -> None:
    line, host, neighbour = border_world()
    town = shapely.Point(12 * KM, 14 * KM)
    origin = shapely.ops.nearest_points(line, town)[0]
    solved = solve_local_radius(origin, 1300 * KM * KM, host)
    scene(ax, host, neighbour, solved.geometry, line)
    ax.plot([town.x / KM, origin.x / KM], [town.y / KM, origin.y / KM], color=LINE, lw=0.8, ls=":")
    point(ax, town, "anchor")
    point(ax, origin, "nearest border point", marker="s")
    frame(ax, "disc on the crossing border", "Held across the border (Ukraine in Kursk): centred on the border "
          "point nearest the anchor, clipped to the host along the accurate line; 1,300 km².", (-60, -40, 60, 60))


def panel_strip(ax) -> None:
    line, host, neighbour = border_world()
    town = shapely.Point(12 * KM, 10 * KM)
    origin = shapely.ops.nearest_points(line, town)[0]
    fought = shapely.Point(36 * KM, 14 * KM)
    solved = solve_strip(line, origin, -1 if fought.x < origin.x else 1, 6 * KM, host, 150 * KM * KM,
                         leave_out=town.buffer(2 * KM))
    scene(ax, host, neighbour, solved.geometry, line)
    point(ax, town, "anchor (lost)", color=LOST, marker="X")
    point(ax, fought, "fought over", color="#E69F00")
    point(ax, origin, "", marker="s")
    frame(ax, "strip beside a lost anchor", "Once the articles report the anchor lost: a strip along the border "
          "that leaves it out, grown from the point nearest it toward the places still held or fought over; "
          "150 km², 6 km deep.", (-60, -40, 60, 60))


def panel_band(ax) -> None:
    land = shapely.box(0, 0, 12 * KM, 45 * KM)  # a strip of land: sea to the west, borders east and south
    neighbour = shapely.box(12 * KM, -20 * KM, 40 * KM, 60 * KM).union(shapely.box(-20 * KM, -20 * KM, 40 * KM, 0))
    perimeter = shapely.MultiLineString([[(12 * KM, 45 * KM), (12 * KM, 0)], [(12 * KM, 0), (0, 0)]])
    solved = solve_band_depth(perimeter, land, 60 * KM * KM)
    scene(ax, land, neighbour, solved.geometry, perimeter)
    frame(ax, "buffer zone on its line", "A buffer zone along a border or a perimeter (Gaza): a band on that line, "
          "its depth solved so that it covers the claimed area (60 km², 1.1 km deep); the coast has none.",
          (-20, -10, 40, 55))


def panel_accurate_host(ax) -> None:
    line, _, _ = border_world()
    # a generalised outline that reaches across the real border in places and stops short of it in others
    coarse_edge = shapely.LineString([(-60 * KM, -2 * KM), (-20 * KM, -4 * KM), (10 * KM, 3 * KM),
                                      (60 * KM, 2 * KM)])
    coarse_host = shapely.Polygon([*coarse_edge.coords, (60 * KM, 60 * KM), (-60 * KM, 60 * KM)])
    coarse_neighbour = shapely.box(-60 * KM, -40 * KM, 60 * KM, 60 * KM).difference(coarse_host)
    cut = accurate_side(coarse_host, coarse_neighbour, line)
    fill(ax, coarse_neighbour, color=NEIGHBOUR)
    fill(ax, cut, color=HOST)
    fill(ax, coarse_host.difference(cut), color=LOST, alpha=0.5)
    fill(ax, cut.difference(coarse_host), color="#009E73", alpha=0.5)
    outline(ax, coarse_edge, color="#777777", lw=1, ls="--")
    outline(ax, line, color=LINE, lw=1.5)
    frame(ax, "host cut along the accurate border", "Natural Earth's outline (dashed) is a few km off: the host "
          "loses what lies beyond the OpenStreetMap line (red) and gains what lies before it (green).",
          (-60, -30, 60, 30))


def panel_kursk(ax) -> None:
    """The seeds' peak claim and a March claim after Sudzha fell, on the bundled data."""
    from geomap.claims.status import PlaceStatus
    from geomap.geometry import claim_geometries
    from geomap.gazetteer import load_gazetteer, load_regions
    from geomap.gazetteer.borders import load_borders
    from geomap.geometry.workspace import Workspace
    from geomap.records import Claim

    sudzha = {"place": "Sudzha", "place_id": "486816", "anchor_lon": 35.271, "anchor_lat": 51.191, "actor": "UA"}
    claims = [Claim("peak", "peak#1", "area_held", 1300, "km²", "q", 0, 1, km2=1300.0, as_of_start=date(2024, 8, 1),
                    as_of_end=date(2024, 8, 31), **sudzha),
              Claim("march", "march#1", "area_held", 110, "km²", "q", 0, 1, km2=110.0,
                    as_of_start=date(2025, 3, 16), as_of_end=date(2025, 3, 16), **sudzha)]
    lost = PlaceStatus("march", "Sudzha", "486816", "populated_place", "RU", 35.271, 51.191, "retaken", "RU",
                       "raised their flag over", date(2025, 3, 13), date(2025, 3, 13), None, "q", 0, 1, 0, 1,
                       date(2025, 3, 13))
    raided = PlaceStatus("march", "Belgorod Oblast", "RU-BEL", "admin1", "RU", 36.9, 50.7, "fought_over", "UA",
                         "raids into", date(2025, 3, 21), date(2025, 3, 21), None, "q", 0, 1, 0, 1,
                         date(2025, 3, 21))
    frame_ = claim_geometries(claims, load_gazetteer(), load_regions(), statuses=[lost, raided])
    workspace = Workspace(load_gazetteer(), load_regions())
    box = shapely.box(34.6, 50.85, 35.9, 51.55)
    for code, color in (("RU", HOST), ("UA", NEIGHBOUR)):  # both cut along the accurate line
        for part in shapely.get_parts(workspace.accurate_polygon(code, box).intersection(box)):
            if part.geom_type == "Polygon":
                ax.fill(*part.exterior.xy, color=color)
    for part in shapely.get_parts(load_borders().border_line("RU", "UA").intersection(box)):
        ax.plot(*part.xy, color=LINE, lw=1.2)
    for _, row in frame_.iterrows():
        color = SHAPE if row["claim_id"] == "peak#1" else LOST
        for part in shapely.get_parts(row.geometry):
            ax.fill(*part.exterior.xy, color=color, alpha=0.35)
            ax.plot(*part.exterior.xy, color=color, lw=1.3)
    ax.plot(35.271, 51.191, marker="X", color=LINE, markersize=7)
    ax.annotate("Sudzha", (35.271, 51.191), xytext=(6, 4), textcoords="offset points", fontsize=8)
    ax.set_title("Kursk, on the bundled data", fontsize=10, loc="left", fontweight="bold")
    caption(ax, "August 2024: 1,300 km² on the border nearest Sudzha (blue). 16 March 2025, Sudzha retaken: "
            "110 km² along the border toward Belgorod Oblast, where Ukraine still raids (red).")
    ax.set_xlim(34.6, 35.9)
    ax.set_ylim(50.85, 51.55)
    ax.set_aspect(1.0 / 0.63)  # degrees of longitude are shorter at 51° N
    ax.set_facecolor(SEA)
    ax.tick_params(labelsize=7)


def main() -> int:
    figure, axes = plt.subplots(2, 3, figsize=(15, 10.5))
    for draw, ax in zip((panel_anchor_disc, panel_border_disc, panel_strip, panel_band, panel_accurate_host,
                         panel_kursk), axes.flat):
        draw(ax)
    figure.text(0.01, 0.005, "Local panels in km (equal-area); the Kursk panel in degrees. Borders: OpenStreetMap "
                "contributors (ODbL); regions: Natural Earth.", fontsize=7, color="#555555")
    figure.subplots_adjust(left=0.04, right=0.98, top=0.96, bottom=0.11, wspace=0.18, hspace=0.38)
    figure.savefig(OUT, dpi=110, metadata={"Software": None})
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
