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


def _screen_angles_deg(lines: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """Direction of each line at its distance, as a CSS rotation (clockwise, within ±90°)."""
    length = shapely.length(lines)
    step = np.minimum(10.0, length / 4)
    a = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, np.maximum(distance_m - step, 0.0))
    )
    b = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, np.minimum(distance_m + step, length))
    )
    angle = -np.degrees(np.arctan2(b[:, 1] - a[:, 1], b[:, 0] - a[:, 0]))  # screen y is down
    angle = np.where(angle > 90, angle - 180, np.where(angle <= -90, angle + 180, angle))
    return np.round(angle, 1)


def _merged_road_lines(
    segments: np.ndarray, name_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each name's segments joined end to end; the lines and the name index of each."""
    order = np.argsort(name_index, kind="stable")
    segments, name_index = segments[order], name_index[order]
    labels, index = np.unique(name_index, return_inverse=True)
    merged = shapely.line_merge(shapely.multilinestrings(segments, indices=index))
    lines, which = shapely.get_parts(merged, return_index=True)
    simple = shapely.get_type_id(lines) == shapely.GeometryType.LINESTRING
    return lines[simple], labels[which[simple]]


def _spaced(points: np.ndarray, group: np.ndarray, min_gap_m: float) -> np.ndarray:
    """Which points to keep: in order, each kept unless a kept point of its group is nearer.

    ``points`` (n, 2) in metres; a label nearer than ``min_gap_m`` to one already
    placed for the same name (pieces of one road that did not merge, such as
    dual carriageways) is dropped.
    """
    keep = np.ones(len(points), dtype=bool)
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
    for rows in np.split(order, starts[1:]):
        if rows.size < 2:
            continue
        placed: list[np.ndarray] = []
        for row in rows:
            if all(np.hypot(*(points[row] - p)) >= min_gap_m for p in placed):
                placed.append(points[row])
            else:
                keep[row] = False
    return keep


def road_label_points(
    roads: gpd.GeoDataFrame,
    spacing_m: float = ROAD_LABEL_SPACING_M,
    min_length_m: float = ROAD_LABEL_MIN_LENGTH_M,
) -> gpd.GeoDataFrame:
    """Points where road names are written.

    Road segments with the same name are joined end to end into lines; each
    line of ``min_length_m`` or more gets one label per ``spacing_m``, spread
    evenly, longest lines first; a label nearer than half the spacing to one
    already placed for the same name is dropped. All lines are handled in a
    few vectorised calls.

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
        zoom), point geometry; same CRS as ``roads``. Sorted by name.
    """
    empty = gpd.GeoDataFrame(
        {"name": [], "angle": [], "min_zoom": []}, geometry=[], crs=roads.crs
    )
    if not len(roads) or not {"name", "highway"} <= set(roads.columns):
        return empty
    names = roads["name"].astype("string").str.strip().fillna("")
    zooms = roads["highway"].map(ROAD_LABEL_MIN_ZOOM)
    keep = ((names != "") & zooms.notna()).to_numpy(dtype=bool)
    if not keep.any():
        return empty
    labelled, name_index = np.unique(names.to_numpy(dtype=object)[keep].astype(str),
                                     return_inverse=True)
    min_zoom = np.full(labelled.size, np.inf)
    np.minimum.at(min_zoom, name_index, zooms.to_numpy(dtype=float)[keep])
    lines, line_name = _merged_road_lines(np.asarray(roads.geometry.array)[keep], name_index)
    length = shapely.length(lines)
    long_enough = length >= min_length_m
    lines, line_name, length = lines[long_enough], line_name[long_enough], length[long_enough]
    # per name, the longest line's labels first
    order = np.lexsort((-length, line_name))
    lines, line_name, length = lines[order], line_name[order], length[order]
    n_labels = np.maximum(1, (length // spacing_m).astype(np.int64))
    line_of = np.repeat(np.arange(lines.size), n_labels)
    i = np.arange(line_of.size) - np.repeat(np.cumsum(n_labels) - n_labels, n_labels)
    distance = length[line_of] * (i + 0.5) / n_labels[line_of]
    points = shapely.line_interpolate_point(lines[line_of], distance)
    xy = shapely.get_coordinates(points)
    kept = _spaced(xy, line_name[line_of], spacing_m / 2)
    line_of, distance, points = line_of[kept], distance[kept], points[kept]
    return gpd.GeoDataFrame(
        {
            "name": labelled[line_name[line_of]].astype(object),
            "angle": _screen_angles_deg(lines[line_of], distance),
            "min_zoom": min_zoom[line_name[line_of]].astype(int),
        },
        geometry=points,
        crs=roads.crs,
    )


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
