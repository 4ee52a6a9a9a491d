"""The whole job, stage by stage: sources -> mentions -> claims -> geometries -> map and tables.

Each stage is a library function; this module only composes them (the CLI's
``geomap build`` and the Python API call :func:`run` and :func:`write_outputs`).

Outputs are written into a staging folder inside the output folder and moved
into place file by file only after every file was written, so a failed run
leaves the previous outputs as they were.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from geomap import formats
from geomap.errors import GeomapError
from geomap.records import Claim, Mention, Source
from geomap.sources import SourceProblem, read_sources

if TYPE_CHECKING:
    from geomap.claims.status import PlaceStatus
    import geopandas
    import pandas

    from geomap.figure_process import FigureProcess

log = logging.getLogger("geomap")

# How far the basemap reaches around the claims (degrees) and how finely it is drawn.
BASEMAP_MARGIN_DEG = 3.0
BASEMAP_SIMPLIFY_DEG = 0.004
BASEMAP_MIN_POPULATION = 5000
BASEMAP_MAX_PLACES = 600


@dataclass
class Results:
    """Every table of one run."""

    sources: list[Source]
    problems: list[SourceProblem]
    mentions: list[Mention]
    claims: list[Claim]
    claim_geoms: "geopandas.GeoDataFrame"
    envelopes: "geopandas.GeoDataFrame"
    spread: "pandas.DataFrame"
    reference: "geopandas.GeoDataFrame | None" = None
    comparison: "pandas.DataFrame | None" = None
    notes: list[str] = field(default_factory=list)
    basemap_cache: tuple | None = field(default=None, repr=False)
    place_statuses: "list[PlaceStatus]" = field(default_factory=list)  # what the sources say of each place

    def mention_records(self) -> list[dict[str, Any]]:
        # The same dicts as Mention.as_dict, without dataclasses.asdict's deep copy, which
        # took minutes for the half million mentions of a 10,000-article corpus.
        names = [f.name for f in dataclasses.fields(Mention)]
        return [{**{name: getattr(m, name) for name in names},
                 "alternatives": [dict(a) for a in m.alternatives]} for m in self.mentions]

    def claim_records(self) -> list[dict[str, Any]]:
        from geomap.claims import claims_table

        return claims_table(self.claims)

    def place_status_records(self) -> list[dict[str, Any]]:
        from geomap.claims.status import status_records

        return status_records(self.place_statuses)

    def source_records(self) -> list[dict[str, Any]]:
        return [{"id": s.id, "title": s.title, "outlet": s.outlet, "url": s.url,
                 "published": s.published.isoformat() if s.published else None,
                 "published_estimated": s.published_estimated, "rationale": s.published_rationale,
                 "path": s.path, "warnings": list(s.warnings)} for s in self.sources]


def run(paths: list[str | Path], reference: str | Path | None = None,
        progress: Callable[[str, int, int], None] | None = None, jobs: int = 1) -> Results:
    """Run every stage on the sources at ``paths`` (files, folders, corpora, manifests)."""
    source_set = read_sources(list(paths))
    return run_sources(source_set.sources, source_set.problems, reference=reference, progress=progress, jobs=jobs)


def run_sources(sources: list[Source], problems: list[SourceProblem] | None = None,
                reference: str | Path | None = None, progress: Callable[[str, int, int], None] | None = None,
                jobs: int = 1, text_stages: Callable[[], tuple[list[Mention], list[Claim]]] | None = None
                ) -> Results:
    """Run the stages after reading: geocode, extract claims, build geometries, compare.

    ``text_stages``, if given, returns the sources' mentions and claims (e.g. from
    :class:`geomap.parallel.EarlyTextStages`, started before this call).
    """
    from geomap.claims.status import place_statuses
    from geomap.geometry import claim_geometries, compare_reference, envelopes, load_reference, spread_table
    from geomap.parallel import geocode_and_extract

    started = time.perf_counter()
    reference_frame = load_reference(reference) if reference else None
    if reference_frame is not None:
        log.info("reference %s: %d polygons", reference, len(reference_frame))
    if text_stages is not None:
        mentions, claims = text_stages()
    else:
        mentions, claims = geocode_and_extract(sources, jobs=jobs, progress=progress)
    log.info("text stages: %d sources, %d mentions, %d claims (%.2f s)", len(sources), len(mentions), len(claims),
             time.perf_counter() - started)
    started = time.perf_counter()
    statuses = place_statuses(sources, mentions)
    log.info("place statuses: %d (%.2f s)", len(statuses), time.perf_counter() - started)
    started = time.perf_counter()
    claim_geoms = claim_geometries(claims, statuses=statuses)
    log.info("geometry: %d claims mapped of %d (%.2f s)",
             int((claim_geoms["status"] == "mapped").sum()) if len(claim_geoms) else 0, len(claim_geoms),
             time.perf_counter() - started)
    results = Results(
        sources=sources, problems=list(problems or []), mentions=mentions, claims=claims,
        claim_geoms=claim_geoms, envelopes=envelopes(claim_geoms), spread=spread_table(claim_geoms),
        reference=reference_frame, place_statuses=statuses,
    )
    if reference_frame is not None:
        results.comparison = compare_reference(claim_geoms, reference_frame)
    return results


def basemap_extent(results: Results) -> tuple[float, float, float, float]:
    """The area the basemap covers: the mapped claims plus a margin (else the places named)."""
    import shapely

    frame = results.claim_geoms
    mapped = [g for g, role in zip(frame.geometry, frame["role"]) if g is not None and not g.is_empty
              and role == "buffer"] if len(frame) else []
    mapped = mapped or [g for g in frame.geometry if g is not None and not g.is_empty]
    if mapped:
        minx, miny, maxx, maxy = shapely.total_bounds(mapped)
    else:
        points = [(m.lon, m.lat) for m in results.mentions if m.type == "place" and m.lat is not None]
        if not points:
            return (22.0, 44.0, 40.0, 53.0)  # Ukraine and its neighbours: the tool's home ground
        xs, ys = zip(*points)
        minx, miny, maxx, maxy = min(xs), min(ys), max(xs), max(ys)
    margin = BASEMAP_MARGIN_DEG
    return (max(-180.0, minx - margin * 1.6), max(-85.0, miny - margin),
            min(180.0, maxx + margin * 1.6), min(85.0, maxy + margin))


def basemap(results: Results):
    """Countries, admin-1 regions and populated places clipped to the extent and simplified (cached per run)."""
    if results.basemap_cache is None:
        results.basemap_cache = _basemap(results)
    return results.basemap_cache


def _basemap(results: Results):
    import geopandas
    import shapely

    from geomap.gazetteer import load_gazetteer, load_regions

    bbox = basemap_extent(results)
    box = shapely.box(*bbox)
    # Finer outlines for a small extent, coarser for a large one: about 1/1500 of its width.
    tolerance = max(BASEMAP_SIMPLIFY_DEG, (bbox[2] - bbox[0]) / 1500.0)
    regions = load_regions()
    frames = []
    for kind in ("country", "admin1"):
        frame = regions.frame(kind, bbox)
        if len(frame):
            clipped = shapely.intersection(frame.geometry.values, box)
            frame = frame.set_geometry(shapely.simplify(clipped, tolerance, preserve_topology=True))
            frame = frame[~frame.geometry.is_empty].reset_index(drop=True)
        frames.append(frame[["code", "name", "country", "status", "occupied", "geometry"]])
    import numpy as np

    store = load_gazetteer().store
    points = store.place_points()
    lat, lon, population = points["lat"], points["lon"], points["population"]
    inside = np.flatnonzero((population >= BASEMAP_MIN_POPULATION) & (lon >= bbox[0]) & (lon <= bbox[2])
                            & (lat >= bbox[1]) & (lat <= bbox[3]))
    # Most populous first (ties by row, that is geonameid order), at most BASEMAP_MAX_PLACES.
    inside = inside[np.lexsort((inside, -population[inside]))][:BASEMAP_MAX_PLACES]
    rows = []
    for row in inside.tolist():
        geonameid, name = store.places[0].lines[row].split("\t", 2)[:2]
        rows.append((int(population[row]), int(geonameid), name, float(lon[row]), float(lat[row])))
    places = geopandas.GeoDataFrame(
        {"geonameid": [r[1] for r in rows], "name": [r[2] for r in rows], "population": [r[0] for r in rows]},
        geometry=geopandas.points_from_xy([r[3] for r in rows], [r[4] for r in rows]), crs="EPSG:4326",
    )
    return frames[0], frames[1], places


def build_map(results: Results, tiles: str | None = None, title: str = "geomap: territorial-control claims",
              prefix: str = "geomap", mentions: "pandas.DataFrame | None" = None):
    """The folium map of a run (see :mod:`geomap.render`); ``mentions`` is its mention table if made already."""
    import pandas

    from geomap import render

    countries, admin1, places = basemap(results)
    if mentions is None:
        mentions = pandas.DataFrame(results.mention_records())
    return render.build_map(results.claim_geoms, results.envelopes, mentions, results.source_records(),
                            countries, admin1, places, reference=results.reference, tiles=tiles, title=title,
                            prefix=prefix, place_statuses=results.place_status_records())


@dataclass
class OutputOptions:
    """What a run writes besides the map and the record tables."""

    tiles: str | None = None  # opt-in online tile layer
    map: bool = True  # index.html
    fragment: bool = True  # map_fragment.html, to paste into report pages
    exports: bool = True  # GeoJSON per layer, CSV tables
    geopackage: bool = True  # geomap.gpkg
    figures: bool = True  # PNG and SVG of each date window's claims map and the area chart
    dpi: int = 200
    figure_formats: tuple[str, ...] = ("png", "svg")


def output_files(results: Results, options: OutputOptions | None = None, layers: list | None = None,
                 tables: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The text outputs' names and bytes (nothing written yet).

    ``layers`` are the export layers and ``tables`` the :func:`export_tables`, if made already.
    """
    options = options or OutputOptions()
    tables = tables if tables is not None else export_tables(results)
    files: dict[str, bytes] = {}
    if options.map:
        from geomap import render

        files["index.html"] = render.render_html(build_map(results, tiles=options.tiles,
                                                           mentions=tables["mentions"])).encode("utf-8")
    if options.fragment:
        from geomap.export import fragment_html

        # A map object of its own: rendering changes a folium map, and the fragment has its own prefix.
        fragment_map = build_map(results, tiles=options.tiles, prefix="geomap_fragment", mentions=tables["mentions"])
        files["map_fragment.html"] = fragment_html(fragment_map).encode("utf-8")
    files["sources.json"] = (json.dumps(tables["sources"], ensure_ascii=False, indent=2) + "\n").encode()
    records = tables.get("records") or {}
    files["mentions.jsonl"] = formats.to_jsonl(records.get("mentions") or results.mention_records()).encode("utf-8")
    files["claims.jsonl"] = formats.to_jsonl(records.get("claims") or results.claim_records()).encode("utf-8")
    if options.exports:
        from geomap.export import export_texts

        texts = export_texts(tables, layers)
        files.update({name: text.encode("utf-8") for name, text in texts.items()})
    if results.comparison is not None:
        files["comparison.json"] = (results.comparison.to_json(orient="records", indent=2, force_ascii=False)
                                    + "\n").encode("utf-8")
    return files


def export_tables(results: Results) -> dict[str, Any]:
    """The tables the exports and figures read, by name."""
    import pandas

    # The records are kept for the JSON Lines files: a large corpus has half a million mentions to convert.
    records = {"mentions": results.mention_records(), "claims": results.claim_records()}
    return {"claim_geoms": results.claim_geoms, "claims": pandas.DataFrame(records["claims"]),
            "mentions": pandas.DataFrame(records["mentions"]), "sources": results.source_records(),
            "records": records,
            "envelopes": results.envelopes, "spread": results.spread, "reference": results.reference,
            "comparison": results.comparison, "place_status": results.place_status_records()}


def write_run(results: Results, out_dir: str | Path, options: OutputOptions | None = None,
              figure_process: "FigureProcess | None" = None) -> list[Path]:
    """Write every output of a run into ``out_dir``: all of them, or none if anything fails.

    The static figures (matplotlib, the slowest part) are drawn by a
    :class:`~geomap.figure_process.FigureProcess` while this process renders
    the map and the tables: the machine's second core takes them off the
    critical path. ``geomap build`` starts that process before the text stages
    (so matplotlib is imported meanwhile) and passes it here; without one, one
    is started now.
    """
    from geomap.figure_process import FigureProcess

    options = options or OutputOptions()
    draw_figures = bool(options.figures and options.figure_formats)
    if figure_process is None and draw_figures:
        figure_process = FigureProcess.start()
    tables = export_tables(results)
    tables["places"] = basemap(results)[2]

    def binary_outputs(staging: Path) -> None:
        if draw_figures:
            figure_process.draw(tables, staging / "figures", dpi=options.dpi, formats=options.figure_formats)
        try:
            from geomap.export import GEOPACKAGE_NAME, export_layers, write_geopackage

            # Made once for the GeoJSON/CSV files and the GeoPackage (slow for a large corpus).
            layers = export_layers(tables) if options.exports or options.geopackage else None
            files = output_files(results, options, layers, tables)
            for name, data in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
            if options.geopackage:
                write_geopackage(layers, staging / GEOPACKAGE_NAME)
        finally:
            if draw_figures:
                figure_process.wait()

    try:
        return write_outputs({}, out_dir, binary_outputs)
    finally:
        if figure_process is not None:
            figure_process.close()


def geojson_bytes(frame) -> bytes:
    """RFC 7946 GeoJSON of a GeoDataFrame: EPSG:4326, lon/lat, right-hand rings, lists as JSON text."""
    import shapely

    records = []
    for row in frame.to_dict(orient="records"):
        geometry = row.pop("geometry", None)
        properties = {}
        for key, value in row.items():
            if isinstance(value, float) and value != value:
                value = None
            properties[key] = value
        shape = None
        if geometry is not None and not geometry.is_empty:
            oriented = shapely.orient_polygons(geometry) if hasattr(shapely, "orient_polygons") else geometry
            shape = json.loads(shapely.to_geojson(shapely.set_precision(oriented, 1e-6)))
        records.append({"type": "Feature", "properties": properties, "geometry": shape})
    collection = {"type": "FeatureCollection", "features": records}
    return (json.dumps(collection, ensure_ascii=False, default=formats.json_default) + "\n").encode("utf-8")


def write_outputs(files: dict[str, bytes], out_dir: str | Path,
                  more: Callable[[Path], None] | None = None) -> list[Path]:
    """Write all files or none: stage them, then move each into place atomically.

    ``more`` may write further files into the staging folder (binary outputs
    made by other libraries); they are moved into place with the rest.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".geomap-staging-", dir=out_dir))
    except OSError as exc:
        raise GeomapError(f"cannot write to the output folder: {exc.strerror or exc}", str(out_dir)) from None
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if more is not None:
            more(staging)
        names = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        log.info("moving %d files into %s", len(names), out_dir)
        written = []
        for name in names:
            destination = out_dir / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(staging / name, 0o644)
            os.replace(staging / name, destination)
            written.append(destination)
        return written
    except OSError as exc:
        raise GeomapError(f"cannot write outputs: {exc.strerror or exc}", str(out_dir)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
