"""Area-true buffers: the radius whose disc, clipped to a host, covers a claimed area.

The disc is drawn in a local equal-area projection (see
:mod:`geomap.geometry.projection`), clipped to the host polygon there and
measured there; only the result is transformed back to lon/lat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from geomap.geometry.projection import LocalProjection, polygonal

QUAD_SEGMENTS = 32  # 128 vertices per disc: smooth on a map, cheap to clip
AREA_TOLERANCE = 1e-4  # relative; the brief asks for 0.5 %, the solver stops far inside it
MAX_ITERATIONS = 100
# Area of a regular n-gon of circumradius r is DISC_FACTOR * r² (shapely's buffer is such an n-gon).
_VERTICES = 4 * QUAD_SEGMENTS
DISC_FACTOR = _VERTICES / 2.0 * math.sin(2.0 * math.pi / _VERTICES)


class HostTooSmall(ValueError):
    """The claimed area is larger than the polygon it must lie in."""

    def __init__(self, target_km2: float, host_km2: float):
        super().__init__(f"claimed {target_km2:,.1f} km² exceeds host {host_km2:,.1f} km²")
        self.target_km2 = target_km2
        self.host_km2 = host_km2


@dataclass(frozen=True)
class LocalBuffer:
    """A solved buffer in local (projected, metre) coordinates."""

    geometry: BaseGeometry
    radius_m: float
    area_m2: float
    iterations: int


def disc(centre: shapely.Point, radius_m: float) -> shapely.Polygon:
    return shapely.buffer(centre, radius_m, quad_segs=QUAD_SEGMENTS)


def solve_local_radius(centre: shapely.Point, target_m2: float, host: BaseGeometry | None) -> LocalBuffer:
    """Find the radius whose disc around ``centre``, clipped to ``host``, has area ``target_m2``.

    Parameters
    ----------
    centre : shapely.Point
        The anchor in local metres.
    target_m2 : float
        The area to cover, in m² (> 0).
    host : shapely geometry or None
        Polygon(s) in the same local CRS that the buffer must lie in; None for no clipping.

    Returns
    -------
    LocalBuffer

    Raises
    ------
    HostTooSmall
        When ``target_m2`` exceeds the host's area.

    Notes
    -----
    The clipped area grows monotonically with the radius, so the root is
    bracketed (start from the unclipped radius, double until the clipped area
    reaches the target) and refined with the Illinois variant of regula falsi,
    which keeps the bracket like bisection but converges superlinearly.
    The host is cropped to a square around the centre before clipping; a disc
    that fits the square meets the cropped host exactly where it meets the
    full one, and the square is widened when the solved disc outgrows it.
    """
    if not target_m2 > 0:
        raise ValueError("the target area must be positive")
    free_radius = math.sqrt(target_m2 / DISC_FACTOR)
    if host is None:
        geometry = disc(centre, free_radius)
        return LocalBuffer(geometry, free_radius, geometry.area, 0)
    host_area = host.area
    if target_m2 > host_area * (1.0 + 1e-9):
        raise HostTooSmall(target_m2 / 1e6, host_area / 1e6)

    first = disc(centre, free_radius)
    if shapely.contains_properly(host, first):  # no clipping needed: the n-gon area is exact
        return LocalBuffer(first, free_radius, first.area, 0)

    # farthest host point bounds the radius at which the disc swallows the whole host
    minx, miny, maxx, maxy = host.bounds
    reach = max(math.hypot(x - centre.x, y - centre.y) for x in (minx, maxx) for y in (miny, maxy))
    reach /= math.cos(math.pi / _VERTICES)  # the n-gon's inscribed radius must cover it

    half_side = max(3.0 * free_radius, 20_000.0)
    while True:
        if half_side >= reach:
            return _solve_bracketed(centre, target_m2, host, free_radius, reach, exact_limit=False)
        cropped = crop(host, (centre.x - half_side, centre.y - half_side, centre.x + half_side, centre.y + half_side))
        if not cropped.is_valid:
            cropped = polygonal(shapely.make_valid(cropped))
        if cropped.area >= target_m2:
            result = _solve_bracketed(centre, target_m2, cropped, free_radius, half_side, exact_limit=True)
            if result is not None:
                return result
        half_side *= 4.0


def crop(host: BaseGeometry, box: tuple[float, float, float, float]) -> BaseGeometry:
    """``host`` within ``box``: the fast rectangle clip, or the plain intersection when GEOS's rectangle clip
    refuses a degenerate piece of the host (it builds a 3-point ring from a zero-width spike)."""
    try:
        return shapely.clip_by_rect(host, *box)
    except shapely.errors.GEOSException:
        return polygonal(shapely.intersection(host, shapely.box(*box)))


def _solve_bracketed(centre: shapely.Point, target_m2: float, host: BaseGeometry,
                     start_radius: float, max_radius: float, exact_limit: bool) -> LocalBuffer | None:
    """Solve on ``host`` for radii up to ``max_radius``.

    With ``exact_limit`` the host is a crop valid only for discs up to
    ``max_radius``: return None when the root lies beyond. Otherwise the disc at
    ``max_radius`` swallows the host, so a shortfall there is rounding and the
    whole host is the answer.
    """
    shapely.prepare(host)

    def clipped(radius: float) -> BaseGeometry:
        return polygonal(shapely.intersection(disc(centre, radius), host))

    def excess(radius: float) -> tuple[float, BaseGeometry]:
        geometry = clipped(radius)
        return geometry.area - target_m2, geometry

    low, f_low = 0.0, -target_m2
    high = min(start_radius, max_radius)
    f_high, high_geometry = excess(high)
    iterations = 1
    while f_high < 0 and high < max_radius:
        low, f_low = high, f_high
        high = min(high * 2.0, max_radius)
        f_high, high_geometry = excess(high)
        iterations += 1
    if f_high < 0:
        if exact_limit:
            return None
        return LocalBuffer(high_geometry, high, high_geometry.area, iterations)

    radius, _, geometry, refined = refine_root(excess, (low, f_low), (high, f_high, high_geometry),
                                               AREA_TOLERANCE * target_m2, 1e-6)
    return LocalBuffer(geometry, radius, geometry.area, iterations + refined)


def refine_root(excess, low: tuple[float, float], high: tuple[float, float, BaseGeometry], tolerance: float,
                min_step: float) -> tuple[float, float, BaseGeometry, int]:
    """The Illinois variant of regula falsi on a bracket: (x, excess, geometry, evaluations) nearest zero.

    ``excess(x)`` gives (value, geometry), increasing with x; ``low`` = (x, value < 0) and ``high`` =
    (x, value >= 0, geometry) bracket the root. Like bisection the bracket always holds the root, but
    convergence is superlinear; Illinois halves the value of an end that stayed put twice, so it does not
    stall. Stops when |value| <= ``tolerance`` or the bracket is narrower than ``min_step``.
    """
    (x_low, f_low), (x_high, f_high, geometry) = low, high
    best = (x_high, f_high, geometry)
    side = 0  # which end stayed put last time
    evaluations = 0
    for _ in range(MAX_ITERATIONS):
        if abs(best[1]) <= tolerance:
            break
        x = x_high - f_high * (x_high - x_low) / (f_high - f_low) if f_high != f_low else 0.5 * (x_low + x_high)
        if not x_low < x < x_high:
            x = 0.5 * (x_low + x_high)
        f_mid, geometry = excess(x)
        evaluations += 1
        if abs(f_mid) < abs(best[1]):
            best = (x, f_mid, geometry)
        if f_mid < 0:
            x_low, f_low = x, f_mid
            if side == -1:
                f_high *= 0.5
            side = -1
        else:
            x_high, f_high = x, f_mid
            if side == 1:
                f_low *= 0.5
            side = 1
        if x_high - x_low < min_step:
            break
    return (*best, evaluations)


def solve_buffer_radius(anchor_lonlat: tuple[float, float], target_km2: float,
                        host_geometry: BaseGeometry | None) -> tuple[BaseGeometry, float, float]:
    """An area-true buffer around an anchor, clipped to a host polygon.

    Parameters
    ----------
    anchor_lonlat : (float, float)
        The anchor's longitude and latitude (EPSG:4326).
    target_km2 : float
        The claimed area in km².
    host_geometry : shapely geometry or None
        Where the area can lie, in EPSG:4326 (e.g. the admin-1 region around the
        anchor). None draws an unclipped disc.

    Returns
    -------
    geometry : shapely geometry
        The clipped buffer in EPSG:4326.
    radius_km : float
        The disc's radius before clipping.
    area_km2 : float
        The clipped area, measured in the local equal-area projection; within
        0.01 % of ``target_km2``.

    Raises
    ------
    HostTooSmall
        When the claimed area exceeds the host's area (a ValueError).

    Examples
    --------
    >>> import shapely
    >>> host = shapely.box(35.0, 51.0, 35.5, 51.5)
    >>> geometry, radius_km, area_km2 = solve_buffer_radius((35.25, 51.25), 100.0, host)
    >>> round(area_km2)
    100
    """
    lon, lat = anchor_lonlat
    local = LocalProjection(lon, lat)
    centre = local.point_to_local(lon, lat)
    host_local = None
    if host_geometry is not None:
        host_local = local.to_local(host_geometry)
        if not host_local.is_valid:
            host_local = polygonal(shapely.make_valid(host_local))
    solved = solve_local_radius(centre, target_km2 * 1e6, host_local)
    return local.to_lonlat(solved.geometry), solved.radius_m / 1000.0, solved.area_m2 / 1e6
