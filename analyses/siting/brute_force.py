"""Brute-force siting: the best subset of candidates by enumeration.

Helper of :mod:`lifecircle.analyses.siting.models` for tiny (reduced) instances; the
caller limits the number of subsets (``BRUTE_FORCE_LIMIT`` there). Weights are
in people. Only numpy and scipy are imported.
"""

from __future__ import annotations

from itertools import combinations, islice

import numpy as np
from scipy import sparse


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
