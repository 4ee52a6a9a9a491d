"""The figures of a build kept between builds: a rebuild whose figures' tables did not change copies them.

Drawing the figures was most of a cold build of the seeds: matplotlib's import
and fonts and two maps and a chart in PNG and SVG, 1.5 s of CPU of 4 s, in a
process of their own that the build waited for at the end. A figure depends
only on the tables it is drawn from (:func:`geomap.pipeline.figure_tables`),
its windows, resolution and formats, and the code and libraries that draw it;
a rebuild of an unchanged corpus (a watched folder, a corpus built again, a
corpus grown by articles that change no figure's tables) asks for the same
files again.

So the files of each share of a build's figures (:func:`geomap.pipeline.figure_shares`)
are kept as one entry of one SQLite file (:mod:`geomap.entry_store`),
``figures.sqlite`` in the user cache folder (:func:`geomap.paths.cache_dir`),
keyed by a digest of everything the drawing reads: geomap's code version, the
versions of the libraries that draw and of the matplotlib settings files a user
may have, the data's, the resolution, the formats, the windows, and the pickled
tables (an entry is found only for tables equal to the byte).

A corpus grown by a few articles changes the tables, and so that key, but not
most windows' claims: each figure is then also kept on its own, keyed by what
it alone reads (a window's claims, the colours of their sources, the places in
its view, ...: :func:`geomap.figures.write_figures`), and the figures' process
copies the ones whose inputs are unchanged and draws the rest. Like the article cache,
``--no-cache`` leaves it off. Its size is bounded (:data:`LIMIT_MB`, the entries
used least recently go first) and the file is safe to delete; a file that
cannot be used is one note, and the figures are drawn as without it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import struct
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap.entry_store import EntryStore
from geomap.paths import cache_dir

LIMIT_MB = 256.0  # the seeds' figures are 1.2 MB; the 12 busiest windows of a large corpus, about 10 MB
FORMAT = b"geomap-figures 1\n"  # first bytes of an entry
FILE_NAME = "figures.sqlite"
# The libraries that draw (matplotlib, Pillow's PNG encoder) or compute what is drawn.
LIBRARIES = ("matplotlib", "pillow", "numpy", "pandas", "shapely", "pyproj", "geopandas")


class FigureCache:
    """The figures drawn by one code and library version (``version``) in the user cache folder."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.entries = EntryStore(
            cache_dir() / FILE_NAME, "figures", "figure cache", "drawing the figures again", int(LIMIT_MB * 1e6)
        )

    @classmethod
    def for_code(cls) -> FigureCache:
        from geomap.article_cache import code_version
        from geomap.resources import shared

        # geomap.pipeline's version follows its import of geomap.figures (and the basemap cache has made it); the
        # data's, the basemap's regions the maps draw under every window's claims.
        versions = [code_version("geomap.pipeline"), shared().gazetteer.store.fingerprint()]
        versions += [f"{name} {importlib.metadata.version(name)}" for name in LIBRARIES]
        return cls("\n".join(versions + [matplotlib_settings()]))

    def key(
        self, tables: dict[str, Any], windows: Sequence[str], chart: bool, dpi: int, formats: Sequence[str]
    ) -> str | None:
        """The key of the figures of ``windows`` (and the chart, with ``chart``) drawn from ``tables`` (None for
        tables that cannot be pickled as values: such figures are not kept)."""
        return self._digest(("\t".join(windows), str(chart), str(dpi), "\t".join(formats)), tables)

    def figure_key(self, name: str, inputs: Any, dpi: int, formats: Sequence[str]) -> str | None:
        """The key of the one figure ``name`` drawn from ``inputs``, all that it reads of the tables (see
        :func:`geomap.figures.write_figures`): the same for a window whose claims a grown corpus left alone."""
        return self._digest(("figure", name, str(dpi), "\t".join(formats)), inputs)

    def _digest(self, request: Sequence[str], values: Any) -> str | None:
        digest = hashlib.sha256(self.version.encode())
        for part in request:
            digest.update(b"\0" + part.encode("utf-8"))
        digest.update(b"\0")
        # Pickled into the digest as made (no copy of a large corpus's tables), and without pickle's memo: equal
        # values give the same bytes whether or not they are one object (the tables of a build that read the
        # articles share the flags' and alternatives' dictionaries that the article cache gives one by one).
        pickler = pickle.Pickler(_Digesting(digest), protocol=5)
        pickler.fast = True
        try:
            pickler.dump(values)
        except RecursionError:  # a value that holds itself: not kept
            return None
        return digest.hexdigest()

    def get(self, key: str) -> dict[str, bytes] | None:
        """The files (name -> bytes) kept under ``key``, None when there are none."""
        return self.get_figures([key]).get(key)

    def get_figures(self, keys: Sequence[str | None]) -> dict[str, dict[str, bytes]]:
        """The files (name -> bytes) kept under each of ``keys`` that has an entry, read at once."""
        found = self.entries.lookup([key for key in keys if key is not None])
        decoded = {key: _decoded(data) for key, data in found.items()}
        return {key: files for key, files in decoded.items() if files is not None}

    def put(self, key: str, files: dict[str, bytes]) -> None:
        """Keep ``files`` (name -> bytes) under ``key`` (written by :meth:`flush`)."""
        pieces = [FORMAT, struct.pack("<I", len(files))]
        for name, data in sorted(files.items()):
            encoded = name.encode("utf-8")
            pieces += [struct.pack("<IQ", len(encoded), len(data)), encoded, data]
        self.entries.put(key, b"".join(pieces))

    def flush(self) -> None:
        """Write the entries kept, then drop the least recently used ones beyond the size limit."""
        if self.entries.pending:
            self.entries.flush()


class _Digesting:
    """A file that ``pickle.dump`` writes into a digest."""

    def __init__(self, digest: Any) -> None:
        self.write = digest.update


def matplotlib_settings() -> str:
    """The matplotlib settings files that apply here, with their contents (matplotlib reads the first of them
    it finds; what :func:`geomap.figures.style.figure_style` does not set comes from it), read without
    importing matplotlib."""
    config = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config"), "matplotlib"
    )
    candidates = [os.environ.get("MATPLOTLIBRC", ""), "matplotlibrc", os.path.join(config, "matplotlibrc")]
    found = []
    for candidate in filter(None, candidates):
        path = Path(candidate)
        path = path / "matplotlibrc" if path.is_dir() else path
        if path.is_file():
            found.append(f"{path.resolve()}\n{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return f"{sys.platform}\n" + "\n".join(found)


def _decoded(data: bytes) -> dict[str, bytes] | None:
    """The files of an entry (None when it is not one: the figures are then drawn again)."""
    if not data.startswith(FORMAT):
        return None
    try:
        (count,), offset = struct.unpack_from("<I", data, len(FORMAT)), len(FORMAT) + 4
        files = {}
        for _ in range(count):
            name_size, size = struct.unpack_from("<IQ", data, offset)
            offset += 12
            name = data[offset : offset + name_size].decode("utf-8")
            files[name] = data[offset + name_size : offset + name_size + size]
            offset += name_size + size
            if len(files[name]) != size or "/" in name or name.startswith("."):
                return None
    except (struct.error, UnicodeDecodeError):
        return None
    return files if offset == len(data) else None
