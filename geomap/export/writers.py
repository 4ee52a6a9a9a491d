"""Serialise export layers: RFC 7946 GeoJSON, CSV and a deterministic GeoPackage.

GeoJSON and CSV are built as text in memory; the GeoPackage is written by GDAL
(through pyogrio) to :func:`geomap.atomic.atomic_path`'s temporary file and moved
into place from there.

GeoPackage files are SQLite databases whose ``gpkg_contents.last_change``
column holds the time of writing, so two writes of the same data differ.
GDAL takes that timestamp from the ``OGR_CURRENT_DATE`` configuration option
when it is set; :func:`write_geopackage` sets it to a fixed value for the
duration of the write (and restores the previous value), which makes the file
byte-identical for the same layers. Everything else GDAL writes (the R-tree
spatial index, the SQLite header) depends only on the data and the order of
writes. The files are GeoPackage 1.3, which GDAL 3.x reads without the
"partially supported" warning older releases give for 1.4.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy
import pandas
import shapely
from shapely.geometry.base import BaseGeometry

from geomap import formats
from geomap.atomic import atomic_path
from geomap.errors import GeomapError
from geomap.render.coordinates import flatten

from .layers import CRS, ChunkedLayer, Layer
from .values import plain_columns

COORDINATE_DECIMALS = 6  # ~0.1 m: RFC 7946 suggests no more than needed
GPKG_LAST_CHANGE = "1970-01-01T00:00:00.000Z"  # informative per the spec; fixed for byte-identical files
GPKG_VERSION = "1.3"


# -- GeoJSON ----------------------------------------------------------------------------------------------
def geojson_geometry(geometry: BaseGeometry | None, decimals: int = COORDINATE_DECIMALS) -> dict | None:
    """An RFC 7946 geometry object: lon/lat rounded to ``decimals``, exterior rings counter-clockwise.

    Empty geometries become ``None``. See :func:`geojson_geometry_texts`.
    """
    return json.loads(geojson_geometry_texts([geometry], decimals)[0])


def geojson_geometry_texts(geometries: Sequence[BaseGeometry | None], decimals: int = COORDINATE_DECIMALS
                           ) -> list[str]:
    """The compact JSON text of each geometry's :func:`geojson_geometry` (``null`` when missing or empty).

    All geometries are rounded (``numpy.round``; Z dropped, no ``-0.0``; a valid
    shape that rounding would break is snapped to the grid by GEOS instead) and
    then oriented in one shapely call each, so rounding cannot undo the
    orientation. The text is written straight from one array of all their
    coordinates: nested Python lists of a large layer cost more than the JSON.
    """
    shapes = numpy.empty(len(geometries), dtype=object)
    shapes[:] = list(geometries)
    present = numpy.flatnonzero(~shapely.is_missing(shapes) & ~shapely.is_empty(shapes))
    texts = ["null"] * len(shapes)
    if not len(present):
        return texts
    originals = shapely.force_2d(shapes[present])
    rounded = shapely.transform(originals, lambda xy: numpy.round(xy, decimals) + 0.0)
    # Rounding can make two edges a hair apart cross (a shape clipped along a border): those are snapped to the
    # same grid by GEOS, which keeps them valid, and rounded again so that the digits print as the others do.
    broken = numpy.flatnonzero(~shapely.is_valid(rounded) & shapely.is_valid(originals))
    if len(broken):
        snapped = shapely.set_precision(originals[broken], 10.0**-decimals)
        rounded[broken] = shapely.transform(snapped, lambda xy: numpy.round(xy, decimals) + 0.0)
    xy, starts, trees = flatten(shapely.orient_polygons(rounded, exterior_cw=False))
    if not numpy.isfinite(xy).all():
        raise ValueError("Out of range float values are not JSON compliant")  # as json.dumps says
    flat = xy.ravel().tolist()  # floats print as json.dumps prints them (repr)
    positions = list(map("[{!r},{!r}]".format, flat[0::2], flat[1::2]))
    starts = starts.tolist()
    for index, tree in zip(present.tolist(), trees):
        texts[index] = _tree_text(tree, positions, starts)
    return texts


def _tree_text(tree: dict[str, Any], positions: list[str], starts: list[int]) -> str:
    """``json.dumps(mapping, separators=(",", ":"))`` of a geometry from its :func:`flatten` tree."""
    if tree["type"] == "GeometryCollection":
        parts = ",".join(_tree_text(part, positions, starts) for part in tree["geometries"])
        return f'{{"type":"GeometryCollection","geometries":[{parts}]}}'

    def text(leaves: Any) -> str:
        if isinstance(leaves, int):
            return "[" + ",".join(positions[starts[leaves]:starts[leaves + 1]]) + "]"
        return "[" + ",".join(map(text, leaves)) + "]"

    leaves = tree["coordinates"]
    if tree["type"] == "Point":
        coordinates = positions[starts[leaves]] if starts[leaves + 1] > starts[leaves] else "[]"
    elif tree["type"] == "MultiPoint":
        coordinates = "[" + ",".join(positions[starts[leaf]] for leaf in leaves) + "]"
    else:
        coordinates = text(leaves)
    return f'{{"type":{json.dumps(tree["type"])},"coordinates":{coordinates}}}'


def geojson_text(frame: Any) -> str:
    """A FeatureCollection of a GeoDataFrame (EPSG:4326), one feature per line: :func:`geojson_pieces` joined."""
    return "".join(geojson_pieces(frame))


def geojson_pieces(frame: Any) -> Iterator[str]:
    """The text of a FeatureCollection of a GeoDataFrame (EPSG:4326), :data:`ROWS_PER_PIECE` features at a time.

    One feature per line. Properties are the frame's columns as plain values
    (lists and dicts as JSON text, missing values as ``null``); there is no
    ``crs`` member, as RFC 7946 prescribes WGS 84 lon/lat. A writer that
    writes each piece before taking the next holds the text of a few thousand
    features, not of the whole layer.

    Raises
    ------
    ValueError
        When the frame has a CRS other than EPSG:4326 (before the first piece).
    """
    _check_wgs84(frame)
    return _geojson_pieces(frame)


def _check_wgs84(frame: Any) -> None:
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        raise ValueError(f"GeoJSON layers must be in EPSG:4326, not {crs.to_string()}")


def _geojson_pieces(frame: Any) -> Iterator[str]:
    text = GeojsonPieces()
    yield text.start()
    yield from text.of(frame)
    yield text.end()


class GeojsonPieces:
    """The text of one FeatureCollection (:func:`geojson_pieces`) made of consecutive frames of a layer: its
    :meth:`start`, the pieces of each frame (:meth:`of`), its :meth:`end`."""

    def __init__(self) -> None:
        self.written = 0  # features so far

    def start(self) -> str:
        return formats.FEATURE_COLLECTION_START

    def of(self, frame: Any) -> Iterator[str]:
        """The features of ``frame``, :data:`ROWS_PER_PIECE` at a time."""
        _check_wgs84(frame)
        for part in row_slices(frame):
            names, columns = plain_columns(part)
            size = len(part)
            geometries = geojson_geometry_texts(part.geometry) if hasattr(part, "geometry") else ["null"] * size
            rows = zip(*columns) if columns else [()] * size
            lines = ",\n".join(formats.feature_line(dict(zip(names, values)), geometry)
                               for values, geometry in zip(rows, geometries))
            yield (",\n" if self.written and size else "") + lines
            self.written += size

    def end(self) -> str:
        return ("\n" if self.written else "") + formats.FEATURE_COLLECTION_END


# -- CSV --------------------------------------------------------------------------------------------------
def csv_text(frame: Any) -> str:
    """CSV of a table's attribute columns (no geometry), as :func:`geomap.formats.csv_text` writes it."""
    return "".join(csv_pieces(frame))


def csv_pieces(frame: Any) -> Iterator[str]:
    """The text of :func:`csv_text`, the header and then :data:`ROWS_PER_PIECE` rows at a time."""
    return CsvPieces().of(frame)


class CsvPieces:
    """The text of one CSV file (:func:`csv_pieces`) made of consecutive frames of a table (:meth:`of` each)."""

    def __init__(self) -> None:
        self.header = True  # not written yet

    def start(self) -> str:
        return ""

    def of(self, frame: Any) -> Iterator[str]:
        """The rows of ``frame`` (after the header, the first time), :data:`ROWS_PER_PIECE` at a time."""
        for part in row_slices(frame):
            names, columns = plain_columns(part)
            yield formats.csv_text(names, zip(*columns) if columns else [()] * len(part), with_header=self.header)
            self.header = False

    def end(self) -> str:
        return ""


ROWS_PER_PIECE = 5000


def row_slices(frame: Any) -> Iterator[Any]:
    """A DataFrame as consecutive slices of :data:`ROWS_PER_PIECE` rows (one empty slice when it has none); any
    other table whole."""
    if not isinstance(frame, pandas.DataFrame) or len(frame) <= ROWS_PER_PIECE:
        yield frame
        return
    for start in range(0, len(frame), ROWS_PER_PIECE):
        yield frame.iloc[start:start + ROWS_PER_PIECE]


def write_pieces(path: str | os.PathLike[str], pieces: Iterable[str]) -> Path:
    """Write text given in pieces to ``path`` as UTF-8, each piece as it comes."""
    with open(path, "wb") as handle:
        for piece in pieces:
            handle.write(piece.encode("utf-8"))
    return Path(path)


# -- GeoPackage -------------------------------------------------------------------------------------------
@contextlib.contextmanager
def gdal_config(**options: str) -> Iterator[None]:
    """Set GDAL configuration options for the duration of a ``with`` block, then restore them.

    GDAL's configuration is process-wide, so writes from several threads at
    once would see each other's options; geomap writes from one thread.
    """
    import pyogrio

    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def write_geopackage(layers: Iterable[Layer], path: str | os.PathLike[str]) -> Path:
    """Write ``layers`` as one GeoPackage, each in its own table, atomically and deterministically.

    Spatial layers get their ``geometry_type`` (so an empty layer still has
    one) and EPSG:4326; attribute tables have no geometry column. See
    :func:`add_geopackage_layer`.
    """
    target = Path(path)
    with atomic_path(target) as temporary:
        for index, layer in enumerate(layers):
            add_geopackage_layer(layer, temporary, first=index == 0)
    return target


def add_geopackage_layer(layer: Layer | ChunkedLayer, path: str | os.PathLike[str], first: bool,
                         use_arrow: bool | None = None, frames: Iterable[pandas.DataFrame] | None = None) -> None:
    """Write one layer into the GeoPackage at ``path`` (created by the ``first``), with a fixed time of writing.

    ``use_arrow``: through Arrow or a value at a time (default: through Arrow when pyarrow is installed).
    ``frames``: the layer's frames (default :meth:`~geomap.export.layers.Layer.frames`); through Arrow, GDAL
    takes them one at a time as a stream of record batches, each made when GDAL asks for it, so that a large
    layer is never held whole, neither as a frame nor in Arrow.
    """
    import pyogrio

    options: dict[str, Any] = {"layer": layer.name, "driver": "GPKG"}
    if first:
        options["dataset_options"] = {"VERSION": GPKG_VERSION}
    if layer.spatial:
        options["geometry_type"] = layer.geometry_type
        options["promote_to_multi"] = False
    # SQLite's waits for the disk at each layer's commit (synchronous writes, a journal file) took 1.4 s of a
    # 1.5 s GeoPackage of the seeds on this machine: the file is written in a private folder and moved into
    # place only when whole (a crash leaves no GeoPackage, never half of one), so they protect nothing here.
    # Same bytes.
    no_waits = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "MEMORY"}
    # Through Arrow when pyarrow is installed: the columns go to GDAL as arrays, not a value at a time, which took
    # 40% less CPU for the 10,000-article layers (mentions 6.0 s against 3.5 s). The same bytes either way.
    use_arrow = arrow_writes() if use_arrow is None else use_arrow
    frames = layer.frames() if frames is None else frames
    with gdal_config(OGR_CURRENT_DATE=GPKG_LAST_CHANGE, **no_waits):
        if not use_arrow:
            parts = list(frames)
            whole = parts[0] if len(parts) == 1 else pandas.concat(parts, ignore_index=True)
            pyogrio.write_dataframe(whole, path, use_arrow=False, **options)
            return
        from pyogrio.raw import write_arrow

        options.pop("promote_to_multi", None)  # the shapes are written as they are (write_dataframe's option)
        batches = [0]
        stopped: list[BaseException] = []
        try:
            write_arrow(arrow_stream(frames, batches, stopped), path,
                        geometry_name="geometry" if layer.spatial else None, crs=CRS if layer.spatial else None,
                        **options)
        except Exception:
            # Arrow turns anything raised while GDAL pulls a batch into "Error while accessing batch from stream":
            # a Ctrl-C or SIGTERM that arrived then is given back as itself, so that the run ends as interrupted.
            if stopped:
                raise stopped[0] from None
            raise
    uncount_commits(path, batches[0] - 1)


def uncount_commits(path: str | os.PathLike[str], extra: int) -> None:
    """Take ``extra`` commits off the SQLite header's change counter of the file at ``path``.

    GDAL commits each Arrow record batch on its own, and SQLite counts the commits in the header (the file change
    counter at byte 24 and its copy at byte 92, which must stay equal). A layer written a frame at a time is the
    layer written in one batch, row for row and page for page, but for that count: without this, the file would
    differ with the number of frames, i.e. with the size of a frame.
    """
    if extra <= 0:
        return
    with open(path, "r+b") as handle:
        handle.seek(24)
        counter = int.from_bytes(handle.read(4), "big") - extra
        for offset in (24, 92):
            handle.seek(offset)
            handle.write(counter.to_bytes(4, "big"))


def arrow_stream(frames: Iterable[pandas.DataFrame], batches: list[int] | None = None,
                 stopped: list[BaseException] | None = None) -> Any:
    """Frames of one layer as a stream of Arrow record batches (a ``pyarrow.RecordBatchReader``), each frame
    converted when the stream's reader asks for it, as ``pyogrio.write_dataframe`` converts a whole frame.

    The first frame's schema is the stream's: every frame of a layer has the same column types
    (:class:`geomap.export.layers.ChunkedLayer`). ``batches[0]`` counts the batches taken from the stream;
    ``stopped`` receives a Ctrl-C or SIGTERM raised while a batch was being made (Arrow hides it from the reader).
    """
    import pyarrow

    counted = [0] if batches is None else batches
    frames = iter(frames)
    first = _arrow_table(next(frames))
    schema = first.schema

    def each() -> Iterator[Any]:
        try:
            # Rows only: a frame may have none (a chunk of claims without polygons), and GDAL commits every batch.
            for table in itertools.chain([first], (_arrow_table(frame, schema) for frame in frames)):
                for batch in table.to_batches():
                    if batch.num_rows:
                        counted[0] += 1
                        yield batch
            if not counted[0]:  # an empty layer: what its one empty frame gives, as when written whole
                yield from first.to_batches()
        except KeyboardInterrupt as exc:
            if stopped is not None:
                stopped.append(exc)
            raise

    return pyarrow.RecordBatchReader.from_batches(schema, each())


def _arrow_table(frame: pandas.DataFrame, schema: Any = None) -> Any:
    """One frame as the Arrow table pyogrio writes (geometries as WKB; a column of gaps only as text), or of
    ``schema``."""
    import pyarrow
    from geopandas.array import to_wkb

    spatial = "geometry" in frame.columns and str(frame["geometry"].dtype) == "geometry"
    plain = pandas.DataFrame(frame.copy(deep=False), copy=False)
    if spatial:
        plain["geometry"] = to_wkb(frame["geometry"].values)
    if schema is not None:
        return pyarrow.Table.from_pandas(plain, schema=schema, preserve_index=False)
    table = pyarrow.Table.from_pandas(plain, preserve_index=False)
    for index, field in enumerate(table.schema):
        if pyarrow.types.is_null(field.type):  # GDAL has no field type for Arrow's null
            table = table.set_column(index, field.with_type(pyarrow.string()), table[index].cast(pyarrow.string()))
        elif spatial and field.name == "geometry" and not pyarrow.types.is_binary(field.type):  # no shape at all
            table = table.set_column(index, field.with_type(pyarrow.binary()), table[index].cast(pyarrow.binary()))
    return table


@functools.cache
def arrow_writes() -> bool:
    """Whether the GeoPackage can be written through Arrow (pyarrow is an optional dependency)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


# The large tables written as GeoParquet with --format parquet: the layers of mentions, claims and claim shapes.
PARQUET_LAYERS = ("mentions", "claims", "claim_areas", "claim_lines")


def require_pyarrow() -> None:
    """Parquet files are written by pyarrow, an optional dependency: its absence is one clear error."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise GeomapError("--format parquet needs pyarrow (pip install 'geomap[parquet]')") from None


# Rows per row group of a GeoParquet file (GDAL's default for Parquet): frames of any size are gathered into groups
# of this many rows, so that the bytes do not depend on the size of a frame, and no more than this many rows are held.
PARQUET_GROUP_ROWS = 65536
# GeoParquet's names of shapely's geometry type ids (shapely.get_type_id), a linear ring being a line string.
GEOPARQUET_TYPES = ("Point", "LineString", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                    "GeometryCollection")


class GeoparquetWriter:
    """One layer written into a GeoParquet 1.0 file (a plain Parquet file for an attribute table) a frame at a time
    (:meth:`add`), in row groups of :data:`PARQUET_GROUP_ROWS` rows: a large layer is never held whole.

    The same typed columns as the GeoPackage (lists and dicts as JSON text, see :func:`_arrow_table`); geometries
    as WKB in EPSG:4326. The ``geo`` metadata (bounding box and geometry types of every row) is known when the
    last frame is in: :meth:`close` adds it to the footer, which is why the file carries no Arrow schema of its
    own (pyarrow would read the schema's metadata from it, written before the first row). Written by pyarrow,
    whose files carry no time of writing: the same layer gives the same bytes, whatever the size of its frames.
    """

    def __init__(self, path: str | os.PathLike[str], spatial: bool) -> None:
        require_pyarrow()
        self.path, self.spatial = Path(path), spatial
        self.writer: Any = None
        self.held: list[Any] = []  # record batches not yet in a row group
        self.held_rows = 0
        self.bounds = [numpy.inf, numpy.inf, -numpy.inf, -numpy.inf]
        self.types: set[str] = set()

    def add(self, frame: pandas.DataFrame) -> None:
        """Write the rows of ``frame`` (the layer's next frame)."""
        import pyarrow.parquet

        if self.spatial:
            shapes = numpy.asarray(frame.geometry.values)
            kinds = shapely.get_type_id(shapes)
            kinds = kinds[kinds >= 0]
            self.types.update(GEOPARQUET_TYPES[kind] for kind in numpy.unique(kinds).tolist())
            if len(kinds):
                low_x, low_y, high_x, high_y = shapely.total_bounds(shapes).tolist()
                self.bounds = [min(self.bounds[0], low_x), min(self.bounds[1], low_y),
                               max(self.bounds[2], high_x), max(self.bounds[3], high_y)]
        if self.writer is None:
            table = _arrow_table(frame).replace_schema_metadata(None)
            self.writer = pyarrow.parquet.ParquetWriter(self.path, table.schema, compression="zstd",
                                                        store_schema=False)
        else:
            table = _arrow_table(frame, self.writer.schema)
        self.held += table.to_batches()
        self.held_rows += table.num_rows
        while self.held_rows >= PARQUET_GROUP_ROWS:
            self._write_group(PARQUET_GROUP_ROWS)

    def _write_group(self, rows: int) -> None:
        import pyarrow

        table = pyarrow.Table.from_batches(self.held, self.writer.schema)
        self.writer.write_table(table.slice(0, rows).combine_chunks(), row_group_size=rows)
        rest = table.slice(rows)
        self.held, self.held_rows = rest.to_batches(), rest.num_rows

    def close(self) -> Path:
        """Write the last rows and the footer with the ``geo`` metadata; the path written."""
        if self.writer is None:  # no frame: never the case for a layer (its frames are at least one)
            raise ValueError(f"{self.path.name}: no frame to write")
        if self.held_rows:
            self._write_group(self.held_rows)
        if self.spatial:
            column: dict[str, Any] = {"encoding": "WKB", "crs": _crs_json(), "geometry_types": sorted(self.types)}
            if numpy.isfinite(self.bounds).all():
                column["bbox"] = self.bounds
            geo = {"primary_column": "geometry", "columns": {"geometry": column}, "version": "1.0.0",
                   "creator": {"library": "geomap"}}
            self.writer.add_key_value_metadata({"geo": json.dumps(geo)})
        self.writer.close()
        return self.path


@functools.cache
def _crs_json() -> dict[str, Any]:
    """The layers' CRS (EPSG:4326) as PROJJSON, as GeoParquet writes it."""
    import pyproj

    return pyproj.CRS(CRS).to_json_dict()
