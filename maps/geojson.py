"""Compact GeoJSON for the browser: display CRS, simplified, rounded, few properties.

Layers come in the LayerSet's metric CRS. For drawing they are simplified to
display scale (in metres, before reprojection), reprojected to WGS84, shifted
to GCJ-02 when the basemap is AMap, and rounded to five decimals (at most
0.56 m north-south and 0.48 m east-west in Shanghai: under a screen pixel at
zoom 17). Properties that are missing (None or "") are left out of a feature:
the page script reads an absent property exactly as a null one (no popup row
unless the row has a missing text, the null colour, no tooltip).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from lifecircle.spatial.chinese_coords import wgs84_to_gcj02

COORD_DECIMALS = 5  # 1e-5 degree: 1.1 m north-south, 0.95 m east-west at 31° N
SIMPLIFY_M = 1.5  # about one screen pixel at zoom 16


def gcj02_shift(coords: np.ndarray) -> np.ndarray:
    """Shift an (N, 2) array of WGS84 lon/lat to GCJ-02."""
    if len(coords) == 0:
        return coords
    lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])


def _round(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, COORD_DECIMALS)


def snap_to_grid(geometries: np.ndarray) -> np.ndarray:
    """Round coordinates to ``COORD_DECIMALS`` and keep polygons valid.

    Plain rounding can fold a narrow ring onto itself or collapse a small hole
    to a line; GEOS snap-rounding (:func:`shapely.set_precision`) removes such
    collapsed parts instead. A geometry that would vanish entirely (smaller than
    the grid) is rounded plainly, so every feature is still drawn.
    """
    snapped = shapely.set_precision(geometries, 10.0**-COORD_DECIMALS)
    lost = shapely.is_empty(snapped) & ~shapely.is_empty(geometries)
    if lost.any():
        snapped[lost] = shapely.transform(geometries[lost], _round)
    return snapped


def simplify(geometries: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Douglas–Peucker simplification that keeps every feature valid and drawn.

    Plain Douglas–Peucker (GEOS repairs polygons it bends) is about five times
    faster than the topology-preserving variant on service areas; the few
    geometries it leaves invalid or collapses to nothing (smaller than the
    tolerance) are simplified again with topology preserved.
    """
    fast = shapely.simplify(geometries, tolerance_m, preserve_topology=False)
    redo = ~shapely.is_valid(fast) | shapely.is_empty(fast)
    if redo.any():
        fast[redo] = shapely.simplify(geometries[redo], tolerance_m, preserve_topology=True)
    return fast


def without_small_holes(geometries: np.ndarray, min_hole_m2: float) -> np.ndarray:
    """Polygons with their holes smaller than ``min_hole_m2`` (m², metric CRS) filled.

    Other geometries (and empty ones) are returned as they are; a polygon comes
    back as a one-part MultiPolygon.
    """
    out = np.asarray(geometries, dtype=object).copy()
    which = np.flatnonzero(np.isin(shapely.get_type_id(out), (3, 6)) & ~shapely.is_empty(out))
    if which.size == 0:
        return out
    parts, part_of = shapely.get_parts(out[which], return_index=True)
    parts_index = np.arange(parts.size)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    shell = np.r_[True, ring_of[1:] != ring_of[:-1]]  # each part's first ring is its shell
    keep = shell | (shapely.area(shapely.polygons(rings)) >= min_hole_m2)
    filled = shapely.polygons(rings[keep], indices=parts_index[ring_of[keep]])
    out[which] = shapely.multipolygons(filled, indices=part_of)
    return out


def to_display(
    frame: gpd.GeoDataFrame,
    gcj02: bool = False,
    simplify_m: float = SIMPLIFY_M,
    min_hole_m2: float = 0.0,
) -> gpd.GeoDataFrame:
    """Return ``frame`` simplified, in WGS84 (or GCJ-02), coordinates rounded.

    Parameters
    ----------
    frame : GeoDataFrame
        Any layer with a CRS (usually the LayerSet's metric CRS).
    gcj02 : bool
        Shift to GCJ-02 (for AMap tiles) after reprojecting to WGS84.
    simplify_m : float
        Simplification tolerance in metres, applied in the metric CRS;
        0 keeps every vertex.
    min_hole_m2 : float
        Holes of polygons smaller than this (m², metric CRS) are filled first
        (an overview page cannot show them); 0 keeps every hole.
    """
    out = frame[~frame.geometry.isna() & ~frame.geometry.is_empty].copy()
    if out.empty:
        return out.to_crs(4326) if out.crs is not None else out
    metric = out.crs is not None and out.crs.is_projected
    geoms = np.asarray(out.geometry.array)
    if min_hole_m2 > 0 and metric:
        geoms = without_small_holes(geoms, min_hole_m2)
    if simplify_m > 0 and metric:
        geoms = simplify(geoms, simplify_m)
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    out = out.to_crs(4326)
    values = np.asarray(out.geometry.array)
    if gcj02:
        values = shapely.transform(values, gcj02_shift)
    values = snap_to_grid(values)
    return out.set_geometry(gpd.GeoSeries(values, index=out.index, crs=4326))


def _plain(value: Any, digits: int | None) -> Any:
    """A JSON-ready scalar: NaN/None → None, numpy → Python, floats rounded."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        if digits is None:
            return number
        rounded = round(number, digits)
        return int(rounded) if digits == 0 else rounded
    try:
        if value != value:  # pandas NA / NaN in object columns
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def feature_collection(
    frame: gpd.GeoDataFrame,
    properties: Mapping[str, str | Callable[[gpd.GeoDataFrame], Any]],
    digits: Mapping[str, int | None] | None = None,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with only the named properties.

    Parameters
    ----------
    frame : GeoDataFrame
        Already in display coordinates (see :func:`to_display`).
    properties : mapping
        Output property name → source column name, or a function of the frame
        returning a sequence (one value per row).
    digits : mapping, optional
        Output property name → decimals to round floats to (None keeps them).

    Returns
    -------
    dict
        One Feature per row, in row order; a property whose value is None or
        the empty string is left out of its feature (the page treats a missing
        property as null), which keeps mostly-empty minute columns small.
    """
    digits = dict(digits or {})
    columns: dict[str, list[Any]] = {}
    for name, source in properties.items():
        values = source(frame) if callable(source) else frame[source]
        places = digits.get(name, 2)
        columns[name] = [_plain(v, places) for v in list(values)]
    geometries = (
        [json.loads(text) for text in shapely.to_geojson(np.asarray(frame.geometry.array))]
        if len(frame)
        else []
    )
    features = []
    for i, geometry in enumerate(geometries):
        props = {
            name: values[i]
            for name, values in columns.items()
            if values[i] is not None and values[i] != ""
        }
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def script_json(value: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so a name such as
    ``</script><img src=x onerror=alert(1)>`` cannot end the script element;
    U+2028/U+2029 are escaped for older JavaScript parsers. The page script passes
    through a Jinja template (branca renders every element's text as one), so
    ``{{``, ``{%`` and ``{#`` are written ``{\\u007b`` etc.: they can only occur
    inside a JSON string (a structural ``{`` is followed by ``"`` or ``}``), where
    the escape reads back as the same text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = re.sub(r"\{(?=[{%#])", "\\\\u007b", text)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
