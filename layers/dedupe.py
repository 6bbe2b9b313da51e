"""Merge duplicate facilities: one place mapped as a node and an area, or in two sources.

Two classified facilities of the same category are one facility when they are

* within ``same_place_m`` (5 m) of each other and come from different sources
  or are a node and an area (a planner's list against OSM: 73 of 86 planner
  kindergartens sat within 5 m of an OSM one), or
* named alike (same name after Unicode normalisation, case and spaces ignored)
  within ``same_name_m`` (1,500 m), and come from different sources or are a
  node and an area (求真中学 as node and area 105 m apart; 高境镇社区卫生服务中心
  1,136 m apart). A name carried by three or more facilities of a category is
  a brand or a generic label (联华超市, Aldi), not one place, so it only merges
  within ``same_place_m``.

Two features of the same kind in one source (two areas, two nodes) are never
merged: a mapper drew them as two (two campuses, two bus stops of one name).

Which row survives: a planner's record first (it carries capacity and floor
area), then an area over a node (a site area), then input order (OSM before
Geofabrik). Missing capacity, floor area and site area are filled from the
merged rows. Every merge is returned for the run report.
"""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SAME_PLACE_M = 5.0
SAME_NAME_M = 1500.0
BRAND_MIN_COUNT = 3
FILLED_COLUMNS = ("capacity", "floor_area_m2", "site_area_m2")
AREA_ID_PATTERN = r"^osm:(?:way|relation)/"


def name_key(names: pd.Series) -> np.ndarray:
    """Names compared for identity: NFKC-normalised, lower case, without spaces ('' when none)."""
    return np.array(
        [
            "".join(unicodedata.normalize("NFKC", str(n)).lower().split())
            if isinstance(n, str)
            else ""
            for n in names
        ],
        dtype=object,
    )


def _is_area(facilities: gpd.GeoDataFrame) -> np.ndarray:
    by_id = facilities["facility_id"].astype(str).str.contains(AREA_ID_PATTERN).to_numpy()
    if "site_area_m2" not in facilities:
        return by_id
    site_area = pd.to_numeric(facilities["site_area_m2"], errors="coerce").to_numpy(dtype=float)
    return by_id | np.isfinite(site_area)


def _candidate_pairs(
    facilities: gpd.GeoDataFrame, same_place_m: float, same_name_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) that are one facility, their distance (m) and whether the name decided."""
    points = facilities.geometry.values
    category = facilities["category"].astype(str).to_numpy()
    source = facilities["source"].astype(str).to_numpy()
    area = _is_area(facilities)

    near_left, near_right = gpd.GeoSeries(points).sindex.query(
        points, predicate="dwithin", distance=same_place_m
    )
    # same (category, name) pairs: a name on fewer than BRAND_MIN_COUNT rows has at most one
    keys = pd.DataFrame({"category": category, "name": name_key(facilities["name"])})
    keys = keys[keys["name"] != ""]
    size = keys.groupby(["category", "name"])["name"].transform("size")
    keys = keys[size < BRAND_MIN_COUNT].reset_index()
    named = keys.merge(keys, on=["category", "name"])
    left = np.concatenate([near_left, named["index_x"].to_numpy()])
    right = np.concatenate([near_right, named["index_y"].to_numpy()])
    pairs = np.unique(np.column_stack([left, right]), axis=0)
    left, right = pairs[:, 0], pairs[:, 1]
    keep = left < right
    left, right = left[keep], right[keep]

    distance = shapely.distance(points[left], points[right])
    comparable = (category[left] == category[right]) & (
        (source[left] != source[right]) | (area[left] != area[right])
    )
    by_place = distance <= same_place_m
    by_name = np.isin(
        left * len(points) + right,
        named["index_x"].to_numpy() * len(points) + named["index_y"].to_numpy(),
    ) & (distance <= same_name_m)
    merged = comparable & (by_place | by_name)
    return left[merged], right[merged], distance[merged], by_name[merged] & ~by_place[merged]


def _priority(facilities: gpd.GeoDataFrame) -> np.ndarray:
    """Rank of each row as the survivor of its group (0 is best)."""
    planner = facilities["source"].astype(str).str.startswith("planner:").to_numpy()
    area = _is_area(facilities)
    order = np.arange(len(facilities))
    # lexsort: the last key sorts first
    ranked = np.lexsort((order, ~area, ~planner))
    rank = np.empty(len(facilities), dtype=int)
    rank[ranked] = order
    return rank


def merge_duplicates(
    facilities: gpd.GeoDataFrame,
    same_place_m: float = SAME_PLACE_M,
    same_name_m: float = SAME_NAME_M,
) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Keep one row per facility and say which rows were merged into which.

    Parameters
    ----------
    facilities : GeoDataFrame
        Classified point facilities in a metric CRS (metres), with
        ``facility_id``, ``category``, ``name`` and ``source``.
    same_place_m : float
        Distance (m) within which two facilities of one category from
        different sources, or a node and an area, are one.
    same_name_m : float
        Distance (m) within which they are one when their names are the same.

    Returns
    -------
    (GeoDataFrame, list of dict)
        The facilities without the merged rows (index reset), and one record
        per merged row: ``category``, ``kept`` and ``dropped`` (``id``,
        ``name``, ``source``), ``distance_m`` and ``reason`` (``same place``
        or ``same name``).
    """
    if len(facilities) < 2:
        return facilities.reset_index(drop=True), []
    if facilities.crs is None or facilities.crs.is_geographic:
        raise ValueError("merge_duplicates needs facilities in a metric CRS")
    frame = facilities.reset_index(drop=True)
    left, right, distance, by_name = _candidate_pairs(frame, same_place_m, same_name_m)
    if not len(left):
        return frame, []
    n = len(frame)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    rank = _priority(frame)
    by_rank = np.argsort(rank)
    survivor_of_group = pd.Series(by_rank, index=group[by_rank]).groupby(level=0).first()
    survivor = survivor_of_group.loc[group].to_numpy()
    dropped = np.flatnonzero(survivor != np.arange(n))

    kept = frame.copy()
    for column in FILLED_COLUMNS:
        if column in kept:
            values = pd.to_numeric(kept[column], errors="coerce")
            best = values.iloc[by_rank].groupby(group[by_rank]).first()
            kept[column] = values.fillna(pd.Series(best.loc[group].to_numpy()))
    kept = kept.drop(index=dropped).reset_index(drop=True)
    return gpd.GeoDataFrame(kept, crs=facilities.crs), _merge_records(
        frame, dropped, survivor, left, right, distance, by_name
    )


def _merge_records(
    frame: gpd.GeoDataFrame,
    dropped: np.ndarray,
    survivor: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    distance: np.ndarray,
    by_name: np.ndarray,
) -> list[dict]:
    reason_of_pair = {
        (int(a), int(b)): "same name" if named else "same place"
        for a, b, named in zip(left, right, by_name, strict=True)
    }
    points = frame.geometry.values
    gaps = shapely.distance(points[dropped], points[survivor[dropped]])

    def who(row: int) -> dict:
        name = frame["name"].iloc[row]
        return {
            "id": str(frame["facility_id"].iloc[row]),
            "name": name if isinstance(name, str) else None,
            "source": str(frame["source"].iloc[row]),
        }

    records = []
    for row, gap in zip(dropped, gaps, strict=True):
        keeper = int(survivor[row])
        pair = (min(row, keeper), max(row, keeper))
        records.append(
            {
                "category": str(frame["category"].iloc[row]),
                "kept": who(keeper),
                "dropped": who(int(row)),
                "distance_m": round(float(gap), 1),
                # a row may join its survivor through a third one (node, area, planner point)
                "reason": reason_of_pair.get(pair, "same group"),
            }
        )
    return records


def merge_report_entries(merges: list[dict]) -> list[dict]:
    """Run-report lines: a count line, then one line per merge with both ids and the distance."""
    if not merges:
        return []
    per_category = pd.Series([m["category"] for m in merges]).value_counts().sort_index()
    entries = [
        {
            "layer": "facilities",
            "issue": "duplicate facilities merged (node and area, or one place in two sources)",
            "count": len(merges),
            "detail": ", ".join(f"{cat} {n}" for cat, n in per_category.items()),
        }
    ]
    for merge in merges:
        kept, dropped = merge["kept"], merge["dropped"]
        entries.append(
            {
                "layer": "facilities",
                "issue": "duplicate facility merged",
                "count": 1,
                "detail": (
                    f"{merge['category']}: kept {kept['id']} {kept['name'] or ''} "
                    f"({kept['source']}), dropped {dropped['id']} {dropped['name'] or ''} "
                    f"({dropped['source']}), {merge['distance_m']:g} m apart, {merge['reason']}"
                ),
                "merge": merge,
            }
        )
    return entries
