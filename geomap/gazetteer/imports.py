"""Import GeoNames country dumps (RU.txt, UA.txt, ...) into the user data directory.

A dump has 19 tab-separated columns (geonameid, name, asciiname, alternatenames,
latitude, longitude, feature class, feature code, country code, cc2, admin1,
admin2, admin3, admin4, population, elevation, dem, timezone, modification date).
Populated places (feature class P) are kept, with every village the bundled
cities500 lacks. Malformed lines are reported with their line numbers and
skipped; a dump that is not UTF-8 is refused, naming its first bad line (a
UTF-8 byte order mark before the first line is allowed). The store is replaced
atomically, so a failed import leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geomap import atomic
from geomap.errors import GeomapError
from geomap.gazetteer.folding import keep_alternate_name
from geomap.gazetteer.store import Store, name_index_lines
from geomap.paths import user_data_dir

DUMP_COLUMNS = 19


@dataclass
class ImportReport:
    path: Path
    places: int = 0
    skipped_other_classes: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    written: list[Path] = field(default_factory=list)


def _parse_line(fields: list[str]) -> tuple[int, float, float, int]:
    if len(fields) != DUMP_COLUMNS:
        raise ValueError(f"expected {DUMP_COLUMNS} tab-separated columns, found {len(fields)}")
    try:
        geonameid = int(fields[0])
    except ValueError:
        raise ValueError(f"geonameid {fields[0]!r} is not a whole number") from None
    try:
        lat, lon = float(fields[4]), float(fields[5])
    except ValueError:
        raise ValueError(f"latitude/longitude {fields[4]!r}/{fields[5]!r} are not numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"latitude/longitude {lat}/{lon} out of range")
    if not fields[1].strip():
        raise ValueError("empty name")
    try:
        population = int(fields[14] or 0)
    except ValueError:
        raise ValueError(f"population {fields[14]!r} is not a whole number") from None
    return geonameid, lat, lon, population


def import_dump(path: Path, store: Store | None = None, user_dir: Path | None = None) -> ImportReport:
    """Read a GeoNames dump and write it, folded and indexed, into the user data directory."""
    path = Path(path)
    if not path.is_file():
        raise GeomapError("no such file", str(path))
    store = store or Store()
    region_of = {}
    for line in store.places[0].lines:
        values = line.split("\t")
        region_of.setdefault((values[4], values[5]), values[6])
    report = ImportReport(path)
    rows: list[tuple[int, str]] = []
    # Bytes, decoded line by line, so that a bad byte is reported with its line (decoding the whole stream
    # gives an offset into the reader's buffer). A dump that is not UTF-8 is the wrong file, or in the wrong
    # encoding: it is refused whole, at its first bad line.
    offset = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\n").rstrip("\r")
            except UnicodeDecodeError as exc:
                raise GeomapError(f"not UTF-8 text: line {number:,}, byte {exc.start + 1} of the line (byte "
                                  f"{offset + exc.start:,} of the file): {exc.reason}; GeoNames dumps are UTF-8",
                                  str(path)) from None
            offset += len(raw)
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            try:
                geonameid, lat, lon, population = _parse_line(fields)
            except ValueError as exc:
                report.malformed.append((number, str(exc)))
                continue
            if fields[6] != "P":
                report.skipped_other_classes += 1
                continue
            name = " ".join(fields[1].split())
            alternates = sorted({a.strip() for a in fields[3].split(",") if keep_alternate_name(a)} - {name})
            country, admin1 = fields[8], fields[10]
            rows.append((geonameid, "\t".join([
                str(geonameid), name, f"{lat:.5f}", f"{lon:.5f}", country, admin1,
                region_of.get((country, admin1), ""), str(population), fields[7],
                "|".join(a.replace("|", "/") for a in alternates),
            ])))
    rows.sort()
    entries = []
    for row_index, (_, line) in enumerate(rows):
        values = line.split("\t")
        entries.append((values[1], f"p{row_index}", True))
        entries.extend((a, f"p{row_index}", False) for a in values[9].split("|") if a)
    report.places = len(rows)
    if not rows:
        raise GeomapError("no populated places (feature class P) found", str(path))
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in path.stem) or "dump"
    target = (user_dir or user_data_dir()) / "imported"
    places_bytes = atomic.gzip_bytes(("\n".join(line for _, line in rows) + "\n").encode("utf-8"))
    name_lines = name_index_lines(entries)
    names_bytes = atomic.gzip_bytes(("\n".join(name_lines) + "\n").encode("utf-8"))
    # Names first, places last: the store only layers a dump whose places file exists.
    names_path = target / f"{stem}.names.tsv.gz"
    places_path = target / f"{stem}.places.tsv.gz"
    atomic.write_bytes(names_path, names_bytes)
    atomic.write_bytes(places_path, places_bytes)
    report.written = [places_path, names_path]
    return report
