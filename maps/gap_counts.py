"""Gap zones by the number of categories missing, for the maps.

Per-category gap zones (``analyses.gaps``) overlap: drawn together they stack
into one solid colour. Here every uncovered demand point is keyed by the set of
categories it misses, and the discs around the points (the radius the gap
zones are drawn with) are traced once, each set apart from the others and cut
where a served point is nearer (:func:`lifecircle.analyses.gaps.zone_polygons`,
the rule the gap zones follow too). Where discs of two sets
overlap, the place goes to the nearer point's set, so the pieces never overlap,
never cover a served resident, and each holds exactly the residents who miss
its set. No polygon overlay is needed: the cost grows with the points, not
with how the zones intersect.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import point_xy
from lifecircle.analyses.gaps import cluster_labels, linking_distance_m, zone_polygons
from lifecircle.analyses.subdistrict import RunFrames

COUNT_COLUMNS = ["n_missing", "categories", "residents", "elderly", "geometry"]


def zone_link_m(results: RunFrames) -> float:
    """The linking distance (m) the run's gap zones were drawn with.

    Read from the summary (``gap_zones.link_m``); a run folder written before
    it was recorded has it computed again from the demand points.
    """
    recorded = (results.summary.get("gap_zones") or {}).get("link_m")
    if recorded:
        return float(recorded)
    grid = results.layerset.meta.get("demand_grid", {}).get("size_m")
    return linking_distance_m(results.demand, grid)


def zone_radius_m(results: RunFrames) -> float:
    """Disc radius (m) of the gap zones: half the linking distance, as in the analysis."""
    return zone_link_m(results) / 2.0


def circle_gap_counts(
    results: RunFrames, categories: Sequence[str], circle_kind: str
) -> gpd.GeoDataFrame:
    """The gap view of one circle's map: pieces by the number of categories missing.

    Parameters
    ----------
    results : RunFrames
        A run's frames (demand in a metric CRS).
    categories : sequence of str
        The map's categories, in the order their names are listed.
    circle_kind : str
        ``fitness_circle`` draws where residents reach *no* fitness category
        (``fitness_ok`` false; one count); other circles count the categories
        with data each resident misses.

    Returns
    -------
    GeoDataFrame
        As :func:`missing_count_zones`; empty when no category has data.
    """
    demand = results.demand
    with_data = [c for c in categories if results.access.has_data(c)]
    if not with_data:
        return _empty(demand.crs)
    radius = zone_radius_m(results)
    if circle_kind == "fitness_circle" and "fitness_ok" in demand:
        ok = demand["fitness_ok"].fillna(False).astype(bool).to_numpy()
        return uncovered_zones(demand, ~ok, radius)
    missing = np.column_stack([~results.access.covered(c) for c in with_data])
    return missing_count_zones(demand, missing, with_data, radius)


def missing_count_zones(
    demand: gpd.GeoDataFrame,
    missing: np.ndarray,
    categories: Sequence[str],
    radius_m: float,
) -> gpd.GeoDataFrame:
    """Zones of the demand points that miss the same set of categories.

    Parameters
    ----------
    demand : GeoDataFrame
        Demand points (metric CRS) with ``residents`` and ``elderly`` (people).
    missing : ndarray of bool
        (points, categories): the point does not reach the category in time.
    categories : sequence of str
        The columns of ``missing``, in the order their names are listed.
    radius_m : float
        Disc radius (m) around each point.

    Returns
    -------
    GeoDataFrame
        ``n_missing`` (count), ``categories`` (comma-separated ids, in the
        order of ``categories``), ``residents`` and ``elderly`` (people whose
        point is in the zone), one row per distinct set; most missing first,
        then most residents.
    """
    missing = np.asarray(missing, dtype=bool).reshape(len(demand), len(categories))
    if not missing.any():
        return _empty(demand.crs)
    sets, label = np.unique(missing, axis=0, return_inverse=True)
    label = label.ravel()
    count = sets.sum(axis=1)
    names = np.asarray(categories, dtype=object)
    text = [",".join(names[s]) for s in sets]
    return _zones(demand, point_xy(demand), label, text, count, radius_m)


def uncovered_zones(
    demand: gpd.GeoDataFrame, uncovered: np.ndarray, radius_m: float
) -> gpd.GeoDataFrame:
    """Zones around the demand points a circle leaves uncovered.

    For a circle met by any of its categories (the fitness circle), a point is
    a gap only when it reaches none of them in the circle's minutes, which the
    per-category sets cannot tell.

    Parameters
    ----------
    demand : GeoDataFrame
        Demand points (metric CRS) with ``residents`` and ``elderly`` (people).
    uncovered : ndarray of bool
        Per demand point: the circle is not met.
    radius_m : float
        Disc radius (m) around each point.

    Returns
    -------
    GeoDataFrame
        Columns as :func:`missing_count_zones` (``n_missing`` 1, ``categories``
        empty), one row per group of uncovered points whose discs touch (a
        MultiPolygon where served residents cut the group's discs apart).
    """
    uncovered = np.asarray(uncovered, dtype=bool)
    if not uncovered.any():
        return _empty(demand.crs)
    rows = np.flatnonzero(uncovered)
    xy = point_xy(demand)
    # a zone per group of uncovered points whose discs touch; 0 is the served points
    label = np.zeros(len(demand), dtype=np.int64)
    label[rows] = cluster_labels(xy[rows], 2.0 * radius_m) + 1
    n = int(label.max()) + 1
    return _zones(demand, xy, label, [""] * n, np.minimum(np.arange(n), 1), radius_m)


def _zones(
    demand: gpd.GeoDataFrame,
    xy: np.ndarray,
    label: np.ndarray,
    text: Sequence[str],
    n_missing: np.ndarray,
    radius_m: float,
) -> gpd.GeoDataFrame:
    """One (Multi)Polygon per label of the demand points, with the people of its points.

    ``xy`` holds the points' coordinates (m); label ``i`` of every point, named
    ``text[i]``, misses ``n_missing[i]`` categories; the rows of labels missing
    none are dropped at the end.
    """
    n_missing = np.asarray(n_missing, dtype=int)
    rows = np.flatnonzero(n_missing[label] > 0)  # the served points only cut the zones
    polygons = np.full(len(text), None, dtype=object)
    traced = zone_polygons(xy, rows, label[rows], radius_m)
    polygons[: len(traced)] = traced
    people = demand[["residents", "elderly"]].to_numpy(dtype=float)
    zones = gpd.GeoDataFrame(
        {
            "n_missing": n_missing,
            "categories": list(text),
            "residents": np.bincount(label, weights=people[:, 0], minlength=len(text)),
            "elderly": np.bincount(label, weights=people[:, 1], minlength=len(text)),
        },
        geometry=list(polygons),
        crs=demand.crs,
    )
    zones = zones[zones["n_missing"] > 0]
    zones = zones.sort_values(["n_missing", "residents"], ascending=False, kind="stable")
    return gpd.GeoDataFrame(zones[COUNT_COLUMNS].reset_index(drop=True), crs=demand.crs)


def _empty(crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        pd.DataFrame({c: [] for c in COUNT_COLUMNS[:-1]}), geometry=[], crs=crs
    )
