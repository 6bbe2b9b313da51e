"""Where should new facilities go? Candidates, coverage matrices, models, what-if.

* Candidates come from the planner's file (vacant plots, buildings the district
  controls) or are generated on the walk network inside the category's gap
  zones, spaced along the streets, never in water, on a railway or outside the
  study area. Every candidate keeps a stable id and its snapped position.
* The coverage matrix (candidate × demand point) holds the network walks
  within the category threshold at the target group's speed (elderly speed
  for care categories), computed by local bounded searches; it stays sparse.
* :func:`recommend_sites` solves the maximal-covering model (k sites) or the
  covering-to-a-target model (fewest sites for e.g. 99%) with the kernel in
  :mod:`lifecircle.analyses.siting.models`; existing facilities count as covering.
* :func:`evaluate_sites` reports before/after coverage per category and per
  sub-unit for sites the planner proposes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.life_circle import share, target_population
from lifecircle.analyses.siting.models import MaximalCovering, SitingResult, TargetCovering
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.catchments import catchments
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

DEFAULT_SPACING_M = 150.0
RAILWAY_CLEARANCE_M = 15.0
SITE_COLUMNS = [
    "site_id",
    "rank",
    "category",
    "new_residents_covered",
    "new_elderly_covered",
    "new_target_covered",
    "cumulative_share",
    "snap_m",
    "source",
]


@dataclass
class SitingProblem:
    """One category's siting instance.

    Attributes
    ----------
    category : str
    candidates : GeoDataFrame
        ``candidate_id`` and geometry (LayerSet CRS), plus ``snap_m``.
    coverage : scipy.sparse.csr_array
        Bool, candidates × demand points: the walk is within the threshold.
    weight : ndarray
        Target-group people per demand point.
    already_covered : ndarray
        Bool per demand point: existing facilities already cover it.
    capacity : ndarray or None
        People each candidate can serve (capacity-aware model only).
    threshold_m : float
        Walk threshold in metres at the target group's speed.
    """

    category: str
    candidates: gpd.GeoDataFrame
    coverage: sparse.csr_array
    weight: np.ndarray
    already_covered: np.ndarray
    capacity: np.ndarray | None
    threshold_m: float


def category_threshold(profile: Profile, access: AccessTable, category: str) -> tuple[float, float]:
    """(minutes, metres) threshold of a category: the access table's rule for it."""
    if category not in profile.categories:
        raise LifecircleError(
            f"Unknown category '{category}'.",
            where="--category",
            fix=f"Use one of: {', '.join(profile.categories)}.",
        )
    rule = access.rule(category)
    return rule.threshold_minutes, rule.threshold_m


def generate_candidates(
    layerset: LayerSet,
    access: AccessTable,
    zones: gpd.GeoDataFrame,
    spacing_m: float = DEFAULT_SPACING_M,
) -> gpd.GeoDataFrame:
    """Points every ``spacing_m`` along the walk network inside the gap zones.

    Parameters
    ----------
    layerset : LayerSet
    access : AccessTable
        Its network gives the street segments.
    zones : GeoDataFrame
        Gap zones (polygons) of one category.
    spacing_m : float
        Distance between candidates along a street, in metres.

    Returns
    -------
    GeoDataFrame
        ``candidate_id`` (``gen-<category>-NNNN``, stable for the same inputs)
        and points; none in water, within 15 m of a railway, or outside the
        study area.
    """
    if spacing_m <= 0:
        raise LifecircleError(
            f"Candidate spacing must be positive, got {spacing_m} m.",
            where="--spacing-m",
            fix="Use e.g. 100–200 m.",
        )
    graph = access.network.graph
    if zones.empty:
        return gpd.GeoDataFrame({"candidate_id": []}, geometry=[], crs=layerset.crs)
    region = shapely.intersection(zones.geometry.union_all(), layerset.study_area)
    water = layerset.water[layerset.water.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(water):
        region = shapely.difference(region, water.geometry.union_all())
    if len(layerset.railways):
        region = shapely.difference(
            region, layerset.railways.geometry.union_all().buffer(RAILWAY_CLEARANCE_M)
        )
    u_xy = graph.node_xy[graph.edge_u]
    v_xy = graph.node_xy[graph.edge_v]
    segments = shapely.linestrings(np.stack([u_xy, v_xy], axis=1))
    inside = shapely.intersection(segments, region)
    lines = shapely.get_parts(
        shapely.line_merge(shapely.union_all(inside[~shapely.is_empty(inside)]))
    )
    points = []
    for line in lines:
        length = line.length
        count = max(1, int(length // spacing_m))
        offsets = (np.arange(count) + 0.5) * (length / count)
        points.extend(shapely.line_interpolate_point(line, offsets))
    if not points:
        return gpd.GeoDataFrame({"candidate_id": []}, geometry=[], crs=layerset.crs)
    frame = gpd.GeoDataFrame(geometry=points, crs=layerset.crs)
    order = np.lexsort((frame.geometry.x.round(1), frame.geometry.y.round(1)))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["candidate_id"] = [f"gen-{i + 1:04d}" for i in range(len(frame))]
    frame["source"] = "generated"
    return frame[["candidate_id", "source", "geometry"]]


def build_problem(
    layerset: LayerSet,
    profile: Profile,
    access: AccessTable,
    category: str,
    candidates: gpd.GeoDataFrame,
    capacitated: bool = False,
) -> SitingProblem:
    """Snap candidates and build the sparse coverage matrix of one category.

    Candidates beyond the snap limit are dropped from the problem (they cannot
    be reached on foot) and listed in ``candidates['snapped']``.
    """
    _, threshold_m = category_threshold(profile, access, category)
    if candidates.empty:
        raise LifecircleError(
            f"There are no candidate sites for '{category}'.",
            where="candidates",
            fix="Give a candidates file (--candidates) or check that the category has gap zones.",
        )
    network = access.network
    xy = np.column_stack([candidates.geometry.x.to_numpy(), candidates.geometry.y.to_numpy()])
    snapped = network.snap(xy)
    frame = candidates.copy()
    frame["snap_m"] = snapped.snap_m
    frame["snapped"] = snapped.ok
    pairs = catchments(network.graph, snapped, network.demand, threshold_m)
    coverage = sparse.csr_array(
        (np.ones(len(pairs.source), dtype=bool), (pairs.source, pairs.target)),
        shape=(len(frame), len(layerset.demand)),
    )
    cat = profile.categories[category]
    capacity = None
    if capacitated:
        default = float(cat.capacity_default.value) if cat.capacity_default else np.inf
        given = pd.to_numeric(frame.get("capacity"), errors="coerce")
        capacity = (
            given.fillna(default).to_numpy(dtype=float)
            if given is not None
            else np.full(len(frame), default)
        )
    return SitingProblem(
        category=category,
        candidates=frame,
        coverage=coverage,
        weight=target_population(layerset.demand, cat.target),
        already_covered=access.covered(category),
        capacity=capacity,
        threshold_m=threshold_m,
    )


@dataclass
class SitingOutcome:
    """Recommended sites and what they achieve.

    Attributes
    ----------
    sites : GeoDataFrame
        Columns :data:`SITE_COLUMNS`, ranked.
    newly_covered : ndarray
        Bool per demand point (people allocated, for the capacity model).
    result : SitingResult
        The solver's answer (bound, gap, method, message).
    summary : dict
        The ``sites`` block of summary.json.
    """

    sites: gpd.GeoDataFrame
    newly_covered: np.ndarray
    result: SitingResult
    summary: dict[str, Any]


def recommend_sites(
    problem: SitingProblem,
    layerset: LayerSet,
    k: int | None = None,
    target_share: float | None = None,
    method: str = "auto",
    time_limit_s: float = 60.0,
) -> SitingOutcome:
    """Solve the maximal-covering (``k``) or target-covering (``target_share``) model.

    Parameters
    ----------
    problem : SitingProblem
    layerset : LayerSet
    k : int, optional
        Number of new sites (maximal covering).
    target_share : float, optional
        Covered share to reach with the fewest sites (e.g. 0.99).
    method : str
        ``auto``, ``milp``, ``greedy`` or ``brute-force``.
    time_limit_s : float
        MILP time limit in seconds.
    """
    if (k is None) == (target_share is None):
        raise LifecircleError(
            "Give exactly one of k (number of sites) and target_share.",
            where="--k / --target-share",
            fix="For example --k 3, or --target-share 0.99.",
        )
    if k is not None:
        model = MaximalCovering(
            problem.coverage, problem.weight, problem.already_covered, problem.capacity
        )
        result = model.solve(min(k, model.n_candidates), method=method, time_limit_s=time_limit_s)
    else:
        if problem.capacity is not None:
            raise LifecircleError(
                "The capacity-aware model answers --k, not --target-share.",
                where="--capacitated with --target-share",
                fix="Drop --capacitated, or ask for a number of sites with --k.",
            )
        model = TargetCovering(problem.coverage, problem.weight, problem.already_covered)
        result = model.solve(float(target_share), method=method, time_limit_s=time_limit_s)
    sites = _site_table(problem, layerset, result)
    newly = result.newly_covered
    summary = {
        "category": problem.category,
        "model": "maximal_covering" if k is not None else "target_covering",
        "k": k,
        "target_share": target_share,
        "threshold_m": problem.threshold_m,
        "candidates": len(problem.candidates),
        "candidates_beyond_snap_limit": int((~problem.candidates["snapped"]).sum()),
        "share_before": share(problem.already_covered, problem.weight),
        "share_after": result.covered_share,
        "new_target_covered": result.objective,
        "n_sites": result.n_sites,
        "method": result.method,
        "optimal": result.optimal,
        "upper_bound": result.upper_bound,
        "gap": result.gap,
        "target_reached": result.target_reached,
        "sites_lower_bound": result.sites_lower_bound,
        "solve_seconds": result.solve_seconds,
        "message": result.message,
        "sites": pd.DataFrame(sites.drop(columns="geometry")).to_dict(orient="records"),
    }
    return SitingOutcome(sites=sites, newly_covered=newly, result=result, summary=summary)


def _site_table(
    problem: SitingProblem, layerset: LayerSet, result: SitingResult
) -> gpd.GeoDataFrame:
    """Rank rows with the people each site newly covers, given the sites before it."""
    residents = layerset.demand["residents"].to_numpy(dtype=float)
    elderly = layerset.demand["elderly"].to_numpy(dtype=float)
    covered = problem.already_covered.copy()
    total = float(problem.weight.sum())
    rows = []
    for rank, index in enumerate(result.selected, start=1):
        reach = problem.coverage[[int(index)], :].toarray().ravel()
        new = reach & ~covered
        covered |= reach
        rows.append(
            {
                "site_id": str(problem.candidates["candidate_id"].iloc[index]),
                "rank": rank,
                "category": problem.category,
                "new_residents_covered": float(residents[new].sum()),
                "new_elderly_covered": float(elderly[new].sum()),
                "new_target_covered": float(problem.weight[new].sum()),
                "cumulative_share": float(problem.weight[covered].sum() / total) if total else 0.0,
                "snap_m": float(problem.candidates["snap_m"].iloc[index]),
                "source": str(
                    problem.candidates.get("source", pd.Series(["file"] * (index + 1))).iloc[index]
                ),
                "geometry": problem.candidates.geometry.iloc[index],
            }
        )
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in SITE_COLUMNS}, geometry=[], crs=layerset.crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=layerset.crs)


def evaluate_sites(
    layerset: LayerSet,
    profile: Profile,
    access: AccessTable,
    proposed: gpd.GeoDataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Before/after coverage for sites the planner proposes.

    Parameters
    ----------
    layerset : LayerSet
    profile : Profile
    access : AccessTable
        Access with the existing facilities.
    proposed : GeoDataFrame
        Points with a ``category`` column (profile category ids), LayerSet CRS.

    Returns
    -------
    by_category : DataFrame
        ``category``, ``proposed_sites``, ``share_before``, ``share_after``,
        ``newly_covered`` (target people), ``newly_covered_residents``.
    by_unit : DataFrame
        The same per boundary sub-unit and category.
    """
    if "category" not in proposed:
        raise LifecircleError(
            "The proposed sites have no 'category' column.",
            where="--evaluate file",
            fix="Add a category column with profile category ids (e.g. day_care), "
            "or pass --category for all of them.",
        )
    unknown = sorted(set(proposed["category"].astype(str)) - set(profile.categories))
    if unknown:
        raise LifecircleError(
            f"The proposed sites name unknown categories {unknown}.",
            where="--evaluate file, column category",
            fix=f"Use profile categories: {', '.join(profile.categories)}.",
        )
    demand = layerset.demand
    residents = demand["residents"].to_numpy(dtype=float)
    by_category, by_unit = [], []
    for category, group in proposed.groupby("category"):
        problem = build_problem(layerset, profile, access, str(category), group)
        people = problem.weight
        reach = np.asarray(problem.coverage.sum(axis=0)).ravel() > 0
        after = problem.already_covered | reach
        new = after & ~problem.already_covered
        by_category.append(
            {
                "category": category,
                "proposed_sites": len(group),
                "sites_beyond_snap_limit": int((~problem.candidates["snapped"]).sum()),
                "share_before": share(problem.already_covered, people),
                "share_after": share(after, people),
                "newly_covered": float(people[new].sum()),
                "newly_covered_residents": float(residents[new].sum()),
            }
        )
        for unit_id, name in layerset.boundary[["unit_id", "name"]].itertuples(index=False):
            in_unit = (demand["unit_id"] == unit_id).to_numpy()
            by_unit.append(
                {
                    "unit_id": unit_id,
                    "name": name,
                    "category": category,
                    "share_before": share(problem.already_covered[in_unit], people[in_unit]),
                    "share_after": share(after[in_unit], people[in_unit]),
                    "newly_covered": float(people[new & in_unit].sum()),
                }
            )
    return pd.DataFrame(by_category), pd.DataFrame(by_unit)
