"""Two-step floating catchment area (2SFCA) index.

Step 1, per facility j: ``R_j = S_j / Σ_{i in C_j} P_i``, the supply per person
of the demand inside its catchment ``C_j``.
Step 2, per demand point i: ``A_i = Σ_{j: i in C_j} R_j``.

So ``Σ_i A_i P_i`` equals the total supply of the facilities whose catchment
holds some demand (a test checks it). Catchments are network walks within the
category threshold (:func:`facility_catchments`, which searches from whichever side
has fewer points: a district's full facility list can outnumber its demand points).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifecircle.spatial.catchments import Catchments, catchments, per_source_limits
from lifecircle.spatial.graph import WalkGraph
from lifecircle.spatial.snapping import Snapped


@dataclass(frozen=True)
class TwoStepResult:
    """2SFCA figures.

    Attributes
    ----------
    index : ndarray
        ``A_i`` per demand point (supply units per person).
    ratio : ndarray
        ``R_j`` per facility (supply units per person in its catchment; 0 where
        the catchment holds nobody).
    catchment_demand : ndarray
        ``Σ P_i`` inside each facility's catchment (people).
    """

    index: np.ndarray
    ratio: np.ndarray
    catchment_demand: np.ndarray


def facility_catchments(
    graph: WalkGraph, facilities: Snapped, demand: Snapped, limit_m
) -> Catchments:
    """Facility → demand pairs within each facility's walk limit, searching the cheaper way.

    One bounded search runs per snapped point of the side it starts from. The walk
    graph is undirected and snap offsets count the same both ways, so the walk from a
    demand point to a facility equals the walk back: when facilities outnumber demand
    points, the searches start from the demand points (up to the largest limit) and
    each pair is then held to its facility's own limit.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    facilities, demand : Snapped
        Points snapped to ``graph``.
    limit_m : float or array-like
        Walk limit in metres, one value or one per facility.

    Returns
    -------
    Catchments
        As :func:`lifecircle.spatial.catchments.catchments` with the facilities as
        sources, sorted by facility, then demand point. When searched from the demand
        side, ``subgraph_nodes`` is 0 for every facility (no search started there).
    """
    limits = per_source_limits(limit_m, len(facilities))
    if limits.size == 0 or int(facilities.ok.sum()) <= int(demand.ok.sum()):
        return catchments(graph, facilities, demand, limits)
    back = catchments(graph, demand, facilities, float(limits.max()))
    keep = back.walk_m <= limits[back.target]
    facility, point, walk_m = back.target[keep], back.source[keep], back.walk_m[keep]
    order = np.lexsort((point, facility))
    return Catchments(
        source=facility[order],
        target=point[order],
        walk_m=walk_m[order],
        n_sources=len(facilities),
        n_targets=len(demand),
        subgraph_nodes=np.zeros(len(facilities), dtype=np.int64),
    )


def two_step_fca(catchments: Catchments, supply: np.ndarray, demand: np.ndarray) -> TwoStepResult:
    """Compute the 2SFCA index on given catchments.

    Parameters
    ----------
    catchments : Catchments
        Facility → demand pairs within the threshold.
    supply : ndarray
        Capacity per facility (beds, places, m²...), ≥ 0.
    demand : ndarray
        People per demand point (the target group), ≥ 0.

    Returns
    -------
    TwoStepResult
    """
    supply = np.asarray(supply, dtype=float)
    demand = np.asarray(demand, dtype=float)
    catchment_demand = np.bincount(
        catchments.source, weights=demand[catchments.target], minlength=catchments.n_sources
    )
    ratio = np.divide(
        supply, catchment_demand, out=np.zeros(catchments.n_sources), where=catchment_demand > 0
    )
    index = np.bincount(
        catchments.target, weights=ratio[catchments.source], minlength=catchments.n_targets
    )
    return TwoStepResult(index=index, ratio=ratio, catchment_demand=catchment_demand)
