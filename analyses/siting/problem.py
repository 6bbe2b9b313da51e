"""The siting problem of one category: candidates snapped, coverage matrix, weights, capacities.

The coverage matrix (candidate × demand point) holds the network walks within
the category threshold at the target group's speed (elderly speed for care
categories), computed by local bounded searches; it stays sparse. Demand is
weighted by the category's target group (people); existing facilities count as
covering. Capacities, for the capacity-aware model, are people per site.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from lifecircle.analyses.access import AccessTable
from lifecircle.analyses.life_circle import target_population
from lifecircle.layers.layerset import LayerSet
from lifecircle.spatial.catchments import catchments
from lifecircle.spatial.errors import LifecircleError
from lifecircle.standards.profile import Profile

#: Profile capacity units that count people (a site serves at most this many).
PEOPLE_UNITS = ("places", "beds", "meals_per_day")


@dataclass
class SitingProblem:
    """One category's siting instance.

    Attributes
    ----------
    category : str
    candidates : GeoDataFrame
        ``candidate_id``, ``source`` and geometry (LayerSet CRS), plus
        ``snap_m`` (metres to the walk network) and ``snapped`` (within the
        snap limit); with capacities, ``capacity`` (people).
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


def check_category(profile: Profile, category: str) -> None:
    """Raise a clear error when ``category`` is not one of the profile's."""
    if category not in profile.categories:
        raise LifecircleError(
            f"Unknown category '{category}'.",
            where="--category",
            fix=f"Use one of: {profile.category_choices()}.",
        )


def category_threshold(profile: Profile, access: AccessTable, category: str) -> tuple[float, float]:
    """(minutes, metres) threshold of a category: the access table's rule for it."""
    check_category(profile, category)
    rule = access.rule(category)
    return rule.threshold_minutes, rule.threshold_m


def candidate_capacity(
    candidates: gpd.GeoDataFrame, profile: Profile, category: str
) -> np.ndarray:
    """People each candidate can serve: its ``capacity``, else the profile's default.

    Parameters
    ----------
    candidates : GeoDataFrame
        An optional ``capacity`` column (people); blank cells take the default.
    profile : Profile
        ``categories[category].capacity_default`` is the default, when its
        unit counts people (:data:`PEOPLE_UNITS`).
    category : str

    Raises
    ------
    LifecircleError
        A capacity that is not a number or is negative, or a blank capacity
        with no usable default.
    """
    where = "candidates, column capacity"
    raw = candidates.get("capacity", pd.Series(np.nan, index=candidates.index))
    given = pd.to_numeric(raw, errors="coerce")
    bad = given.isna() & raw.notna()
    if bad.any():
        raise LifecircleError(
            f"{int(bad.sum())} candidate capacities are not numbers "
            f"(first: {raw[bad].iloc[0]!r}).",
            where=where,
            fix="Give capacity as a number of people, or leave the cell empty for the default.",
        )
    if (given < 0).any() or np.isinf(given).any():
        raise LifecircleError(
            "Candidate capacities must be zero or more people and finite.",
            where=where,
            fix="Correct the negative or infinite values.",
        )
    missing = given.isna()
    if missing.any():
        given = given.fillna(_default_capacity(profile, category, int(missing.sum())))
    return given.to_numpy(dtype=float)


def _default_capacity(profile: Profile, category: str, n_missing: int) -> float:
    cat = profile.categories[category]
    how = (
        "add a 'capacity' column (people each site can serve) to the candidates file "
        f"(--candidates), or set categories.{category}.capacity.default in the profile, "
        "or drop --capacitated"
    )
    if cat.capacity_default is None:
        raise LifecircleError(
            f"{n_missing} candidate sites have no capacity, and the profile gives no default "
            f"capacity for '{category}'.",
            where="--capacitated",
            fix=how[0].upper() + how[1:] + ".",
        )
    if cat.capacity_unit not in PEOPLE_UNITS:
        raise LifecircleError(
            f"The profile's default capacity for '{category}' is in {cat.capacity_unit}, "
            "not a number of people, so it cannot cap the people a site serves.",
            where="--capacitated",
            fix=how[0].upper() + how[1:] + ".",
        )
    return float(cat.capacity_default.value)


def build_problem(
    layerset: LayerSet,
    profile: Profile,
    access: AccessTable,
    category: str,
    candidates: gpd.GeoDataFrame,
    capacitated: bool = False,
) -> SitingProblem:
    """Snap candidates and build the sparse coverage matrix of one category.

    Parameters
    ----------
    layerset : LayerSet
    profile : Profile
    access : AccessTable
        Access from the existing facilities (their coverage counts).
    category : str
        Profile category id.
    candidates : GeoDataFrame
        Points with ``candidate_id``, in the LayerSet CRS.
    capacitated : bool
        Resolve capacities (people) with :func:`candidate_capacity`.

    Candidates beyond the snap limit stay in the problem but cover nothing
    (they cannot be reached on foot); ``candidates['snapped']`` marks them.
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
    capacity = None
    if capacitated:
        capacity = candidate_capacity(frame, profile, category)
        frame["capacity"] = capacity
    return SitingProblem(
        category=category,
        candidates=frame,
        coverage=coverage,
        weight=target_population(layerset.demand, profile.categories[category].target),
        already_covered=access.covered(category),
        capacity=capacity,
        threshold_m=threshold_m,
    )
