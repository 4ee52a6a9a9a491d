"""The per-article cache of the text stages: a corpus that grows by ten articles re-reads only those ten.

The text stages (geoparser and claim rules) work on each article alone, so
their rows for one article (its mentions and its claims) depend only on:

- the article's fields (text, id, date, outlet, home...; not the file it came from);
- the code the text stages can run (geomap's version and a digest of the modules
  :mod:`geomap.text_stages` imports, followed through their own imports: so that a
  changed rule in a checkout is never answered from an old entry, while a change to
  the map, the exports or the figures keeps every entry);
- the data in use (the gazetteer's fingerprint: bundled manifest and imported dumps).

The entry of an article is a row of one SQLite file (:mod:`geomap.entry_store`),
keyed by the digest of all three: ``articles/entries.sqlite`` under the user
cache folder (:func:`geomap.paths.cache_dir`: ``$GEOMAP_CACHE`` or
``$XDG_CACHE_HOME/geomap``), or in the folder ``$GEOMAP_ARTICLE_CACHE``. A
build writes its new entries in batches, each in one transaction, so builds
running at once can share the file. The folder is safe to delete at any time.
Its size is bounded: after a build, the entries read or written least recently
go until the rest fits in ``$GEOMAP_ARTICLE_CACHE_MB`` (default
:data:`DEFAULT_LIMIT_MB`).

A large corpus's entries are also kept in blocks (:class:`BlockCodec`): a
rebuild of a corpus that grew by a few articles reads the cached rows of
10,000 articles as some forty blocks of whole columns (Arrow), not as 10,000
entries decoded one at a time (which took 14 s of CPU there, the JSON and the
Python objects of each entry). A block is a run of consecutive sources whose
end is chosen by their keys (:func:`block_spans`), so that an article added or
changed in one place changes one block, not every block after it. The
sources of a block not found are looked up one by one, as above.

A file that cannot be written, or an entry that cannot be read, is never an
error: one note says so and the article is read again (its entry rewritten
where possible).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
import pandas

from geomap.entry_store import EntryStore
from geomap.paths import PACKAGE_DIR, cache_dir
from geomap.records import Source
from geomap.schema import CLAIMS, DATE, LIST, MENTIONS, PLACE_STATUS, TEXT, Table, concat

if TYPE_CHECKING:
    from geomap.geometry.shape_cache import ShapeCache

log = logging.getLogger("geomap")

DEFAULT_LIMIT_MB = 2048.0
# Fields of a source the text stages never read: where it came from and what reading it said.
IGNORED_FIELDS = ("path", "warnings")
# First bytes of an entry. Entries are JSON, not pickles: reading one never runs code, whoever wrote the folder.
FORMAT = b"geomap-article-cache 2\n"

# The tables the text stages return, in their order (each has a ``source`` column): what an entry holds.
TEXT_TABLES = (MENTIONS, CLAIMS, PLACE_STATUS)
# One article's rows: table name ("mentions", "claims") -> column name -> that column's values.
Columns = dict[str, list[Any]]
Entry = dict[str, Columns]
Tables = tuple[pandas.DataFrame, ...]  # one per table of TEXT_TABLES
BATCH = 500  # cached sources looked up and made into tables at a time
STORE_NAME = "entries.sqlite"  # in the folder
# A block of sources ends after a source whose key (as a number) is a multiple of BLOCK_SPREAD: blocks of that many
# sources on average, whose ends the sources themselves fix, not their positions (see block_spans).
BLOCK_SPREAD = 256
BLOCK_FORMAT = b"geomap-article-block 1\n"  # first bytes of a block's entry


@cache
def code_version(*entries: str) -> str:
    """geomap's version and a digest of the files the stages entered at ``entries`` (module names) can run:
    :func:`stage_files`. A change anywhere else in geomap (the map, the exports, the figures) keeps it."""
    from geomap import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in stage_files(entries):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(b"\0%d\0" % path.stat().st_size)
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stage_files(entries: Iterable[str]) -> list[Path]:
    """The files of geomap that the modules ``entries`` can load, found by following their imports: the
    modules each names in an import statement (at the top or in a function: a lazy import runs when the
    function does), the packages that hold them, and the data files beside them (word lists). Imports
    made only for type checkers are not followed, nor a package's ``__getattr__`` (how ``geomap`` loads its
    public API on first use: the stages import the modules they use by name)."""
    seen: set[str] = set()
    pending = list(entries)
    while pending:
        name = pending.pop()
        if name in seen or _module_file(name) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        pending += [".".join(parts[:end]) for end in range(1, len(parts))]  # the packages run first
        pending += _imported_names(name)
    files: set[Path] = set()
    for name in seen:
        path = _module_file(name)
        assert path is not None
        files.add(path)
        files.update(_data_files(path.parent, path.parent.stat().st_mtime_ns))
    return sorted(files)


# A build asks for the code version of several stages (the article cache's, the geometry cache's, the basemap's
# and the figures'), whose modules overlap: each module's file, imports and folder are looked at once per
# version of the file (0.04 s of CPU for the four instead of 0.1 s).
@cache
def _data_files(folder: Path, modified_ns: int) -> tuple[Path, ...]:
    """The files beside geomap's modules in ``folder`` (as it was at ``modified_ns``) that are no Python."""
    return tuple(item for item in folder.iterdir() if item.is_file() and item.suffix not in (".py", ".pyc"))


def _module_file(name: str) -> Path | None:
    """The file of geomap's module ``name``, None for a module outside geomap (or a name that is no module)."""
    return _module_file_in(PACKAGE_DIR, name)


@cache
def _module_file_in(package_dir: Path, name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != package_dir.name:
        return None
    base = package_dir.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


# An import statement at the start of a line (at any indentation: a lazy import in a function runs when the
# function does), with the names of a "from" import in brackets over several lines.
_IMPORT_RE = re.compile(
    r"^[ \t]*(?:import[ \t]+(?P<modules>[\w., \t]+)|from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#]*))",
    re.MULTILINE,
)
# The blocks whose imports never run in the stages: "if TYPE_CHECKING:" (for type checkers only) and a package's
# "def __getattr__" (how geomap loads its public API on first use).
_SKIPPED_BLOCK_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?:if[ \t]+(?:typing\.)?TYPE_CHECKING[ \t]*:|def[ \t]+__getattr__\b)", re.MULTILINE
)


def _imported_names(name: str) -> tuple[str, ...]:
    """The modules (and names that may be modules) the import statements of module ``name`` name."""
    path = _module_file(name)
    assert path is not None
    status = path.stat()
    return _imports_in(name, path, status.st_mtime_ns, status.st_size)


@cache
def _imports_in(name: str, path: Path, modified_ns: int, size: int) -> tuple[str, ...]:
    """:func:`_imported_names` of the file ``path`` of module ``name`` as it was at ``modified_ns`` (``size``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    text = path.read_text(encoding="utf-8")
    skipped = _skipped_blocks(text, path.name == "__init__.py")
    names: list[str] = []
    for found in _IMPORT_RE.finditer(text):
        if any(start <= found.start() < end for start, end in skipped):
            continue
        if found.group("modules") is not None:
            names += [part.split()[0] for part in found.group("modules").split(",") if part.strip()]
            continue
        base = found.group("base")
        level = len(base) - len(base.lstrip("."))
        if level:
            anchor = package.split(".")[: len(package.split(".")) - level + 1]
            base = ".".join(anchor + ([base[level:]] if base[level:] else []))
        imported = found.group("names").strip("()")
        names += [base] + [f"{base}.{part.split()[0]}" for part in imported.split(",") if part.split()]
    return tuple(names)


def _skipped_blocks(text: str, package: bool) -> list[tuple[int, int]]:
    """The spans of ``text`` (offsets) of its "if TYPE_CHECKING:" blocks, and of "def __getattr__" in a package."""
    spans = []
    for header in _SKIPPED_BLOCK_RE.finditer(text):
        if "__getattr__" in header.group() and not package:
            continue
        indent = len(header.group("indent"))
        end = text.find("\n", header.end())
        while end != -1:
            line_end = text.find("\n", end + 1)
            line = text[end + 1 : line_end if line_end != -1 else len(text)]
            if line.strip() and not line.lstrip().startswith("#") and len(line) - len(line.lstrip()) <= indent:
                break
            end = line_end
        spans.append((header.start(), end if end != -1 else len(text)))
    return spans


def source_fingerprint(source: Source) -> bytes:
    """The fields of ``source`` the text stages read, as canonical JSON."""
    values = {item.name: getattr(source, item.name) for item in fields(source) if item.name not in IGNORED_FIELDS}
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=_plain_date).encode("utf-8")


def _json_value(value: Any) -> Any:
    """A table value JSON has no type for: missing (pd.NA) as null, numpy scalars as Python numbers, dates as ISO
    text (the tables' own form: see :mod:`geomap.schema`). Each column's type is restored when read."""
    if value is pandas.NA:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    raise TypeError(f"{type(value).__name__} in a table of the text stages")


def _plain_date(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a source")


def limit_bytes() -> int:
    text = os.environ.get("GEOMAP_ARTICLE_CACHE_MB", "")
    try:
        return int(float(text) * 1e6) if text else int(DEFAULT_LIMIT_MB * 1e6)
    except ValueError:
        log.warning("GEOMAP_ARTICLE_CACHE_MB=%r is not a number; using %g MB", text, DEFAULT_LIMIT_MB)
        return int(DEFAULT_LIMIT_MB * 1e6)


# Where the stages begin: the article cache's entries depend on the code the first can run, the geometry
# stage's entries (geomap.geometry.shape_cache) on the code both can.
TEXT_STAGES = "geomap.text_stages"
GEOMETRY_STAGE = "geomap.geometry"


@dataclass
class ArticleCache:
    """Entries of one code and data version in ``folder`` (made on first write)."""

    folder: Path
    version: str  # the text stages' code version + data fingerprint: part of every key
    geometry_version: str = ""  # the same for the geometry stage's entries (by default ``version``)
    noted: bool = False  # a note about an unreadable entry was given
    keys: dict[str, str] = field(default_factory=dict)  # source id -> key, of the sources last looked up
    order: list[str] = field(default_factory=list)  # the ids of the sources last looked up, in their order
    missing_blocks: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, key) not found
    entries: EntryStore = field(init=False)
    blocks: EntryStore = field(init=False)

    def __post_init__(self) -> None:
        self.entries = EntryStore(
            self.folder / STORE_NAME, "articles", "article cache", "reading every article", limit_bytes()
        )
        self.blocks = EntryStore(
            self.folder / STORE_NAME, "blocks", "article cache", "reading every article", limit_bytes()
        )

    @classmethod
    def for_data(cls, data_fingerprint: str, folder: Path | None = None) -> ArticleCache:
        override = os.environ.get("GEOMAP_ARTICLE_CACHE")
        folder = folder or (Path(override) if override else cache_dir() / "articles")
        return cls(
            folder,
            f"{code_version(TEXT_STAGES)}:{data_fingerprint}",
            f"{code_version(TEXT_STAGES, GEOMETRY_STAGE)}:{data_fingerprint}",
        )

    def shape_cache(self) -> ShapeCache:
        """The geometry stage's cache of the same data, keyed by the code of the text and geometry stages, in the
        same folder (:mod:`geomap.geometry.shape_cache`)."""
        from geomap.geometry.shape_cache import ShapeCache

        return ShapeCache(self.folder, self.geometry_version or self.version, limit_bytes())

    def key(self, source: Source) -> str:
        digest = hashlib.sha256(self.version.encode())
        digest.update(b"\0")
        digest.update(source_fingerprint(source))
        return digest.hexdigest()

    def lookup(self, sources: Sequence[Source]) -> tuple[set[int], list[Tables]]:
        """The positions of the sources found, and their tables in parts: the rows of the blocks found
        (:func:`block_spans`), then those of the other sources found, in batches of :data:`BATCH` sources (so that a
        large corpus's cached rows are never all Python objects at once). Their keys, and the blocks not found,
        are kept for :meth:`store` and :meth:`flush`."""
        self.keys = {source.id: self.key(source) for source in sources}
        self.order = [source.id for source in sources]
        found: set[int] = set()
        tables: list[Tables] = []
        self.missing_blocks = []
        if arrow_available():
            keys = [self.keys[source_id] for source_id in self.order]
            spans = block_spans(keys)
            block_keys = [block_key(keys[start:end]) for start, end in spans]
            stored = self.blocks.lookup(block_keys)
            kept = []
            for (start, end), key in zip(spans, block_keys):
                block = self._block(stored.get(key), self.order[start:end])
                if block is None:
                    self.missing_blocks.append((start, end, key))
                else:
                    kept.append(block)
                    found.update(range(start, end))
            if kept:
                tables.append(frames_of_blocks(kept))
        rest = [index for index in range(len(sources)) if index not in found]
        for start in range(0, len(rest), BATCH):
            part = rest[start : start + BATCH]
            stored = self.entries.lookup([self.keys[self.order[index]] for index in part])
            batch: list[Entry] = []
            for index in part:
                entry = self._entry(stored.get(self.keys[self.order[index]]))
                if entry is not None:
                    found.add(index)
                    batch.append(entry)
            if batch:
                tables.append(tables_of(batch))
        return found, tables

    def _block(self, data: bytes | None, members: Sequence[str]) -> list[Any] | None:
        """The Arrow tables of a block's entry (None when there is none, or it cannot be read: noted once)."""
        if data is None:
            return None
        try:
            return decode_block(data, set(members))
        except Exception as exc:  # noqa: BLE001 - any damage: the block's sources are looked up one by one
            self._note(exc)
            return None

    def store(self, chunk: pandas.DataFrame, *frames: pandas.DataFrame) -> None:
        """Keep the rows of a chunk of sources just read (``chunk``: their table; ``frames``: the text stages'
        tables of it, in the order of :data:`TEXT_TABLES`) as their entries."""
        ids = list(chunk["id"])
        parts = {
            table.name: split_by_source({column: frame[column].tolist() for column in table.names}, ids)
            for table, frame in zip(TEXT_TABLES, frames, strict=True)
        }
        for position, source_id in enumerate(ids):
            self.put(self.keys[source_id], {name: parts[name][position] for name in parts})

    def get(self, key: str) -> Entry | None:
        """The entry of ``key``; None when there is none or it cannot be read (then noted once)."""
        return self._entry(self.entries.lookup([key]).get(key))

    def _entry(self, data: bytes | None) -> Entry | None:
        if data is None:
            return None
        try:
            if not data.startswith(FORMAT):
                raise ValueError("not an entry of this cache")
            entry = json.loads(zlib.decompress(data[len(FORMAT) :]))
            if not isinstance(entry, dict) or set(entry) != {table.name for table in TEXT_TABLES}:
                raise ValueError("not an entry of this cache")
        except Exception as exc:  # noqa: BLE001 - any damage: the article is read again (and its entry replaced)
            self._note(exc)
            return None
        return entry

    def _note(self, exc: Exception) -> None:
        if not self.noted:
            self.noted = True
            log.warning(
                "note: an entry of the article cache %s could not be read (%s: %s); reading the article again",
                self.entries.path,
                type(exc).__name__,
                exc,
            )

    def put(self, key: str, entry: Entry) -> None:
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=_json_value)
        self.entries.put(key, FORMAT + zlib.compress(text.encode("utf-8"), 1))

    def flush(self, tables: Tables | None = None) -> None:
        """Write the entries kept, then drop the least recently used ones beyond the size limit
        (``$GEOMAP_ARTICLE_CACHE_MB``, for the articles' entries and for the blocks'). With ``tables``, the text
        stages' tables of every source last looked up (in their order), the blocks not found are written too."""
        self.entries.flush()
        if tables is None or not self.missing_blocks or not self.entries.usable:
            return
        positions = {source_id: index for index, source_id in enumerate(self.order)}
        owners = [frame["source"].map(positions).to_numpy() for frame in tables]
        for start, end, key in self.missing_blocks:
            rows = [(numpy.searchsorted(owner, start), numpy.searchsorted(owner, end)) for owner in owners]
            self.blocks.put(key, encode_block([frame.iloc[a:b] for frame, (a, b) in zip(tables, rows)]))
        self.missing_blocks = []
        self.blocks.flush()


def split_by_source(columns: Columns, sources: Sequence[str]) -> list[Columns]:
    """The rows of a table (as columns, rows grouped by source in ``sources``' order) cut per source."""
    owners = columns["source"]
    cuts, start = [], 0
    for source in sources:
        end = start
        while end < len(owners) and owners[end] == source:
            end += 1
        cuts.append({name: values[start:end] for name, values in columns.items()})
        start = end
    if start != len(owners):
        raise ValueError("rows of the text stages are not grouped by source in the sources' order")
    return cuts


def tables_of(entries: Sequence[Entry]) -> Tables:
    """The text stages' tables of some sources' entries, in their order."""
    return tuple(
        table.from_columns(*join((entry[table.name] for entry in entries), table.names)) for table in TEXT_TABLES
    )


def in_source_order(sources: Sequence[Source], parts: Sequence[Tables]) -> Tables:
    """The tables of ``parts`` (each the rows of some sources) as one, the rows of each source together and the
    sources in the order of ``sources``: the tables a run without the cache makes."""
    position = {source.id: index for index, source in enumerate(sources)}
    made = []
    for which, table in enumerate(TEXT_TABLES):
        frame = concat(table, [part[which] for part in parts])
        order = frame["source"].map(position).to_numpy().argsort(kind="stable")
        made.append(frame.iloc[order].reset_index(drop=True))
    return tuple(made)


def join(parts: Iterable[Columns], names: Sequence[str]) -> tuple[Columns, int]:
    """The columns of ``parts`` one after the other, and the number of rows."""
    joined: Columns = {name: [] for name in names}
    for part in parts:
        for name in names:
            joined[name].extend(part[name])
    return joined, len(joined[names[0]]) if names else 0


# -- blocks: the rows of runs of consecutive sources as whole columns -------------------------------------------


def block_spans(keys: Sequence[str]) -> list[tuple[int, int]]:
    """The blocks of sources with these ``keys`` (in corpus order) as (start, end) positions: a block ends after
    a source whose key is a multiple of :data:`BLOCK_SPREAD`, and at the end. An article added, removed or
    changed changes the block it is in (and joins two when its key ended one), not the others."""
    spans, start = [], 0
    for index, key in enumerate(keys):
        if int(key[:12], 16) % BLOCK_SPREAD == 0:
            spans.append((start, index + 1))
            start = index + 1
    if start < len(keys):
        spans.append((start, len(keys)))
    return spans


def block_key(keys: Sequence[str]) -> str:
    """The key of the block of the sources with these ``keys`` (each holds the version already)."""
    digest = hashlib.sha256(b"block")
    for key in keys:
        digest.update(b"\0" + key.encode())
    return digest.hexdigest()


@cache
def arrow_available() -> bool:
    """Blocks are Arrow data: without pyarrow (an optional dependency) the entries are read one by one."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def encode_block(frames: Sequence[pandas.DataFrame]) -> bytes:
    """A block's entry: the rows of its sources of each table of :data:`TEXT_TABLES` as an Arrow stream, list cells
    as JSON text (their dicts' keys and values as the tables hold them)."""
    import pyarrow

    streams = []
    for table, frame in zip(TEXT_TABLES, frames, strict=True):
        arrays = {}
        for column in table.columns:
            values = frame[column.name]
            if column.kind == LIST:
                texts = [json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=_json_value) for v in values]
                arrays[column.name] = pyarrow.array(texts, pyarrow.string())
            elif column.kind in (TEXT, DATE):
                arrays[column.name] = pyarrow.array(values.tolist(), pyarrow.string())
            else:
                arrays[column.name] = pyarrow.array(values, from_pandas=True)
        data = pyarrow.table(arrays)
        sink = pyarrow.BufferOutputStream()
        options = pyarrow.ipc.IpcWriteOptions(compression="zstd")
        with pyarrow.ipc.new_stream(sink, data.schema, options=options) as writer:
            writer.write_table(data)
        streams.append(sink.getvalue().to_pybytes())
    return BLOCK_FORMAT + struct.pack(f"<{len(streams)}Q", *map(len, streams)) + b"".join(streams)


def decode_block(data: bytes, members: set[str]) -> list[Any]:
    """The Arrow tables of a block's entry; ValueError when it is not one of these ``members``' sources."""
    import pyarrow

    if not data.startswith(BLOCK_FORMAT):
        raise ValueError("not a block of this cache")
    count = len(TEXT_TABLES)
    sizes = struct.unpack_from(f"<{count}Q", data, len(BLOCK_FORMAT))
    start = len(BLOCK_FORMAT) + 8 * count
    if start + sum(sizes) != len(data):
        raise ValueError("a block of the wrong size")
    tables = []
    for table, size in zip(TEXT_TABLES, sizes):
        read = pyarrow.ipc.open_stream(pyarrow.py_buffer(data[start : start + size])).read_all()
        start += size
        if read.column_names != table.names:
            raise ValueError(f"a block whose {table.name} have other columns")
        if not set(read.column("source").unique().to_pylist()) <= members:
            raise ValueError(f"a block whose {table.name} belong to other sources")
        tables.append(read)
    return tables


def frames_of_blocks(blocks: Sequence[list[Any]]) -> Tables:
    """The text stages' tables of some blocks (each a list of Arrow tables, in :data:`TEXT_TABLES`' order)."""
    import pyarrow

    return tuple(
        _frame_of(table, pyarrow.concat_tables([block[which] for block in blocks]))
        for which, table in enumerate(TEXT_TABLES)
    )


def _frame_of(table: Table, data: Any) -> pandas.DataFrame:
    """The table ``table`` of the Arrow table ``data``: each column of its type; text as Python strings, one object
    per distinct text of a column (as :func:`geomap.schema.one_copy_each` makes them) and None where missing; each
    distinct list read once."""
    columns = {}
    for column in table.columns:
        values = data.column(column.name)
        if column.kind in (TEXT, DATE, LIST):
            encoded = values.combine_chunks().dictionary_encode()
            distinct = encoded.dictionary.to_pylist()
            words = numpy.empty(len(distinct) + 1, dtype=object)  # and None, for the missing values
            for index, text in enumerate(distinct):
                words[index] = json.loads(text) if column.kind == LIST else text
            columns[column.name] = pandas.Series(
                words[encoded.indices.fill_null(len(distinct)).to_numpy()], dtype=object
            )
        else:
            columns[column.name] = values.to_pandas().astype(column.dtype)
    return pandas.DataFrame(columns, columns=table.names, index=pandas.RangeIndex(data.num_rows))
