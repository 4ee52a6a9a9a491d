"""Reference layers (someone's map of who holds what, by date) and how the claims compare with them.

A reference file holds polygons with a date: GeoJSON, GeoPackage or KML/KMZ.
The date attribute is ``date`` (an ISO date such as 2024-08-20; ``as_of`` is
accepted too, and in KML a ``<TimeStamp>``/``<TimeSpan>``). Polygons sharing a
date are one snapshot (several pockets of held territory).
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
from datetime import date
from pathlib import Path

import geopandas
import numpy as np
import pandas
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geomap import schema
from geomap.dates import plausible_date, table_date
from geomap.errors import GeomapError
from geomap.geometry.projection import LocalProjection, geodesic_area_km2, geodesic_distance_km, polygonal
from geomap.geometry.units import stable
from geomap.records import AREA_KINDS, SHARE_KINDS

DATE_FIELDS = ("date", "as_of")
KML_DATE_FIELDS = ("timestamp", "when", "begin")  # what GDAL (and our own parser) call KML's time elements


class ReferenceWarning(UserWarning):
    """Something in a reference file was repaired or skipped; the rest was read."""


# -- reading ------------------------------------------------------------------------------------------------
def load_reference(path: str | Path, layer: str | None = None) -> geopandas.GeoDataFrame:
    """Read a dated reference layer of polygons.

    Parameters
    ----------
    path : str or Path
        A GeoJSON, GeoPackage or KML/KMZ file.
    layer : str, optional
        The layer to read from a multi-layer file (default: the first; for KML
        all layers).

    Returns
    -------
    GeoDataFrame
        Columns ``feature`` (position in the file), ``name`` (when the file
        names its features), ``date`` (ISO "YYYY-MM-DD"), the file's other
        attributes and ``geometry`` (polygons, EPSG:4326); sorted by date, then
        feature.

    Raises
    ------
    GeomapError
        When the file cannot be read, has no date field or an unreadable date,
        has no or an implausible CRS, or holds non-polygon geometries.
        Invalid polygons are repaired with ``make_valid`` and reported with a
        :class:`ReferenceWarning`; empty geometries are skipped with one.
    """
    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise GeomapError("reference file not found", label)
    if path.suffix.lower() in (".kml", ".kmz"):
        frame = _read_kml(path)
    else:
        try:
            frame = geopandas.read_file(path, layer=layer, engine="pyogrio")
        except Exception as error:  # pyogrio raises several types; the user needs the one line
            raise GeomapError(f"cannot read the reference layer: {error}", label) from error
    if len(frame) == 0:
        raise GeomapError("the reference layer is empty: it holds no features (polygons with a 'date')", label)
    if frame.crs is None:
        raise GeomapError("the reference layer has no CRS; save it with one (EPSG:4326 recommended)", label)
    frame = frame.reset_index(drop=True)
    frame.insert(0, "feature", np.arange(len(frame)))
    dates = _dates(frame, label)
    frame = _polygons_only(frame, label)
    if len(frame) == 0:
        raise GeomapError("the reference layer holds no polygons: every geometry is empty", label)
    try:
        frame = frame.to_crs("EPSG:4326")
    except Exception as error:
        raise GeomapError(f"cannot reproject the reference layer from {frame.crs}: {error}", label) from error
    if len(frame):
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0) or not np.isfinite(
                [minx, miny, maxx, maxy]).all():
            raise GeomapError(
                f"coordinates fall outside longitude/latitude after reprojecting from {frame.crs.to_string()} "
                f"(bounds {minx:.6g}, {miny:.6g}, {maxx:.6g}, {maxy:.6g}); the file's CRS is probably wrong", label)
    frame["date"] = [dates[i] for i in frame["feature"]]
    name_column = next((c for c in frame.columns if str(c).lower() == "name"), None)
    if name_column is not None and name_column != "name":
        frame = frame.rename(columns={name_column: "name"})
    if "name" not in frame.columns:
        frame["name"] = None
    ordered = ["feature", "name", "date"] + [c for c in frame.columns
                                              if c not in ("feature", "name", "date", "geometry")] + ["geometry"]
    frame = frame[ordered].sort_values(["date", "feature"], kind="stable").reset_index(drop=True)
    return geopandas.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _dates(frame: geopandas.GeoDataFrame, label: str) -> dict[int, str]:
    """ISO date of every feature, from the first date field present."""
    columns = {str(c).lower(): c for c in frame.columns if c != "geometry"}
    field = next((columns[n] for n in DATE_FIELDS if n in columns), None)
    if field is None:
        field = next((columns[n] for n in KML_DATE_FIELDS if n in columns and frame[columns[n]].notna().any()), None)
    if field is None:
        raise GeomapError("no date field: each reference polygon needs a 'date' attribute "
                          "(ISO date, e.g. 2024-08-20) or 'as_of'", label)
    found = {}
    for feature, value in zip(frame["feature"], frame[field]):
        parsed = table_date(value)
        if parsed is None:
            raise GeomapError(f"feature {feature} has no valid {field!r} ({value!r}); use an ISO date such as "
                              "2024-08-20", label)
        try:
            plausible_date(parsed, f"feature {feature} has {field!r}")
        except ValueError as error:
            raise GeomapError(str(error), label) from None
        found[int(feature)] = parsed.isoformat()
    return found


def _polygons_only(frame: geopandas.GeoDataFrame, label: str) -> geopandas.GeoDataFrame:
    keep, geometries, repaired, skipped = [], [], [], []
    for feature, geometry in zip(frame["feature"], frame.geometry):
        if geometry is None or geometry.is_empty:
            skipped.append(int(feature))
            continue
        kind = geometry.geom_type
        if kind == "GeometryCollection":
            geometry = polygonal(geometry)
            if geometry.is_empty:
                raise GeomapError(f"feature {feature} holds no polygon; a reference layer holds polygons", label)
        elif kind not in ("Polygon", "MultiPolygon"):
            raise GeomapError(f"feature {feature} is a {kind}; a reference layer holds polygons", label)
        if not geometry.is_valid:
            geometry = polygonal(shapely.make_valid(geometry))
            repaired.append(int(feature))
            if geometry.is_empty:
                skipped.append(int(feature))
                continue
        keep.append(int(feature))
        geometries.append(geometry)
    if repaired:
        warnings.warn(f"{label}: repaired invalid polygon(s) with make_valid: features "
                      f"{', '.join(map(str, repaired))}", ReferenceWarning, stacklevel=3)
    if skipped:
        warnings.warn(f"{label}: skipped empty geometries: features {', '.join(map(str, skipped))}",
                      ReferenceWarning, stacklevel=3)
    kept = frame[frame["feature"].isin(keep)].copy()
    return geopandas.GeoDataFrame(kept.drop(columns="geometry"), geometry=geometries, crs=frame.crs)


# -- KML ----------------------------------------------------------------------------------------------------
def _read_kml(path: Path) -> geopandas.GeoDataFrame:
    """KML/KMZ through GDAL's LIBKML or KML driver when present (all layers), else our own parser."""
    drivers = pyogrio.list_drivers()
    driver = "LIBKML" if "LIBKML" in drivers else "KML" if "KML" in drivers else None
    if driver is not None and not (driver == "KML" and path.suffix.lower() == ".kmz"):
        try:
            frames = [pyogrio.read_dataframe(path, layer=str(name))
                      for name, _ in pyogrio.list_layers(path)]
        except Exception as error:
            raise GeomapError(f"cannot read the KML file: {error}", str(path)) from error
        frames = [f for f in frames if len(f)]
        if frames:
            frame = pandas.concat(frames, ignore_index=True)
            return geopandas.GeoDataFrame(frame, geometry="geometry", crs=frames[0].crs or "EPSG:4326")
        return geopandas.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    return parse_kml(path)


def parse_kml(path: Path) -> geopandas.GeoDataFrame:
    """Placemarks with polygons from a KML/KMZ file, read with xml.etree (no GDAL needed).

    Returns columns Name, the ExtendedData fields (Data and SchemaData),
    timestamp (``<TimeStamp><when>``), begin (``<TimeSpan><begin>``) and
    geometry (EPSG:4326, as KML always is).
    """
    try:
        if path.suffix.lower() == ".kmz":
            with zipfile.ZipFile(path) as archive:
                inner = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
                if inner is None:
                    raise GeomapError("the KMZ archive holds no .kml document", str(path))
                root = ElementTree.fromstring(archive.read(inner))
        else:
            root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, zipfile.BadZipFile) as error:
        raise GeomapError(f"cannot parse the KML file: {error}", str(path)) from error
    records, geometries = [], []
    for placemark in _all(root, "Placemark"):
        record: dict[str, object] = {"Name": _text(_first(placemark, "name"))}
        for data in _all(placemark, "Data"):
            record[data.get("name", "")] = _text(_first(data, "value"))
        for data in _all(placemark, "SimpleData"):
            record[data.get("name", "")] = _text(data)
        record["timestamp"] = _text(_first(placemark, "when"))
        record["begin"] = _text(_first(placemark, "begin"))
        polygons = [_kml_polygon(element) for element in _all(placemark, "Polygon")]
        records.append(record)
        geometries.append(shapely.MultiPolygon(polygons) if len(polygons) > 1
                          else polygons[0] if polygons else None)
    return geopandas.GeoDataFrame(records, geometry=geopandas.GeoSeries(geometries, crs="EPSG:4326"),
                                  crs="EPSG:4326")


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [e for e in element.iter() if _local_name(e.tag) == name]


def _first(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    found = _all(element, name)
    return found[0] if found else None


def _text(element: ElementTree.Element | None) -> str | None:
    return element.text.strip() if element is not None and element.text else None


def _kml_ring(element: ElementTree.Element | None) -> list[tuple[float, float]]:
    coordinates = _first(element, "coordinates") if element is not None else None
    points = []
    for token in (_text(coordinates) or "").split():
        values = token.split(",")
        points.append((float(values[0]), float(values[1])))
    return points


def _kml_polygon(element: ElementTree.Element) -> shapely.Polygon:
    shell = _kml_ring(_first(element, "outerBoundaryIs"))
    holes = [_kml_ring(inner) for inner in _all(element, "innerBoundaryIs")]
    return shapely.Polygon(shell, [h for h in holes if len(h) >= 4])


# -- plausibility --------------------------------------------------------------------------------------------
# A reference farther than this from every claim's anchor is not about the claims' ground: a wrong file or, most
# often, a wrong CRS (degrees labelled EPSG:3857 land near 0°N 0°E; swapped axes land thousands of km away).
PLAUSIBLE_DISTANCE_KM = 300.0


def check_near_claims(reference: geopandas.GeoDataFrame, claim_geoms: geopandas.GeoDataFrame,
                      path: str | Path) -> None:
    """Raise GeomapError, saying what looks wrong, when ``reference`` lies far from every claim.

    The distance is geodesic, from each claim's anchor to the point of the
    reference nearest it in longitude/latitude (0 inside a polygon). When
    exchanging the axes, or reading the file's own coordinates as degrees,
    would put the reference on the claims' ground, the message says so.
    Nothing is checked without a reference polygon or a claim with an anchor.
    """
    anchors = claim_geoms[["anchor_lon", "anchor_lat"]].dropna().drop_duplicates() if len(claim_geoms) else None
    if anchors is None or not len(anchors) or not len(reference):
        return
    points = shapely.points(anchors["anchor_lon"].to_numpy(float), anchors["anchor_lat"].to_numpy(float))
    union = shapely.union_all(reference.geometry.values)
    distance = _distance_km(union, points)
    if distance <= PLAUSIBLE_DISTANCE_KM:
        return
    label = str(path)
    where = f"the reference lies {distance:,.0f} km from the nearest claim's place"
    swapped = shapely.transform(union, lambda xy: xy[:, ::-1])
    if _within_lonlat(swapped) and _distance_km(swapped, points) <= PLAUSIBLE_DISTANCE_KM:
        raise GeomapError(f"{where}; with longitude and latitude exchanged it would lie on the claims' ground: the "
                          "file's axes look swapped (write longitude first, as GeoJSON and EPSG:4326 do here)", label)
    declared, as_degrees = _coordinates_as_degrees(path)
    if as_degrees is not None and _distance_km(as_degrees, points) <= PLAUSIBLE_DISTANCE_KM:
        raise GeomapError(f"{where}: the file says its CRS is {declared}, in metres, but its coordinates are "
                          "longitudes and latitudes in degrees; save it with EPSG:4326", label)
    raise GeomapError(f"{where}: it is not about the same ground; check that it is the right file and that its "
                      "CRS is right", label)


def _distance_km(geometry: BaseGeometry, points: np.ndarray) -> float:
    """The least geodesic distance from ``points`` to their nearest points of ``geometry`` (lon/lat)."""
    lines = shapely.shortest_line(points, geometry)
    starts, ends = shapely.get_point(lines, 0), shapely.get_point(lines, -1)
    return min(geodesic_distance_km(a.x, a.y, b.x, b.y) for a, b in zip(starts, ends))


def _within_lonlat(geometry: BaseGeometry) -> bool:
    minx, miny, maxx, maxy = geometry.bounds
    return -180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0


def _coordinates_as_degrees(path: str | Path) -> tuple[str | None, BaseGeometry | None]:
    """The file's declared CRS, and its polygons as written read as lon/lat when a projected CRS holds numbers
    that fit longitude and latitude (else None)."""
    if Path(path).suffix.lower() in (".kml", ".kmz"):  # KML is always in degrees
        return None, None
    try:
        raw = geopandas.read_file(path, engine="pyogrio")
    except Exception:  # noqa: BLE001 - read once already; a diagnosis must not add an error of its own
        return None, None
    if raw.crs is None or not raw.crs.is_projected or not len(raw):
        return None, None
    union = shapely.union_all([g for g in raw.geometry.values if g is not None and not g.is_empty])
    return (raw.crs.to_string(), union) if not union.is_empty and _within_lonlat(union) else (raw.crs.to_string(), None)


# -- comparing ----------------------------------------------------------------------------------------------
def compare_reference(claim_geoms: geopandas.GeoDataFrame, reference: geopandas.GeoDataFrame) -> pandas.DataFrame:
    """Compare every area claim's buffer with the reference snapshot nearest in date.

    Parameters
    ----------
    claim_geoms : GeoDataFrame
        The output of :func:`claim_geometries`.
    reference : GeoDataFrame
        The output of :func:`load_reference` (polygons with an ISO ``date``).

    Returns
    -------
    DataFrame
        One row per area or share claim: the reference date nearest the
        claim's ``as_of_start`` (ties: the earlier), days apart, claimed km²,
        buffer km², reference km² (ellipsoidal), ratio claimed/reference, the
        intersection over union of buffer and reference (in a Lambert
        azimuthal equal-area projection centred on the claim's anchor) and the
        geodesic distance between their centroids in km. Rows that cannot be
        compared carry NaN and a ``note``.
    """
    snapshots = _snapshots(reference)
    rows = []
    for row in claim_geoms.itertuples(index=False):
        if row.kind not in AREA_KINDS + SHARE_KINDS:
            continue
        claimed = None if pandas.isna(row.km2) else float(row.km2)
        out = {"claim_id": row.claim_id, "source": row.source, "kind": row.kind, "window": row.window,
               "claim_date": row.as_of_start, "reference_date": None, "days_apart": None,
               "claimed_km2": claimed, "buffer_km2": None if pandas.isna(row.geometry_km2) else row.geometry_km2,
               "reference_km2": None, "ratio": None, "iou": None, "centroid_offset_km": None, "note": None}
        rows.append(out)
        if not snapshots:
            out["note"] = "the reference layer is empty"
            continue
        if not isinstance(row.as_of_start, str):  # None or NaN once in a frame
            out["claim_date"] = None
            out["note"] = "undated claim"
            continue
        claim_day = date.fromisoformat(row.as_of_start)
        reference_day, polygon, reference_km2 = min(
            snapshots, key=lambda s: (abs((date.fromisoformat(s[0]) - claim_day).days), s[0]))
        out.update(reference_date=reference_day, days_apart=(date.fromisoformat(reference_day) - claim_day).days,
                   reference_km2=stable(reference_km2))
        if claimed is not None and reference_km2 > 0:
            out["ratio"] = stable(claimed / reference_km2)
        if row.geometry is None or row.geometry.is_empty or row.role != "buffer":
            out["note"] = f"claim not mapped: {row.reason}" if row.status != "mapped" else "no buffer"
            continue
        out["iou"], out["centroid_offset_km"] = overlap(row.geometry, polygon, row.anchor_lon, row.anchor_lat)
    return schema.COMPARISON.frame(rows)


def _snapshots(reference: geopandas.GeoDataFrame) -> list[tuple[str, BaseGeometry, float]]:
    """(date, union of that date's polygons, ellipsoidal km²), in date order."""
    found = []
    for day in sorted(set(reference["date"])) if len(reference) else []:
        union = shapely.union_all(list(reference.geometry[reference["date"] == day]))
        found.append((day, union, geodesic_area_km2(union)))
    return found


def overlap(claimed: BaseGeometry, reference: BaseGeometry, lon: float | None = None,
            lat: float | None = None) -> tuple[float, float]:
    """(IoU, centroid offset in km) of two lon/lat polygons, measured in an equal-area projection.

    The projection is centred on (lon, lat) when given (the claim's anchor),
    else on the claimed polygon's representative point.
    """
    if lon is None or lat is None or pandas.isna(lon) or pandas.isna(lat):
        point = claimed.representative_point()
        lon, lat = point.x, point.y
    local = LocalProjection(lon, lat)
    a, b = local.to_local(claimed), local.to_local(reference)
    union = shapely.union(a, b).area
    iou = shapely.intersection(a, b).area / union if union > 0 else 0.0
    ca, cb = a.centroid, b.centroid
    lon_a, lat_a = local.point_to_lonlat(ca.x, ca.y)
    lon_b, lat_b = local.point_to_lonlat(cb.x, cb.y)
    return stable(iou), stable(geodesic_distance_km(lon_a, lat_a, lon_b, lat_b))
