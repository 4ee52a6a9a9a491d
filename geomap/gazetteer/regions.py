"""Region polygons: by code, their ellipsoidal areas, reverse lookup, basemap frames.

Polygons come from ``shapes.npz`` (row i of regions.tsv.gz is polygon i),
decoded once per :class:`Regions`. Areas are computed on the WGS84 ellipsoid
with pyproj, never in degrees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geomap.gazetteer import shapes
from geomap.gazetteer.store import REGION_COLUMNS, Store
from geomap.records import Candidate

if TYPE_CHECKING:  # geopandas is imported only by the functions that build frames
    import geopandas

GEOD = Geod(ellps="WGS84")


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    """Area of a lon/lat geometry on the WGS84 ellipsoid, in km²."""
    area, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


class Regions:
    """Polygons of countries, admin-1 regions and named regions."""

    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        # Decoded lazily: a run usually needs a handful of regions, not all 4,845.
        self._shapes = shapes.LazyShapes(self.store.data_dir / "shapes.npz")
        self.codes, kinds = self.store.region_lines.leading_columns(2)
        self.kinds = np.array(kinds)
        self._tree: shapely.STRtree | None = None

    def polygon(self, code: str) -> BaseGeometry | None:
        index = self.store.region_index(code)
        return None if index is None else self._shapes.one(index)

    def area_km2(self, code: str) -> float | None:
        geometry = self.polygon(code)
        return None if geometry is None else geodesic_area_km2(geometry)

    @property
    def geometries(self) -> np.ndarray:
        """Every region's polygon, in row order (decodes all of them)."""
        return self._shapes.all()

    @property
    def tree(self) -> shapely.STRtree:
        """A spatial index of every region's polygon (row order), built on first use."""
        if self._tree is None:
            self._tree = shapely.STRtree(self.geometries)
        return self._tree

    def reverse(self, lat: float, lon: float) -> tuple[Candidate | None, Candidate | None]:
        """The admin-1 region and the (de jure) country containing a point."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        admin1 = country = None
        for index in sorted(int(h) for h in hits):
            if self.kinds[index] == "admin1" and admin1 is None:
                admin1 = self.store.region_candidate(index)
            elif self.kinds[index] == "country" and country is None:
                country = self.store.region_candidate(index)
        return admin1, country

    def indices(self, kind: str, bbox: tuple[float, float, float, float] | None = None) -> np.ndarray:
        """Row numbers (ascending) of the regions of one kind, optionally only those meeting a bbox."""
        indices = np.flatnonzero(self.kinds == kind)
        if bbox is not None:  # the index prefilters by envelope, then tests the same "intersects" exactly
            hits = self.tree.query(shapely.box(*bbox), predicate="intersects")
            indices = np.intersect1d(indices, hits.astype(int))
        return indices

    def codes_of(self, kind: str, bbox: tuple[float, float, float, float] | None = None) -> list[str]:
        """The codes of :meth:`frame`'s rows, without building the frame."""
        return [self.codes[i] for i in self.indices(kind, bbox)]

    def frame(self, kind: str, bbox: tuple[float, float, float, float] | None = None) -> "geopandas.GeoDataFrame":
        """Regions of one kind as a GeoDataFrame (EPSG:4326), optionally only those meeting a bbox."""
        import geopandas

        indices = self.indices(kind, bbox)
        records = [dict(zip(REGION_COLUMNS, self.store.region_lines[i].split("\t"))) for i in indices]
        frame = geopandas.GeoDataFrame(records, geometry=list(self.geometries[indices]) if len(indices) else [],
                                       crs="EPSG:4326")
        for column in ("lat", "lon", "area_km2"):
            if column in frame:
                frame[column] = frame[column].astype(float)
        if "population" in frame:
            frame["population"] = frame["population"].astype(int)
        frame["occupied"] = frame["status"].str.startswith("occupied") if len(frame) else []
        return frame
