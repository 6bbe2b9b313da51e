"""Siting instance: input checks and instance reduction.

Helpers of :mod:`lifecircle.analyses.siting.models` (see its docstring for the model).
The inputs are a candidate x demand coverage matrix, demand weights in people,
the demand already covered and optional capacities in people per candidate.
This module checks them and reduces the instance before solving: demand without
weight, already covered or covered by no candidate is dropped, identical demand
columns are merged, and (uncapacitated) dominated candidates are dropped. The
reduced instance keeps the maps back to the original candidate and demand
indices. Only numpy, scipy and :mod:`lifecircle.spatial.errors` are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from lifecircle.spatial.errors import LifecircleError

#: Solver names accepted by ``solve``.
_METHODS = ("auto", "milp", "greedy")


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
# Instances and solutions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Instance:
    """A (possibly reduced) instance and how it maps back to the original."""

    matrix: sparse.csr_array  # reduced candidates x reduced demand, float ones
    weight: np.ndarray  # people per reduced demand column
    candidates: np.ndarray  # original candidate index of each reduced row
    group: np.ndarray  # per original demand point: reduced column or -1
    capacity: np.ndarray | None  # per reduced row


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
    served: sparse.csr_array | None = None  # capacitated: people per (reduced row, column)


def _cover_value(mat: sparse.csr_array, weight: np.ndarray, rows: np.ndarray) -> float:
    """People in the columns covered by ``rows``."""
    if rows.size == 0:
        return 0.0
    hit = np.zeros(mat.shape[1], dtype=bool)
    hit[sparse.csr_array(mat[rows]).indices] = True
    return float(weight[hit].sum())


# --------------------------------------------------------------------------
# Instance reduction
# --------------------------------------------------------------------------


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
