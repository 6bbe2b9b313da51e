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
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from lifecircle.analyses.access import AccessTable, point_xy
from lifecircle.analyses.life_circle import target_population
from lifecircle.spatial.disc_union import DEFAULT_STEPS_PER_RADIUS, disc_union_layers

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
    xy = point_xy(demand)
    if len(xy) < 2:
        return 100.0
    distances, _ = cKDTree(xy).query(xy, k=2)
    return max(60.0, 2.5 * float(np.median(distances[:, 1])))


def cluster_labels(xy: np.ndarray, link_m: float) -> np.ndarray:
    """Connected components (0, 1, ...) of points linked when closer than ``link_m`` (m)."""
    return masked_cluster_labels(linked_pairs(xy, link_m), np.ones(len(xy), dtype=bool))


def linked_pairs(xy: np.ndarray, link_m: float) -> np.ndarray:
    """(p, 2) index pairs ``i < j`` of the points closer than ``link_m`` (m), as int32."""
    return cKDTree(xy).query_pairs(link_m, output_type="ndarray").astype(np.int32)


def masked_cluster_labels(pairs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Connected components (0, 1, ...) of the points in ``mask``, linked by ``pairs``.

    The same labels as :func:`cluster_labels` of those points alone: a pair
    links two of them when both are in ``mask``, so the pairs of all points
    (:func:`linked_pairs`) serve every subset.

    Returns
    -------
    ndarray of int
        The label of each of ``np.flatnonzero(mask)``.
    """
    rows = np.flatnonzero(mask)
    position = np.full(len(mask), -1, dtype=np.int32)
    position[rows] = np.arange(rows.size, dtype=np.int32)
    first, second = position[pairs[:, 0]], position[pairs[:, 1]]
    both = (first >= 0) & (second >= 0)
    graph = csr_array(
        (np.ones(int(both.sum()), dtype=np.int8), (first[both], second[both])),
        shape=(rows.size, rows.size),
    )
    # weak components of the one-way pairs: the undirected components, without a transpose
    _, labels = connected_components(graph, directed=True, connection="weak")
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
    xy = point_xy(demand)
    jobs: list[tuple[str, str, np.ndarray, Sequence[str]]] = [
        ("category", cat, mask, [cat]) for cat, mask in uncovered.items() if mask.any()
    ]
    if incomplete is not None and uncovered and incomplete.any():
        # with no category of data, nothing is missing
        jobs.append(("life_circle", "life_circle", incomplete, list(uncovered)))
    if not jobs:
        return gpd.GeoDataFrame(
            {c: [] for c in [*GAP_COLUMNS, "kind_key"]}, geometry=[], crs=demand.crs
        )
    pairs = linked_pairs(xy, link_m)
    layers = [(np.flatnonzero(mask), masked_cluster_labels(pairs, mask)) for *_, mask, _ in jobs]
    polygons = zone_polygon_layers(xy, layers, zone_buffer_m)
    frames = [
        _zone_rows(demand, access, rows, labels, shapes, kind, key, cats, uncovered)
        for (kind, key, _, cats), (rows, labels), shapes in zip(jobs, layers, polygons, strict=True)
    ]
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
    demand: gpd.GeoDataFrame,
    access: AccessTable,
    rows: np.ndarray,
    labels: np.ndarray,
    polygons: np.ndarray,
    kind: str,
    key: str,
    cats: Sequence[str],
    uncovered: dict[str, np.ndarray],
) -> gpd.GeoDataFrame:
    """One record per zone: sums, missing categories, nearest facility, polygon."""
    n_zones = len(polygons)

    def total(column: np.ndarray) -> np.ndarray:
        return np.bincount(labels, weights=column, minlength=n_zones)

    if kind == "category":
        affected = target_population(demand, access.rule(key).target)[rows]
        walk = access.walk_m[key].to_numpy(dtype=float)[rows]
        nearest = access.nearest[key].to_numpy()[rows]
        categories = np.full(n_zones, key, dtype=object)
    else:
        affected = demand["residents"].to_numpy(dtype=float)[rows]
        walk = np.full(len(rows), np.nan)
        nearest = np.full(len(rows), None, dtype=object)
        missing = np.column_stack(
            [total(uncovered[c][rows].astype(float)) > 0 for c in cats]
        ).reshape(n_zones, len(cats))
        names = np.asarray(cats, dtype=object)
        categories = np.array([",".join(names[m]) for m in missing], dtype=object)
    # nearest facility: the first member (in row order) with the shortest finite walk
    finite_walk = np.where(np.isfinite(walk), walk, np.inf)
    order = np.lexsort((finite_walk, labels))
    first = order[np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])]
    has_walk = np.isfinite(finite_walk[first])
    return gpd.GeoDataFrame(
        {
            "kind": kind,
            "kind_key": key,
            "categories": categories,
            "residents": total(demand["residents"].to_numpy(dtype=float)[rows]),
            "elderly": total(demand["elderly"].to_numpy(dtype=float)[rows]),
            "children": total(demand["children"].to_numpy(dtype=float)[rows]),
            "people_affected": total(affected),
            "demand_points": np.bincount(labels, minlength=n_zones),
            "nearest_walk_m": np.where(has_walk, finite_walk[first], np.nan),
            "nearest_facility_id": np.where(has_walk, nearest[first], None),
        },
        geometry=polygons,
        crs=demand.crs,
    )


def zone_polygons(
    xy: np.ndarray, rows: np.ndarray, labels: np.ndarray, zone_buffer_m: float
) -> np.ndarray:
    """One layer of :func:`zone_polygon_layers`: the zones of ``rows`` labelled ``labels``."""
    return zone_polygon_layers(xy, [(rows, labels)], zone_buffer_m)[0]


def zone_polygon_layers(
    xy: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]], zone_buffer_m: float
) -> list[np.ndarray]:
    """Zone polygons of several groupings of the demand points, over one distance field.

    A zone is the union of the discs (radius ``zone_buffer_m``, metres) around
    its points, less the parts of the plane nearer to a point of another zone
    or to a point the layer leaves out (a resident who is served): a zone
    never reaches over the people it does not hold. The discs of every layer
    are traced at once (:func:`lifecircle.spatial.disc_union.disc_union_layers`,
    no polygon unions); each traced part goes to the zone its tracing grid
    names.

    Parameters
    ----------
    xy : ndarray
        (n, 2) coordinates (metres) of all demand points.
    layers : sequence of (rows, labels)
        Per layer, the demand rows being zoned and the zone label (0, 1, ...)
        of each.
    zone_buffer_m : float
        Disc radius (m).

    Returns
    -------
    list of ndarray of shapely geometry
        Per layer, one (Multi)Polygon per zone label, within the tolerance
        stated in :mod:`lifecircle.spatial.disc_union`. A zone whose every
        point lies within a grid step of a point it leaves out (two buildings'
        centroids nearly on top of each other) is drawn as a disc of one grid
        step around each of its points, so that no zone goes undrawn.
    """
    groups = []
    for rows, labels in layers:
        group = np.full(len(xy), -1, dtype=np.int64)
        group[rows] = labels
        groups.append(group)
    traced = disc_union_layers(xy, zone_buffer_m, groups)
    out = []
    for (rows, labels), (parts, zone) in zip(layers, traced, strict=True):
        polygons = np.full(int(labels.max(initial=-1)) + 1, None, dtype=object)
        _collect(polygons, parts, zone)
        undrawn = np.flatnonzero(pd.isna(polygons))
        if undrawn.size:
            members = np.isin(labels, undrawn)
            step = zone_buffer_m / DEFAULT_STEPS_PER_RADIUS
            discs = shapely.buffer(shapely.points(xy[rows[members]]), step)
            for label in undrawn:
                polygons[label] = shapely.union_all(discs[labels[members] == label])
        out.append(polygons)
    return out


def _collect(out: np.ndarray, parts: np.ndarray, zone: np.ndarray) -> None:
    """Put each zone's parts into ``out[zone]`` as one (Multi)Polygon."""
    order = np.argsort(zone, kind="stable")
    parts, zone = parts[order], zone[order]
    labels, counts = np.unique(zone, return_counts=True)
    single = counts == 1
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    out[labels[single]] = parts[starts[single]]
    if (~single).any():
        many = np.isin(zone, labels[~single])
        _, index = np.unique(zone[many], return_inverse=True)
        out[labels[~single]] = shapely.multipolygons(parts[many], indices=index)
