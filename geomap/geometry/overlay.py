"""Overlays of claimed areas (union, intersection, difference) that do not stop a build when GEOS cannot compute them.

GEOS computes overlays in floating point. On a large corpus, claimed areas clipped along the same border come out
with edges a hair apart, or (after a reprojection's rounding) as slightly invalid polygons, and the floating-point
overlay then raises a ``TopologyException`` ("Ring edge missing", "side location conflict"): a 10,000-article
build stopped twice on one, once in the envelopes and once in a figure. Each overlay here is tried as it is first,
then on the areas made valid and snap-rounded to a grid of about a centimetre (in degrees for lon/lat shapes, in
metres for projected ones): GEOS's overlay on a fixed grid snap-rounds every vertex and intersection, which is what
floating-point overlay lacks, and a centimetre changes no drawn or measured area.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
import shapely
import shapely.errors
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

log = logging.getLogger("geomap")

# About a centimetre on the ground: in degrees (1e-7° of latitude is 1.1 cm) and in metres.
DEGREES_GRID = 1e-7
METRES_GRID = 0.01


def grid_for(crs: CRS | str) -> float:
    """The snap-rounding grid of the fallback overlay for shapes in ``crs``: about 1 cm in its units."""
    crs = CRS.from_user_input(crs)
    if crs.is_geographic:
        return DEGREES_GRID
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return METRES_GRID / unit


def union(geometries: Sequence[BaseGeometry | None] | np.ndarray, grid: float, what: str) -> BaseGeometry:
    """The union of ``geometries``, on a ``grid`` when GEOS cannot unite them as they are.

    ``what`` names the shapes in the note logged when the grid is needed (``"window 2024-08: envelope"``).
    """
    return _robust(shapely.union_all, (np.asarray(geometries, dtype=object),), grid, what)


def intersection(a: BaseGeometry, b: BaseGeometry, grid: float, what: str) -> BaseGeometry:
    """``a`` ∩ ``b``, on a ``grid`` when GEOS cannot compute it as they are."""
    return _robust(shapely.intersection, (a, b), grid, what)


def difference(a: BaseGeometry, b: BaseGeometry, grid: float, what: str) -> BaseGeometry:
    """``a`` − ``b``, on a ``grid`` when GEOS cannot compute it as they are."""
    return _robust(shapely.difference, (a, b), grid, what)


def symmetric_difference(a: BaseGeometry, b: BaseGeometry, grid: float, what: str) -> BaseGeometry:
    """What ``a`` and ``b`` do not share, on a ``grid`` when GEOS cannot compute it as they are."""
    return _robust(shapely.symmetric_difference, (a, b), grid, what)


def _robust(overlay: Callable[..., BaseGeometry], operands: tuple, grid: float, what: str) -> BaseGeometry:
    try:
        return overlay(*operands)
    except shapely.errors.GEOSException as exc:
        log.info("%s: GEOS could not overlay the areas as they are (%s); overlaid made valid on a %g grid",
                 what, exc, grid)
    # "structure" keeps areas areas (the default may add the lines an invalid ring collapses to, which a binary
    # overlay refuses). A failure on the grid too is raised: the caller says what it leaves out.
    valid = tuple(shapely.make_valid(operand, method="structure", keep_collapsed=False) for operand in operands)
    return overlay(*valid, grid_size=grid)
