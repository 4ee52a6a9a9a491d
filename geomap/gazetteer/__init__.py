"""The bundled gazetteer: GeoNames places, Natural Earth regions, curated named regions.

>>> from geomap.gazetteer import Gazetteer            # doctest: +SKIP
>>> Gazetteer().lookup("Kursk region")[0].id           # doctest: +SKIP
'RU-KRS'

The loaders are cached per process (:func:`load_gazetteer`, :func:`load_regions`)
because the data is read-only at run time.
"""

from __future__ import annotations

import functools

from geomap.gazetteer.folding import fold
from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.store import Store

__all__ = ["Gazetteer", "Store", "fold", "load_gazetteer", "load_regions"]


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer over bundled data and the user's imported dumps."""
    return Gazetteer(Store())


@functools.lru_cache(maxsize=1)
def load_regions():
    """The process-wide region polygons (shares the gazetteer's store)."""
    from geomap.gazetteer.regions import Regions

    return Regions(load_gazetteer().store)
