"""Lazy greedy maximum coverage and the bounds that certify it.

Helpers of :mod:`lifecircle.analyses.siting.models` (see its docstring for the model).
All functions work on a (reduced) candidate x demand matrix of float ones and
demand weights in people. :func:`_greedy` is lazy greedy (CELF);
:func:`_greedy_bound` and :func:`_lagrangian_bound` give upper bounds on the
best ``q``-site coverage (people), and :func:`_lagrangian_min_sites` a lower
bound on the number of sites reaching a required weight. Only numpy and scipy
are imported.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: Relative gap below which a solution counts as proven optimal.
_GAP_TOL = 1e-7
#: Greedy bound evaluations cost one sparse mat-vec each; above this work
#: (steps x non-zeros) the bound is evaluated on a subset of steps only.
_BOUND_WORK_LIMIT = 50_000_000
_BOUND_STEPS_LARGE = 64
#: Subgradient iterations for the Lagrangian bound that tightens greedy certificates.
_LAGRANGE_ITERATIONS = 300


def _relative_gap(bound: float, value: float) -> float:
    if bound <= 0:
        return 0.0
    gap = max(0.0, (bound - value) / bound)
    return 0.0 if gap <= _GAP_TOL else gap


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
