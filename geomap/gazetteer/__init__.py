"""The bundled gazetteer: GeoNames places, Natural Earth regions, curated named regions.

>>> from geomap.gazetteer import Gazetteer            # doctest: +SKIP
>>> Gazetteer().lookup("Kursk region")[0].id           # doctest: +SKIP
'RU-KRS'

:func:`load_gazetteer` and :func:`load_regions` give this process's copies, held
by :mod:`geomap.resources` (the data is read-only at run time).
"""

from __future__ import annotations

from geomap.gazetteer.folding import fold
from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.store import Store

__all__ = ["Gazetteer", "Store", "fold", "load_gazetteer", "load_regions"]


def load_gazetteer() -> Gazetteer:
    """This process's gazetteer over bundled data and the user's imported dumps."""
    from geomap.resources import shared

    return shared().gazetteer


def load_regions():
    """This process's region polygons (sharing the gazetteer's store)."""
    from geomap.resources import shared

    return shared().regions
