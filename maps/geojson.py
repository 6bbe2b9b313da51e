"""Compact GeoJSON for the browser: display CRS, simplified, rounded, few properties.

Layers come in the LayerSet's metric CRS. For drawing they are simplified to
display scale (in metres, before reprojection), reprojected to WGS84, shifted
to GCJ-02 when the basemap is AMap, and rounded to five decimals (at most
0.56 m north-south and 0.48 m east-west in Shanghai: under a screen pixel at
zoom 17). The data sets a page embeds are written from these frames by
:func:`lifecircle.maps.compact.encode_frame`.
"""

from __future__ import annotations

import json
import re
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


def snap_to_grid(geometries: np.ndarray) -> np.ndarray:
    """Round coordinates to ``COORD_DECIMALS`` and keep polygons valid.

    Plain rounding can fold a narrow ring onto itself or collapse a small hole
    to a line. Coordinates are rounded one by one first (cheap), and only the
    geometries that this leaves invalid are snap-rounded by GEOS
    (:func:`shapely.set_precision`), which removes such collapsed parts; on
    city-wide gap zones that is one geometry in 150 and a third of the time. A
    geometry that snap-rounding would empty (smaller than the grid) keeps its
    plainly rounded form, so every feature is still drawn.
    """
    grid = 10.0**-COORD_DECIMALS
    rounded = shapely.set_precision(geometries, grid, mode="pointwise")
    broken = np.flatnonzero(~shapely.is_valid(rounded) & shapely.is_valid(geometries))
    if broken.size:
        snapped = shapely.set_precision(geometries[broken], grid)
        kept = ~shapely.is_empty(snapped)
        rounded[broken[kept]] = snapped[kept]
    return rounded


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
