"""The whole job, stage by stage: sources -> mentions -> claims -> claim geometries -> map, layers, figures.

Each stage is a function from the previous stage's table to its own (the
tables and their columns are in :mod:`geomap.schema`)::

    read_sources ─► SOURCES ─► text_stages ─► MENTIONS, CLAIMS, ─► claim_geometries ─► CLAIM_GEOMETRIES
                                (per chunk of sources)   PLACE_STATUS                        ├► ENVELOPES, SPREAD,
                                                                                             │  CHECKS, COMPARISON
    write(results) ─► index.html, map_fragment.html, geomap.gpkg, sources.json, figures/
                      (*.csv, *.geojson, *.jsonl, *.parquet on request)

:func:`run` (or :func:`run_sources`) runs the stages and returns their
:class:`Results`; :func:`write` writes every output into a staging folder and
publishes it into the output folder as one unit (:func:`geomap.outputs.publish`),
so a failed or killed run leaves the previous outputs as they were. ``geomap
build`` and the Python API call exactly these functions.

Both take a :class:`~geomap.workers.Workers` pool: the text stages of chunks of
sources and the figures run in its processes while this one loads the geometry
stage's data and writes the map. ``geomap build`` starts one pool as it begins
and passes it to both.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geomap import formats, schema
from geomap.article_cache import ArticleCache, in_source_order
from geomap.errors import GeomapError
from geomap.records import Source
from geomap.resources import shared
from geomap.sources import SourceProblem, read_sources
from geomap.text_stages import TextTables, mentions_of, text_stages
from geomap.view import FIGURE_WINDOWS
from geomap.workers import Workers, release_freed_memory

if TYPE_CHECKING:
    import folium

    from geomap.basemap_cache import BasemapCache
    from geomap.cluster import Cluster
    from geomap.figure_cache import FigureCache
    from geomap.geometry.build import ClaimTask, Drawer, Drawn
    from geomap.geometry.windows import WindowsMap
    from geomap.view import Theatre
    import geopandas
    import pandas

log = logging.getLogger("geomap")

# Sources per task of the text stages: a chunk is the unit a worker takes, so that a corpus streams through.
CHUNK_SOURCES = 64
# Parts of the geometry stage per worker when workers draw the claims, and the fewest claims worth a part.
GEOMETRY_PARTS_PER_JOB = 4
GEOMETRY_MIN_PART = 100
# How far the basemap reaches around the claims (degrees) and how finely it is drawn.
BASEMAP_MARGIN_DEG = 3.0
BASEMAP_SIMPLIFY_DEG = 0.004
BASEMAP_MIN_POPULATION = 5000
BASEMAP_MAX_PLACES = 600

# The fewest claim rows whose map is made in a process of its own while the layers are written (see write): a
# small corpus's map is small, and the fork cost the seeds' build about 0.1 s of CPU (1.91 s against 1.77 s).
FORKED_MAP_MIN_CLAIMS = 2000
# The fewest claim rows whose busiest figures are drawn in a process forked for them at writing (see write), not
# in the figures' process matplotlib was prepared in: their tables are that process's, made there from the pages
# it shares with this one, never made and pickled here (at 10,000 articles about 500 MB of this process's memory
# while the layers were written, the largest process's peak).
FORKED_FIGURES_MIN_CLAIMS = 2000

Progress = Callable[[str, int, int], None]


@dataclass
class Results:
    """Every table of one run (see :mod:`geomap.schema` for their columns) and the inputs that could not be read."""

    sources: pandas.DataFrame  # schema.SOURCES
    mentions: pandas.DataFrame  # schema.MENTIONS
    claims: pandas.DataFrame  # schema.CLAIMS
    claim_geoms: geopandas.GeoDataFrame  # schema.CLAIM_GEOMETRIES
    envelopes: geopandas.GeoDataFrame  # schema.ENVELOPES
    spread: pandas.DataFrame  # schema.SPREAD
    reference: geopandas.GeoDataFrame | None = None  # the reference layer as read (date, label, polygons)
    comparison: pandas.DataFrame | None = None  # schema.COMPARISON
    problems: list[SourceProblem] = field(default_factory=list)
    place_status: pandas.DataFrame | None = None  # schema.PLACE_STATUS: what the sources say of each place
    from_cache: int = 0  # sources whose text stages' tables came from the article cache (not read again)

    @property
    def checks(self) -> pandas.DataFrame:
        """schema.CHECKS: one row per flag of the claims, made from ``claim_geoms`` when asked. Not held with the
        other tables: nothing a build writes reads it (the checks layer is made from the flags a chunk at a time),
        and at 10,000 articles it was 155 MB of this process's memory from the geometry stage to the end."""
        from geomap.geometry import checks_table

        return checks_table(self.claim_geoms)

    @property
    def source_summaries(self) -> list[dict[str, Any]]:
        """The sources as sources.json lists them (no text)."""
        return schema.source_summaries(self.sources)


# -- the stages ---------------------------------------------------------------------------------------------


def geocode(sources: pandas.DataFrame) -> pandas.DataFrame:
    """The mentions of a table of sources: every place (and demonym) named, resolved."""
    records = schema.SOURCES.to_records(schema.SOURCES.check(sources, "geocode"))
    return schema.MENTIONS.from_records(mentions_of(records))


def text_stages_of(
    sources: pandas.DataFrame, workers: Workers | None = None, jobs: int = 1, progress: Progress | None = None
) -> TextTables:
    """:func:`text_stages` of a table of sources of any size, chunk by chunk (see :func:`collect_text_stages`),
    with what the corpus settles of the claims (:func:`geomap.claims.corpus.derive_across_corpus`, as a build)."""
    from geomap.claims.corpus import derive_across_corpus

    tables = collect_text_stages(chunked(sources), [], workers, jobs, progress)
    return tables._replace(claims=derive_across_corpus(tables.claims))


def chunked(sources: pandas.DataFrame) -> list[pandas.DataFrame]:
    """The sources in chunks of :data:`CHUNK_SOURCES`, the unit of work of the text stages."""
    return [sources.iloc[i : i + CHUNK_SOURCES].reset_index(drop=True) for i in range(0, len(sources), CHUNK_SOURCES)]


def collect_text_stages(
    chunks: Sequence[pandas.DataFrame],
    started: Sequence[Future],
    workers: Workers | Cluster | None,
    jobs: int = 1,
    progress: Progress | None = None,
    keep: Callable[..., None] | None = None,
) -> TextTables:
    """The text stages of every chunk, in order: ``started`` are the futures of the first chunks' (in
    ``workers``); the others are submitted as those finish, ``jobs`` at a time (without workers, run here).
    ``keep(chunk, mentions, claims, place_status)`` is given each chunk's tables as they come (the article cache)."""
    pending = deque(started)
    submitted = len(started)
    results = []
    total, done = sum(len(chunk) for chunk in chunks), 0
    for chunk in chunks:
        if workers is None:
            results.append(text_stages(chunk))
        else:
            while submitted < len(chunks) and len(pending) < max(1, jobs):
                pending.append(workers.submit(text_stages, chunks[submitted]))
                submitted += 1
            cluster = workers if not isinstance(workers, Workers) else None
            results.append(result_of(pending.popleft(), "the text stages", cluster))
        if keep is not None:
            keep(chunk, *results[-1])
        done += len(chunk)
        if progress:
            progress("text", done, total)
    return TextTables(
        schema.concat(schema.MENTIONS, [tables.mentions for tables in results]),
        schema.concat(schema.CLAIMS, [tables.claims for tables in results]),
        schema.concat(schema.PLACE_STATUS, [tables.place_status for tables in results]),
    )


def counting_from(progress: Progress, cached: int, total: int) -> Progress:
    """``progress`` of the text stages of the articles not cached, counted among all ``total`` articles."""
    progress("text", cached, total)

    def of_all(stage: str, done: int, _left: int) -> None:
        progress(stage, cached + done, total)

    return of_all


def open_article_cache(sources: Sequence[Source]) -> ArticleCache | None:
    """The article cache of the data in use (None when source ids repeat: rows are told apart by id)."""
    if len({source.id for source in sources}) != len(sources):
        return None
    return ArticleCache.for_data(shared().gazetteer.store.fingerprint())


def claim_drawer(
    workers: Workers | Cluster, jobs: int, statuses: pandas.DataFrame, cluster: Cluster | None = None
) -> Drawer:
    """Draws claims (:class:`geomap.geometry.build.ClaimTask`) in ``workers``, nearby claims together.

    The claims are ordered by where they lie and cut into about
    :data:`GEOMETRY_PARTS_PER_JOB` parts per job (at least
    :data:`GEOMETRY_MIN_PART` claims each): the regions and borders a worker
    projects for one claim serve its neighbours, and each worker keeps its
    workspace for the whole run (:func:`draw_part`). Every claim's shape depends
    only on its task and the data, so the rows are those drawn here would be.
    """
    run = f"{os.getpid()}-{time.monotonic_ns()}"

    def draw(tasks: list[ClaimTask], entries: bool) -> list[Drawn]:
        order = sorted(range(len(tasks)), key=lambda index: where(tasks[index]))
        parts = max(1, min(max(1, jobs) * GEOMETRY_PARTS_PER_JOB, len(tasks) // GEOMETRY_MIN_PART))
        size = -(-len(order) // parts)
        pieces = [order[start : start + size] for start in range(0, len(order), size)]
        futures = [
            workers.submit(draw_part, run, statuses, [tasks[index] for index in piece], entries) for piece in pieces
        ]
        drawn: list[Drawn | None] = [None] * len(tasks)
        for piece, future in zip(pieces, futures):
            for index, result in zip(piece, result_of(future, "the geometry stage", cluster), strict=True):
                drawn[index] = result
        return drawn  # type: ignore[return-value]  # every task is in one piece

    return draw


def envelope_uniter(workers: Workers | Cluster, cluster: Cluster | None = None) -> WindowsMap:
    """Unites each window's buffers (:func:`geomap.geometry.windows.window_envelope`) in ``workers``, the
    windows with the most buffers first so that no worker is left with a big one at the end; in window order."""
    from geomap.geometry.windows import window_envelope

    def unite(work: list[tuple[list, str]]) -> list[tuple[Any, float]]:
        futures: list[Any] = [None] * len(work)
        for index in sorted(range(len(work)), key=lambda index: -len(work[index][0])):
            futures[index] = workers.submit(window_envelope, *work[index])
        return [result_of(future, "the envelopes", cluster) for future in futures]

    return unite


def where(task: ClaimTask) -> tuple:
    """Where a claim is drawn, as an order that keeps neighbours together (claims without an anchor first)."""
    anchor = task.item.anchor
    if anchor is None:
        return ("", "", 0.0, 0.0)
    return (anchor.country or "", anchor.admin1 or "", anchor.lon, anchor.lat)


# In a worker: the workspace of the run it draws claims for (one run at a time), per thread (a Dask worker's
# threads draw parts at once, and a workspace is swapped a claim's status reader while it draws): see draw_part.
_run_workspace = threading.local()


class DrawnRow(Mapping):
    """A drawn claim's row (:func:`geomap.geometry.build.draw_claim`) as its values in column order, read by name.

    What a worker sends back for each claim: the geometry stage reads a row's values by name once, and the main
    process holds every claim's row until then, all at once at the geometry stage's peak. As a dict a row took
    1.6 KB besides its values, as a tuple 0.5 KB (the 38,767 rows of 3,000 articles: 62 MB -> 18 MB).
    """

    __slots__ = ("cells",)
    NAMES = (*schema.CLAIM_GEOMETRIES.names, "geometry")
    POSITION = {name: position for position, name in enumerate(NAMES)}

    def __init__(self, cells: tuple[Any, ...]) -> None:
        self.cells = cells

    def __getitem__(self, name: str) -> Any:
        return self.cells[self.POSITION[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)

    def __reduce__(self) -> tuple[type[DrawnRow], tuple[tuple[Any, ...]]]:
        return (DrawnRow, (self.cells,))


def draw_part(run: str, statuses: pandas.DataFrame, tasks: list[ClaimTask], entries: bool = False) -> list[Drawn]:
    """:func:`geomap.geometry.build.draw_claims` of ``tasks`` in a worker (the task of :func:`claim_drawer`), each
    row as a :class:`DrawnRow`.

    The worker's workspace is made on the first part of a run and kept for the
    others: its projected regions and borders are what the parts share.
    """
    from geomap.geometry.build import draw_claims
    from geomap.geometry.workspace import Workspace

    if getattr(_run_workspace, "run", None) != run:
        records = schema.PLACE_STATUS.to_records(schema.PLACE_STATUS.check(statuses, "claim geometries"))
        _run_workspace.workspace = Workspace(shared().gazetteer, shared().regions, statuses=records)
        _run_workspace.run = run
    drawn = draw_claims(_run_workspace.workspace, tasks, entries)
    names = DrawnRow.NAMES
    # Typed as the dict it stands for: the geometry stage reads it by name only.
    return [(cast(dict, DrawnRow(tuple(row[name] for name in names))), entry, reads) for row, entry, reads in drawn]


def result_of(future: Any, what: str, cluster: Cluster | None = None) -> Any:
    """The result of a worker's future; a worker that died is one clear error."""
    lost = (BrokenProcessPool, cluster.lost_worker()) if cluster is not None else (BrokenProcessPool,)
    try:
        return future.result()
    except lost:
        raise GeomapError(f"{what}: a worker process ended unexpectedly") from None


def run(
    paths: Sequence[str | Path],
    reference: str | Path | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    workers: Workers | None = None,
    cache: bool = False,
) -> Results:
    """Run every stage on the sources at ``paths`` (files, folders, corpora, manifests)."""
    source_set = read_sources(list(paths))
    return run_sources(
        source_set.sources,
        source_set.problems,
        reference=reference,
        progress=progress,
        jobs=jobs,
        workers=workers,
        cache=cache,
    )


def run_sources(
    sources: Iterable[Source],
    problems: Sequence[SourceProblem] = (),
    reference: str | Path | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    workers: Workers | None = None,
    figures: bool = False,
    cache: bool = False,
    cluster: Cluster | None = None,
) -> Results:
    """Run the stages after reading: text stages, claim geometries, envelopes, spread, checks, comparison.

    With ``workers``, the text stages run in its processes (``jobs`` chunks at
    a time) while this process loads the geometry stage's data; with
    ``figures``, a worker prepares matplotlib meanwhile. Without, ``jobs`` > 1
    starts a pool for the text stages and ``jobs`` = 1 runs them here. With
    ``cache``, the text stages' rows of articles read before come from the
    article cache (:mod:`geomap.article_cache`) and only the others are read.
    With a ``cluster`` (:mod:`geomap.cluster`), the text stages run there instead.
    """
    from geomap.claims.corpus import derive_across_corpus
    from geomap.geometry import (
        check_near_claims,
        claim_geometries,
        compare_reference,
        envelopes,
        load_reference,
        spread_table,
    )

    sources = list(sources)
    table = schema.SOURCES.from_records(sources)
    if workers is None and cluster is None and jobs > 1 and len(table) > CHUNK_SOURCES:
        with Workers(jobs) as own:
            return run_sources(sources, problems, reference, progress, jobs, own, figures, cache)
    started = time.perf_counter()
    # geopandas (imported above) and the region polygons' spatial index first: the workers, forked by the first
    # submission, inherit them (the checks, the basemaps and the figures need them). Then the first chunks go to
    # the workers, and matplotlib loads in one of them.
    shared().regions.tree  # noqa: B018 - built once
    article_cache = open_article_cache(sources) if cache else None
    known, known_tables = article_cache.lookup(sources) if article_cache is not None else (set(), [])
    todo = [index for index in range(len(sources)) if index not in known]
    if progress is not None and known:
        progress = counting_from(progress, len(known), len(sources))
    chunks = chunked(table.iloc[todo] if known else table)
    text_workers: Workers | Cluster | None = cluster or workers
    in_flight = cluster.in_flight if cluster is not None else jobs
    first = [text_workers.submit(text_stages, chunk) for chunk in chunks[: max(1, in_flight)]] if text_workers else []
    if workers is not None and figures and todo:
        # Articles are read: the figures will change, and matplotlib loads meanwhile in the process that draws
        # them. Otherwise they may all come from the figure cache, and that process starts when one does not.
        workers.start_figures()
    keep = article_cache.store if article_cache is not None else None
    tables = collect_text_stages(chunks, first, text_workers, in_flight, progress, keep)
    if known:
        tables = TextTables(*in_source_order(sources, [*known_tables, tables]))
    # The chunks' tables (the first ones' with their futures) and the article cache's are in `tables` now: not held
    # a second time through the geometry stage (a rebuild's cached tables are the whole corpus's).
    del known_tables, first, chunks
    if article_cache is not None:
        article_cache.flush(tables)  # and the blocks of the sources not found as blocks
    mentions, claims, statuses = tables
    del tables  # the claims as the chunks gave them go once the corpus's derivations are made (a copy when any is)
    claims = derive_across_corpus(claims)  # what an article leaves open, the others settle: after every chunk
    log.info(
        "text stages: %d sources (%d from the article cache), %d mentions, %d claims, %d place statuses (%.2f s)",
        len(table),
        len(known),
        len(mentions),
        len(claims),
        len(statuses),
        time.perf_counter() - started,
    )
    started = time.perf_counter()
    reference_frame = load_reference(reference) if reference else None
    if reference_frame is not None:
        log.info("reference %s: %d polygons", reference, len(reference_frame))
    shape_cache = (article_cache or ArticleCache.for_data(shared().gazetteer.store.fingerprint())) if cache else None
    # -j 1 draws here (the pool of a build with -j 1 is for the figures).
    geometry_workers = cluster or (workers if workers is not None and workers.parallel and jobs > 1 else None)
    shapes = shape_cache.shape_cache() if shape_cache is not None else None
    claim_geoms = claim_geometries(
        claims,
        statuses=statuses,
        cache=shapes,
        draw=claim_drawer(geometry_workers, in_flight, statuses, cluster) if geometry_workers is not None else None,
    )
    log.info(
        "geometry: %d claims mapped of %d (%.2f s)",
        int((claim_geoms["status"] == "mapped").sum()),
        len(claim_geoms),
        time.perf_counter() - started,
    )
    results = Results(
        sources=table,
        mentions=mentions,
        claims=claims,
        claim_geoms=claim_geoms,
        envelopes=envelopes(
            claim_geoms, envelope_uniter(geometry_workers, cluster) if geometry_workers else None, shapes
        ),
        spread=spread_table(claim_geoms),
        reference=reference_frame,
        problems=list(problems),
        place_status=statuses,
        from_cache=len(known),
    )
    if reference_frame is not None and reference is not None:
        check_near_claims(reference_frame, claim_geoms, reference)
        results.comparison = compare_reference(claim_geoms, reference_frame)
    if workers is not None:
        # The pool's processes hold what the stages left in them (the geoparser, projected regions) while the
        # outputs are written: they go, and the writing forks new ones if it needs them.
        workers.recycle()
    release_freed_memory()  # what the stages' intermediate tables and shapes left in the allocator
    return results


# -- outputs -----------------------------------------------------------------------------------------------


@dataclass
class OutputOptions:
    """What a run writes besides the map and the record tables."""

    tiles: str | None = None  # opt-in online tile layer
    map: bool = True  # index.html
    fragment: bool = True  # map_fragment.html, to paste into report pages
    geopackage: bool = True  # geomap.gpkg: every table, the one copy of each written by default
    # Copies of the tables in other formats, on request (--format): at 10,000 articles each is hundreds of MB.
    csv: bool = False  # claims, checks, place_status, spread, sources (comparison) as CSV
    geojson: bool = False  # claim_geometries.geojson and a GeoJSON per point and polygon layer
    jsonl: bool = False  # mentions.jsonl and claims.jsonl, the records as `geomap geocode`/`claims` print them
    parquet: bool = False  # the large tables (mentions, claims, claim shapes) as GeoParquet
    exports: bool = True  # False: none of the CSV and GeoJSON files, whatever csv and geojson say
    figures: bool = True  # PNG and SVG of the busiest date windows' claims maps and the area chart
    figure_windows: int | None = FIGURE_WINDOWS  # claims maps for this many busiest windows; None: every window
    dpi: int = 200
    figure_formats: tuple[str, ...] = ("png", "svg")
    figure_cache: bool = False  # figures drawn before for the same tables come from the figure cache

    @property
    def draws_figures(self) -> bool:
        return bool(self.figures and self.figure_formats)


@dataclass(frozen=True)
class Basemap:
    """The vector basemap of a run's map: countries, admin-1 regions and populated places around the claims."""

    countries: geopandas.GeoDataFrame
    admin1: geopandas.GeoDataFrame
    places: geopandas.GeoDataFrame
    # Admin-1 regions under every mapped claim, neither clipped nor simplified: the map groups claims
    # into theatres (wars) by them, and a wide basemap's coarse outlines would join or split neighbours.
    claim_regions: geopandas.GeoDataFrame | None = None
    # The claims' theatres by those regions (claim_theatres): the basemap's extents and the map's sections.
    theatres: list[Theatre] | None = None


def basemap_extent(results: Results) -> tuple[float, float, float, float]:
    """The area the basemap covers: the mapped claims plus a margin (else the places named)."""
    import shapely

    frame = results.claim_geoms
    mapped = [
        g for g, role in zip(frame.geometry, frame["role"]) if g is not None and not g.is_empty and role == "buffer"
    ]
    mapped = mapped or [g for g in frame.geometry if g is not None and not g.is_empty]
    if mapped:
        return _with_margin(tuple(shapely.total_bounds(mapped)))
    places = results.mentions[(results.mentions["type"] == "place") & results.mentions["lat"].notna()]
    if not len(places):
        return (22.0, 44.0, 40.0, 53.0)  # Ukraine and its neighbours: the tool's home ground
    return _with_margin(
        (float(places["lon"].min()), float(places["lat"].min()), float(places["lon"].max()), float(places["lat"].max()))
    )


def _with_margin(bounds: tuple[float, ...]) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    margin = BASEMAP_MARGIN_DEG
    return (
        max(-180.0, minx - margin * 1.6),
        max(-85.0, miny - margin),
        min(180.0, maxx + margin * 1.6),
        min(85.0, maxy + margin),
    )


def claim_theatres(results: Results, claim_regions: geopandas.GeoDataFrame | None) -> list[Theatre]:
    """The claims grouped into theatres (:func:`geomap.view.theatres`) as the map groups them: by the regions of
    ``claim_regions``, named by their countries, the claims without a shape placed by their sources' other claims
    and places. Worked out once, for the basemap's extents and for the map (:func:`build_map`)."""
    from geomap.view import claim_records, frame_records, mention_records, theatres

    # Only the columns the theatres and the extents read: every claim's records of all its columns took two thirds
    # of a 10,000-article basemap (6 s).
    frame = results.claim_geoms
    frame = frame[[name for name in ("claim_id", "source", "role") if name in frame.columns] + [frame.geometry.name]]
    claims = claim_records(frame)
    if not claims:
        return []
    regions = (
        frame_records(claim_regions, ("country", "country_name"), geometry=True) if claim_regions is not None else []
    )
    names = {row["country"]: row["country_name"] for row in regions if row.get("country_name")}
    # The places named count only for sources none of whose claims has a shape (a few, if any): only their
    # mentions are made records, not a large corpus's hundreds of thousands.
    shaped = {claim["source"] for claim in claims if claim["geometry"] is not None}
    unshaped = {claim["source"] for claim in claims} - shaped
    mentions = results.mentions
    if unshaped and mentions is not None and len(mentions) and "source" in mentions.columns:
        mentions = mention_records(mentions[mentions["source"].astype(str).isin(unshaped)])
    else:
        mentions = []
    return theatres(claims, regions, names, mentions)


def basemap_extents(
    results: Results, claim_regions: geopandas.GeoDataFrame | None, theatre_list: list[Theatre] | None = None
) -> tuple[list[tuple[float, float, float, float]], tuple[float, float, float, float]]:
    """The areas drawn in detail, one per theatre (its claimed areas plus a margin), and the area of all drawn.

    A corpus about several wars gets a detailed basemap around each of them (the map
    opens on one theatre at a time, see :func:`geomap.view.theatres`) instead of one
    world-wide basemap too coarse for any; the second extent covers every claim and
    every place named, where coarse country outlines are drawn so that no place floats
    on an empty background. ``theatre_list`` are :func:`claim_theatres` if worked out already.
    """
    import shapely

    from geomap.view import claim_records

    frame = results.claim_geoms
    frame = frame[[name for name in ("claim_id", "role") if name in frame.columns] + [frame.geometry.name]]
    claims = [claim for claim in claim_records(frame) if claim["geometry"] is not None]
    mentions = results.mentions
    places = mentions[(mentions["type"] == "place") & mentions["lat"].notna() & mentions["lon"].notna()]
    if not claims:
        extent = basemap_extent(results)
        return [extent], extent
    if theatre_list is None:
        theatre_list = claim_theatres(results, claim_regions)
    extents = []
    for theatre in theatre_list:
        members = set(theatre.claim_ids)
        own = [claim for claim in claims if claim["claim_id"] in members]
        shapes = [c["geometry"] for c in own if c["role"] == "buffer"] or [c["geometry"] for c in own]
        if shapes:
            extents.append(_with_margin(tuple(shapely.total_bounds(shapes))))
    drawn = [claim["geometry"] for claim in claims] + list(shapely.points(places["lon"], places["lat"]))
    return extents, _with_margin(tuple(shapely.total_bounds(drawn)))


def _cuts(
    requests: list[tuple[geopandas.GeoDataFrame, str, Any, float]], cache: BasemapCache
) -> list[geopandas.GeoDataFrame]:
    """Each (frame, layer, area, width) of ``requests``: the frame (rows of ``layer``) cut to ``area`` and simplified
    for an extent ``width`` degrees wide (about 1/1500 of it). The cuts an earlier build made come from ``cache``,
    looked up at once (each lookup of the cache's file is a transaction that waits for the disk)."""
    import shapely

    tolerances = [max(BASEMAP_SIMPLIFY_DEG, width / 1500.0) for *_, width in requests]
    keys = [cache.key(layer, frame["code"], area, tol) for (frame, layer, area, _), tol in zip(requests, tolerances)]
    kept = cache.get(keys)
    cuts = []
    for (frame, _, area, _), tolerance, key in zip(requests, tolerances, keys):
        geometry = kept.get(key)
        if geometry is None or len(geometry) != len(frame):
            geometry = shapely.simplify(
                shapely.intersection(frame.geometry.values, area), tolerance, preserve_topology=True
            )
            cache.put(key, geometry)
        frame = frame.set_geometry(geometry)
        cuts.append(frame[~frame.geometry.is_empty].reset_index(drop=True))
    cache.flush()
    return cuts


def basemap(results: Results) -> Basemap:
    """Countries, admin-1 regions and populated places around each theatre's claims (:func:`basemap_extents`),
    and coarse country outlines under every other claim and place drawn."""
    import geopandas
    import numpy as np
    import pandas
    import shapely

    from geomap.basemap_cache import BasemapCache

    regions = shared().regions
    mapped = [g for g in results.claim_geoms.geometry if g is not None and not g.is_empty]
    claim_regions = None
    if mapped:
        claims_box = tuple(shapely.total_bounds(mapped))
        country_names = regions.frame("country", claims_box)
        claim_regions = regions.frame("admin1", claims_box)[["code", "name", "country", "geometry"]]
        claim_regions["country_name"] = claim_regions["country"].map(
            dict(zip(country_names["code"], country_names["name"]))
        )
    theatre_list = claim_theatres(results, claim_regions)
    extents, everything = basemap_extents(results, claim_regions, theatre_list)
    cache = BasemapCache.for_data(shared().gazetteer.store.fingerprint())
    detailed = shapely.union_all([shapely.box(*bbox) for bbox in extents])
    columns = ["code", "name", "country", "status", "occupied", "geometry"]
    rest = shapely.difference(shapely.box(*everything), detailed)
    # Each layer's pieces in drawing order: a frame to cut (its index among the requests) or an empty frame.
    layers: dict[str, list[Any]] = {"country": [], "admin1": []}
    requests: list[tuple[geopandas.GeoDataFrame, str, Any, float]] = []
    for kind, pieces in layers.items():
        if kind == "country" and not rest.is_empty:
            # Beyond the theatres: countries only, as coarse as the whole extent allows (drawn first, below).
            coarse = regions.frame(kind, everything)
            if len(coarse):
                pieces.append(len(requests))
                requests.append((coarse, kind, rest, everything[2] - everything[0]))
        for bbox in extents:
            frame = regions.frame(kind, bbox)
            pieces.append(len(requests) if len(frame) else frame)
            if len(frame):
                requests.append((frame, kind, shapely.box(*bbox), bbox[2] - bbox[0]))
    cuts = _cuts(requests, cache)
    frames = []
    for pieces in layers.values():
        parts = [(cuts[piece] if isinstance(piece, int) else piece)[columns] for piece in pieces]
        frames.append(pandas.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])
    store = shared().gazetteer.store
    points = store.place_points()
    lat, lon, population = points["lat"], points["lon"], points["population"]
    chosen: list[int] = []
    for bbox in extents:
        inside = np.flatnonzero(
            (population >= BASEMAP_MIN_POPULATION)
            & (lon >= bbox[0])
            & (lon <= bbox[2])
            & (lat >= bbox[1])
            & (lat <= bbox[3])
        )
        # Most populous first (ties by row, that is geonameid order), at most BASEMAP_MAX_PLACES per theatre.
        chosen += inside[np.lexsort((inside, -population[inside]))][:BASEMAP_MAX_PLACES].tolist()
    rows = []
    for row in dict.fromkeys(chosen):
        geonameid, name = store.places[0].lines[row].split("\t", 2)[:2]
        rows.append((int(population[row]), int(geonameid), name, float(lon[row]), float(lat[row])))
    rows.sort(key=lambda r: -r[0])  # labels are placed largest first
    places = geopandas.GeoDataFrame(
        {"geonameid": [r[1] for r in rows], "name": [r[2] for r in rows], "population": [r[0] for r in rows]},
        geometry=geopandas.points_from_xy([r[3] for r in rows], [r[4] for r in rows]),
        crs="EPSG:4326",
    )
    return Basemap(frames[0], frames[1], places, claim_regions, theatre_list)


def build_map(
    results: Results,
    tiles: str | None = None,
    title: str = "geomap: territorial-control claims",
    prefix: str = "geomap",
    base: Basemap | None = None,
) -> folium.Map:
    """The folium map of a run (see :mod:`geomap.render`); ``base`` is its :func:`basemap` if made already."""
    from geomap import render

    base = base or basemap(results)
    return render.build_map(
        results.claim_geoms,
        results.envelopes,
        results.mentions,
        results.source_summaries,
        base.countries,
        base.admin1,
        base.places,
        reference=results.reference,
        tiles=tiles,
        title=title,
        prefix=prefix,
        place_statuses=results.place_status,
        claim_regions=base.claim_regions,
        theatre_list=base.theatres,
    )


# The mentions' columns the figures read (the places named: geomap.export.layers.places_layer); not their
# sentences, which are most of a large corpus's mentions.
FIGURE_MENTION_COLUMNS = (
    "type",
    "lon",
    "lat",
    "id",
    "name",
    "kind",
    "country",
    "admin1",
    "geonameid",
    "feature_code",
    "source",
    "text",
)


def figure_tables(results: Results, base: Basemap, windows: Sequence[str] | None = None) -> dict[str, Any]:
    """The part of a run's tables the figures of ``windows`` (all with None) read: only these go to a worker.

    Every claim, with the columns the figures read (:data:`geomap.view.CLAIM_FIELDS`): the chart, the
    windows and the sources' colours are the whole corpus's. Shapes only of the claims and envelopes of
    ``windows``: a claims map draws its own window's (a large corpus's shapes are most of its tables).
    Only place mentions, with the columns of the places they name: the figures mark places, and a large
    corpus has hundreds of thousands of other mentions (demonyms, unresolved words).
    """
    from geomap.view import CLAIM_FIELDS, UNDATED

    claim_geoms = results.claim_geoms
    claim_geoms = claim_geoms[[name for name in CLAIM_FIELDS if name in claim_geoms.columns] + ["geometry"]]
    envelopes = results.envelopes
    if windows is not None:
        # Windows by their labels as the figures name them (geomap.view.claim_records: a claim without one is
        # UNDATED's; an envelope's is its window as text).
        wanted = set(windows)
        drawn = [(str(window) if window else UNDATED) in wanted for window in claim_geoms["window"].tolist()]
        claim_geoms = claim_geoms.copy()
        claim_geoms.loc[[not kept for kept in drawn], "geometry"] = None
        envelopes = envelopes[[str(window) in wanted for window in envelopes["window"].tolist()]]
        envelopes = envelopes.reset_index(drop=True)
    mentions = results.mentions
    mentions = mentions.loc[mentions["type"] == "place", [name for name in FIGURE_MENTION_COLUMNS if name in mentions]]
    return {
        "claim_geoms": claim_geoms,
        "sources": results.source_summaries,
        "mentions": mentions.reset_index(drop=True),
        "envelopes": envelopes,
        "reference": results.reference,
        "places": base.places,
    }


def draw_figures(
    tables: dict[str, Any],
    out_dir: Path,
    dpi: int,
    formats: tuple[str, ...],
    windows: list[str],
    chart: bool,
    kept: FigureCache | None = None,
) -> list[str] | None:
    """Draw the claims maps of ``windows`` (and the chart) of ``tables`` into ``out_dir`` (a worker's task), each
    copied from ``kept`` instead when its own inputs are there.

    Returns the names of the files written when every figure asked for was drawn (None when one was left out:
    see :func:`geomap.figures.write_figures`)."""
    from geomap.figures import write_figures

    written = write_figures(tables, out_dir, dpi=dpi, formats=formats, windows=windows, chart=chart, kept=kept)
    return [path.name for path in written] if len(written) == (len(windows) + chart) * len(formats) else None


def draw_figures_of(
    results: Results,
    base: Basemap,
    out_dir: Path,
    dpi: int,
    formats: tuple[str, ...],
    windows: list[str],
    kept: FigureCache | None = None,
) -> list[str] | None:
    """:func:`draw_figures` of the claims maps of ``windows`` and the chart, their tables made here from ``results``
    (the task of a process forked for them in :func:`write`)."""
    return draw_figures(figure_tables(results, base, windows), out_dir, dpi, formats, windows, True, kept)


def figure_shares(results: Results, parts: int, limit: int | None = None) -> list[list[str]]:
    """The date windows that get a claims map (the ``limit`` busiest; all with ``None``), dealt into ``parts``.

    Busiest windows first, round robin: each figure is independent, so the
    files are the same however they are shared out.
    """
    from geomap.view import busiest_windows, claim_records

    by_load = busiest_windows(claim_records(results.claim_geoms), limit)
    parts = max(1, min(parts, len(by_load)))
    return [by_load[i::parts] for i in range(parts)]


def record_files(results: Results, jsonl: bool = True) -> Iterator[tuple[str, bytes]]:
    """sources.json, and with ``jsonl`` mentions.jsonl and claims.jsonl: each stage's table as `geomap claims` /
    `geocode` print it, made one at a time."""
    yield "sources.json", (json.dumps(results.source_summaries, ensure_ascii=False, indent=2) + "\n").encode()
    if jsonl:
        yield "mentions.jsonl", formats.to_jsonl(schema.MENTIONS.rows(results.mentions)).encode("utf-8")
        yield "claims.jsonl", formats.to_jsonl(schema.CLAIMS.rows(results.claims)).encode("utf-8")


def write(
    results: Results, out_dir: str | Path, options: OutputOptions | None = None, workers: Workers | None = None
) -> list[Path]:
    """Write every output of a run into ``out_dir``: all of them, or none if anything fails.

    The figures (matplotlib, the slowest part) are drawn by ``workers`` (a
    pool of this call's own when none is given) while this process writes the
    map and the layers. Returns the paths written.
    """
    from geomap.outputs import publish

    options = options or OutputOptions()
    if workers is None and options.draws_figures:
        with Workers() as own:
            return write(results, out_dir, options, own)
    started = time.perf_counter()
    base = basemap(results)
    log.info("basemap: %.1f s", time.perf_counter() - started)

    def write_into(staging: Path) -> None:
        drawing: list[tuple[str | None, Future]] = []
        kept = None
        try:
            if options.draws_figures:
                assert workers is not None  # made above when none was given
                formats = tuple(options.figure_formats)
                if options.figure_cache:
                    from geomap.figure_cache import FigureCache

                    kept = FigureCache.for_code()
                # This process writes the map and the layers meanwhile: one worker fewer draws. The first share
                # (the busiest windows and the chart) goes to the figures' process, where matplotlib was prepared,
                # or for a large run to a process forked for it, which makes its tables itself (see
                # FORKED_FIGURES_MIN_CLAIMS); the others go to the pool.
                shares = figure_shares(results, workers.processes - 1, options.figure_windows)
                forked = workers.parallel and len(results.claim_geoms) >= FORKED_FIGURES_MIN_CLAIMS
                for index, share in enumerate(shares or [[]]):
                    here = not (forked and index == 0)  # the share's tables made here and pickled to a worker
                    tables = figure_tables(results, base, share) if here or kept is not None else None
                    key = (
                        kept.key(tables, share, index == 0, options.dpi, formats)
                        if kept is not None and tables is not None
                        else None
                    )
                    files = kept.get(key) if kept is not None and key is not None else None
                    if files is not None:
                        for name, data in files.items():
                            (staging / "figures").mkdir(exist_ok=True)
                            (staging / "figures" / name).write_bytes(data)
                        continue
                    if here:
                        if index == 0:
                            workers.start_figures()
                        submit = workers.submit_figures if index == 0 else workers.submit
                        future = submit(
                            draw_figures, tables, staging / "figures", options.dpi, formats, share, index == 0, kept
                        )
                    else:
                        del tables  # the key's only: gone before the process is forked
                        workers.end_figures()  # the process prepared for them is not needed
                        future = workers.submit_forked(
                            draw_figures_of, results, base, staging / "figures", options.dpi, formats, share, kept
                        )
                    drawing.append((key, future))
                    tables = None  # the executor's to pickle: not held here while the map and layers are made
            mapping = None
            if (
                (options.map or options.fragment)
                and workers is not None
                and workers.parallel
                and len(results.claim_geoms) >= FORKED_MAP_MIN_CLAIMS
            ):
                # The map in a process of its own, forked now (the tables not copied): its elements, the largest
                # objects a build makes, are never this process's, which writes the records and layers meanwhile.
                mapping = workers.submit_forked(write_map_files, results, options, base, staging)
            making = time.perf_counter()
            for name, data in output_pieces(results, options, base, with_map=mapping is None):
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
                log.info("%s: %.1f MB in %.1f s", name, len(data) / 1e6, time.perf_counter() - making)
                del data  # one file's bytes held at a time
                making = time.perf_counter()
            kinds = export_kinds(options)
            if kinds:
                from geomap.export import write_layer_files

                write_layer_files(export_tables(results), staging, kinds)
                release_freed_memory()  # what the layers' frames left in the allocator, while the figures are drawn
            if mapping is not None:
                result_of(mapping, "making the map")
                workers.end_forked()  # type: ignore[union-attr]  # the map's process exits
            waiting = time.perf_counter()
            for key, future in drawing:
                try:
                    names = result_of(future, "drawing the figures")
                except GeomapError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a worker's error, said in one line
                    raise GeomapError(f"drawing the figures failed: {type(exc).__name__}: {exc}") from exc
                if kept is not None and key is not None and names is not None:
                    kept.put(key, {name: (staging / "figures" / name).read_bytes() for name in names})
            if kept is not None:
                kept.flush()
            if drawing:
                log.info("figures: done %.1f s after the other outputs", time.perf_counter() - waiting)
        except BaseException:
            if workers is not None:
                workers.stop()  # ended before the staging folder goes: no worker writes there again
            raise

    return publish(out_dir, write_into)


def export_kinds(options: OutputOptions) -> tuple[str, ...]:
    """The files :func:`geomap.export.write_layer_files` writes for ``options`` (see its ``EXPORT_KINDS``)."""
    wanted = {
        "gpkg": options.geopackage,
        "geojson": options.exports and options.geojson,
        "csv": options.exports and options.csv,
        "parquet": options.parquet,
    }
    return tuple(kind for kind, asked in wanted.items() if asked)


def export_tables(results: Results) -> dict[str, Any]:
    """The tables the exports read, by name (see :mod:`geomap.export.layers`)."""
    return {
        "claim_geoms": results.claim_geoms,
        "claims": results.claims,
        "mentions": results.mentions,
        "sources": results.source_summaries,
        "envelopes": results.envelopes,
        "spread": results.spread,
        "reference": results.reference,
        "comparison": results.comparison,
        "place_status": results.place_status,
    }


def output_files(
    results: Results, options: OutputOptions | None = None, base: Basemap | None = None
) -> dict[str, bytes]:
    """The map, the fragment and the records' names and bytes (nothing written; the layers' files are written by
    :func:`geomap.export.write_layer_files`)."""
    return dict(output_pieces(results, options, base))


def output_pieces(
    results: Results, options: OutputOptions | None = None, base: Basemap | None = None, with_map: bool = True
) -> Iterator[tuple[str, bytes]]:
    """The map (unless not ``with_map``), the fragment and the records as (name, bytes), made one at a time:
    :func:`write` writes each before the next is made, so the largest file's bytes are in memory, not all of them."""
    options = options or OutputOptions()
    base = base or basemap(results)
    if with_map:
        yield from map_pieces(results, options, base)
    yield from record_files(results, options.jsonl)
    if results.comparison is not None:
        yield (
            "comparison.json",
            (results.comparison.to_json(orient="records", indent=2, force_ascii=False) + "\n").encode("utf-8"),
        )


def map_pieces(results: Results, options: OutputOptions, base: Basemap) -> Iterator[tuple[str, bytes]]:
    """index.html and map_fragment.html, as ``options`` asks, as (name, bytes): one folium map made for both."""
    if not (options.map or options.fragment):
        return
    from geomap import render

    folium_map = build_map(results, tiles=options.tiles, base=base)
    if options.map:
        yield "index.html", render.render_html(folium_map).encode("utf-8")
    if options.fragment:
        from geomap.export.fragment import fragment_html

        # The same map under the fragment's own prefix (rendering the page left it as it was).
        render.rename(folium_map, "geomap_fragment")
        yield "map_fragment.html", fragment_html(folium_map).encode("utf-8")
    del folium_map
    release_freed_memory()  # the map's elements hold each other: gone before the next output is made


def write_map_files(results: Results, options: OutputOptions, base: Basemap, staging: Path) -> list[str]:
    """Write :func:`map_pieces` into ``staging`` (the task of the map's own process in :func:`write`); their names."""
    making = time.perf_counter()
    names = []
    for name, data in map_pieces(results, options, base):
        (staging / name).write_bytes(data)
        log.info("%s: %.1f MB in %.1f s", name, len(data) / 1e6, time.perf_counter() - making)
        names.append(name)
        del data
        making = time.perf_counter()
    return names
