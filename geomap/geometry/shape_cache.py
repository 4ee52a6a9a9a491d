"""The per-claim cache of the geometry stage: a rebuild draws only the claims it has not drawn before.

A claim's shape (its row of :data:`geomap.schema.CLAIM_GEOMETRIES` before the
checks that compare it with other claims) is a function of:

- the claim itself, and what the other claims decided for it before it was
  drawn: its anchor (possibly borrowed), window, region, holder, the base of a
  share and the partner of a depth or front width (see
  :func:`geomap.geometry.build.claim_rows`);
- the code of the text and geometry stages and the data in use
  (:attr:`geomap.article_cache.ArticleCache.geometry_version`);
- for an incursion, what the run's place statuses say near its anchor.

The first two make the key of an entry. The statuses are all of a corpus, and
a new article may change what they say of one place only, so an entry keeps
the questions the claim asked of them (:class:`StatusReads`) and a digest of
the answers: an entry is used only when asking them again gives the same
answers.

Entries are rows of one SQLite file next to the article cache folder and named
after it (``articles-geometry.sqlite`` in the user cache folder), written in
one transaction per build (many builds can share it). Besides an entry per
claim, the rows of the claims of a run of consecutive sources are kept together
as whole columns (:class:`RowBlocks`, with pyarrow): a rebuild reads a corpus's
rows a column at a time rather than decoding an entry per claim, and turns to
the claims' own entries only for the claims its blocks do not hold. Its
size is bounded like the article cache's (``$GEOMAP_ARTICLE_CACHE_MB``): the
entries used least recently go first. A file that cannot be read or written
is never an error: one note says so and the build draws every claim.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import zlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import shapely

from geomap.entry_store import EntryStore
from geomap.schema import CLAIM_GEOMETRIES

log = logging.getLogger("geomap")

FILE_SUFFIX = "-geometry.sqlite"
TEXT_LENGTH = struct.Struct(">I")  # of the text part of an entry (see entry_bytes)

NOTHING_ASKED = hashlib.sha256().hexdigest()  # the digest of no answers
# One question asked of the place statuses: (method, *arguments), see :class:`StatusReads`.
Question = tuple


def _as_of(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class StatusReads:
    """A run's status index (:class:`geomap.geometry.statuses.StatusIndex`) that notes what it was asked.

    Stands in for the index while one claim is drawn; :attr:`asked` are the
    questions, as JSON values (dates as ISO text), to be asked again by :meth:`Answers.digest`.
    """

    def __init__(self, index: Any):
        self.index = index
        self.asked: list[list[Any]] = []

    def __bool__(self) -> bool:
        self.asked.append(["any"])
        return bool(self.index)

    def anchor_state(self, place_id: str | None, holder: str | None, as_of: date | None) -> Any:
        self.asked.append(["anchor_state", place_id, holder, _as_of(as_of)])
        return self.index.anchor_state(place_id, holder, as_of)

    def near(self, lon: float, lat: float, reach_km: float, as_of: date, holder: str | None,
             wanted: Sequence[str]) -> Any:
        self.asked.append(["near", lon, lat, reach_km, _as_of(as_of), holder, list(wanted)])
        return self.index.near(lon, lat, reach_km, as_of, holder, wanted)


class Answers:
    """Digests of what one run's status index answers to the questions a claim asked (as :class:`StatusReads`
    noted them), each question answered once and each status written once.

    The claims of a corpus ask the same questions again (a town's state on a day) and the answers name the
    same statuses: writing them out for every claim (``repr`` of dozens of statuses) was most of the time
    a rebuild spent checking its cached shapes.
    """

    def __init__(self, index: Any):
        self.index = index
        self._texts: dict[tuple, bytes] = {}  # question -> its answer as text
        self._statuses: dict[int, str] = {}  # id of a status (the index holds them all) -> repr

    def digest(self, asked: Sequence[Sequence[Any]]) -> str:
        if not asked:  # most claims ask nothing
            return NOTHING_ASKED
        digest = hashlib.sha256()
        for question in asked:
            key = tuple(tuple(value) if isinstance(value, list) else value for value in question)
            if key not in self._texts:
                self._texts[key] = self._answer_text(question)
            digest.update(self._texts[key])
            digest.update(b"\0")
        return digest.hexdigest()

    def _answer_text(self, question: Sequence[Any]) -> bytes:
        method = question[0]
        if method == "any":
            return repr(bool(self.index)).encode("utf-8")
        if method == "anchor_state":
            place_id, holder, as_of = question[1:]
            state = self.index.anchor_state(place_id, holder, date.fromisoformat(as_of) if as_of else None)
            return repr(state).encode("utf-8")
        if method == "near":
            lon, lat, reach_km, as_of, holder, wanted = question[1:]
            found = self.index.near(lon, lat, reach_km, date.fromisoformat(as_of), holder, tuple(wanted))
            return "\n".join(f"{self._status(status)} {relation!r}" for status, relation in found).encode("utf-8")
        raise ValueError(f"unknown question {method!r}")

    def _status(self, status: Any) -> str:
        if id(status) not in self._statuses:
            self._statuses[id(status)] = repr(status)
        return self._statuses[id(status)]


def entry_bytes(row: dict[str, Any], asked: list[list[Any]], answered: str) -> bytes:
    """A claim's row, the status questions it asked and the digest of their answers, as an entry.

    The entry is the length of its text part (4 bytes), that text (zlib JSON: the row's values in the
    table's column order, then the questions and the digest) and the geometry's WKB as it is (none when
    the claim is unmapped). Values without their column names and a geometry neither in base64 nor
    compressed (its coordinates hardly compress) halved the time to write and read an entry.
    """
    geometry = row["geometry"]
    text = json.dumps([[row.get(name) for name in CLAIM_GEOMETRIES.names], asked, answered],
                      ensure_ascii=False, separators=(",", ":"), default=_json_value)
    packed = zlib.compress(text.encode("utf-8"), 1)
    return b"".join((TEXT_LENGTH.pack(len(packed)), packed, shapely.to_wkb(geometry) if geometry is not None else b""))


def _json_value(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    raise TypeError(f"{type(value).__name__} in a claim's row")


def entry_values(data: bytes) -> tuple[list[Any], list[list[Any]], str]:
    """The row's values in column order followed by its shape's WKB (None when unmapped), the questions and the
    answers' digest of an entry (the inverse of :func:`entry_bytes`)."""
    end = TEXT_LENGTH.size + TEXT_LENGTH.unpack_from(data)[0]
    values, asked, answered = json.loads(zlib.decompress(data[TEXT_LENGTH.size : end]))
    values.append(data[end:] if len(data) > end else None)
    return values, asked, answered


def envelope_inputs(geometries: Sequence[Any], window: str) -> str:
    """What a window's envelope depends on, as the text of its key: the window and its buffers' WKB, in order."""
    digest = hashlib.sha256()
    for wkb in shapely.to_wkb(list(geometries)):
        digest.update(TEXT_LENGTH.pack(len(wkb)))
        digest.update(wkb)
    return f"envelope\0{window}\0{digest.hexdigest()}"


def envelope_bytes(union: Any, km2: float) -> bytes:
    """A window's envelope as an entry: the length of its area's text, that text (JSON) and the union's WKB."""
    text = json.dumps(km2).encode("utf-8")
    return b"".join((TEXT_LENGTH.pack(len(text)), text, shapely.to_wkb(union)))


def envelope_of(data: bytes) -> tuple[Any, float]:
    """The union and area of an envelope entry (the inverse of :func:`envelope_bytes`)."""
    end = TEXT_LENGTH.size + TEXT_LENGTH.unpack_from(data)[0]
    return shapely.from_wkb(data[end:]), json.loads(data[TEXT_LENGTH.size : end])


class ShapeCache:
    """The claims' rows of one code and data version next to the article cache ``folder`` (made on first write)."""

    def __init__(self, folder: Path, version: str, limit: int):
        self.version = version
        self.entries = EntryStore(folder.parent / (folder.name + FILE_SUFFIX), "shapes", "geometry cache",
                                  "drawing every claim", limit)

    @property
    def path(self) -> Path:
        return self.entries.path

    def key(self, inputs: str) -> str:
        """The key of a claim whose shape depends on ``inputs`` (a canonical text of them)."""
        digest = hashlib.sha256(self.version.encode())
        digest.update(b"\0")
        digest.update(inputs.encode("utf-8"))
        return digest.hexdigest()

    def lookup(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The entries found among ``keys`` (marked as used now)."""
        return self.entries.lookup(keys)

    def put(self, key: str, data: bytes) -> None:
        self.entries.put(key, data)

    def flush(self) -> None:
        """Write the entries kept, then drop the least recently used ones beyond the size limit."""
        self.entries.flush()


# -- blocks: the cached rows of runs of consecutive sources' claims as whole columns ------------------------------

# A run of sources ends after one whose id's digest is a multiple of this: about that many sources' claims a block.
ROW_BLOCK_SPREAD = 16
ROW_BLOCK_FORMAT = b"geomap-geometry-block 1\n"  # first bytes of a block's entry
# A block's columns before the table's own: each row's key, the digest of its status answers and the questions.
ROW_BLOCK_LEADING = ("key", "answered", "asked")


def row_block_spans(sources: Sequence[str]) -> list[tuple[int, int]]:
    """The blocks of the claims of these ``sources`` (each claim's source, claims in order, a source's together)
    as (start, end) positions: a block ends after the claims of a source whose id's digest is a multiple of
    :data:`ROW_BLOCK_SPREAD`, and at the end. An article added changes the block it joins, not the others."""
    spans, start = [], 0
    ends: dict[str, bool] = {}
    for index, source in enumerate(sources):
        if source not in ends:
            ends[source] = int(hashlib.sha256(source.encode("utf-8")).hexdigest()[:12], 16) % ROW_BLOCK_SPREAD == 0
        last = index + 1 == len(sources) or sources[index + 1] != source
        if last and ends[source]:
            spans.append((start, index + 1))
            start = index + 1
    if start < len(sources):
        spans.append((start, len(sources)))
    return spans


def encode_rows(keys: Sequence[str], answered: Sequence[str], asked: Sequence[Any],
                rows: Sequence[Sequence[Any]]) -> Any:
    """An Arrow table of rows (values in the table's column order, then the shape: WKB, a shape or None) with their
    keys, answers' digests and questions (JSON text); list cells (the flags) as JSON text."""
    import pyarrow

    from geomap.schema import FLOAT, INT, LIST

    arrays = {
        "key": pyarrow.array(list(keys), pyarrow.string()),
        "answered": pyarrow.array(list(answered), pyarrow.string()),
        "asked": pyarrow.array([json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in asked],
                               pyarrow.string()),
    }
    types = {INT: pyarrow.int64(), FLOAT: pyarrow.float64()}
    for position, column in enumerate(CLAIM_GEOMETRIES.columns):
        values = [row[position] for row in rows]
        if column.kind == LIST:
            values = [json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=_json_value) for v in values]
        arrays[column.name] = pyarrow.array(values, types.get(column.kind, pyarrow.string()))
    shapes = [row[-1] for row in rows]
    drawn = [index for index, shape in enumerate(shapes) if shape is not None and not isinstance(shape, bytes)]
    for index, wkb in zip(drawn, shapely.to_wkb([shapes[index] for index in drawn]), strict=True):  # at once
        shapes[index] = wkb
    arrays["geometry"] = pyarrow.array(shapes, pyarrow.binary())
    return pyarrow.table(arrays)


def row_block_bytes(table: Any) -> bytes:
    """A block's entry: its rows' Arrow table (:func:`encode_rows`) as an Arrow stream compressed with LZ4 (zstd made
    half as many bytes, mostly the shapes' coordinates, but took five times as long to read)."""
    import pyarrow

    sink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_stream(sink, table.schema, options=pyarrow.ipc.IpcWriteOptions(compression="lz4")) as out:
        out.write_table(table)
    return ROW_BLOCK_FORMAT + sink.getvalue().to_pybytes()


def row_block_of(data: bytes) -> Any:
    """The Arrow table of a block's entry (the inverse of :func:`row_block_bytes`); ValueError when it is none."""
    import pyarrow

    if not data.startswith(ROW_BLOCK_FORMAT):
        raise ValueError("not a block of the geometry cache")
    table = pyarrow.ipc.open_stream(pyarrow.py_buffer(data[len(ROW_BLOCK_FORMAT):])).read_all()
    if table.column_names != [*ROW_BLOCK_LEADING, *CLAIM_GEOMETRIES.names, "geometry"]:
        raise ValueError("a block of the geometry cache with other columns")
    return table


class RowBlocks:
    """The blocks of one run's claims (:func:`row_block_spans`) found in the geometry cache.

    A claim's row is taken from its block when the block holds a row of the
    claim's key whose status answers are the same (as an entry of its own is, see
    :meth:`served`); a block is written again when some of its claims were not
    (:meth:`write`): its rows still of use, and theirs. A block's key is its
    first source, so that an article added elsewhere in its run leaves it found.
    """

    def __init__(self, cache: ShapeCache, sources: Sequence[str]):
        self.cache = cache
        self.spans = row_block_spans(sources)
        self.keys = [cache.key(f"row block\0{sources[start]}") for start, _ in self.spans]
        found = cache.lookup(self.keys)
        self.tables: list[Any] = []
        damaged: list[Exception] = []
        for key in self.keys:
            try:
                self.tables.append(row_block_of(found[key]) if key in found else None)
            except Exception as exc:  # noqa: BLE001 - a block that cannot be read is written again, never an error
                damaged.append(exc)
                self.tables.append(None)
        if damaged:
            log.warning("note: %d blocks of the geometry cache %s could not be read (%s); their claims come from "
                        "their own entries or are drawn", len(damaged), cache.path, damaged[0])
        self.kept: list[list[int]] = [[] for _ in self.spans]  # each block's rows of use in this run
        self.positions: list[list[int]] = [[] for _ in self.spans]  # and the claims they serve

    def served(self, keys: Sequence[str], answering: Answers) -> tuple[list[int], Any]:
        """The positions of the claims whose rows the blocks hold (in order), and those rows (an Arrow table)."""
        import pyarrow

        positions, parts = [], []
        for block, (start, end) in enumerate(self.spans):
            table = self.tables[block]
            if table is None:
                continue
            stored = {key: row for row, key in enumerate(table.column("key").to_pylist())}
            answered = table.column("answered").to_pylist()
            asked = table.column("asked")
            kept = self.kept[block]
            for position in range(start, end):
                row = stored.get(keys[position])
                if row is None:
                    continue
                if answered[row] != NOTHING_ASKED and answering.digest(json.loads(asked[row].as_py())) != answered[row]:
                    continue
                kept.append(row)
                positions.append(position)
                self.positions[block].append(position)
            if not kept:  # none of its rows is of use (and an empty list has no type for Arrow's take)
                continue
            whole = kept == list(range(table.num_rows))
            parts.append(table if whole else table.take(pyarrow.array(kept, pyarrow.int64())))
        return positions, (pyarrow.concat_tables(parts) if parts else None)

    def write(self, fresh: dict[int, tuple[Sequence[Any], list[list[Any]], str]], keys: Sequence[str]) -> None:
        """Keep again the blocks with ``fresh`` rows (by position: the row's values and shape, questions, digest)."""
        import pyarrow

        for block, (start, end) in enumerate(self.spans):
            mine = [position for position in range(start, end) if position in fresh]
            if not mine:
                continue
            new = encode_rows([keys[p] for p in mine], [fresh[p][2] for p in mine], [fresh[p][1] for p in mine],
                              [fresh[p][0] for p in mine])
            table, kept = self.tables[block], self.kept[block]
            if table is not None and kept:
                # In claim order, as the next rebuild reads them: a block whose rows are all of use is then read as
                # it is, not rearranged (a copy of every shape).
                rows = pyarrow.concat_tables([table.take(pyarrow.array(kept, pyarrow.int64())), new])
                served = self.positions[block]
                order = sorted(range(len(served) + len(mine)), key=[*served, *mine].__getitem__)
                new = rows.take(order)
            self.cache.put(self.keys[block], row_block_bytes(new))
