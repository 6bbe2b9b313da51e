"""Where should new facilities of one category go? The one entry point of question 4.

:func:`recommend` takes a LayerSet, a profile and a category, finds the
candidate sites (given, the LayerSet's own, or generated in the category's gap
zones), builds the model with ``from_layers`` (maximal covering for ``k``
sites, covering to a target share for ``target_share``), solves it, and
returns one :class:`SitingOutcome`: the ranked sites table, the ``sites`` block
of summary.json, and what the map shows (the sites' walk service areas and the
demand they newly serve). It is ``lifecircle.recommend_sites``, and
``lifecircle sites`` calls it.

Every figure in the sites table comes from the solver's own answer
(:attr:`SitingResult.assignment`), so in the capacity-aware model a site never
shows more people than its capacity, and the table's per-site gains add up to
the summary's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lifecircle.analyses.access import AccessTable, compute_access
from lifecircle.analyses.life_circle import share
from lifecircle.analyses.siting.candidates import (
    DEFAULT_SPACING_M,
    category_gap_zones,
    generate_candidates,
)
from lifecircle.analyses.siting.models import MaximalCovering, SitingResult, TargetCovering
from lifecircle.analyses.siting.problem import SitingProblem, check_category
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.service_areas import service_areas
from lifecircle.standards.profile import Profile, load_profile

SITE_COLUMNS = [
    "site_id",
    "rank",
    "category",
    "new_residents_covered",
    "new_elderly_covered",
    "new_target_covered",
    "cumulative_share",
    "capacity",
    "snap_m",
    "source",
]


@dataclass
class SitingOutcome:
    """Recommended sites, what they achieve, and what the map shows.

    Attributes
    ----------
    sites : GeoDataFrame
        Columns :data:`SITE_COLUMNS` (people, shares in [0, 1], metres), ranked,
        LayerSet CRS. ``new_target_covered`` is the solver's per-site gain;
        residents and older people are those of the demand points the site
        newly serves (capacity-aware: pro rata of the target people it serves).
    summary : dict
        The ``sites`` block of summary.json.
    result : SitingResult
        The solver's answer (bound, gap, method, message, assignment).
    problem : SitingProblem
        Candidates (with ``snap_m``), coverage matrix, weights, capacities.
    service_areas : GeoDataFrame
        Walk service area of each site within the threshold (``site_id``, ``category``).
    newly_covered_demand : GeoDataFrame
        Demand points the sites newly serve (``demand_id``, ``residents``,
        ``elderly``, ``share_served``: the share of the point's target people).
    circle : str
        The circle the category belongs to (the demand layers the map shows).
    """

    sites: gpd.GeoDataFrame
    summary: dict[str, Any]
    result: SitingResult
    problem: SitingProblem
    service_areas: gpd.GeoDataFrame
    newly_covered_demand: gpd.GeoDataFrame
    circle: str

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The layers added to results.gpkg, by name."""
        return {
            "sites": self.sites,
            "site_candidates": self.problem.candidates,
            "site_service_areas": self.service_areas,
            "newly_covered_demand": self.newly_covered_demand,
        }

    def table(self) -> pd.DataFrame:
        """The sites table without geometry (``tables/sites.csv``)."""
        return pd.DataFrame(self.sites.drop(columns="geometry"))


def recommend(
    layers: LayerSet,
    profile: Profile | str = "shanghai",
    *,
    category: str,
    k: int | None = None,
    target_share: float | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    generate: bool = False,
    spacing_m: float = DEFAULT_SPACING_M,
    capacitated: bool = False,
    method: str = "auto",
    time_limit_s: float = 60.0,
    access: AccessTable | None = None,
) -> SitingOutcome:
    """New sites for one category: ``k`` sites (MCLP) or the fewest reaching ``target_share``.

    Parameters
    ----------
    layers : LayerSet
    profile : Profile or str
        The standards profile, or its name or path.
    category : str
        Profile category id, e.g. ``day_care``.
    k : int, optional
        Number of new sites (maximal covering).
    target_share : float, optional
        Covered share of the target group to reach with the fewest sites, in (0, 1].
    candidates : GeoDataFrame, optional
        Candidate points or polygons (a point inside is used) with
        ``candidate_id``, in any CRS; optional ``capacity`` (people) and ``source``.
    generate : bool
        Generate candidates every ``spacing_m`` metres along the streets inside
        the category's gap zones. Without ``candidates`` and without
        ``generate``, the LayerSet's own candidates are used when it has any,
        else candidates are generated.
    spacing_m : float
        Spacing of generated candidates along a street, in metres.
    capacitated : bool
        A site serves at most its capacity in people (``capacity`` column, else
        the profile's default for the category). ``k`` only.
    method : str
        ``auto``, ``milp`` (HiGHS) or ``greedy``.
    time_limit_s : float
        MILP time limit in seconds.
    access : AccessTable, optional
        Access from the existing facilities (computed when not given).

    Returns
    -------
    SitingOutcome

    Raises
    ------
    LifecircleError
        Unknown category, both or neither of ``k`` and ``target_share``,
        candidates without ids or CRS, capacities that cannot be resolved.
    """
    if (k is None) == (target_share is None):
        raise LifecircleError(
            "Give exactly one of k (number of sites) and target_share.",
            where="--k / --target-share",
            fix="For example --k 3, or --target-share 0.99.",
        )
    if capacitated and k is None:
        raise LifecircleError(
            "The capacity-aware model answers --k, not --target-share.",
            where="--capacitated with --target-share",
            fix="Drop --capacitated, or ask for a number of sites with --k.",
        )
    profile = load_profile(profile) if isinstance(profile, str) else profile
    check_category(profile, category)
    access = access if access is not None else compute_access(layers, profile)
    frame = _candidate_sites(layers, profile, access, category, candidates, generate, spacing_m)
    if k is not None:
        model = MaximalCovering.from_layers(layers, profile, access, category, frame, capacitated)
        k_used = min(k, model.n_candidates) if isinstance(k, int | np.integer) else k
        result = model.solve(k_used, method=method, time_limit_s=time_limit_s)
    else:
        model = TargetCovering.from_layers(layers, profile, access, category, frame)
        result = model.solve(target_share, method=method, time_limit_s=time_limit_s)
    problem = model.problem
    assert problem is not None  # from_layers keeps it
    sites = _site_table(problem, layers, result)
    summary = _summary(problem, result, sites, k, target_share, capacitated)
    return SitingOutcome(
        sites=sites,
        summary=summary,
        result=result,
        problem=problem,
        service_areas=_site_service_areas(sites, problem, access, layers),
        newly_covered_demand=_newly_covered_demand(problem, layers, result),
        circle=profile.circle_of(category),
    )


def _candidate_sites(
    layers: LayerSet,
    profile: Profile,
    access: AccessTable,
    category: str,
    candidates: gpd.GeoDataFrame | None,
    generate: bool,
    spacing_m: float,
) -> gpd.GeoDataFrame:
    """Given candidates (checked, in the LayerSet CRS), the LayerSet's own, or generated ones."""
    if candidates is not None and generate:
        raise LifecircleError(
            "Candidates were given and generation was asked for; use one.",
            where="--candidates with --generate",
            fix="Drop --generate to use the file, or drop --candidates to generate.",
        )
    if candidates is not None:
        return _given_candidates(candidates, layers)
    own = layers.candidates
    if not generate and own is not None and len(own):
        frame = own.copy()
        frame["source"] = "run candidates"
        return frame
    zones = category_gap_zones(layers, access, category)
    return generate_candidates(layers, access, zones, spacing_m)


def _given_candidates(candidates: gpd.GeoDataFrame, layers: LayerSet) -> gpd.GeoDataFrame:
    if "candidate_id" not in candidates:
        raise LifecircleError(
            "The candidate sites have no 'candidate_id' column.",
            where="candidates",
            fix="Add a candidate_id column with a stable id per site.",
        )
    if candidates.crs is None:
        raise LifecircleError(
            "The candidate sites have no coordinate reference system.",
            where="candidates",
            fix="Set one, e.g. candidates.set_crs('EPSG:4326') for longitude/latitude.",
        )
    missing = candidates.geometry.isna() | candidates.geometry.is_empty
    if missing.any():
        raise LifecircleError(
            f"{int(missing.sum())} candidate sites have no geometry "
            f"(first: {candidates.loc[missing, 'candidate_id'].iloc[0]!r}).",
            where="candidates",
            fix="Give every candidate a point or polygon, or drop those rows.",
        )
    ids = candidates["candidate_id"].astype(str)
    if ids.duplicated().any():
        raise LifecircleError(
            f"Candidate ids repeat (first: {ids[ids.duplicated()].iloc[0]!r}).",
            where="candidates, column candidate_id",
            fix="Give each candidate site its own id.",
        )
    frame = candidates.to_crs(layers.crs)
    frame["candidate_id"] = ids.to_numpy()
    frame = frame.set_geometry(frame.geometry.representative_point())
    if "source" not in frame:
        frame["source"] = "given"
    return frame


def _site_table(
    problem: SitingProblem, layers: LayerSet, result: SitingResult
) -> gpd.GeoDataFrame:
    """Ranked sites with the people each newly serves, from the solver's assignment."""
    demand = layers.demand
    rows = problem.candidates.iloc[result.selected]
    total = float(problem.weight.sum())
    before = float(problem.weight[problem.already_covered].sum())
    gains = result.marginal_weight
    capacity = (
        problem.capacity[result.selected]
        if problem.capacity is not None
        else np.full(len(rows), np.nan)
    )
    return gpd.GeoDataFrame(
        {
            "site_id": rows["candidate_id"].astype(str).to_numpy(),
            "rank": np.arange(1, len(rows) + 1),
            "category": problem.category,
            "new_residents_covered": result.assignment @ demand["residents"].to_numpy(float),
            "new_elderly_covered": result.assignment @ demand["elderly"].to_numpy(float),
            "new_target_covered": gains,
            "cumulative_share": (before + np.cumsum(gains)) / total,
            "capacity": capacity,
            "snap_m": rows["snap_m"].to_numpy(dtype=float),
            "source": rows["source"].astype(str).to_numpy(),
        },
        geometry=rows.geometry.to_numpy(),
        crs=layers.crs,
    )


def _summary(
    problem: SitingProblem,
    result: SitingResult,
    sites: gpd.GeoDataFrame,
    k: int | None,
    target_share: float | None,
    capacitated: bool,
) -> dict[str, Any]:
    message = result.message
    if result.objective == 0 and k is not None:
        message += (
            " None of these candidates reaches uncovered people within the threshold;"
            " try generated candidates (--generate) on the streets inside the gap zones."
        )
    sources = problem.candidates["source"].astype(str).unique().tolist()
    return {
        "category": problem.category,
        "model": "maximal_covering" if k is not None else "target_covering",
        "k": k,
        "target_share": target_share,
        "capacitated": capacitated,
        "threshold_m": problem.threshold_m,
        "candidates": len(problem.candidates),
        "candidate_sources": sources,
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
        "message": message,
        "sites": pd.DataFrame(sites.drop(columns="geometry")).to_dict(orient="records"),
    }


def _site_service_areas(
    sites: gpd.GeoDataFrame, problem: SitingProblem, access: AccessTable, layers: LayerSet
) -> gpd.GeoDataFrame:
    """Network service area of each site within the category's walking threshold."""
    polygons: list[Any] = []
    if len(sites):
        network = access.network
        snapped = network.snap(sites.get_coordinates().to_numpy())
        polygons = list(service_areas(network.graph, snapped, problem.threshold_m))
    return gpd.GeoDataFrame(
        {"site_id": sites["site_id"].to_numpy(), "category": problem.category},
        geometry=polygons,
        crs=layers.crs,
    )


def _newly_covered_demand(
    problem: SitingProblem, layers: LayerSet, result: SitingResult
) -> gpd.GeoDataFrame:
    """Demand points the new sites serve, with the share of their target people served."""
    served = np.asarray(result.assignment.sum(axis=0)).ravel()
    mask = served > 0
    frame = layers.demand.loc[mask, ["demand_id", "residents", "elderly", "geometry"]].copy()
    frame.insert(3, "share_served", np.minimum(served[mask], 1.0))
    return frame
