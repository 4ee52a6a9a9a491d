"""The read-only data a process loads once: the gazetteer, the region polygons and the geoparser.

They take a second or so to load and never change during a run, so each
process keeps one :class:`Resources` (:func:`shared`), the one place where
loaded data lives: the pipeline hands it to the stages, the library's
``load_gazetteer``/``load_regions`` defaults read it, and a forked worker
inherits whatever was loaded before it was forked (the rest it loads itself,
on first use).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer
    from geomap.gazetteer.regions import Regions


class Resources:
    """The gazetteer of the bundled data (and imported dumps), its region polygons and a geoparser over it,
    each loaded when first asked for."""

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from geomap.gazetteer.lookup import Gazetteer
        from geomap.gazetteer.store import Store

        return Gazetteer(Store())

    @cached_property
    def regions(self) -> Regions:
        from geomap.gazetteer.regions import Regions

        return Regions(self.gazetteer.store)

    @cached_property
    def geoparser(self) -> Any:
        from geomap.geoparse import load_geoparser

        return load_geoparser()


_SHARED = Resources()


def shared() -> Resources:
    """This process's resources."""
    return _SHARED


def replace_shared(resources: Resources) -> Resources:
    """Make ``resources`` this process's and return the ones they replace: for a process that runs geomap
    more than once with the data in other places (``GEOMAP_HOME``, ``GEOMAP_GEODATA``), as tests do."""
    global _SHARED
    previous, _SHARED = _SHARED, resources
    return previous
