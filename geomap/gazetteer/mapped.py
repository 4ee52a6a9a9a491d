"""The gazetteer's big tables, decompressed once into the cache and memory-mapped after that.

The place and name files ship gzipped (13 MB instead of 60 MB). Decompressing
them costs a cold process 0.6 s, more than the rest of a one-article
``geomap geocode``. So the first process to read a table writes its
decompressed lines and the offsets of their newlines next to the scan index
in the cache folder (``GEOMAP_CACHE``); later processes map both files into
memory, which takes milliseconds, and the operating system shares the pages
between processes.

A copy is named after the table's path, size and modification time, so an
edited or rebuilt table gets a new copy; writing one deletes the stale copies
of the same table. A cache folder that cannot be written only costs speed.
"""

from __future__ import annotations

import array
import hashlib
import mmap
from collections.abc import Callable
from pathlib import Path

from geomap import atomic
from geomap.gazetteer.store import Lines, line_breaks
from geomap.paths import cache_dir

COPY_VERSION = 1


def copy_stem(path: Path) -> str:
    """The cache name of a table's copy: its file name and a digest of its path, size and time."""
    stat = path.stat()
    tag = hashlib.sha256(f"{COPY_VERSION}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return f"{_table_name(path)}-{tag.hexdigest()[:16]}"


def _table_name(path: Path) -> str:
    return path.name.removesuffix(".gz")


def mapped_lines(path: Path, decompress: Callable[[Path], bytes], folder: Path | None = None) -> Lines | None:
    """The lines of the gzipped table ``path``, memory-mapped from its copy in the cache.

    The copy is written first when missing (``decompress`` reads the table).
    None when no copy can be written or mapped; the caller then keeps the
    table in memory.
    """
    folder = tables_folder(folder)
    stem = copy_stem(path)
    lines_path, breaks_path = folder / f"{stem}.lines", folder / f"{stem}.breaks"
    if not (lines_path.is_file() and breaks_path.is_file()):
        try:
            _write_copy(decompress(path), lines_path, breaks_path)
        except OSError:
            return None
        delete_stale_copies(folder, _table_name(path), keep=stem)
    try:
        with open(lines_path, "rb") as stream:
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        breaks = array.array("q")
        breaks.frombytes(breaks_path.read_bytes())
    except (OSError, ValueError):
        return None
    if len(data) == 0 or data[:1] != b"\n" or data[-1:] != b"\n" or not breaks or breaks[-1] != len(data) - 1:
        return None  # a copy cut short (a full disk): the caller reads the table itself
    return Lines.framed(data, breaks)


def _write_copy(data: bytes, lines_path: Path, breaks_path: Path) -> None:
    framed = b"\n" + data + (b"" if not data or data.endswith(b"\n") else b"\n")
    # The offsets first: a copy is used only when both files are there.
    atomic.write_bytes(breaks_path, line_breaks(framed).tobytes())
    atomic.write_bytes(lines_path, framed)


def tables_folder(folder: Path | None = None) -> Path:
    """The folder of the copies: ``tables/`` in the cache folder (or in ``folder``)."""
    return (folder or cache_dir()) / "tables"


def delete_stale_copies(folder: Path, table: str, keep: str) -> None:
    """Delete the copies of ``table`` other than ``keep`` (a mapped file's pages stay valid until unmapped)."""
    for stale in folder.glob(f"{table}-*"):
        if not stale.name.startswith(keep + "."):
            try:
                stale.unlink()
            except OSError:
                pass
