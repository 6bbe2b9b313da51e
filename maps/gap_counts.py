"""Gap zones by the number of categories missing, for the maps.

Per-category gap zones (``analyses.gaps``) overlap: drawn together they stack
into one solid colour. This module cuts them into the pieces where the same set
of categories is missing (a planar overlay), so a map can colour each piece by
how many categories it lacks, and sums the residents and older residents of
the demand points in each piece.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.gaps import linking_distance_m
from lifecircle.spatial.disc_union import disc_union_parts

GRID_M = 0.01  # metres
MIN_PIECE_M2 = 1.0  # smaller pieces are overlay slivers, not places
COUNT_COLUMNS = ["n_missing", "categories", "residents", "elderly", "geometry"]


def missing_count_zones(
    gaps: gpd.GeoDataFrame,
    categories: Sequence[str],
    demand: gpd.GeoDataFrame,
    min_missing: int = 1,
) -> gpd.GeoDataFrame:
    """Pieces of the category gap zones with the same categories missing.

    Parameters
    ----------
    gaps : GeoDataFrame
        Gap zones (metric CRS) with ``kind`` and ``kind_key``; only
        ``kind == 'category'`` rows of ``categories`` are used.
    categories : sequence of str
        The categories of the map's circle, in the order their names are listed.
    demand : GeoDataFrame
        Demand points (same CRS) with ``residents`` and ``elderly`` (people).
    min_missing : int
        Keep pieces missing at least this many categories (the fitness map keeps
        only the pieces where every fitness category is missing).

    Returns
    -------
    GeoDataFrame
        ``n_missing`` (count), ``categories`` (comma-separated ids, in the
        order of ``categories``), ``residents`` and ``elderly`` (people in
        the piece), one row per distinct set of missing categories that is not
        contiguous-merged further; most missing first.
    """
    empty = gpd.GeoDataFrame({c: [] for c in COUNT_COLUMNS[:-1]}, geometry=[], crs=gaps.crs)
    if gaps.empty:
        return empty
    order = {c: i for i, c in enumerate(categories)}
    zones = gaps[(gaps["kind"] == "category") & gaps["kind_key"].isin(order)]
    zones = zones[~zones.geometry.is_empty & zones.geometry.notna()]
    if zones.empty:
        return empty
    # on a 1 cm grid, so edges two categories share (zones are drawn from the same discs)
    # coincide exactly and the overlay leaves no slivers
    shapes = shapely.set_precision(shapely.make_valid(zones.geometry.to_numpy()), GRID_M)
    keys = zones["kind_key"].to_numpy()
    lines = shapely.union_all(shapely.boundary(shapes))
    faces = np.asarray(shapely.get_parts(shapely.polygonize([lines])).tolist(), dtype=object)
    faces = faces[shapely.area(faces) >= MIN_PIECE_M2]  # slivers of near-coincident edges
    if faces.size == 0:
        return empty
    inside = shapely.point_on_surface(faces)
    tree = shapely.STRtree(shapes)
    face_idx, zone_idx = tree.query(inside, predicate="within")
    missing: list[set[str]] = [set() for _ in range(len(faces))]
    for f, z in zip(face_idx, zone_idx, strict=True):
        missing[f].add(keys[z])
    names = [",".join(sorted(m, key=order.__getitem__)) for m in missing]
    pieces = gpd.GeoDataFrame(
        {"categories": names, "n_missing": [len(m) for m in missing]},
        geometry=list(faces),
        crs=gaps.crs,
    )
    pieces = pieces[pieces["n_missing"] >= max(min_missing, 1)]
    if pieces.empty:
        return empty
    merged = pieces.dissolve(by="categories", as_index=False, aggfunc={"n_missing": "first"})
    merged["geometry"] = _polygonal(shapely.make_valid(merged.geometry.to_numpy()))
    people = _people_in(merged, demand)
    merged = merged.join(people)
    merged[["residents", "elderly"]] = merged[["residents", "elderly"]].fillna(0.0)
    merged = merged.sort_values(["n_missing", "residents"], ascending=False)
    return gpd.GeoDataFrame(merged[COUNT_COLUMNS].reset_index(drop=True), crs=gaps.crs)


def _people_in(pieces: gpd.GeoDataFrame, demand: gpd.GeoDataFrame) -> pd.DataFrame:
    """Residents and older residents of the demand points inside each piece (people)."""
    if demand.empty:
        return pd.DataFrame(columns=["residents", "elderly"], dtype=float)
    points = demand[["residents", "elderly", "geometry"]]
    joined = gpd.sjoin(points, pieces[["geometry"]], predicate="within", how="inner")
    return joined.groupby("index_right")[["residents", "elderly"]].sum()


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    """The polygon parts of each geometry (a repair can leave stray lines or points)."""
    out = []
    for geometry in geometries:
        parts = [
            p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")
        ]
        out.append(shapely.union_all(parts) if parts else shapely.Polygon())
    return np.asarray(out, dtype=object)


def uncovered_zones(
    demand: gpd.GeoDataFrame, uncovered: np.ndarray, grid_size_m: float | None
) -> gpd.GeoDataFrame:
    """Zones around the demand points a circle leaves uncovered, drawn as the gap zones are.

    For a circle met by any of its categories (the fitness circle), a point is
    a gap only when it reaches none of them in the circle's minutes: the
    per-category zones cannot tell that, so the zones come from the circle's
    own mask. Discs of half the linking distance
    (:func:`lifecircle.analyses.gaps.linking_distance_m`) around each point,
    merged where they touch.

    Parameters
    ----------
    demand : GeoDataFrame
        Demand points (metric CRS) with ``residents`` and ``elderly`` (people).
    uncovered : ndarray of bool
        Per demand point: the circle is not met.
    grid_size_m : float or None
        The demand grid's cell size (m), if demand is a grid.

    Returns
    -------
    GeoDataFrame
        Columns as :func:`missing_count_zones` (``n_missing`` 1, ``categories`` empty).
    """
    empty = gpd.GeoDataFrame({c: [] for c in COUNT_COLUMNS[:-1]}, geometry=[], crs=demand.crs)
    mask = np.asarray(uncovered, dtype=bool)
    if demand.empty or not mask.any():
        return empty
    radius = linking_distance_m(demand, grid_size_m) / 2.0
    points = demand.geometry.to_numpy()[mask]
    parts = disc_union_parts(shapely.get_coordinates(points), radius)
    zones = gpd.GeoDataFrame(
        {"categories": [""] * len(parts), "n_missing": np.ones(len(parts), dtype=int)},
        geometry=list(parts),
        crs=demand.crs,
    )
    zones = zones.join(_people_in(zones, demand[mask]))
    zones[["residents", "elderly"]] = zones[["residents", "elderly"]].fillna(0.0)
    zones = zones.sort_values("residents", ascending=False)
    return gpd.GeoDataFrame(zones[COUNT_COLUMNS].reset_index(drop=True), crs=demand.crs)
