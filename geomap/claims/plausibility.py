"""Numbers that cannot be territory: kept as claims, flagged with the reason, never drawn.

Internal to :mod:`geomap.claims`. :func:`implausibility` checks the normalised
value of a claim against what territory can be:

==========================  ==========================================================================
flag                        when
==========================  ==========================================================================
``negative_value``          an area, share, length or multiple below zero ("-50 km²")
``share_above_whole``       a share above 100 % ("150 % of the region", "1000 percent of Kursk Oblast")
``larger_than_country``     an area larger than the country it lies in (the anchor's, or the region's)
``larger_than_land``        an area larger than all the land on Earth, or a number too large to hold
                            ("10^300 square kilometers")
``longer_than_earth``       a length longer than half the Earth's circumference (no two places are
                            farther apart: "a 100,000,000 km depth")
==========================  ==========================================================================

Each flag has ``not_drawn: True``: the geometry stage leaves the claim
unmapped, with the message as its reason. A country's area is its area in the
bundled region table (:mod:`geomap.claims.areas`), with 1 % of slack for the
sources' rounding.
"""

from __future__ import annotations

import math
from typing import Any

from geomap.claims.areas import country_area
from geomap.claims.article import Place

__all__ = ["EARTH_LAND_KM2", "MAX_DISTANCE_KM", "implausibility"]

EARTH_LAND_KM2 = 148_940_000.0  # all the land on Earth
MAX_DISTANCE_KM = 20_038.0  # half the equatorial circumference: the farthest two places can be apart
_COUNTRY_SLACK = 1.01


def implausibility(
    kind: str,
    written: str,
    km2: float | None,
    km: float | None,
    share: float | None,
    value: float,
    places: tuple[Place | None, ...],
) -> dict[str, Any] | None:
    """The flag of a claim whose number cannot be territory, or None.

    ``written`` is the quantity as the text writes it; ``places`` the anchor
    and region of the claim (the first with a country decides the host).
    """
    numbers = [v for v in (km2, km, share, value) if v is not None]
    if any(math.isnan(v) or v < 0 for v in numbers):
        return _flag("negative_value", f"'{written}' is below zero: no territory measures that")
    if any(math.isinf(v) for v in numbers) or (km2 is not None and km2 > EARTH_LAND_KM2):
        return _flag("larger_than_land", f"'{written}' is more than all the land on Earth ({EARTH_LAND_KM2:,.0f} km²)")
    if share is not None and share > 1.0:
        return _flag("share_above_whole", f"'{written}' is more than the whole")
    if km is not None and km > MAX_DISTANCE_KM:
        return _flag("longer_than_earth",
                     f"'{written}' is longer than half the Earth's circumference ({MAX_DISTANCE_KM:,.0f} km)")
    if km2 is not None and kind != "region_area":
        host = next((p.country for p in places if p is not None and p.country), None)
        area = country_area(host)
        if area is not None and km2 > area.km2 * _COUNTRY_SLACK:
            return _flag("larger_than_country",
                         f"'{written}' ({km2:,.0f} km²) is more than all of {area.name} ({area.km2:,.0f} km²)")
    return None


def _flag(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message + "; not drawn", "not_drawn": True}
