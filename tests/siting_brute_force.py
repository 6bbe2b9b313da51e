"""Reference answers for the siting tests, by enumeration (tiny instances only).

Brute force over all subsets on dense numpy arrays, and an allocation LP per
subset for the capacitated model. The product never enumerates: these are the
independent references the HiGHS and greedy solvers are checked against.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.optimize import linprog


def brute_mclp(cov: np.ndarray, weight: np.ndarray, already: np.ndarray, k: int) -> float:
    """Best newly covered weight over all subsets of exactly k candidates."""
    best = 0.0
    for subset in combinations(range(cov.shape[0]), k):
        hit = cov[list(subset)].any(axis=0) & ~already
        best = max(best, float(weight[hit].sum()))
    return best


def brute_min_sites(
    cov: np.ndarray, weight: np.ndarray, already: np.ndarray, share: float
) -> tuple[int | None, float]:
    """Fewest sites reaching the share (None if unreachable) and the best share possible."""
    total = weight.sum()
    best_share = weight[already | cov.any(axis=0)].sum() / total
    for size in range(cov.shape[0] + 1):
        for subset in combinations(range(cov.shape[0]), size):
            hit = cov[list(subset)].any(axis=0) | already
            if weight[hit].sum() >= share * total - 1e-9 * total:
                return size, best_share
    return None, best_share


def allocation_value(cov: np.ndarray, weight: np.ndarray, cap: np.ndarray, sites) -> float:
    """Max people the given sites can serve (continuous allocation), by LP."""
    pairs = [(i, j) for i in sites for j in range(cov.shape[1]) if cov[i, j]]
    if not pairs:
        return 0.0
    n = len(pairs)
    rows = []
    bounds = []
    for j in range(cov.shape[1]):
        rows.append([1.0 if p[1] == j else 0.0 for p in pairs])
        bounds.append(weight[j])
    for i in sites:
        rows.append([1.0 if p[0] == i else 0.0 for p in pairs])
        bounds.append(min(cap[i], 1e12))
    res = linprog(-np.ones(n), A_ub=np.array(rows), b_ub=np.array(bounds), method="highs")
    return -float(res.fun)


def brute_capacitated(cov, weight, already, cap, k) -> float:
    w = np.where(already, 0.0, weight)
    return max(
        allocation_value(cov, w, cap, list(subset))
        for subset in combinations(range(cov.shape[0]), k)
    )
