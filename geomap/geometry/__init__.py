"""The geometry stage: claims -> area-true buffers, bands, rings and regions, with checks.

>>> from geomap.geometry import claim_geometries, envelopes, spread_table   # doctest: +SKIP
>>> frame = claim_geometries(claims)                                         # doctest: +SKIP
>>> frame[["claim_id", "role", "km2", "geometry_km2", "status"]]              # doctest: +SKIP

Every area and distance goes through pyproj: shapes are built and measured
in a Lambert azimuthal equal-area projection centred on the claim's anchor,
distances on the WGS84 ellipsoid; outputs are EPSG:4326.

Modules: ``projection`` (local CRS, geodesic measures), ``buffers`` (radius
solver), ``borders`` (shared borders, bands), ``bases`` (share claims ->
areas), ``checks`` (flags), ``build`` (one row per claim), ``windows``
(envelopes, spread), ``reference`` (reference layers), ``workspace``
(per-run caches).
"""

from __future__ import annotations

from typing import Iterable

import geopandas
import pandas

from geomap.geometry.bases import window_of
from geomap.geometry.build import Drawer, claim_columns
from geomap.geometry.buffers import HostTooSmall, solve_buffer_radius
from geomap.geometry.shape_cache import ShapeCache
from geomap.geometry.reference import (ReferenceWarning, check_near_claims, compare_reference, load_reference,
                                       overlap)
from geomap.geometry.windows import checks_table, envelopes, spread_table
from geomap.geometry.workspace import Workspace
from geomap import schema
from geomap.records import Claim, PlaceStatus

__all__ = [
    "HostTooSmall", "ReferenceWarning", "check_near_claims", "checks_table", "claim_geometries", "compare_reference",
    "envelopes", "load_reference", "overlap", "solve_buffer_radius", "spread_table", "window_of",
]


def claim_geometries(claims: pandas.DataFrame | Iterable[Claim], gazetteer=None, regions=None,
                     statuses: pandas.DataFrame | Iterable[PlaceStatus] = (),
                     cache: ShapeCache | None = None, draw: Drawer | None = None) -> geopandas.GeoDataFrame:
    """One geometry row per claim, with the checks that compare it with geography and other claims.

    Parameters
    ----------
    claims : DataFrame or iterable of geomap.records.Claim
        The claims stage's table (:data:`geomap.schema.CLAIMS`), or its records.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Defaults to :func:`geomap.gazetteer.load_gazetteer`.
    regions : geomap.gazetteer.regions.Regions, optional
        Defaults to :func:`geomap.gazetteer.load_regions`.
    statuses : DataFrame or iterable of geomap.records.PlaceStatus, optional
        What the sources say of each place over time (:data:`geomap.schema.PLACE_STATUS`,
        from :func:`geomap.claims.status.place_statuses`): a lost anchor makes an
        incursion's later shapes leave it out.
    cache : geomap.geometry.shape_cache.ShapeCache, optional
        Rows of claims drawn before with the same inputs (a rebuild draws only the new claims).
    draw : callable, optional
        Draws the other claims elsewhere (``geomap.pipeline`` spreads them over its worker processes):
        given a list of :class:`geomap.geometry.build.ClaimTask` and whether to make their cache entries,
        returns what :func:`geomap.geometry.build.draw_claims` would.

    Returns
    -------
    GeoDataFrame
        :data:`geomap.schema.CLAIM_GEOMETRIES` (EPSG:4326): one row per claim
        sorted by claim_id (numerically within a source), ``geometry`` None
        when unmapped. Key columns:

        - ``window``: "YYYY-MM" of ``as_of_start`` or "undated" (a claim dated by
          a period of several months joins the busiest one-month window inside it);
        - ``role``: buffer | band | ring | line | region (None when unmapped);
        - ``shape``: disc | border disc | border strip | buffer-zone band | band |
          ring | line | region, and ``construction``: one sentence saying how
          it was made, e.g. "disc of 1,295 km² centred on the Russia–Ukraine
          border nearest Sudzha, clipped to Russia";
        - ``holder``: who holds the area drawn; ``anchor_status``: lost | held
          (what the statuses say of the anchor as of the claim) or None;
        - ``border_lon``/``border_lat``: the border point an incursion is drawn from;
        - ``km2``: the area the claim stands for (as claimed, or derived for
          share, relative-area and region-share claims; see ``derivation``);
        - ``radius_km``: radius of the disc before clipping (buffers, rings);
        - ``geometry_km2``: area of the drawn geometry (equal-area measure);
        - ``host``/``host_km2``: the region the geometry is clipped to;
        - ``base_km2``/``derivation``: the base of a share or relative claim
          and the arithmetic, e.g. "0.30 x 1,300 km² (own peak, 002#1) = 390 km²";
        - ``flags``: list of check dicts (code, severity, message, numbers);
        - ``status``: mapped | unmapped, ``reason`` saying why not.

    Notes
    -----
    Area claims become discs around the anchor whose radius is solved so that
    the disc clipped to the host region covers the claimed area (within
    0.01 %). The host is the admin-1 region containing the anchor (or the
    claim's own region when it names one), cut along the accurate border
    lines. An area held across a border (Ukraine in Kursk) is drawn from that
    border instead: see :mod:`geomap.geometry.incursion`. A claim
    whose place is a region ("50 square miles in Kursk") is centred on the
    town the other claims in that region name most (flag ``anchor_borrowed``);
    one whose place is a whole country is unmapped unless the same source
    names a town in it.
    """
    if gazetteer is None or regions is None:
        from geomap.gazetteer import load_gazetteer, load_regions

        gazetteer = gazetteer or load_gazetteer()
        regions = regions or load_regions()
    if isinstance(claims, pandas.DataFrame):
        claims = schema.CLAIMS.to_records(schema.CLAIMS.check(claims, "claim geometries"))
    if isinstance(statuses, pandas.DataFrame):
        statuses = schema.PLACE_STATUS.to_records(schema.PLACE_STATUS.check(statuses, "claim geometries"))
    columns = claim_columns(claims, Workspace(gazetteer, regions, statuses=statuses), cache, draw)
    table = schema.CLAIM_GEOMETRIES
    return table.check(table.from_columns(columns, len(columns["geometry"]), columns["geometry"]), "claim geometries")

