"""geomap's Python API: run the pipeline on texts or files and get tables, maps and layers.

>>> import geomap
>>> results = geomap.analyze({"kyiv-post": "Russian forces retook Sudzha in the Kursk region on 13 March."},
...                          published={"kyiv-post": "2025-03-14"})          # doctest: +SKIP
>>> geomap.mentions_frame(results)[["text", "name", "kind"]]                 # doctest: +SKIP
>>> m = folium.Map(location=[51.2, 35.3], zoom_start=8)                       # doctest: +SKIP
>>> for layer in geomap.folium_layers(results):                               # doctest: +SKIP
...     layer.add_to(m)

Every function takes and returns plain tables: ``Results`` holds the table of
each stage (see :mod:`geomap.schema`); the ``*_frame`` functions give them as
GeoDataFrames in EPSG:4326, with points where the tables have coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import GeomapError
from geomap import pipeline
from geomap.pipeline import OutputOptions, Results, run, run_sources
from geomap.records import Source
from geomap.sources import text_field
from geomap.dates import given_date

if TYPE_CHECKING:
    import folium
    import geopandas
    import pandas

__all__ = [
    "analyze",
    "analyze_paths",
    "mentions_frame",
    "claims_frame",
    "claim_geometries_frame",
    "place_status_frame",
    "folium_layers",
    "make_map",
    "write",
    "Results",
    "OutputOptions",
]


def analyze(
    texts: str | Mapping[str, str] | Iterable[Source],
    published: Mapping[str, str | date] | None = None,
    reference: str | Path | None = None,
    jobs: int = 1,
) -> Results:
    """Run every stage on texts given in Python.

    Parameters
    ----------
    texts : str, mapping of id to text, or iterable of Source
        One text (id ``"text"``), several by id, or ready-made
        :class:`geomap.records.Source` records (with dates and outlets).
    published : mapping of id to date or ISO string, optional
        Publication dates for relative time expressions ("last August").
        Undated texts' claims stay undated.
    reference : path, optional
        A dated reference layer to compare area claims with.
    jobs : int
        Worker processes for the text stages.

    Returns
    -------
    Results
        The records and tables of every stage.
    """
    if isinstance(texts, str):
        texts = {"text": texts}
    if isinstance(texts, Mapping):
        dates = published or {}
        sources = []
        for source_id, text in texts.items():
            try:
                day = given_date(dates.get(source_id), f"published date of {source_id!r}")
            except ValueError as exc:
                raise GeomapError(str(exc)) from None
            sources.append(Source(id=str(source_id), text=str(text), published=day))
    else:
        sources = list(texts)
    for source in sources:
        try:  # what a corpus file may not hold (a NUL, half of a surrogate pair) a Python string may not either
            text_field({"text": source.text}, "text", required=True)
        except ValueError as exc:
            reason = str(exc).removeprefix("field 'text' ")
            raise GeomapError(f"text {source.id!r} {reason}") from None
    return run_sources(sources, reference=reference, jobs=jobs)


def analyze_paths(paths: Iterable[str | Path], reference: str | Path | None = None, jobs: int = 1) -> Results:
    """Run every stage on files, folders (with sources.toml), JSON Lines corpora."""
    return run(list(paths), reference=reference, jobs=jobs)


def mentions_frame(results: Results, demonyms: bool = False) -> "geopandas.GeoDataFrame":
    """One row per place mention (points, EPSG:4326); demonyms only when asked."""
    mentions = results.mentions
    chosen = mentions if demonyms else mentions[mentions["type"] == "place"].reset_index(drop=True)
    return with_points(chosen, "lon", "lat")


def claims_frame(results: Results) -> "geopandas.GeoDataFrame":
    """One row per claim with its anchor point (EPSG:4326) and every extracted attribute."""
    return with_points(results.claims, "anchor_lon", "anchor_lat")


def with_points(frame: "pandas.DataFrame", lon: str, lat: str) -> "geopandas.GeoDataFrame":
    """A copy of ``frame`` with a point at (``lon``, ``lat``) in each row (empty where they are missing)."""
    import geopandas

    return geopandas.GeoDataFrame(
        frame.copy(), geometry=geopandas.points_from_xy(frame[lon], frame[lat]), crs="EPSG:4326"
    )


def claim_geometries_frame(results: Results) -> "geopandas.GeoDataFrame":
    """The claims' area-true shapes (with their ``construction``), bands, rings and regions, every check (EPSG:4326)."""
    return results.claim_geoms


def place_status_frame(results: Results) -> "geopandas.GeoDataFrame":
    """What the articles say of each named place (one point per status, EPSG:4326): status, actor, date, quote."""
    from geomap import schema

    statuses = results.place_status if results.place_status is not None else schema.PLACE_STATUS.empty()
    return with_points(statuses, "lon", "lat")


def folium_layers(results: Results) -> list["folium.FeatureGroup"]:
    """folium FeatureGroups to add to your own map: one per source and date window, plus the places.

    Each group holds GeoJSON shapes with a tooltip naming the source, the
    claim and its value; they use only Leaflet itself, so they work on any
    folium map (offline if that map is).
    """
    import folium

    from geomap.view import claim_records, source_colors, source_records

    groups: list[folium.FeatureGroup] = []
    frame = results.claim_geoms
    mapped = frame[(frame["status"] == "mapped") & frame.geometry.notna()]
    # The colours of geomap's own map and figures, source by source.
    colors = source_colors(source_records(results.source_summaries), claim_records(frame))
    for (source, window), rows in mapped.groupby(["source", "window"], sort=True) if len(mapped) else []:
        group = folium.FeatureGroup(name=f"{source} · {window}")
        color = colors[source]
        shapes = rows[["claim_id", "kind", "value", "unit", "km2", "construction", "geometry"]].copy()
        shapes["km2"] = shapes["km2"].round(1)
        folium.GeoJson(
            shapes.to_json(),
            style_function=lambda _, c=color: {"color": c, "weight": 2, "fillOpacity": 0.15},
            tooltip=folium.GeoJsonTooltip(fields=["claim_id", "kind", "value", "unit", "km2", "construction"]),
        ).add_to(group)
        groups.append(group)
    places = mentions_frame(results)
    if len(places):
        group = folium.FeatureGroup(name="places named")
        distinct = places.drop_duplicates("id")[["id", "name", "kind", "geometry"]]
        folium.GeoJson(
            distinct.to_json(),
            marker=folium.CircleMarker(radius=4, fill=True),
            tooltip=folium.GeoJsonTooltip(fields=["name", "kind"]),
        ).add_to(group)
        groups.append(group)
    return groups


def make_map(results: Results, tiles: str | None = None, prefix: str = "geomap") -> "folium.Map":
    """geomap's own offline map of a run (render with :func:`geomap.render.render_html`)."""
    from geomap.pipeline import build_map

    return build_map(results, tiles=tiles, prefix=prefix)


def write(results: Results, out_dir: str | Path, options: OutputOptions | None = None) -> list[Any]:
    """Write the map, layers, tables and figures of a run (what ``geomap build`` writes)."""
    return pipeline.write(results, out_dir, options)
