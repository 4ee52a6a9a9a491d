"""Fixtures shared by the gazetteer tests: the bundled geodata/ with an empty user data directory, so dumps
the developer imported never change the answers."""

from __future__ import annotations

import pytest

from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(user_dir=tmp_path_factory.mktemp("empty-geomap-home"))


@pytest.fixture(scope="module")
def gaz(store: Store) -> Gazetteer:
    return Gazetteer(store)
