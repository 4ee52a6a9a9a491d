"""Settings for the whole suite: a cache folder of its own for each pytest-xdist worker.

Runs that do not choose their own ``GEOMAP_CACHE`` share the user's (``$GEOMAP_CACHE`` or the default). Two
workers writing the same gazetteer copies and article entries at once is what geomap itself allows, but a test
that counts what a run left in the cache would then see the other worker's entries. Each worker therefore gets a
folder inside that cache, kept between sessions so that the gazetteer's copies are made once per worker, not once
per run.
"""

from __future__ import annotations

import os

from geomap.paths import cache_dir


def pytest_configure(config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ["GEOMAP_CACHE"] = str(cache_dir() / f"pytest-{worker}")
        if os.environ.get("GEOMAP_ARTICLE_CACHE"):  # a separate article cache, when one is set, likewise
            os.environ["GEOMAP_ARTICLE_CACHE"] = os.path.join(os.environ["GEOMAP_ARTICLE_CACHE"], f"pytest-{worker}")
