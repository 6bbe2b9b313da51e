"""Threads for work that releases the GIL (GEOS set operations, large numpy arrays).

Shapely 2 releases the GIL inside GEOS, so independent polygon unions (one per
category) run on every core from plain threads; processes would have to pickle
the geometries both ways. The standard library's thread pool is enough here:
Dask schedules whole sub-districts in the city batch (:mod:`lifecircle.batch`),
where each worker process runs one thread and sets ``LIFECIRCLE_THREADS=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["THREADS_ENV", "available_threads", "map_in_threads", "run_beside"]

#: Environment variable that caps the threads (a whole number >= 1).
THREADS_ENV = "LIFECIRCLE_THREADS"

T = TypeVar("T")
R = TypeVar("R")


def available_threads() -> int:
    """The cores this process may use, capped by ``LIFECIRCLE_THREADS`` when it is set."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cap = os.environ.get(THREADS_ENV, "").strip()
    limit = int(cap) if cap.isdigit() and int(cap) >= 1 else None
    return max(1, min(cores or 1, limit or cores or 1))


def map_in_threads(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[func(item) for item in items]``, on up to :func:`available_threads` threads.

    Results keep the order of ``items``; the first exception raised by ``func``
    is raised here. ``func`` must be safe to run concurrently (no shared state
    it mutates).
    """
    work = list(items)
    threads = min(available_threads(), len(work))
    if threads <= 1:
        return [func(item) for item in work]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lifecircle") as pool:
        return list(pool.map(func, work))


def run_beside(background: Callable[[], R], foreground: Callable[[], T]) -> tuple[R, T]:
    """Run ``background`` on a second thread while ``foreground`` runs on this one.

    Returns both results; an exception of either is raised here (the
    foreground's first), after both have finished. With one thread available
    they run one after the other, ``background`` first.
    """
    if available_threads() <= 1:
        first = background()
        return first, foreground()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lifecircle") as pool:
        pending = pool.submit(background)
        try:
            second = foreground()
        finally:
            done = pending.exception()  # waits for it either way
        if done is not None:
            raise done
        return pending.result(), second
