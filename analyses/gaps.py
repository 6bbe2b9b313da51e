"""Gap zones: clusters of adjacent demand that lacks a category or a complete circle.

Uncovered demand points closer than a linking distance are joined into one
zone (connected components of a neighbour graph). Each zone carries the
people it holds, the categories missing, and the walk to the nearest existing
facility; zones are ranked by the people affected.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.life_circle import target_population

GAP_COLUMNS = [
    "gap_id",
    "kind",
    "categories",
    "rank",
    "residents",
    "elderly",
    "children",
    "people_affected",
    "demand_points",
    "nearest_walk_m",
    "nearest_facility_id",
]


def linking_distance_m(demand: gpd.GeoDataFrame, grid_size_m: float | None) -> float:
    """How close two uncovered points must be to share a zone (m).

    For a grid, 1.5 cell spacings (neighbours touch); for buildings, 2.5 × the
    median nearest-neighbour spacing, at least 60 m.
    """
    if grid_size_m:
        return 1.5 * grid_size_m
    xy = np.column_stack([demand.geometry.x, demand.geometry.y])
    if len(xy) < 2:
        return 100.0
    distances, _ = cKDTree(xy).query(xy, k=2)
    return max(60.0, 2.5 * float(np.median(distances[:, 1])))


def _clusters(xy: np.ndarray, link_m: float) -> np.ndarray:
    pairs = cKDTree(xy).query_pairs(link_m, output_type="ndarray")
    n = len(xy)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def gap_zones(
    demand: gpd.GeoDataFrame,
    access: AccessTable,
    uncovered: dict[str, np.ndarray],
    incomplete: np.ndarray | None,
    link_m: float,
    zone_buffer_m: float,
) -> gpd.GeoDataFrame:
    """Build ranked gap zones per category and for incomplete life circles.

    Parameters
    ----------
    demand : GeoDataFrame
        Demand points (metric CRS) with residents, elderly, children.
    access : AccessTable
        For the walk to the nearest facility and each category's target group.
    uncovered : dict
        Category → bool mask of demand points NOT covered.
    incomplete : ndarray or None
        Bool mask of points without a complete life circle; their zones list
        every category missing somewhere in the zone.
    link_m : float
        Linking distance (m).
    zone_buffer_m : float
        Buffer (m) around the zone's points that draws the zone polygon.

    Returns
    -------
    GeoDataFrame
        One row per zone, columns :data:`GAP_COLUMNS`, ranked within each kind
        by ``people_affected`` (target group of the category; residents for
        incomplete circles).
    """
    xy = np.column_stack([demand.geometry.x.to_numpy(), demand.geometry.y.to_numpy()])
    frames = []
    jobs: list[tuple[str, str, np.ndarray, Sequence[str]]] = [
        ("category", cat, mask, [cat]) for cat, mask in uncovered.items()
    ]
    if incomplete is not None:
        jobs.append(("life_circle", "life_circle", incomplete, list(uncovered)))
    for kind, key, mask, cats in jobs:
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            continue
        labels = _clusters(xy[rows], link_m)
        frames.append(
            _zone_rows(
                demand, access, rows, labels, kind, key, cats, uncovered, zone_buffer_m
            )
        )
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in GAP_COLUMNS}, geometry=[], crs=demand.crs)
    zones = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=demand.crs)
    zones["rank"] = (
        zones.groupby("kind_key")["people_affected"]
        .rank(ascending=False, method="first")
        .astype(int)
    )
    zones = zones.sort_values(["kind_key", "rank"]).reset_index(drop=True)
    zones["gap_id"] = [
        f"gap-{k}-{r:03d}" for k, r in zip(zones["kind_key"], zones["rank"], strict=True)
    ]
    return zones[[*GAP_COLUMNS, "kind_key", "geometry"]]


def _zone_rows(
    demand, access, rows, labels, kind, key, cats, uncovered, zone_buffer_m
) -> gpd.GeoDataFrame:
    residents = demand["residents"].to_numpy(dtype=float)[rows]
    elderly = demand["elderly"].to_numpy(dtype=float)[rows]
    children = demand["children"].to_numpy(dtype=float)[rows]
    if kind == "category":
        affected = target_population(demand, access.rule(key).target)[rows]
        walk = access.walk_m[key].to_numpy()[rows]
        nearest = access.nearest[key].to_numpy()[rows]
    else:
        affected = residents
        walk = np.full(len(rows), np.nan)
        nearest = np.full(len(rows), None, dtype=object)
    n_zones = labels.max() + 1
    points = demand.geometry.values[rows]
    records = []
    for zone in range(n_zones):
        members = labels == zone
        zone_walk = walk[members]
        finite = np.isfinite(zone_walk)
        if kind == "category":
            missing = [key]
        else:
            local = rows[members]
            missing = [c for c in cats if uncovered[c][local].any()]
        records.append(
            {
                "kind": kind,
                "kind_key": key,
                "categories": ",".join(missing),
                "residents": float(residents[members].sum()),
                "elderly": float(elderly[members].sum()),
                "children": float(children[members].sum()),
                "people_affected": float(affected[members].sum()),
                "demand_points": int(members.sum()),
                "nearest_walk_m": float(zone_walk[finite].min()) if finite.any() else np.nan,
                "nearest_facility_id": (
                    nearest[members][finite][np.argmin(zone_walk[finite])] if finite.any() else None
                ),
                "geometry": shapely.union_all(shapely.buffer(points[members], zone_buffer_m)),
            }
        )
    return gpd.GeoDataFrame(records, geometry="geometry", crs=demand.crs)
