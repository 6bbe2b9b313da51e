"""Label points for the vector basemap: road names along the roads, place names.

Road segments with the same name and a labelled class are merged into lines;
each line long enough to carry a name gets one label per ``spacing_m``, at
points spread evenly along it, turned to the road's direction there (never
upside down). Minor roads are labelled only from a closer zoom, so the
overview is not cluttered. Place names are the sub-units' names (the
LayerSet carries no Geofabrik ``places`` layer), at a point inside each unit.

Everything is computed in the layers' metric CRS; the caller converts the
points to display coordinates.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

# OSM highway class → the first Leaflet zoom its name is shown at. Others are not labelled.
ROAD_LABEL_MIN_ZOOM: dict[str, int] = {
    "motorway": 14,
    "trunk": 14,
    "primary": 14,
    "secondary": 14,
    "tertiary": 15,
    "residential": 16,
    "unclassified": 16,
    "living_street": 16,
    "pedestrian": 16,
}
ROAD_LABEL_SPACING_M = 700.0  # one label per this much road
ROAD_LABEL_MIN_LENGTH_M = 80.0  # shorter named lines get no label


def _screen_angle_deg(line: shapely.LineString, distance_m: float) -> float:
    """Direction of ``line`` at ``distance_m``, as a CSS rotation (clockwise, within ±90°)."""
    step = min(10.0, line.length / 4)
    a = line.interpolate(max(distance_m - step, 0.0))
    b = line.interpolate(min(distance_m + step, line.length))
    angle = -math.degrees(math.atan2(b.y - a.y, b.x - a.x))  # screen y points down
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return round(angle, 1)


def _spread_along(
    segments: np.ndarray, spacing_m: float, min_length_m: float
) -> list[tuple[shapely.Point, float]]:
    """Label points and angles along one road's segments, at least ``spacing_m / 2`` apart.

    The segments are merged into lines; each line of ``min_length_m`` or more
    gets one point per ``spacing_m``, spread evenly. A point nearer than half
    the spacing to one already placed (pieces of the same road that did not
    merge, such as dual carriageways) is dropped.
    """
    merged = shapely.line_merge(shapely.union_all(segments))
    lines = [g for g in shapely.get_parts(merged) if g.geom_type == "LineString"]
    placed: list[tuple[shapely.Point, float]] = []
    for line in sorted(lines, key=lambda g: -g.length):
        if line.length < min_length_m:
            continue
        n_labels = max(1, int(line.length // spacing_m))
        for i in range(n_labels):
            distance = line.length * (i + 0.5) / n_labels
            point = line.interpolate(distance)
            if all(point.distance(p) >= spacing_m / 2 for p, _ in placed):
                placed.append((point, _screen_angle_deg(line, distance)))
    return placed


def road_label_points(
    roads: gpd.GeoDataFrame,
    spacing_m: float = ROAD_LABEL_SPACING_M,
    min_length_m: float = ROAD_LABEL_MIN_LENGTH_M,
) -> gpd.GeoDataFrame:
    """Points where road names are written.

    Parameters
    ----------
    roads : GeoDataFrame
        The LayerSet roads (``highway``, ``name``) in a metric CRS.
    spacing_m : float
        Metres of merged road per label.
    min_length_m : float
        Merged lines shorter than this (metres) get no label.

    Returns
    -------
    GeoDataFrame
        ``name``, ``angle`` (degrees, CSS rotation), ``min_zoom`` (Leaflet
        zoom), point geometry; same CRS as ``roads``.
    """
    columns = {"name": [], "angle": [], "min_zoom": []}
    geometries: list[shapely.Point] = []
    if len(roads) and {"name", "highway"} <= set(roads.columns):
        names = roads["name"].astype("string").str.strip().fillna("")
        zooms = roads["highway"].map(ROAD_LABEL_MIN_ZOOM)
        keep = ((names != "") & zooms.notna()).to_numpy(dtype=bool)
        named = roads.iloc[keep].assign(
            name=names.to_numpy()[keep], min_zoom=zooms.to_numpy()[keep]
        )
        for name, rows in named.groupby("name", sort=True):
            min_zoom = int(rows["min_zoom"].min())
            for point, angle in _spread_along(rows.geometry.array, spacing_m, min_length_m):
                columns["name"].append(str(name))
                columns["angle"].append(angle)
                columns["min_zoom"].append(min_zoom)
                geometries.append(point)
    return gpd.GeoDataFrame(columns, geometry=geometries, crs=roads.crs)


def place_label_points(boundary: gpd.GeoDataFrame, names: dict[str, str]) -> gpd.GeoDataFrame:
    """A name point inside each named sub-unit.

    Parameters
    ----------
    boundary : GeoDataFrame
        Sub-unit polygons with ``unit_id``.
    names : dict
        ``unit_id`` → display name; units without a name get no label.

    Returns
    -------
    GeoDataFrame
        ``name`` and a point inside the unit (``representative_point``).
    """
    if boundary.empty or "unit_id" not in boundary:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=boundary.crs)
    unit_names = boundary["unit_id"].astype(str).map(names)
    keep = unit_names.notna().to_numpy() & (unit_names.astype(str).str.strip() != "").to_numpy()
    kept = boundary[keep]
    return gpd.GeoDataFrame(
        {"name": unit_names[keep].astype(str).to_numpy()},
        geometry=np.asarray(kept.geometry.representative_point().array),
        crs=boundary.crs,
    )
