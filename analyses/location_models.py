"""Facility-siting kernel: maximal covering and covering to a target share.

This module is the pure optimisation core of ``analyses.siting``. It knows
nothing about geometry or files: it takes a sparse boolean coverage matrix
(candidate ``i`` covers demand point ``j`` when the walk from ``j`` to ``i`` is
within the category threshold), demand weights in people, which demand points
existing facilities already cover, and optionally a capacity in people per
candidate. It answers two planning questions:

* :class:`MaximalCovering` (MCLP): which ``k`` new sites cover the most people
  who are not yet covered?
* :class:`TargetCovering` (a set-covering variant of the LSCP): what is the
  fewest number of new sites that lifts the covered share of all people to a
  target such as Shanghai 2035's 99%?

The design follows ``spopt.locate.coverage`` (a small class built from a
coverage matrix, solved by a real solver, the result exposed as plain arrays),
but the model is built directly on sparse matrices and solved with HiGHS through
:func:`scipy.optimize.milp`, so a city-sized instance never becomes a dense
candidate x demand matrix.

Solvers
-------
``"milp"``
    Exact mixed-integer model solved by HiGHS with a time limit. The dual bound
    HiGHS reports is the certified bound; if the time limit stops it, the best
    solution found and the MIP gap are reported.
``"greedy"``
    Lazy greedy (CELF): a priority queue of marginal gains that are only
    recomputed when a stale value reaches the top. Coverage is monotone
    submodular, so greedy reaches at least ``1 - 1/e`` of the optimum, and at
    every step ``i`` the optimum is at most ``f(S_i) + (sum of the k largest
    marginal gains w.r.t. S_i)``. That bound is loose (5-15% on the benchmark), so
    when it does not prove optimality it is tightened by a Lagrangian
    relaxation of the covering constraints (projected subgradient, at most
    300 steps; for any multipliers ``0 <= lam <= w`` the optimum is at most
    ``sum(w - lam) + (sum of the k largest (A lam)_i)``). The smaller bound is
    reported as ``upper_bound``, so every greedy answer carries a certified
    gap (about 0.5% on the benchmark for k = 50). For target covering the
    same bounds give a proven minimum number of sites.
``"brute-force"``
    Enumerates all subsets of the reduced instance; only for tiny instances
    (at most :data:`BRUTE_FORCE_LIMIT` subsets).
``"auto"``
    Uncapacitated: run greedy first; if its certificate already proves the
    answer within ``mip_rel_gap`` it is returned. Otherwise, if the reduced
    instance has at most :data:`EXACT_NNZ_LIMIT` coverage pairs, solve the MILP
    within ``time_limit_s`` and return the better solution with the tighter of
    the two bounds. Larger instances keep the certified greedy answer.
    Capacitated: always the MILP (greedy marginal gains would need a flow
    computation per step).

Instance reduction
------------------
Before solving, demand that carries no weight, is already covered, or that no
candidate covers is dropped; demand points with identical coverage sets are
merged (their weights summed; columns are grouped by a 128-bit random hash and
then checked entry by entry, so a hash collision can only cost merging, never
correctness); and, without capacities, candidates whose covered set is a subset
of another candidate's are dropped (ties keep the lowest index). With
capacities, dominated candidates are *kept*: two sites covering the same people
can both be needed when one alone lacks capacity. Results always refer to the
original candidate and demand indices.

Capacity model
--------------
With ``capacity``, demand weight is allocated continuously: the people at one
demand point may be split between several chosen sites that cover them, and a
site serves at most its capacity. This is the standard capacitated MCLP
relaxation of the allocation and it is what makes merging identical demand
points exact.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass
from itertools import combinations, islice
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from spatial.errors import LifecircleError

__all__ = [
    "BRUTE_FORCE_LIMIT",
    "EXACT_NNZ_LIMIT",
    "MaximalCovering",
    "SitingResult",
    "TargetCovering",
]

#: Reduced instances with at most this many coverage pairs (non-zeros) are
#: handed to the exact MILP by ``method="auto"`` when greedy is not certified.
EXACT_NNZ_LIMIT = 3_000_000
#: Largest number of subsets ``method="brute-force"`` will enumerate.
BRUTE_FORCE_LIMIT = 200_000
#: Relative gap below which a solution counts as proven optimal.
_GAP_TOL = 1e-7
#: Relative tolerance (of total weight) when comparing covered weight to a target.
_SHARE_TOL = 1e-9
#: Greedy bound evaluations cost one sparse mat-vec each; above this work
#: (steps x non-zeros) the bound is evaluated on a subset of steps only.
_BOUND_WORK_LIMIT = 50_000_000
_BOUND_STEPS_LARGE = 64
#: Subgradient iterations for the Lagrangian bound that tightens greedy certificates.
_LAGRANGE_ITERATIONS = 300
_METHODS = ("auto", "milp", "greedy", "brute-force")


@dataclass(frozen=True)
class SitingResult:
    """The answer of a siting model, as plain arrays.

    Attributes
    ----------
    selected : numpy.ndarray
        Original candidate indices of the new sites, in rank order: each site
        adds the most newly covered weight given the sites before it (for the
        capacitated model: ordered by the weight allocated to each site).
        Sites that would add nothing are not listed, so there may be fewer
        than ``k``.
    marginal_weight : numpy.ndarray
        Newly covered weight (people) added by each selected site, in rank
        order (capacitated: people allocated to the site).
    covered_weight : float
        People covered after the new sites, including those already covered.
    total_weight : float
        All people in the demand.
    covered_share : float
        ``covered_weight / total_weight``, in [0, 1].
    objective : float
        Newly covered weight (people) of the selected sites.
    upper_bound : float
        :class:`MaximalCovering`: a proven upper bound on the best possible
        newly covered weight with ``k`` sites. :class:`TargetCovering`: the
        newly covered weight reachable with all candidates together.
    gap : float
        :class:`MaximalCovering`: ``(upper_bound - objective) / upper_bound``.
        :class:`TargetCovering`: ``(n_sites - sites_lower_bound) / n_sites``.
        0 when proven optimal.
    method : str
        ``"milp"``, ``"greedy"`` or ``"brute-force"``: the solver whose
        solution is returned.
    optimal : bool
        True when the solution is proven optimal.
    target_reached : bool or None
        :class:`TargetCovering` only: whether ``target_share`` is reached.
    message : str
        A plain sentence for the planner.
    solve_seconds : float
        Wall time of ``solve`` including reduction.
    newly_covered : numpy.ndarray
        Per original demand point: True when it is newly covered (bool);
        capacitated model: people allocated to a new site (float; merged
        demand points share their group's allocation pro rata).
    n_sites : int
        Number of selected sites (``len(selected)``).
    sites_lower_bound : int or None
        :class:`TargetCovering` only: proven minimum number of new sites
        needed (equal to ``n_sites`` when optimal).
    reduced_shape : tuple of int
        Candidates x demand points after instance reduction.
    """

    selected: np.ndarray
    marginal_weight: np.ndarray
    covered_weight: float
    total_weight: float
    covered_share: float
    objective: float
    upper_bound: float
    gap: float
    method: str
    optimal: bool
    target_reached: bool | None
    message: str
    solve_seconds: float
    newly_covered: np.ndarray
    n_sites: int
    sites_lower_bound: int | None
    reduced_shape: tuple[int, int]


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _as_coverage(coverage: Any, where: str) -> sparse.csr_array:
    """Return the coverage as a canonical CSR array of float ones."""
    if sparse.issparse(coverage):
        mat = sparse.csr_array(coverage)
    else:
        arr = np.asarray(coverage)
        if arr.ndim != 2:
            raise LifecircleError(
                f"The coverage matrix must be 2-D (candidates x demand), got {arr.ndim}-D.",
                where=where,
                fix="Pass a scipy.sparse matrix with one row per candidate site.",
            )
        mat = sparse.csr_array(arr)
    if mat.shape[0] == 0 or mat.shape[1] == 0:
        raise LifecircleError(
            f"The coverage matrix is empty (shape {mat.shape}).",
            where=where,
            fix="Provide at least one candidate site and one demand point.",
        )
    data = mat.data
    if data.dtype.kind in "fc" and not np.all(np.isfinite(data)):
        raise LifecircleError(
            "The coverage matrix contains NaN or infinite entries.",
            where=where,
            fix="Use a boolean matrix: True where the candidate covers the demand point.",
        )
    mat = sparse.csr_array(mat != 0, dtype=np.float64)
    mat.eliminate_zeros()
    mat.sum_duplicates()
    mat.sort_indices()
    return mat


def _as_vector(values: Any, length: int, name: str, where: str) -> np.ndarray:
    """Return ``values`` as a finite 1-D float array of the given length."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise LifecircleError(f"{name} must be numeric.", where=where) from exc
    if arr.ndim != 1 or arr.shape[0] != length:
        raise LifecircleError(
            f"{name} has shape {arr.shape}, but the coverage matrix needs {length} values.",
            where=where,
            fix=f"Give one {name} value per coverage-matrix "
            + ("row (candidate)." if name == "capacity" else "column (demand point)."),
        )
    if np.any(np.isnan(arr)):
        raise LifecircleError(f"{name} contains NaN.", where=where, fix="Fill or drop NaN rows.")
    if np.any(arr < 0):
        raise LifecircleError(
            f"{name} contains negative values (smallest {arr.min():g}).",
            where=where,
            fix=f"{name} counts people and must be zero or more.",
        )
    return arr


def _validate(
    coverage: Any,
    weight: Any,
    already_covered: Any,
    capacity: Any,
    where: str,
) -> tuple[sparse.csr_array, np.ndarray, np.ndarray, np.ndarray | None]:
    """Check the model inputs and return them in canonical form."""
    mat = _as_coverage(coverage, f"{where}: coverage")
    n_cand, n_dem = mat.shape
    w = _as_vector(weight, n_dem, "weight", f"{where}: weight")
    if np.any(np.isinf(w)):
        raise LifecircleError("weight contains infinite values.", where=f"{where}: weight")
    if w.sum() <= 0:
        raise LifecircleError(
            "All demand weights are zero, so there is nobody to cover.",
            where=f"{where}: weight",
            fix="Check the population column used as demand weight.",
        )
    if already_covered is None:
        covered = np.zeros(n_dem, dtype=bool)
    else:
        raw = _as_vector(already_covered, n_dem, "already_covered", f"{where}: already_covered")
        if not np.all((raw == 0) | (raw == 1)):
            raise LifecircleError(
                "already_covered must be boolean (True/False per demand point).",
                where=f"{where}: already_covered",
            )
        covered = raw.astype(bool)
    cap = None
    if capacity is not None:
        cap = _as_vector(capacity, n_cand, "capacity", f"{where}: capacity")
    return mat, w, covered, cap


def _check_method(method: str, where: str) -> None:
    if method not in _METHODS:
        raise LifecircleError(
            f"Unknown method {method!r}.",
            where=where,
            fix=f"Use one of {', '.join(_METHODS)}.",
        )


def _check_time_and_gap(time_limit_s: float, mip_rel_gap: float, where: str) -> None:
    if not (time_limit_s > 0):
        raise LifecircleError(f"time_limit_s must be positive, got {time_limit_s!r}.", where=where)
    if not (0 <= mip_rel_gap < 1):
        raise LifecircleError(f"mip_rel_gap must be in [0, 1), got {mip_rel_gap!r}.", where=where)


# --------------------------------------------------------------------------
# Instance reduction
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Instance:
    """A (possibly reduced) instance and how it maps back to the original."""

    matrix: sparse.csr_array  # reduced candidates x reduced demand, float ones
    weight: np.ndarray  # people per reduced demand column
    candidates: np.ndarray  # original candidate index of each reduced row
    group: np.ndarray  # per original demand point: reduced column or -1
    capacity: np.ndarray | None  # per reduced row


def _column_groups(csc: sparse.csc_array) -> np.ndarray:
    """Label the columns of ``csc`` so that equal labels mean identical columns.

    Every column must have at least one stored entry. Columns are hashed by
    two random 64-bit keys per row summed modulo 2**64 plus the entry count;
    members of a hash group are then compared with the group's first column
    entry by entry, and any column that differs gets a label of its own.
    """
    n_rows, n_cols = csc.shape
    indptr, indices = csc.indptr, csc.indices
    counts = np.diff(indptr)
    rng = np.random.default_rng(20240611)
    keys = rng.integers(0, np.iinfo(np.int64).max, size=(2, n_rows), dtype=np.int64).astype(
        np.uint64
    )
    with np.errstate(over="ignore"):
        h1 = np.add.reduceat(keys[0][indices], indptr[:-1])
        h2 = np.add.reduceat(keys[1][indices], indptr[:-1])
    stacked = np.column_stack([h1, h2, counts.astype(np.uint64)])
    _, first, labels = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    labels = labels.ravel()
    rep = first[labels]
    col_of = np.repeat(np.arange(n_cols), counts)
    offset = np.arange(indices.size) - indptr[col_of]
    differs = indices != indices[indptr[rep[col_of]] + offset]
    if np.any(differs):
        bad = np.unique(col_of[differs])
        labels = labels.copy()
        labels[bad] = labels.max() + 1 + np.arange(bad.size)
        _, labels = np.unique(labels, return_inverse=True)
    return labels.ravel()


def _dominated_candidates(mat: sparse.csr_array) -> np.ndarray:
    """Rows whose covered set is contained in another row's (ties: keep lowest index)."""
    sizes = np.diff(mat.indptr)
    overlap = (mat @ mat.T).tocoo()
    i, j, shared = overlap.row, overlap.col, overlap.data
    subset = (i != j) & (np.rint(shared).astype(np.int64) == sizes[i])
    beaten = subset & ((sizes[j] > sizes[i]) | ((sizes[j] == sizes[i]) & (j < i)))
    dominated = np.zeros(mat.shape[0], dtype=bool)
    dominated[i[beaten]] = True
    return dominated


def _build_instance(
    mat: sparse.csr_array,
    new_weight: np.ndarray,
    capacity: np.ndarray | None,
    reduce: bool,
) -> _Instance:
    """Reduce the instance (or not) and keep the maps back to original indices.

    ``new_weight`` is the weight that counts as newly coverable: zero for demand
    already covered. Column merging and row dropping are repeated until
    neither changes anything, since dropping a row can make columns equal.
    """
    n_cand, n_dem = mat.shape
    if not reduce:
        return _Instance(mat, new_weight, np.arange(n_cand), np.arange(n_dem), capacity)
    group = np.arange(n_dem)
    weight = new_weight
    rows = np.arange(n_cand)
    current = mat
    while True:
        current, weight, group, changed_cols = _merge_columns(current, weight, group)
        current, rows, changed_rows = _drop_rows(current, rows, capacity)
        if not (changed_cols or changed_rows):
            break
    cap = None if capacity is None else capacity[rows]
    return _Instance(current, weight, rows, group, cap)


def _merge_columns(
    mat: sparse.csr_array, weight: np.ndarray, group: np.ndarray
) -> tuple[sparse.csr_array, np.ndarray, np.ndarray, bool]:
    """Drop weightless or uncoverable columns and merge identical ones."""
    n_cols = mat.shape[1]
    col_count = np.bincount(mat.indices, minlength=n_cols)
    cols = np.flatnonzero((weight > 0) & (col_count > 0))
    remap = np.full(n_cols, -1, dtype=np.int64)
    if cols.size == 0:
        new_group = np.full(group.size, -1, dtype=np.int64)
        empty = sparse.csr_array((mat.shape[0], 0), dtype=np.float64)
        return empty, np.zeros(0), new_group, n_cols > 0
    sub = sparse.csc_array(mat[:, cols])
    sub.sort_indices()
    labels = _column_groups(sub)
    n_groups = int(labels.max()) + 1
    remap[cols] = labels
    merged_weight = np.bincount(labels, weights=weight[cols], minlength=n_groups)
    first = np.full(n_groups, -1, dtype=np.int64)
    first[labels[::-1]] = np.arange(labels.size)[::-1]
    merged = sparse.csr_array(sub[:, first])
    merged.sort_indices()
    new_group = np.where(group >= 0, remap[np.maximum(group, 0)], -1)
    return merged, merged_weight, new_group, n_groups != n_cols


def _drop_rows(
    mat: sparse.csr_array, rows: np.ndarray, capacity: np.ndarray | None
) -> tuple[sparse.csr_array, np.ndarray, bool]:
    """Drop candidates covering nothing, without capacity, or (uncapacitated) dominated."""
    keep = np.diff(mat.indptr) > 0
    if capacity is not None:
        keep &= capacity[rows] > 0
    elif np.any(keep):
        keep[keep] = ~_dominated_candidates(sparse.csr_array(mat[keep]))
    if np.all(keep):
        return mat, rows, False
    kept = sparse.csr_array(mat[np.flatnonzero(keep)])
    kept.sort_indices()
    return kept, rows[keep], True


# --------------------------------------------------------------------------
# Solvers on a (reduced) instance
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Solution:
    """Reduced-row indices chosen and what the solver could prove."""

    rows: np.ndarray
    value: float  # newly covered weight (people)
    bound: float  # upper bound on newly covered weight for the given k
    method: str
    status: str
    allocation: np.ndarray | None = None  # capacitated: people per reduced column
    site_people: np.ndarray | None = None  # capacitated: people per reduced row


@dataclass(frozen=True)
class _GreedyRun:
    order: np.ndarray  # reduced rows in selection order
    gains: np.ndarray  # marginal gain of each
    bound_curve: np.ndarray  # bound_curve[q-1]: upper bound on the best q-site value


def _greedy(
    mat: sparse.csr_array,
    weight: np.ndarray,
    max_sites: int,
    stop_at: float = math.inf,
    bound_sites: int = 0,
) -> _GreedyRun:
    """Lazy (CELF) greedy maximum coverage with a certificate.

    Parameters
    ----------
    mat : scipy.sparse.csr_array
        Candidates x demand, float ones.
    weight : numpy.ndarray
        People per demand column.
    max_sites : int
        Stop after this many sites.
    stop_at : float
        Stop as soon as the covered weight reaches this value (people).
    bound_sites : int
        Compute the upper bound on the best ``q``-site coverage for
        ``q = 1..bound_sites`` (0: no bound).
    """
    n_rows = mat.shape[0]
    indptr, indices = mat.indptr, mat.indices
    covered = np.zeros(mat.shape[1], dtype=bool)
    initial = mat @ weight
    heap = [(-float(g), int(i)) for i, g in enumerate(initial) if g > 0]
    heapq.heapify(heap)
    evaluated_at = np.zeros(n_rows, dtype=np.int64)
    order: list[int] = []
    gains: list[float] = []
    value = 0.0
    while heap and len(order) < max_sites and value < stop_at:
        neg_gain, row = heapq.heappop(heap)
        if evaluated_at[row] == len(order):
            order.append(row)
            gains.append(-neg_gain)
            value += -neg_gain
            covered[indices[indptr[row] : indptr[row + 1]]] = True
            continue
        cols = indices[indptr[row] : indptr[row + 1]]
        gain = float(weight[cols][~covered[cols]].sum())
        evaluated_at[row] = len(order)
        if gain > 0:
            heapq.heappush(heap, (-gain, row))
    order_arr = np.asarray(order, dtype=np.int64)
    gains_arr = np.asarray(gains, dtype=np.float64)
    curve = (
        _greedy_bound(mat, weight, order_arr, gains_arr, bound_sites)
        if bound_sites > 0
        else np.zeros(0)
    )
    return _GreedyRun(order_arr, gains_arr, curve)


def _greedy_bound(
    mat: sparse.csr_array,
    weight: np.ndarray,
    order: np.ndarray,
    gains: np.ndarray,
    q_max: int,
) -> np.ndarray:
    """Upper bounds on the best ``q``-site coverage, ``q = 1..q_max``.

    For monotone submodular ``f`` and any set ``S``,
    ``OPT_q <= f(S) + sum of the q largest marginal gains w.r.t. S``.
    The bound is evaluated at the greedy prefixes ``S_0, ..., S_K`` (or an
    evenly spaced subset of them on big instances) and the minimum is kept.
    """
    n_steps = order.size
    steps = np.arange(n_steps + 1)
    if (n_steps + 1) * max(mat.nnz, 1) > _BOUND_WORK_LIMIT:
        steps = np.unique(np.linspace(0, n_steps, num=_BOUND_STEPS_LARGE, dtype=np.int64))
    prefix_value = np.concatenate([[0.0], np.cumsum(gains)])
    best = np.full(q_max, np.inf)
    covered = np.zeros(mat.shape[1], dtype=bool)
    done = 0
    for step in steps:
        for row in order[done:step]:
            covered[mat.indices[mat.indptr[row] : mat.indptr[row + 1]]] = True
        done = step
        residual = mat @ np.where(covered, 0.0, weight)
        top = min(q_max, residual.size)
        largest = -np.sort(-np.partition(residual, residual.size - top)[residual.size - top :])
        sums = np.cumsum(largest)
        if top < q_max:
            sums = np.concatenate([sums, np.full(q_max - top, sums[-1] if top else 0.0)])
        best = np.minimum(best, prefix_value[step] + sums)
    return best


def _lagrangian_bound(
    mat: sparse.csr_array,
    weight: np.ndarray,
    k: int,
    lower: float,
    iterations: int = _LAGRANGE_ITERATIONS,
    stop_below: float = -math.inf,
) -> float:
    """Upper bound on the best ``k``-site coverage by Lagrangian relaxation.

    Relaxing ``y_j <= sum_i a_ij x_i`` with multipliers ``0 <= lam_j <= w_j``
    gives, for every such ``lam``,
    ``OPT <= sum_j (w_j - lam_j) + (sum of the k largest (A lam)_i)``.
    The bound is minimised over ``lam`` by projected subgradient steps
    (Polyak step towards ``lower``, a known feasible value); its best value
    tends to the LP relaxation bound. Stops early once the bound is within
    :data:`_GAP_TOL` of ``lower``, or once it is below ``stop_below``.
    """
    n_rows = mat.shape[0]
    if n_rows <= k:
        return float(weight.sum())
    mat_t = sparse.csr_array(mat.T)
    counts = np.maximum(mat_t @ np.ones(n_rows), 1.0)
    lam = weight / counts
    best = math.inf
    theta, stall = 1.0, 0
    for _ in range(iterations):
        score = mat @ lam
        top = np.argpartition(-score, k - 1)[:k]
        value = float((weight - lam).sum() + score[top].sum())
        if value < best - 1e-12 * max(value, 1.0):
            best, stall = value, 0
        else:
            stall += 1
            if stall >= 10:
                theta, stall = theta / 2, 0
        if best - lower <= _GAP_TOL * best or best < stop_below or theta < 1e-4:
            break
        chosen = np.zeros(n_rows)
        chosen[top] = 1.0
        grad = (mat_t @ chosen) - (lam < weight)
        norm = float(grad @ grad)
        if norm == 0:
            break
        lam = np.clip(lam - theta * (value - lower) / norm * grad, 0.0, weight)
    return best


def _lagrangian_min_sites(
    mat: sparse.csr_array,
    weight: np.ndarray,
    greedy_gains: np.ndarray,
    required: float,
    lower: int,
) -> int:
    """Raise a proven lower bound on the number of sites reaching ``required``.

    ``q`` sites are proven too few when the Lagrangian bound on the best
    ``q``-site coverage is below ``required``; the bound grows with ``q``, so a
    binary search between ``lower`` and the greedy count finds the largest
    such ``q``.
    """
    prefix = np.cumsum(greedy_gains)
    low, high = lower, greedy_gains.size  # invariant: answer in [low, high]
    while low < high:
        q = (low + high) // 2
        bound = _lagrangian_bound(mat, weight, q, float(prefix[q - 1]), stop_below=required)
        if bound < required:
            low = q + 1
        else:
            high = q
    return low


def _rank_rows(mat: sparse.csr_array, weight: np.ndarray, rows: np.ndarray) -> _GreedyRun:
    """Order chosen rows by marginal gain; rows adding nothing are dropped."""
    if rows.size == 0:
        return _GreedyRun(rows.astype(np.int64), np.zeros(0), np.zeros(0))
    run = _greedy(sparse.csr_array(mat[rows]), weight, rows.size)
    return _GreedyRun(rows[run.order], run.gains, np.zeros(0))


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


def _cover_value(mat: sparse.csr_array, weight: np.ndarray, rows: np.ndarray) -> float:
    """People in the columns covered by ``rows``."""
    if rows.size == 0:
        return 0.0
    hit = np.zeros(mat.shape[1], dtype=bool)
    hit[sparse.csr_array(mat[rows]).indices] = True
    return float(weight[hit].sum())


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
    return _Solution(rows, value, max(bound, value), "milp", _milp_status(res), per_col, per_site)


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


def _subset_batches(n_rows: int, size: int, batch: int = 4096):
    """Yield arrays of index subsets of the given size, in batches."""
    it = combinations(range(n_rows), size)
    while True:
        chunk = list(islice(it, batch))
        if not chunk:
            return
        yield np.asarray(chunk, dtype=np.int64).reshape(len(chunk), size)


def _brute_force_best(
    mat: sparse.csr_array, weight: np.ndarray, size: int
) -> tuple[np.ndarray, float]:
    """Best subset of exactly ``size`` rows by enumeration (tiny instances only)."""
    n_rows = mat.shape[0]
    if size == 0 or n_rows == 0:
        return np.zeros(0, dtype=np.int64), 0.0
    dense = mat.toarray() > 0
    best_rows, best_value = np.zeros(0, dtype=np.int64), -1.0
    for subsets in _subset_batches(n_rows, size):
        values = dense[subsets].any(axis=1) @ weight
        arg = int(np.argmax(values))
        if values[arg] > best_value + 1e-12 * max(1.0, best_value):
            best_rows, best_value = subsets[arg], float(values[arg])
    return best_rows, best_value


def _check_brute_force_size(n_rows: int, size: int, where: str) -> None:
    if math.comb(n_rows, size) > BRUTE_FORCE_LIMIT:
        raise LifecircleError(
            f"Brute force would enumerate {math.comb(n_rows, size):,} subsets "
            f"({n_rows} candidates after reduction, {size} sites).",
            where=where,
            fix=f"Use method='milp' or 'auto'; brute force allows {BRUTE_FORCE_LIMIT:,} subsets.",
        )


# --------------------------------------------------------------------------
# Result assembly
# --------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100.0 * value:.1f}%"


def _people(value: float) -> str:
    return f"{value:,.0f}"


def _relative_gap(bound: float, value: float) -> float:
    if bound <= 0:
        return 0.0
    gap = max(0.0, (bound - value) / bound)
    return 0.0 if gap <= _GAP_TOL else gap


def _newly_covered_mask(
    coverage: sparse.csr_array, already: np.ndarray, selected: np.ndarray
) -> np.ndarray:
    hit = np.zeros(coverage.shape[1], dtype=bool)
    if selected.size:
        hit[sparse.csr_array(coverage[selected]).indices] = True
    return hit & ~already


def _proof_phrase(optimal: bool, gap: float, method: str, status: str) -> str:
    names = {"milp": "exact MILP (HiGHS)", "greedy": "lazy greedy", "brute-force": "brute force"}
    if optimal:
        return f"Proven optimal ({names[method]})."
    extra = f"; solver stopped: {status}" if status not in ("", "optimal") else ""
    return f"Within {100.0 * gap:.2f}% of the best possible ({names[method]}{extra})."


# --------------------------------------------------------------------------
# Public models
# --------------------------------------------------------------------------


class MaximalCovering:
    """Maximal covering location problem (MCLP) on a sparse coverage matrix.

    Parameters
    ----------
    coverage : scipy.sparse matrix or array, shape (n_candidates, n_demand)
        True where candidate ``i`` covers demand point ``j`` (walk distance
        within the category threshold, in metres). Dense arrays are accepted
        for small cases; city instances should stay sparse (CSR).
    weight : array-like, shape (n_demand,)
        People at each demand point (>= 0).
    already_covered : array-like of bool, shape (n_demand,), optional
        Demand points existing facilities already cover. They count as
        covered but add nothing new.
    capacity : array-like, shape (n_candidates,), optional
        People each candidate site can serve (``inf`` allowed). With it, the
        capacitated model with continuous allocation is solved.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> cov = sparse.csr_array(np.array([[1, 1, 0], [0, 1, 1]], dtype=bool))
    >>> res = MaximalCovering(cov, [10.0, 5.0, 20.0]).solve(1)
    >>> res.selected.tolist(), res.objective
    ([1], 25.0)
    """

    _WHERE = "MaximalCovering"

    def __init__(
        self,
        coverage: Any,
        weight: Any,
        already_covered: Any = None,
        capacity: Any = None,
    ) -> None:
        self.coverage, self.weight, self.already_covered, self.capacity = _validate(
            coverage, weight, already_covered, capacity, self._WHERE
        )

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites (rows of the coverage matrix)."""
        return int(self.coverage.shape[0])

    def solve(
        self,
        k: int,
        method: str = "auto",
        time_limit_s: float = 60.0,
        mip_rel_gap: float = 0.0,
        reduce: bool = True,
    ) -> SitingResult:
        """Choose ``k`` new sites that cover the most people not yet covered.

        Parameters
        ----------
        k : int
            Number of new sites, ``1 <= k <= n_candidates``.
        method : {"auto", "milp", "greedy", "brute-force"}
            Solver; see the module docstring for the ``"auto"`` rule.
        time_limit_s : float
            Wall-time limit for the MILP, in seconds.
        mip_rel_gap : float
            Relative gap at which the MILP may stop (0: prove optimality).
            ``"auto"`` also accepts a greedy answer certified within it.
        reduce : bool
            Apply instance reduction (the optimum is unchanged).

        Returns
        -------
        SitingResult
        """
        where = f"{self._WHERE}.solve"
        _check_method(method, where)
        _check_time_and_gap(time_limit_s, mip_rel_gap, where)
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise LifecircleError(f"k must be a whole number of sites, got {k!r}.", where=where)
        k = int(k)
        if not 1 <= k <= self.n_candidates:
            raise LifecircleError(
                f"k = {k} new sites, but there are {self.n_candidates} candidates.",
                where=where,
                fix=f"Choose k between 1 and {self.n_candidates}.",
            )
        if self.capacity is not None and method == "greedy":
            raise LifecircleError(
                "The greedy solver does not handle site capacities.",
                where=where,
                fix="Use method='milp' or 'auto' with capacity, or drop capacity.",
            )
        start = time.perf_counter()
        new_weight = np.where(self.already_covered, 0.0, self.weight)
        inst = _build_instance(self.coverage, new_weight, self.capacity, reduce)
        sol = self._solve_instance(inst, k, method, time_limit_s, mip_rel_gap, where)
        return self._result(inst, sol, k, time.perf_counter() - start)

    def _solve_instance(
        self,
        inst: _Instance,
        k: int,
        method: str,
        time_limit_s: float,
        mip_rel_gap: float,
        where: str,
    ) -> _Solution:
        mat, weight = inst.matrix, inst.weight
        if mat.shape[0] == 0:
            used = "greedy" if method == "auto" else method
            return _Solution(np.zeros(0, dtype=np.int64), 0.0, 0.0, used, "")
        if inst.capacity is not None:
            if method == "brute-force":
                raise LifecircleError(
                    "Brute force does not handle site capacities.",
                    where=where,
                    fix="Use method='milp' or 'auto'.",
                )
            return _milp_capacitated(mat, weight, inst.capacity, k, time_limit_s, mip_rel_gap)
        if method == "brute-force":
            size = min(k, mat.shape[0])
            _check_brute_force_size(mat.shape[0], size, where)
            rows, value = _brute_force_best(mat, weight, size)
            return _Solution(rows, value, value, "brute-force", "optimal")
        if method == "milp":
            return _milp_max_cover(mat, weight, k, time_limit_s, mip_rel_gap)
        run = _greedy(mat, weight, k, bound_sites=k)
        value = float(run.gains.sum())
        bound = float(run.bound_curve[k - 1])
        if _relative_gap(bound, value) > 0:
            bound = min(bound, _lagrangian_bound(mat, weight, k, value))
        greedy = _Solution(run.order, value, max(value, bound), "greedy", "")
        if method == "greedy":
            return greedy
        certified = _relative_gap(greedy.bound, greedy.value) <= max(mip_rel_gap, _GAP_TOL)
        if certified or mat.nnz > EXACT_NNZ_LIMIT:
            return greedy
        exact = _milp_max_cover(mat, weight, k, time_limit_s, mip_rel_gap)
        best = exact if exact.value >= greedy.value else greedy
        bound = min(greedy.bound, exact.bound)
        return _Solution(best.rows, best.value, max(bound, best.value), best.method, exact.status)

    def _result(self, inst: _Instance, sol: _Solution, k: int, seconds: float) -> SitingResult:
        total = float(self.weight.sum())
        already = float(self.weight[self.already_covered].sum())
        if inst.capacity is None:
            ranked = _rank_rows(inst.matrix, inst.weight, sol.rows)
            selected = inst.candidates[ranked.order]
            marginal = ranked.gains
            newly = _newly_covered_mask(self.coverage, self.already_covered, selected)
            objective = float(self.weight[newly].sum())
        else:
            selected = inst.candidates[sol.rows]
            marginal = sol.site_people[sol.rows] if sol.rows.size else np.zeros(0)
            newly = _allocation_per_demand(inst, sol, self.weight, self.already_covered)
            objective = float(newly.sum())
        bound = max(sol.bound, objective)
        gap = _relative_gap(bound, objective)
        optimal = gap == 0.0
        covered = min(total, already + objective)
        share = covered / total
        message = (
            f"{selected.size} new site{'s' if selected.size != 1 else ''} "
            f"cover{'s' if selected.size == 1 else ''} {_people(objective)} more people; "
            f"coverage rises from "
            f"{_pct(already / total)} to {_pct(share)} of {_people(total)} people. "
            + (f"Only {selected.size} of the {k} sites add anyone. " if selected.size < k else "")
            + _proof_phrase(optimal, gap, sol.method, sol.status)
        )
        return SitingResult(
            selected=selected.astype(np.int64),
            marginal_weight=np.asarray(marginal, dtype=np.float64),
            covered_weight=covered,
            total_weight=total,
            covered_share=share,
            objective=objective,
            upper_bound=bound,
            gap=gap,
            method=sol.method,
            optimal=optimal,
            target_reached=None,
            message=message,
            solve_seconds=seconds,
            newly_covered=newly,
            n_sites=int(selected.size),
            sites_lower_bound=None,
            reduced_shape=(int(inst.matrix.shape[0]), int(inst.matrix.shape[1])),
        )


def _allocation_per_demand(
    inst: _Instance, sol: _Solution, weight: np.ndarray, already: np.ndarray
) -> np.ndarray:
    """People newly served per original demand point (pro rata within merged groups)."""
    out = np.zeros(weight.size)
    if sol.allocation is None:
        return out
    valid = (inst.group >= 0) & ~already
    groups = inst.group[valid]
    share = np.divide(
        sol.allocation[groups],
        inst.weight[groups],
        out=np.zeros(groups.size),
        where=inst.weight[groups] > 0,
    )
    out[valid] = np.minimum(weight[valid], weight[valid] * share)
    return out


class TargetCovering:
    """Fewest new sites that bring the covered share to a target.

    A set-covering (LSCP) variant: instead of covering every demand point, the
    covered share of all people (already covered ones included) must reach
    ``target_share``. If the target cannot be reached even with every
    candidate, the result says so (``target_reached=False``) and gives the
    best share possible and the fewest sites that reach it.

    Parameters
    ----------
    coverage : scipy.sparse matrix or array, shape (n_candidates, n_demand)
        True where candidate ``i`` covers demand point ``j``.
    weight : array-like, shape (n_demand,)
        People at each demand point (>= 0).
    already_covered : array-like of bool, shape (n_demand,), optional
        Demand points existing facilities already cover.
    """

    _WHERE = "TargetCovering"

    def __init__(self, coverage: Any, weight: Any, already_covered: Any = None) -> None:
        self.coverage, self.weight, self.already_covered, _ = _validate(
            coverage, weight, already_covered, None, self._WHERE
        )

    def solve(
        self,
        target_share: float,
        method: str = "auto",
        time_limit_s: float = 60.0,
        mip_rel_gap: float = 0.0,
        reduce: bool = True,
    ) -> SitingResult:
        """Find the fewest new sites reaching ``target_share`` of all people.

        Parameters
        ----------
        target_share : float
            Covered share to reach, in (0, 1] (e.g. 0.99).
        method : {"auto", "milp", "greedy", "brute-force"}
            Solver; ``"auto"`` runs greedy, and the MILP when the greedy
            certificate leaves a gap and the reduced instance has at most
            :data:`EXACT_NNZ_LIMIT` coverage pairs.
        time_limit_s : float
            Wall-time limit for the MILP, in seconds.
        mip_rel_gap : float
            Relative gap at which the MILP may stop.
        reduce : bool
            Apply instance reduction.

        Returns
        -------
        SitingResult
            ``target_reached`` says whether the target is met; ``n_sites``
            and ``sites_lower_bound`` give the count and its proven minimum.
        """
        where = f"{self._WHERE}.solve"
        _check_method(method, where)
        _check_time_and_gap(time_limit_s, mip_rel_gap, where)
        try:
            share = float(target_share)
        except (TypeError, ValueError) as exc:
            raise LifecircleError(
                f"target_share must be a number, got {target_share!r}.", where=where
            ) from exc
        if not (0.0 < share <= 1.0):
            raise LifecircleError(
                f"target_share must be in (0, 1], got {target_share!r}.",
                where=where,
                fix="Give a share such as 0.99 for 99%.",
            )
        start = time.perf_counter()
        total = float(self.weight.sum())
        already = float(self.weight[self.already_covered].sum())
        new_weight = np.where(self.already_covered, 0.0, self.weight)
        inst = _build_instance(self.coverage, new_weight, None, reduce)
        reachable = _cover_value(inst.matrix, inst.weight, np.arange(inst.matrix.shape[0]))
        tol = _SHARE_TOL * total
        needed = share * total - already
        reached = needed <= reachable + tol
        required = min(needed, reachable) - tol
        if required <= 0:
            rows, lower, used, status = np.zeros(0, dtype=np.int64), 0, "greedy", ""
        else:
            rows, lower, used, status = self._min_sites(
                inst, required, method, time_limit_s, mip_rel_gap, where
            )
        ranked = _rank_rows(inst.matrix, inst.weight, rows)
        selected = inst.candidates[ranked.order]
        newly = _newly_covered_mask(self.coverage, self.already_covered, selected)
        objective = float(self.weight[newly].sum())
        covered = min(total, already + objective)
        n_sites = int(selected.size)
        lower = min(lower, n_sites)
        gap = 0.0 if n_sites == 0 else (n_sites - lower) / n_sites
        return SitingResult(
            selected=selected.astype(np.int64),
            marginal_weight=ranked.gains,
            covered_weight=covered,
            total_weight=total,
            covered_share=covered / total,
            objective=objective,
            upper_bound=reachable,
            gap=gap,
            method=used,
            optimal=gap == 0.0,
            target_reached=bool(reached),
            message=self._message(
                share, already / total, covered / total, n_sites, lower, reached, used, status
            ),
            solve_seconds=time.perf_counter() - start,
            newly_covered=newly,
            n_sites=n_sites,
            sites_lower_bound=int(lower),
            reduced_shape=(int(inst.matrix.shape[0]), int(inst.matrix.shape[1])),
        )

    @staticmethod
    def _min_sites(
        inst: _Instance,
        required: float,
        method: str,
        time_limit_s: float,
        mip_rel_gap: float,
        where: str,
    ) -> tuple[np.ndarray, int, str, str]:
        """Rows, proven lower bound on the count, method used and solver status."""
        mat, weight = inst.matrix, inst.weight
        n_rows = mat.shape[0]
        if method == "brute-force":
            for size in range(1, n_rows + 1):
                _check_brute_force_size(n_rows, size, where)
                rows, value = _brute_force_best(mat, weight, size)
                if value >= required:
                    return rows, size, "brute-force", "optimal"
            raise AssertionError("the reachable weight is reachable with all candidates")
        if method == "milp":
            rows, lower, status = _milp_min_sites(mat, weight, required, time_limit_s, mip_rel_gap)
            if rows is None:
                run = _greedy(mat, weight, n_rows, stop_at=required)
                return run.order, lower, "greedy", status
            return rows, lower, "milp", status
        run = _greedy(mat, weight, n_rows, stop_at=required)
        curve = _greedy_bound(mat, weight, run.order, run.gains, run.order.size)
        lower = int(np.searchsorted(curve >= required, True)) + 1
        lower = min(max(lower, 1), run.order.size)
        lower = _lagrangian_min_sites(mat, weight, run.gains, required, lower)
        if method == "greedy" or lower == run.order.size or mat.nnz > EXACT_NNZ_LIMIT:
            return run.order, lower, "greedy", ""
        if (run.order.size - lower) / run.order.size <= mip_rel_gap:
            return run.order, lower, "greedy", ""
        rows, milp_lower, status = _milp_min_sites(mat, weight, required, time_limit_s, mip_rel_gap)
        lower = max(lower, milp_lower)
        if rows is not None and rows.size < run.order.size:
            return rows, lower, "milp", status
        return run.order, lower, "greedy", status

    @staticmethod
    def _message(
        target: float,
        before: float,
        after: float,
        n_sites: int,
        lower: int,
        reached: bool,
        method: str,
        status: str,
    ) -> str:
        if reached and n_sites == 0:
            return (
                f"Existing facilities already cover {_pct(before)}, which meets the "
                f"{_pct(target)} target; no new site is needed."
            )
        proof = (
            f"Proven minimum ({method})."
            if lower == n_sites
            else f"At least {lower} sites are needed in any case ({method}"
            + (f"; solver stopped: {status}" if status not in ("", "optimal") else "")
            + ")."
        )
        if reached:
            return (
                f"{n_sites} new site{'s' if n_sites != 1 else ''} raise coverage from "
                f"{_pct(before)} to {_pct(after)}, meeting the {_pct(target)} target. {proof}"
            )
        return (
            f"The {_pct(target)} target cannot be reached with these candidate sites: "
            f"the most they can reach is {_pct(after)} (now {_pct(before)}), which takes "
            f"{n_sites} new site{'s' if n_sites != 1 else ''}. {proof} Add candidate sites "
            "near the people left out, or review the walking threshold."
        )
