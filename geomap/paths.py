"""Where geomap finds its bundled data and keeps the user's own.

- bundled data: ``geodata/`` next to the package in a source checkout, or
  ``geomap/_geodata`` inside an installed wheel; ``GEOMAP_GEODATA`` overrides.
- user data (imported GeoNames dumps): ``$GEOMAP_HOME`` or
  ``$XDG_DATA_HOME/geomap`` (default ``~/.local/share/geomap``).
- cache (the geoparser's scan index and decompressed copies of the gazetteer tables, rebuilt
  from the data when missing):
  ``$GEOMAP_CACHE`` or ``$XDG_CACHE_HOME/geomap`` (default ``~/.cache/geomap``).

geodata/ itself is never written at run time; only ``geomap data build`` writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


class DataMissingError(RuntimeError):
    """The bundled gazetteer data could not be found."""


def geodata_dir() -> Path:
    """The folder with the bundled gazetteer (places, names, regions, shapes)."""
    override = os.environ.get("GEOMAP_GEODATA")
    candidates = [Path(override)] if override else [PACKAGE_DIR / "_geodata", REPO_DIR / "geodata"]
    for candidate in candidates:
        if (candidate / "places.tsv.gz").is_file():
            return candidate
    raise DataMissingError(
        "bundled gazetteer not found in " + ", ".join(str(c) for c in candidates)
        + " (run 'geomap data build' in a source checkout)"
    )


def source_geodata_dir() -> Path:
    """geodata/ of the source checkout: where ``geomap data build`` writes."""
    override = os.environ.get("GEOMAP_GEODATA")
    return Path(override) if override else REPO_DIR / "geodata"


def user_data_dir() -> Path:
    home = os.environ.get("GEOMAP_HOME")
    if home:
        return Path(home)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "geomap"


def cache_dir() -> Path:
    cache = os.environ.get("GEOMAP_CACHE")
    if cache:
        return Path(cache)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geomap"
