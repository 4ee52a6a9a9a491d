"""Import GeoNames country dumps (RU.txt, UA.txt, ...) into the user data directory.

A dump has 19 tab-separated columns (geonameid, name, asciiname, alternatenames,
latitude, longitude, feature class, feature code, country code, cc2, admin1,
admin2, admin3, admin4, population, elevation, dem, timezone, modification date).
Populated places (feature class P) are kept, with every village the bundled
cities500 lacks, and so are the physical features that war reporting places
fighting and claims at (``lookup.PHYSICAL_FEATURE_CODES`` of classes T and H:
valleys, passes, isthmuses, hills, heights, plains, springs, lakes, islands),
which no bundled package has (beyond the few that curated.toml bundles: the
Galwan Valley, Pangong Tso, a friction point called Hot Springs in Ladakh). They
keep their GeoNames feature code (``VAL``, ``SPNG`` ...); rivers, roads and buildings stay out
(a river's point is nowhere in particular along it). Malformed lines are reported
with their line numbers and skipped; a dump that is not UTF-8 is refused, naming its first bad line (a
UTF-8 byte order mark before the first line is allowed). A dump's places and names are replaced together, as
one unit (:func:`publish_dump`), so a failed or killed import leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geomap import atomic
from geomap.errors import GeomapError
from geomap.gazetteer.folding import keep_alternate_name
from geomap.gazetteer.lookup import PHYSICAL_FEATURE_CODES
from geomap.gazetteer.store import IMPORT_NAMES, IMPORT_PLACES, IMPORT_VERSION_MARK, Store, name_index_lines
from geomap.paths import user_data_dir

DUMP_COLUMNS = 19
LOCK_NAME = ".lock"


@dataclass
class ImportReport:
    path: Path
    places: int = 0
    features: int = 0  # physical features kept (PHYSICAL_FEATURE_CODES), counted apart from the places
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
    region_of: dict[tuple[str, str], str] = {}
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
                if fields[6] not in ("T", "H") or fields[7] not in PHYSICAL_FEATURE_CODES:
                    report.skipped_other_classes += 1
                    continue
                report.features += 1
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
    report.places = len(rows) - report.features
    if not report.places:
        raise GeomapError("no populated places (feature class P) found", str(path))
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in path.stem) or "dump"
    places_bytes = atomic.gzip_bytes(("\n".join(line for _, line in rows) + "\n").encode("utf-8"))
    names_bytes = atomic.gzip_bytes(("\n".join(name_index_lines(entries)) + "\n").encode("utf-8"))
    pointer = publish_dump((user_dir or user_data_dir()) / "imported", stem,
                           {IMPORT_PLACES: places_bytes, IMPORT_NAMES: names_bytes})
    report.written = [pointer / IMPORT_PLACES, pointer / IMPORT_NAMES]
    return report


def publish_dump(folder: Path, stem: str, files: dict[str, bytes]) -> Path:
    """Make ``files`` the store of dump ``stem`` in one step; return the link the store reads (``folder/stem``).

    The files go into a version folder named by their digest (``RU.v-<digest>``),
    written under a temporary name and renamed when complete; then the link
    ``RU`` is switched to it by one rename. A kill at any point leaves the link
    on a complete version, old or new: names and places always come from the
    same dump. The version the link left stays until the next import (a run
    that resolved the link before still reads its files); older versions,
    temporary folders and links of killed imports, and files of the former
    layout are deleted. Imports wait for each other (a lock in the folder).
    """
    from geomap.outputs import folder_lock

    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder / LOCK_NAME, f"importing into {folder}"):
        pointer = folder / stem
        previous = os.readlink(pointer) if pointer.is_symlink() else None
        digest = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()[:16]
        version = f"{stem}{IMPORT_VERSION_MARK}{digest}"
        if not (folder / version).is_dir():
            staging = Path(tempfile.mkdtemp(prefix=f".{stem}.import-", dir=folder))
            for name, data in files.items():
                (staging / name).write_bytes(data)
                os.chmod(staging / name, 0o644)
            os.chmod(staging, 0o755)
            os.rename(staging, folder / version)
        link = folder / f".{stem}.link"  # the lock keeps other imports from using this name meanwhile
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(version, link)
        os.replace(link, pointer)  # the switch: one rename
        _remove_leftovers(folder, keep={version, previous})
        for legacy in (f"{stem}.places.tsv.gz", f"{stem}.names.tsv.gz"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / legacy)
    return pointer


def _remove_leftovers(folder: Path, keep: set[str | None]) -> None:
    """Versions no link points to (but those in ``keep``), and what killed imports left (hidden entries)."""
    linked = {os.readlink(entry) for entry in folder.iterdir() if entry.is_symlink()}
    for entry in folder.iterdir():
        unused_version = IMPORT_VERSION_MARK in entry.name and entry.name not in linked | keep
        leftover = entry.name.startswith(".") and entry.name != LOCK_NAME
        if not (unused_version or leftover):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
