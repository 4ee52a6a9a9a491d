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
one transaction per build (many builds can share it). Its
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
