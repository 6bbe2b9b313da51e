"""Two-step floating catchment area (2SFCA) index.

Step 1, per facility j: ``R_j = S_j / Σ_{i in C_j} P_i``, the supply per person
of the demand inside its catchment ``C_j``.
Step 2, per demand point i: ``A_i = Σ_{j: i in C_j} R_j``.

So ``Σ_i A_i P_i`` equals the total supply of the facilities whose catchment
holds some demand (a test checks it). Catchments are network walks within the
category threshold (from :func:`lifecircle.spatial.catchments.catchments`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifecircle.spatial.catchments import Catchments


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
