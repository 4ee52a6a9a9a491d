"""Loading the gazetteer files (bundled geodata/ plus the user's imported dumps).

The files are read as sorted text lines and parsed lazily: a cold process
decompresses them and splits lines (a few hundred milliseconds) and looks a
name up by binary search, without building any per-name Python objects. This
keeps ``geomap gazetteer search`` fast and keeps geopandas off its import path.
The place and name files are read on first use (the region polygons alone need
neither).
"""

from __future__ import annotations

import array
import bisect
import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geomap.gazetteer.folding import fold
from geomap.paths import geodata_dir, user_data_dir
from geomap.records import Candidate

# The files of one imported dump's version folder (see Store._imported).
IMPORT_PLACES = "places.tsv.gz"
IMPORT_NAMES = "names.tsv.gz"
IMPORT_VERSION_MARK = ".v-"

# Column order of places.tsv.gz (and of imported dumps, which use the same layout).
PLACE_COLUMNS = ("geonameid", "name", "lat", "lon", "country", "admin1_code", "region",
                 "population", "feature_code", "alternates")
_NAME, _ALTERNATES = PLACE_COLUMNS.index("name"), PLACE_COLUMNS.index("alternates")
# Ids of the curated features (curated.toml [[feature]]) start here, above every GeoNames id: such a place has no
# geonameid.
CURATED_FEATURE_ID_BASE = 1_000_000_000
REGION_FEATURE_CODES = {"country": "PCLI", "admin1": "ADM1", "named_region": "RGN", "continent": "CONT",
                        "supranational": "RGN", "admin2": "ADM2"}
REGION_COLUMNS = ("code", "kind", "name", "country", "iso", "lat", "lon", "area_km2", "population",
                  "status", "type", "definition", "names", "geonameid")


def name_index_lines(entries, rank_key=None) -> list[str]:
    """Index lines "key<TAB>ref:e,ref:a" sorted by key, from (name, ref, exact) entries.

    ``ref`` is ``p<row>`` (a place row) or ``r<row>`` (a region row); a name that is
    both exact and alias for the same entry is exact. With ``rank_key(ref, exact)``
    each line's entries are stored in ranked order, so an exact lookup needs no sort.
    """
    index: dict[str, dict[str, str]] = {}
    for name, ref, exact in entries:
        key = fold(name)
        if not key or not any(ch.isalpha() for ch in key):
            continue
        refs = index.setdefault(key, {})
        if refs.get(ref) != "e":
            refs[ref] = "e" if exact else "a"
    def order(key: str, ref: str):
        if rank_key is not None:
            return rank_key(ref, index[key][ref] == "e")
        return (0 if ref[0] == "r" else 1, int(ref[1:]))  # regions first, then rows

    return [key + "\t" + ",".join(f"{ref}:{index[key][ref]}" for ref in sorted(index[key], key=lambda r: order(key, r)))
            for key in sorted(index)]


def _decompressed(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


class Lines(Sequence[str]):
    """The lines of a UTF-8 text, each decoded when it is read.

    The place and name files have 930,000 lines; splitting them into strings
    takes a fifth of a second and 80 MB, while a run reads a few thousand. Here
    a numpy pass finds the line ends (10 ms) and a line is a slice of the bytes.
    """

    __slots__ = ("data", "_breaks", "_block_firsts")
    BLOCK = 64  # lines per block of the search index of sorted files

    def __init__(self, data: bytes):
        # A newline before the first line and after the last: line i is data[breaks[i] + 1:breaks[i + 1]].
        self.data = b"\n" + data + (b"" if not data or data.endswith(b"\n") else b"\n")
        self._breaks = line_breaks(self.data)
        self._block_firsts: list[str] | None = None

    @classmethod
    def framed(cls, data, breaks: array.array) -> Lines:
        """Lines over ``data`` that already has a newline before its first line and after its last (a
        memory-mapped file, see :mod:`geomap.gazetteer.mapped`), with the offsets of its newlines."""
        lines = cls.__new__(cls)
        lines.data = data
        lines._breaks = breaks
        lines._block_firsts = None
        return lines

    def __len__(self) -> int:
        return len(self._breaks) - 1

    def raw(self, index: int) -> bytes:
        """Line ``index`` as UTF-8 bytes (no newline)."""
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("line index out of range")
        return self.data[self._breaks[index] + 1:self._breaks[index + 1]]

    def __getitem__(self, index):  # an int gives a str, a slice a list of them
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.raw(index).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.data[1:-1].decode("utf-8").split("\n") if len(self) else [])

    def rest_after(self, prefix: str) -> str | None:
        """In a file sorted by line, the rest of the line that starts with ``prefix`` (None if none does).

        Bisects the first line of each block of :attr:`BLOCK` lines, then finds
        the line in that block's bytes; only the rest of the one line is decoded.
        """
        if self._block_firsts is None:
            data, breaks = self.data, self._breaks
            self._block_firsts = _decoded([data[breaks[i] + 1:breaks[i + 1]] for i in range(0, len(self), self.BLOCK)])
        if not self._block_firsts:
            return None
        block = max(0, bisect.bisect_right(self._block_firsts, prefix) - 1)
        # A line that starts with the prefix sorts after it, so it may be the next block's first line.
        last = min((block + 1) * self.BLOCK + 1, len(self))
        needle = b"\n" + prefix.encode("utf-8")
        at = self.data.find(needle, self._breaks[block * self.BLOCK], self._breaks[last] + 1)
        if at < 0:
            return None
        return self.data[at + len(needle):self.data.find(b"\n", at + 1)].decode("utf-8")

    def first_fields(self) -> list[str]:
        """The text before the first tab of every line, in order."""
        return self.leading_columns(1)[0]

    def leading_columns(self, count: int) -> list[list[str]]:
        """The first ``count`` tab-separated fields of every line, as ``count`` columns ("" where a line has
        fewer fields). One regex pass over the bytes and a decoding per column: a fifth of the time of
        decoding and splitting each line."""
        # Each match is a newline and the fields that follow it; the newline after the last line matches no field.
        pattern = re.compile(rb"\n([^\t\n]*)" + rb"(?:\t([^\t\n]*))?" * (count - 1))
        rows = pattern.findall(self.data)[:-1]
        if count == 1:
            return [_decoded(rows)]
        return [_decoded(list(column)) for column in zip(*rows)] if rows else [[] for _ in range(count)]


def _decoded(lines: list[bytes]) -> list[str]:
    """UTF-8 lines (none holding a newline) as text, decoded at once."""
    return b"\n".join(lines).decode("utf-8").split("\n") if lines else []


def line_breaks(data: bytes) -> array.array:
    """The offsets of every newline in ``data`` (a numpy pass, 10 ms for the name file)."""
    import numpy as np

    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10).astype(np.int64)
    return array.array("q", breaks.tobytes())


def _read_table(path: Path) -> Lines:
    """A gzipped table's lines: memory-mapped from the decompressed copy in the cache (a few
    milliseconds), or decompressed here (a fifth of a second or more) when no copy can be kept."""
    from geomap.gazetteer.mapped import mapped_lines

    lines = mapped_lines(path, _decompressed)
    if lines is None:
        return Lines(_decompressed(path))
    return lines


@dataclass
class PlaceTable:
    """Populated places from one file; rows are parsed on demand."""

    lines: Sequence[str]
    origin: str  # "bundled" or the imported dump's name

    def row(self, index: int) -> dict[str, str]:
        return dict(zip(PLACE_COLUMNS, self.lines[index].split("\t")))

    def names(self, rows: Iterable[int]) -> list[tuple[int, str]]:
        """(row, name) for the name, then each alternate name, of the places in ``rows``."""
        out = []
        for row in rows:
            values = self.lines[row].split("\t")
            out.append((row, values[_NAME]))
            for alternate in values[_ALTERNATES].split("|"):
                if alternate:
                    out.append((row, alternate))
        return out


# After this many lookups a hash index pays for its building time (about 0.4 s; a bisection costs 1-2 µs).
HASH_INDEX_AFTER = 500_000


@dataclass
class NameIndex:
    """Sorted "key<TAB>refs" lines, searched by bisection; a hash index once lookups are many.

    A one-off search (the command line) should not pay for hashing 700,000 keys;
    a geoparser or a batch of lookups should not pay a bisection each time.
    """

    lines: Lines
    lookups: int = 0
    by_key: dict[str, str] | None = None

    def raw_refs(self, key: str) -> str | None:
        if self.by_key is not None:
            return self.by_key.get(key)
        self.lookups += 1
        if self.lookups > HASH_INDEX_AFTER:
            self.by_key = dict(line.split("\t", 1) for line in self.lines)
            return self.by_key.get(key)
        return self.lines.rest_after(key + "\t")

    def refs(self, key: str) -> list[tuple[str, bool]]:
        raw = self.raw_refs(key)
        if raw is None:
            return []
        out = []
        for ref in raw.split(","):
            target, flag = ref.rsplit(":", 1)
            out.append((target, flag == "e"))
        return out

    def keys(self) -> list[str]:
        return [line[: line.index("\t")] for line in self.lines]


class Store:
    """The bundled gazetteer and any imported dumps layered over it."""

    def __init__(self, data_dir: Path | None = None, user_dir: Path | None = None):
        self.data_dir = data_dir or geodata_dir()
        self.user_dir = user_dir if user_dir is not None else user_data_dir()
        # Each read on first use: a process that only draws region polygons needs neither places nor
        # names, one that builds geometries needs the places but not the 700,000 names.
        self._region_lines: Lines | None = None
        self._places: list[PlaceTable] | None = None
        self._names: list[NameIndex] | None = None
        self._imported_files: list[tuple[str, Path, Path]] | None = None
        self._region_rows: dict[str, int] | None = None
        self._points: dict | None = None
        self._place_regions: tuple | None = None  # (each place's region number, {region code: number})

    @property
    def region_lines(self) -> Lines:
        """The lines of the region table (34,000 regions: countries, admin-1 and admin-2 units, named regions)."""
        if self._region_lines is None:
            self._region_lines = _read_table(self.data_dir / "regions.tsv.gz")
        return self._region_lines

    @property
    def places(self) -> list[PlaceTable]:
        """The place tables: the bundled one first, then each imported dump."""
        if self._places is None:
            self._places = [PlaceTable(_read_table(self.data_dir / "places.tsv.gz"), "bundled")]
            self._places += [PlaceTable(_read_table(places), name) for name, places, _ in self._imported()]
        return self._places

    @property
    def names(self) -> list[NameIndex]:
        """The name indexes, in the order of :attr:`places`."""
        if self._names is None:
            self._names = [NameIndex(_read_table(self.data_dir / "names.tsv.gz"))]
            self._names += [NameIndex(_read_table(names)) for _, _, names in self._imported()]
        return self._names

    def _imported(self) -> list[tuple[str, Path, Path]]:
        """(dump name, places file, names file) of the user's imported dumps, in name order.

        Each dump is a folder of one version (``RU.v-<digest>/``) that the link
        ``RU`` points to; the link is resolved once, so both files come from
        the same version even when an import switches it meanwhile. Dumps
        imported by earlier versions of geomap (``RU.places.tsv.gz`` beside
        ``RU.names.tsv.gz``) are read when there is no link of that name.
        """
        if self._imported_files is None:
            folder = self.user_dir / "imported"
            found: dict[str, tuple[Path, Path]] = {}
            for pointer in sorted(folder.iterdir()) if folder.is_dir() else []:
                if pointer.name.startswith(".") or not pointer.is_symlink():
                    continue
                version = pointer.resolve()
                if (version / IMPORT_PLACES).is_file() and (version / IMPORT_NAMES).is_file():
                    found[pointer.name] = (version / IMPORT_PLACES, version / IMPORT_NAMES)
            for places_path in sorted(folder.glob("*.places.tsv.gz")):
                name = places_path.name.split(".")[0]
                names_path = places_path.with_name(places_path.name.replace(".places.", ".names."))
                if name not in found and names_path.is_file():
                    found[name] = (places_path, names_path)
            self._imported_files = [(name, *found[name]) for name in sorted(found)]
        return self._imported_files

    # -- identity -------------------------------------------------------------
    def fingerprint(self) -> str:
        """A digest of the data in use: the cache key of derived indexes."""
        digest = hashlib.sha256((self.data_dir / "manifest.json").read_bytes())
        for table in self.places[1:]:
            digest.update(table.origin.encode())
            digest.update(str(len(table.lines)).encode())
            digest.update(table.lines[-1].encode() if table.lines else b"")
        return digest.hexdigest()[:16]

    def place_points(self) -> dict:
        """Arrays of the bundled places in row order: lat, lon (degrees), population, region code.

        Loaded on first use (a few milliseconds) from place_points.npz.
        """
        if self._points is None:
            import numpy as np

            with np.load(self.data_dir / "place_points.npz", allow_pickle=False) as npz:
                codes = npz["region_codes"]
                self._points = {"lat": npz["lat_e5"] / 1e5, "lon": npz["lon_e5"] / 1e5,
                                "population": npz["population"], "region": codes[npz["region_index"]]}
        return self._points

    def region_place_rows(self, code: str) -> list[int]:
        """Rows of the bundled places in one admin-1 region, ascending.

        Reads only the places' region numbers from place_points.npz (a sixth of the
        time of all its arrays) and compares numbers, not codes (a tenth of the time).
        """
        import numpy as np

        if self._place_regions is None:
            with np.load(self.data_dir / "place_points.npz", allow_pickle=False) as npz:
                numbers = {region: i for i, region in enumerate(npz["region_codes"].tolist())}
                self._place_regions = (npz["region_index"], numbers)
        region_index, numbers = self._place_regions
        if code not in numbers:
            return []
        return np.flatnonzero(region_index == numbers[code]).tolist()

    def manifest(self) -> dict:
        return json.loads((self.data_dir / "manifest.json").read_text(encoding="utf-8"))

    # -- rows -----------------------------------------------------------------
    def region_row(self, index: int) -> dict[str, str]:
        return dict(zip(REGION_COLUMNS, self.region_lines[index].split("\t")))

    def region_index(self, code: str) -> int | None:
        if self._region_rows is None:
            self._region_rows = {code: i for i, code in enumerate(self.region_lines.first_fields())}
        return self._region_rows.get(code)

    def place_location(self, geonameid: int) -> tuple[int, int] | None:
        """(table, row) of a geonameid; imported tables win over the bundled one.

        Rows are sorted by geonameid, so a bisection finds one without an index.
        """
        def number(line: str) -> int:
            return int(line[: line.index("\t")])

        for t in range(len(self.places) - 1, -1, -1):
            lines = self.places[t].lines
            row = bisect.bisect_left(lines, geonameid, key=number)
            if row < len(lines) and number(lines[row]) == geonameid:
                return (t, row)
        return None

    # -- candidates -----------------------------------------------------------
    def place_candidate(self, table: int, row: int, exact: bool = True, matched: str | None = None) -> Candidate:
        geonameid, name, lat, lon, country, _, region, population, feature_code, _ = \
            self.places[table].lines[row].split("\t", 9)
        # Positional: this runs for every candidate of every lookup (id, name, kind, country, admin1,
        # lat, lon, population, feature_code, geonameid, score, method, matched).
        number = int(geonameid)
        return Candidate(geonameid, name, "populated_place", country or None, region or None, float(lat), float(lon),
                         int(population) if population else 0, feature_code or None,
                         number if number < CURATED_FEATURE_ID_BASE else None, 1.0, "exact" if exact else "alias",
                         matched)

    def region_candidate(self, index: int, exact: bool = True, matched: str | None = None) -> Candidate:
        line = self.region_lines[index]
        code, kind, name, country, iso, lat, lon, _, population, _ = line.split("\t", 9)
        geonameid = line[line.rindex("\t") + 1:]
        # An admin-1 region is its own admin1; a second-level unit names its admin-1 region in the ISO column.
        admin1 = code if kind == "admin1" else (iso or None) if kind == "admin2" else None
        return Candidate(code, name, kind, country or None, admin1, float(lat),
                         float(lon), int(population) if population else 0, REGION_FEATURE_CODES.get(kind),
                         int(geonameid) if geonameid else None, 1.0, "exact" if exact else "alias", matched)

    def candidates_for_key(self, key: str) -> list[Candidate]:
        """Every entry indexed under a folded key (imported places override bundled ones)."""
        if len(self.names) == 1:  # no imported dumps: nothing to override, nothing to deduplicate
            raw = self.names[0].raw_refs(key)
            if raw is None:
                return []
            return [self.region_candidate(int(ref[1:-2]), ref[-1] == "e", key) if ref[0] == "r"
                    else self.place_candidate(0, int(ref[1:-2]), ref[-1] == "e", key) for ref in raw.split(",")]
        out: list[Candidate] = []
        seen: set[str] = set()
        for t in range(len(self.names) - 1, -1, -1):
            for target, exact in self.names[t].refs(key):
                if target[0] == "r":
                    candidate = self.region_candidate(int(target[1:]), exact, key)
                else:
                    candidate = self.place_candidate(t, int(target[1:]), exact, key)
                if candidate.id not in seen:
                    seen.add(candidate.id)
                    out.append(candidate)
        return out
