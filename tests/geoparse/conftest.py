"""Shared fixtures for the geoparser tests: one geoparser and one CLI environment per session.

Both use an empty user data directory, so GeoNames dumps a developer imported
cannot change the answers, and a private cache folder for the scan index.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(empty GEOMAP_HOME, private GEOMAP_CACHE)."""
    root = tmp_path_factory.mktemp("geoparse")
    (root / "home").mkdir()
    (root / "cache").mkdir()
    return root / "home", root / "cache"


@pytest.fixture(scope="session")
def geoparser(isolated_dirs):
    """The geoparser over the bundled data only (no imported dumps)."""
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.gazetteer.store import Store
    from geomap.geoparse import load_geoparser

    home, cache = isolated_dirs
    with pytest.MonkeyPatch.context() as patch:
        # load_geoparser asks geomap.gazetteer for the process-wide gazetteer; hand it one
        # without the user's dumps instead of clearing that process-wide cache.
        patch.setattr("geomap.gazetteer.load_gazetteer", lambda: Gazetteer(Store(user_dir=home)))
        return load_geoparser(cache=cache)


@pytest.fixture(scope="session")
def cli_env(isolated_dirs) -> dict[str, str]:
    home, cache = isolated_dirs
    environment = dict(os.environ)
    environment.pop("GEOMAP_GEODATA", None)
    environment["GEOMAP_HOME"] = str(home)
    environment["GEOMAP_CACHE"] = str(cache)
    return environment
