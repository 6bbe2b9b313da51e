"""A ranked list of 补缺 (gap-filling) projects a plan can adopt, built from the gap zones.

Each category gap zone (:func:`lifecircle.analyses.gaps.gap_zones`, ``kind ==
"category"``) is one candidate project: "add a facility of this category here".
The zones are read as written; their geometry is not recomputed.

Ranking rule (:func:`rank_projects`)
------------------------------------
1. **People the project brings into the circle** (``circle_people``). The
   circles are judged differently, and the zone's own head count overstates
   what filling it changes:

   - life circle (every category needed): the zone's target group lacking the
     category — each of them lacks a complete life circle;
   - fitness circle (any one category is enough): only the residents of the
     zone who reach *no* fitness category within the threshold
     (``fitness_ok`` false). A zone lacking a fitness trail whose residents
     all reach a fitness station counts zero;
   - elderly-care circle: the older residents lacking that care type.

2. **Priority** = ``circle_people`` × ``circle_weight``, where the weight is
   the circle's shortfall against its own share target,
   ``clip((target − share) / target, MIN_WEIGHT, 1)`` (life circle), and 1 for a
   circle without a share target in the profile.

3. **Cap per category**: in the ranking, a category's zones beyond the first
   :data:`CAP_PER_CATEGORY` come after every other category's zones within the
   cap, so no single category fills the top of the list. Zones with a priority
   of zero (nobody brought into a circle) come last. Ties are broken by older
   residents, then by zone id.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lifecircle.analyses.access import point_xy
from lifecircle.analyses.gaps import linked_pairs, masked_cluster_labels
from lifecircle.analyses.table_locations import with_locations
from lifecircle.standards.profile import Profile

#: A category's zones beyond this many rank after the other categories' first ones.
CAP_PER_CATEGORY = 3
#: The smallest weight of a circle that meets (or nearly meets) its share target.
MIN_WEIGHT = 0.05
#: A named road further than this (m) from a project is not given as its address.
ROAD_SEARCH_M = 400.0

PROJECT_COLUMNS = [
    "project_rank",
    "gap_id",
    "category",
    "categories",
    "circle",
    "minutes",
    "residents",
    "elderly",
    "people_affected",
    "circle_people",
    "circle_weight",
    "priority",
    "nearest_facility_id",
    "nearest_facility_name",
    "nearest_walk_m",
    "road",
    "road_distance_m",
]

#: Demand column that is True where a resident already has the circle (None: none needed).
_CIRCLE_MET = {"life_circle": None, "fitness_circle": "fitness_ok", "care_coverage": None}


def nearest_road_names(
    points: gpd.GeoSeries, roads: gpd.GeoDataFrame, max_m: float = ROAD_SEARCH_M
) -> tuple[np.ndarray, np.ndarray]:
    """The name of the nearest named road to each point, as written in the source.

    Parameters
    ----------
    points : GeoSeries
        Points in a projected CRS (metres).
    roads : GeoDataFrame
        Road lines with a ``name`` column, any CRS.
    max_m : float
        Search radius (metres); beyond it the name is None.

    Returns
    -------
    names : ndarray of object
        Road name or None per point.
    distance_m : ndarray of float
        Distance to that road (metres), NaN where none was found.
    """
    names = np.full(len(points), None, dtype=object)
    distance = np.full(len(points), np.nan)
    if points.empty or roads is None or roads.empty or "name" not in roads:
        return names, distance
    named = roads[roads["name"].notna() & (roads["name"].astype(str).str.strip() != "")]
    if named.empty:
        return names, distance
    named = named[["name", named.geometry.name]].to_crs(points.crs)
    left = gpd.GeoDataFrame({"row": np.arange(len(points))}, geometry=points.values, crs=points.crs)
    joined = gpd.sjoin_nearest(left, named, how="left", max_distance=max_m, distance_col="d")
    joined = joined[joined["name"].notna()].sort_values(["row", "d"])
    first = joined.drop_duplicates("row")
    names[first["row"].to_numpy()] = first["name"].astype(str).to_numpy()
    distance[first["row"].to_numpy()] = first["d"].to_numpy(dtype=float)
    return names, distance


def circle_weights(profile: Profile, shares: Mapping[str, float | None]) -> dict[str, float]:
    """Weight per circle: its shortfall against its own share target (1 without a target).

    Parameters
    ----------
    profile : Profile
    shares : mapping
        Circle id → share of its target group that has the circle (0–1), or None.
    """
    weights = {}
    for circle_id, circle in profile.circles.items():
        target = circle.figure("target_share")
        share = shares.get(circle_id)
        if target is None or share is None or not np.isfinite(share):
            weights[circle_id] = 1.0
            continue
        shortfall = (float(target.value) - float(share)) / float(target.value)
        weights[circle_id] = float(np.clip(shortfall, MIN_WEIGHT, 1.0))
    return weights


def _members(
    zone: gpd.GeoDataFrame,
    points: np.ndarray,
    lacking: np.ndarray,
    pairs: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Demand rows lacking the category inside each zone polygon (a zone's own points).

    ``points`` are the demand points (shapely); ``pairs`` those closer than the
    zones' linking distance (:func:`lifecircle.analyses.gaps.linked_pairs`).

    A zone holds one connected group of the lacking points (linked by
    ``pairs``, as :func:`lifecircle.analyses.gaps.gap_zones` draws them), so
    one point per group finds its zone. A zone stops where a resident who does
    not lack the category is nearer, so a member right beside one may lie just
    outside the drawn zone (by a grid step at most): a group whose point lies
    in no zone goes to the nearest one (the others are a linking distance away).
    When the groups do not match the zones' ``demand_points`` (other zones,
    another linking distance), every lacking point is tested against the
    polygons instead.

    Returns the zone (position in ``zone``) and the demand row of each member,
    sorted by zone, then by row.
    """
    rows = np.flatnonzero(lacking)
    polygons = zone.geometry.to_numpy()
    found = None
    if pairs is not None and rows.size and "demand_points" in zone:
        labels = masked_cluster_labels(pairs, lacking)
        _, first = np.unique(labels, return_index=True)
        # the tree holds the points, so each (large) zone is prepared once as the query geometry
        which, group = shapely.STRtree(points[rows[first]]).query(polygons, predicate="contains")
        group_zone = np.full(first.size, -1)
        group_zone[group] = which
        lost = np.flatnonzero(group_zone < 0)
        if lost.size:  # other zones are a linking distance away; its own, a grid step at most
            group_zone[lost] = shapely.STRtree(polygons).query_nearest(
                points[rows[first[lost]]], all_matches=False
            )[1]
        zone_of = group_zone[labels]
        counts = np.bincount(zone_of[zone_of >= 0], minlength=len(zone))
        if (counts == zone["demand_points"].to_numpy()).all():
            found = zone_of[zone_of >= 0], rows[zone_of >= 0]
    if found is None:
        found = shapely.STRtree(points[rows]).query(polygons, predicate="intersects")
        found = found[0], rows[found[1]]
    zone_of, members = found
    order = np.lexsort((members, zone_of))
    return zone_of[order], members[order]


def _target_people(demand: gpd.GeoDataFrame, target: str) -> np.ndarray:
    column = {"everyone": "residents", "elderly": "elderly", "children": "children"}.get(
        target, "residents"
    )
    if column not in demand:
        column = "residents"
    return demand[column].to_numpy(dtype=float)


def gap_projects(
    gaps: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    profile: Profile,
    roads: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    facility_names: Mapping[str, str],
    circle_shares: Mapping[str, float | None],
    link_m: float | None = None,
) -> pd.DataFrame:
    """One row per category gap zone, with its place, people and priority, ranked.

    Parameters
    ----------
    gaps : GeoDataFrame
        Gap zones as :func:`~lifecircle.analyses.gaps.gap_zones` writes them.
    demand : GeoDataFrame
        The demand layer of the run (``min_<category>``, ``fitness_ok``,
        ``residents``, ``elderly``, ``children``), same CRS as ``gaps``.
    profile : Profile
    roads : GeoDataFrame
        Road lines with ``name`` (for the address).
    boundary : GeoDataFrame
        Sub-units (居委) with ``unit_id``, ``name``, ``name_en``.
    facility_names : mapping
        Facility id → name (the nearest existing facility is named, not numbered).
    circle_shares : mapping
        Circle id → the share that has the circle (for :func:`circle_weights`).
    link_m : float, optional
        The linking distance (m) the zones were drawn with: a zone's residents
        are then found by their connected group, not by testing every resident
        against the polygons.

    Returns
    -------
    DataFrame
        :data:`PROJECT_COLUMNS`, then WGS84 / GCJ-02 coordinates and the 居委 of
        the project's point (:func:`~lifecircle.analyses.table_locations.with_locations`),
        sorted by ``project_rank`` (1 = first). The point is the zone's demand
        point nearest its people-weighted centre, so it lies where people live.
    """
    zones = gaps[gaps["kind"] == "category"] if not gaps.empty else gaps
    zones = zones[zones["kind_key"].isin(list(profile.categories))] if not zones.empty else zones
    if zones.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in PROJECT_COLUMNS})
        return with_locations(gpd.GeoDataFrame(empty, geometry=[], crs=demand.crs), boundary)
    zones = zones.to_crs(demand.crs).reset_index(drop=True)
    weights = circle_weights(profile, circle_shares)
    xy = point_xy(demand)
    homes = demand.geometry.to_numpy()
    pairs = linked_pairs(xy, link_m) if link_m is not None else None
    frames = []
    points = []
    for category, group in zones.groupby("kind_key", sort=False):
        rule = profile.rule(str(category))
        minutes = demand[f"min_{category}"].to_numpy(dtype=float)
        lacking = ~(minutes <= rule.threshold_minutes)
        people = _target_people(demand, rule.target)
        met_column = _CIRCLE_MET.get(rule.circle)
        lacking_circle = (
            ~demand[met_column].astype(bool).to_numpy()
            if met_column and met_column in demand
            else np.ones(len(demand), dtype=bool)
        )
        zone_of, rows = _members(group, homes, lacking, pairs)
        in_circle = lacking_circle[rows]
        circle_people = np.bincount(
            zone_of, weights=people[rows] * in_circle, minlength=len(group)
        )
        weight = weights.get(rule.circle, 1.0)
        points.extend(_people_points(xy, zone_of, rows, people, group.geometry.to_numpy()))
        gap_ids = group["gap_id"].astype(str).to_numpy()
        facility = group["nearest_facility_id"].to_numpy(dtype=object)
        facility = np.array(
            [None if f is None or f != f else str(f) for f in facility], dtype=object
        )
        frames.append(
            pd.DataFrame(
                {
                    "gap_id": gap_ids,
                    "category": str(category),
                    "circle": rule.circle,
                    "minutes": float(rule.threshold_minutes),
                    "residents": group["residents"].to_numpy(dtype=float),
                    "elderly": group["elderly"].to_numpy(dtype=float),
                    "people_affected": group["people_affected"].to_numpy(dtype=float),
                    "circle_people": circle_people,
                    "circle_weight": weight,
                    "priority": circle_people * weight,
                    "nearest_facility_id": facility,
                    "nearest_facility_name": [
                        facility_names.get(f) if f else None for f in facility
                    ],
                    "nearest_walk_m": group["nearest_walk_m"].to_numpy(dtype=float),
                    # an any-of circle: zones of its categories over the same people are
                    # one project ("any of these"); other circles need each category
                    "_cluster": _cluster_keys(
                        rule.circle if met_column else None, gap_ids, zone_of, rows[in_circle],
                        zone_of[in_circle],
                    ),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table, points = _merge_alternatives(table, points)
    located = gpd.GeoDataFrame(table, geometry=points, crs=demand.crs)
    table["road"], table["road_distance_m"] = nearest_road_names(located.geometry, roads)
    table["project_rank"] = rank_projects(table)
    located = gpd.GeoDataFrame(table, geometry=points, crs=demand.crs)
    out = with_locations(located, boundary)
    return out.sort_values("project_rank").reset_index(drop=True)[
        [*PROJECT_COLUMNS, *(c for c in out.columns if c not in PROJECT_COLUMNS)]
    ]


def _merge_alternatives(
    table: pd.DataFrame, points: list[object]
) -> tuple[pd.DataFrame, list[object]]:
    """One row per cluster of an any-of circle: the largest zone, all its categories listed.

    Adds ``categories`` (comma-separated category ids the project may provide; one id
    for circles that need every category).
    """
    table = table.assign(_point=points)
    table = table.sort_values(["people_affected", "gap_id"], ascending=[False, True])
    first = table.drop_duplicates("_cluster").copy()
    first["categories"] = first["category"]
    shared = table["_cluster"].duplicated(keep=False)  # only these list alternatives
    if shared.any():
        alternatives = table[shared].groupby("_cluster", sort=False)["category"].agg(
            lambda cats: ",".join(dict.fromkeys(cats))
        )
        many = first["_cluster"].isin(alternatives.index)
        first.loc[many, "categories"] = first.loc[many, "_cluster"].map(alternatives)
    first = first.drop(columns="_cluster").reset_index(drop=True)
    return first.drop(columns="_point"), list(first["_point"])


def _people_points(
    xy: np.ndarray, zone_of: np.ndarray, rows: np.ndarray, people: np.ndarray, zones: np.ndarray
) -> list[object]:
    """Each zone's demand point nearest its people-weighted centre (a point inside the zone).

    ``zone_of`` and ``rows`` list each zone's members (sorted by zone); a zone
    without members gets a point on its surface, and a zone whose members hold
    nobody of the target group the plain centre of its members.
    """
    n = len(zones)
    weight = people[rows]
    held = np.bincount(zone_of, weights=weight, minlength=n)
    weight = np.where(held[zone_of] > 0, weight, 1.0)
    total = np.bincount(zone_of, weights=weight, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.column_stack(
            [np.bincount(zone_of, weights=weight * xy[rows, k], minlength=n) for k in (0, 1)]
        ) / total[:, None]
    distance = ((xy[rows] - centre[zone_of]) ** 2).sum(axis=1)
    order = np.lexsort((distance, zone_of))
    first = order[np.r_[True, zone_of[order][1:] != zone_of[order][:-1]]] if rows.size else order
    out = shapely.point_on_surface(zones)
    out[zone_of[first]] = shapely.points(xy[rows[first]])
    return list(out)


def _cluster_keys(
    circle: str | None,
    gap_ids: np.ndarray,
    zone_of: np.ndarray,
    circle_rows: np.ndarray,
    circle_zone: np.ndarray,
) -> list[tuple[str, bytes]]:
    """Per zone, what makes zones one project: the circle and the people it would bring in.

    For an any-of circle (``circle`` given), zones bringing in the same residents
    share the key ``(circle, rows)``; every other zone is its own
    ``(gap_id, b"")``.
    """
    keys = [(str(gap_id), b"") for gap_id in gap_ids]
    if circle is None or circle_rows.size == 0:
        return keys
    starts = np.flatnonzero(np.r_[True, circle_zone[1:] != circle_zone[:-1]])
    for zone, members in zip(circle_zone[starts], np.split(circle_rows, starts[1:]), strict=True):
        keys[int(zone)] = (circle, members.tobytes())
    return keys


def rank_projects(table: pd.DataFrame, cap: int = CAP_PER_CATEGORY) -> np.ndarray:
    """Rank 1… of each project under the rule in the module docstring.

    Parameters
    ----------
    table : DataFrame
        ``category``, ``priority``, ``elderly``, ``gap_id`` per project.
    cap : int
        Projects per category ranked before the other categories' overflow.

    Returns
    -------
    ndarray of int
        The rank of each row (1 = first), in the table's row order.
    """
    if table.empty:
        return np.array([], dtype=int)
    order = table.sort_values(
        ["priority", "elderly", "gap_id"], ascending=[False, False, True], kind="stable"
    )
    within = order.groupby("category", sort=False).cumcount().to_numpy()
    order = order.assign(_none=~(order["priority"] > 0), _over=within >= cap)
    order = order.sort_values(
        ["_none", "_over", "priority", "elderly", "gap_id"],
        ascending=[True, True, False, False, True],
        kind="stable",
    )
    ranks = np.empty(len(table), dtype=int)
    ranks[table.index.get_indexer(order.index)] = np.arange(1, len(order) + 1)
    return ranks
