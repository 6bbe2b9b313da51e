"""Mixed-integer siting models solved by HiGHS through :func:`scipy.optimize.milp`.

Helpers of :mod:`lifecircle.analyses.siting.models` (see its docstring for the model).
Maximal covering, capacitated maximal covering with continuous allocation, and
fewest sites reaching a required weight (people), each built directly on the
sparse (reduced) candidate x demand matrix, with a time limit in seconds and a
relative MIP gap. The dual bound HiGHS reports is kept as the certified bound.
Only numpy and scipy are imported.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from lifecircle.analyses.siting.instance import _cover_value, _Solution


def _milp_options(time_limit_s: float, mip_rel_gap: float) -> dict[str, Any]:
    return {"time_limit": float(time_limit_s), "mip_rel_gap": float(mip_rel_gap), "disp": False}


def _milp_status(res: Any) -> str:
    return {0: "optimal", 1: "time limit", 2: "infeasible", 3: "unbounded"}.get(
        res.status, "solver stopped"
    )


def _dual_bound(res: Any) -> float | None:
    bound = getattr(res, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        return None
    return float(bound)


def _milp_max_cover(
    mat: sparse.csr_array, weight: np.ndarray, k: int, time_limit_s: float, mip_rel_gap: float
) -> _Solution:
    """Exact MCLP: max w.y s.t. y_j <= sum_i a_ij x_i, sum x <= k, x binary, 0 <= y <= 1."""
    n_rows, n_cols = mat.shape
    c = np.concatenate([np.zeros(n_rows), -weight])
    link = sparse.hstack([-mat.T, sparse.eye_array(n_cols)], format="csr")
    card = sparse.csr_array(np.concatenate([np.ones(n_rows), np.zeros(n_cols)])[None, :])
    res = milp(
        c,
        integrality=np.concatenate([np.ones(n_rows), np.zeros(n_cols)]),
        bounds=Bounds(0.0, 1.0),
        constraints=[LinearConstraint(link, -np.inf, 0.0), LinearConstraint(card, 0.0, k)],
        options=_milp_options(time_limit_s, mip_rel_gap),
    )
    total = float(weight.sum())
    dual = _dual_bound(res)
    bound = total if dual is None else min(total, -dual)
    if res.x is None:
        return _Solution(np.zeros(0, dtype=np.int64), 0.0, bound, "milp", _milp_status(res))
    rows = np.flatnonzero(res.x[:n_rows] > 0.5)
    value = _cover_value(mat, weight, rows)
    if res.status == 0 and dual is None:
        bound = value
    return _Solution(rows, value, max(bound, value), "milp", _milp_status(res))


def _milp_capacitated(
    mat: sparse.csr_array,
    weight: np.ndarray,
    capacity: np.ndarray,
    k: int,
    time_limit_s: float,
    mip_rel_gap: float,
) -> _Solution:
    """Capacitated MCLP with continuous allocation.

    Variables: ``x_i`` (open site, binary) and ``z_e`` (people of demand column
    ``c_e`` served by site ``r_e`` for every coverage pair ``e``). Maximise
    ``sum z`` subject to ``sum_{e: c_e=j} z_e <= w_j``,
    ``sum_{e: r_e=i} z_e <= cap_i x_i``, ``z_e <= w_{c_e} x_{r_e}`` and
    ``sum x <= k``.
    """
    n_rows, n_cols = mat.shape
    coo = mat.tocoo()
    r_e, c_e = coo.row.astype(np.int64), coo.col.astype(np.int64)
    n_pairs = r_e.size
    cap_eff = np.minimum(capacity, mat @ weight)
    pairs = np.arange(n_pairs)
    demand_rows = sparse.csr_array(
        (np.ones(n_pairs), (c_e, n_rows + pairs)), shape=(n_cols, n_rows + n_pairs)
    )
    site_rows = sparse.csr_array(
        (
            np.concatenate([np.ones(n_pairs), -cap_eff]),
            (
                np.concatenate([r_e, np.arange(n_rows)]),
                np.concatenate([n_rows + pairs, np.arange(n_rows)]),
            ),
        ),
        shape=(n_rows, n_rows + n_pairs),
    )
    link_rows = sparse.csr_array(
        (
            np.concatenate([np.ones(n_pairs), -weight[c_e]]),
            (np.concatenate([pairs, pairs]), np.concatenate([n_rows + pairs, r_e])),
        ),
        shape=(n_pairs, n_rows + n_pairs),
    )
    card = sparse.csr_array(np.concatenate([np.ones(n_rows), np.zeros(n_pairs)])[None, :])
    res = milp(
        np.concatenate([np.zeros(n_rows), -np.ones(n_pairs)]),
        integrality=np.concatenate([np.ones(n_rows), np.zeros(n_pairs)]),
        bounds=Bounds(0.0, np.concatenate([np.ones(n_rows), weight[c_e]])),
        constraints=[
            LinearConstraint(demand_rows, -np.inf, weight),
            LinearConstraint(site_rows, -np.inf, 0.0),
            LinearConstraint(link_rows, -np.inf, 0.0),
            LinearConstraint(card, 0.0, k),
        ],
        options=_milp_options(time_limit_s, mip_rel_gap),
    )
    total = float(min(weight.sum(), cap_eff.sum()))
    dual = _dual_bound(res)
    bound = total if dual is None else min(total, -dual)
    if res.x is None:
        return _Solution(
            np.zeros(0, dtype=np.int64),
            0.0,
            bound,
            "milp",
            _milp_status(res),
            np.zeros(n_cols),
            np.zeros(n_rows),
            sparse.csr_array((n_rows, n_cols)),
        )
    open_rows = res.x[:n_rows] > 0.5
    z = np.clip(res.x[n_rows:], 0.0, None) * open_rows[r_e]
    per_site = np.bincount(r_e, weights=z, minlength=n_rows)
    # Scale down any site over capacity by solver tolerance, then any column over weight.
    over = per_site > capacity
    if np.any(over):
        z *= np.where(over, capacity / np.maximum(per_site, 1e-300), 1.0)[r_e]
    per_col = np.bincount(c_e, weights=z, minlength=n_cols)
    over_col = per_col > weight
    if np.any(over_col):
        z *= np.where(over_col, weight / np.maximum(per_col, 1e-300), 1.0)[c_e]
    per_site = np.bincount(r_e, weights=z, minlength=n_rows)
    per_col = np.bincount(c_e, weights=z, minlength=n_cols)
    value = float(z.sum())
    rows = np.flatnonzero(open_rows & (per_site > 0))
    rows = rows[np.argsort(-per_site[rows], kind="stable")]
    if res.status == 0 and dual is None:
        bound = value
    served = sparse.csr_array((z, (r_e, c_e)), shape=(n_rows, n_cols))
    return _Solution(
        rows, value, max(bound, value), "milp", _milp_status(res), per_col, per_site, served
    )


def _milp_min_sites(
    mat: sparse.csr_array,
    weight: np.ndarray,
    required: float,
    time_limit_s: float,
    mip_rel_gap: float,
) -> tuple[np.ndarray | None, int, str]:
    """Fewest sites covering at least ``required`` people.

    Returns the chosen reduced rows (None if the solver found none), a proven
    lower bound on the number of sites, and the solver status.
    """
    n_rows, n_cols = mat.shape
    link = sparse.hstack([-mat.T, sparse.eye_array(n_cols)], format="csr")
    reach = sparse.csr_array(np.concatenate([np.zeros(n_rows), weight])[None, :])
    res = milp(
        np.concatenate([np.ones(n_rows), np.zeros(n_cols)]),
        integrality=np.concatenate([np.ones(n_rows), np.zeros(n_cols)]),
        bounds=Bounds(0.0, 1.0),
        constraints=[
            LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(reach, required, np.inf),
        ],
        options=_milp_options(time_limit_s, mip_rel_gap),
    )
    if res.x is None:
        dual = _dual_bound(res)
        return None, 1 if dual is None else max(1, math.ceil(dual - 1e-6)), _milp_status(res)
    rows = np.flatnonzero(res.x[:n_rows] > 0.5)
    dual = _dual_bound(res)
    if res.status == 0 and mip_rel_gap == 0:
        lower = rows.size
    else:
        lower = 1 if dual is None else max(1, math.ceil(dual - 1e-6))
    return rows, min(lower, rows.size), _milp_status(res)
