"""The basemap's region outlines cut to an extent and simplified for it, kept between builds.

Cutting the bundled countries and admin-1 regions to a map's extents and
simplifying them for its width (:func:`geomap.pipeline.basemap`) took a third
of a second of CPU in every cold build of the seeds, most of it the coarse
country outlines under every place named, far beyond the theatres. Each cut
depends only on the data, the extent and the tolerance, and a rebuild of the
same corpus (a watched folder, an unchanged corpus built again, a corpus that
grew by a few articles within the same extents) asks for the same cuts.

So each cut is kept as an entry of one SQLite file (:mod:`geomap.entry_store`),
``basemap.sqlite`` in the user cache folder (:func:`geomap.paths.cache_dir`),
keyed by a digest of geomap's code version, the data's fingerprint, the layer,
its rows, the area and the tolerance: an entry is never read for other inputs.
Like the countries the geometry stage cuts along the borders, it depends on no
article, so ``--no-cache`` (the article cache) leaves it on. Its size is
bounded (:data:`LIMIT_MB`, the entries used least recently go first) and the
file is safe to delete; a file that cannot be used is one note, and the cuts
are made as without it.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import numpy as np
import shapely
import shapely.errors

from geomap.entry_store import EntryStore
from geomap.paths import cache_dir

LIMIT_MB = 64.0  # the seeds' cuts are 0.25 MB; a world-wide corpus's, a few MB
FORMAT = b"geomap-basemap-cut 1\n"  # first bytes of an entry
FILE_NAME = "basemap.sqlite"


class BasemapCache:
    """The cuts of one code and data version (``version``) in the user cache folder (made on first write)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.entries = EntryStore(
            cache_dir() / FILE_NAME, "cuts", "basemap cache", "cutting the basemap again", int(LIMIT_MB * 1e6)
        )

    @classmethod
    def for_data(cls, data_fingerprint: str) -> BasemapCache:
        from geomap.article_cache import code_version

        # The cut is made in geomap.pipeline (_cuts) with shapely: their code is part of the version.
        return cls(f"{code_version('geomap.pipeline')}:{shapely.geos_version_string}:{data_fingerprint}")

    def key(self, layer: str, codes: Any, area: Any, tolerance: float) -> str:
        """The key of the cut of ``layer``'s rows ``codes`` to ``area`` (a shapely geometry), simplified by
        ``tolerance`` degrees."""
        digest = hashlib.sha256(self.version.encode())
        for part in (layer, "\t".join(map(str, codes)), repr(float(tolerance))):
            digest.update(b"\0" + part.encode("utf-8"))
        digest.update(b"\0" + shapely.to_wkb(area))
        return digest.hexdigest()

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        """The geometries kept under each of ``keys`` found (one per row, empty ones too), read in one lookup."""
        found = {}
        for key, data in self.entries.lookup(keys).items():
            geometries = _decoded(data)
            if geometries is not None:
                found[key] = geometries
        return found

    def put(self, key: str, geometries: np.ndarray) -> None:
        """Keep ``geometries`` under ``key`` (written by :meth:`flush`)."""
        pieces = shapely.to_wkb(geometries).tolist()
        sizes = np.array([len(piece) for piece in pieces], dtype="<u4")
        self.entries.put(key, FORMAT + struct.pack("<I", len(pieces)) + sizes.tobytes() + b"".join(pieces))

    def flush(self) -> None:
        """Write the entries kept, then drop the least recently used ones beyond the size limit (nothing to do, and
        no transaction, when every cut was found)."""
        if self.entries.pending:
            self.entries.flush()


def _decoded(data: bytes) -> np.ndarray | None:
    """The geometries of an entry (None when it is not one: the cut is then made again)."""
    if not data.startswith(FORMAT):
        return None
    try:
        count = struct.unpack_from("<I", data, len(FORMAT))[0]
        start = len(FORMAT) + 4
        sizes = np.frombuffer(data, dtype="<u4", count=count, offset=start)
        offsets = start + 4 * count + np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        if offsets[-1] != len(data):
            return None
        return shapely.from_wkb([data[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())])
    except (struct.error, ValueError, shapely.errors.GEOSException):
        return None
