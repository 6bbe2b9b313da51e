"""Index arithmetic on runs: the positions of many slices of one array, at once."""

from __future__ import annotations

import numpy as np

__all__ = ["run_indices"]


def run_indices(start, count) -> np.ndarray:
    """The positions ``start[i], ..., start[i] + count[i] - 1`` of every run, concatenated.

    Parameters
    ----------
    start, count : array-like of int
        (r,) first position and length of each run (lengths >= 0).

    Returns
    -------
    np.ndarray
        (sum(count),) int64 positions, run after run.
    """
    start = np.asarray(start, dtype=np.int64)
    count = np.asarray(count, dtype=np.int64)
    run_offset = np.cumsum(count) - count  # where each run begins in the output
    return np.arange(int(count.sum()), dtype=np.int64) + np.repeat(start - run_offset, count)
