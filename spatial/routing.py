"""Walk distance from every target to its nearest source, along the network.

One multi-source Dijkstra (``scipy.sparse.csgraph.dijkstra(min_only=True)``)
over the walk graph plus one virtual node per source. A virtual node has two
directed edges, to its edge's ``u`` and ``v`` nodes, weighted with the source's
offsets (snap distance + distance along the edge). Each target then takes
``min(d[u] + offset_u, d[v] + offset_v)``; a target on the same edge as a
source may also walk straight along the edge, which is checked exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from lifecircle.spatial.edge_grid import run_indices
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph
from lifecircle.spatial.snapping import Snapped

__all__ = [
    "VIRTUAL_EDGE_EPS_M",
    "PreparedTargets",
    "nearest_source",
    "nearest_source_by_group",
    "prepare_targets",
    "to_minutes",
]

#: csgraph treats an explicit 0 weight as "no edge"; a source sitting exactly
#: on a node gets this weight (metres) on its virtual edge instead of 0.
VIRTUAL_EDGE_EPS_M = 1e-12


def with_virtual_sources(
    adjacency: sp.csr_matrix, u: np.ndarray, v: np.ndarray, off_u: np.ndarray, off_v: np.ndarray
) -> sp.csr_matrix:
    """Append one virtual node per source with edges to (u, v) weighted (off_u, off_v).

    Parameters
    ----------
    adjacency : csr_matrix
        (n, n) graph, weights in metres.
    u, v : np.ndarray
        (s,) node indices each virtual node connects to.
    off_u, off_v : np.ndarray
        (s,) weights in metres (0 is replaced by :data:`VIRTUAL_EDGE_EPS_M`).

    Returns
    -------
    csr_matrix
        (n + s, n + s) matrix; virtual node ``n + j`` has out-edges only, so no
        path passes through it.
    """
    n = adjacency.shape[0]
    s = u.size
    idx_dtype = adjacency.indices.dtype
    extra = adjacency.indptr[-1] + 2 * np.arange(1, s + 1, dtype=adjacency.indptr.dtype)
    indptr = np.concatenate([adjacency.indptr, extra])
    indices = np.concatenate([adjacency.indices, np.column_stack([u, v]).ravel().astype(idx_dtype)])
    data = np.concatenate(
        [adjacency.data, np.maximum(np.column_stack([off_u, off_v]).ravel(), VIRTUAL_EDGE_EPS_M)]
    )
    return sp.csr_matrix((data, indices, indptr), shape=(n + s, n + s))


def same_edge_pairs(src_edge: np.ndarray, tgt_edge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (source, target) index pairs snapped to the same edge (edges >= 0)."""
    src_idx = np.flatnonzero(src_edge >= 0)
    order = src_idx[np.argsort(src_edge[src_idx], kind="stable")]
    se = src_edge[order]
    # only targets whose edge also holds a source (cheap membership test first)
    t_idx = np.flatnonzero(np.isin(tgt_edge, se)) if se.size else np.zeros(0, dtype=np.int64)
    te = tgt_edge[t_idx]
    lo = np.searchsorted(se, te, side="left")
    hi = np.searchsorted(se, te, side="right")
    cnt = hi - lo
    return order[run_indices(lo, cnt)], np.repeat(t_idx, cnt)


def same_edge_walk(
    sources: Snapped, targets: Snapped, si: np.ndarray, ti: np.ndarray
) -> np.ndarray:
    """Metres walked straight along a shared edge: both snaps + |f_s - f_t| * length."""
    along = np.abs(sources.fraction[si] - targets.fraction[ti]) * targets.edge_length_m[ti]
    return sources.snap_m[si] + along + targets.snap_m[ti]


@dataclass(frozen=True, eq=False)
class PreparedTargets:
    """Per-target arrays that do not depend on the sources, computed once.

    :func:`nearest_source_by_group` routes the same targets to several source
    sets; preparing them once saves the per-target gathers on each search.

    Attributes
    ----------
    targets : Snapped
        The snapped targets these arrays belong to.
    index : np.ndarray
        Indices of the targets that snapped (``ok``); ordered by edge when
        ``by_edge``. Edges follow the ways, so their end nodes ascend too, and
        reading Dijkstra distances at them walks memory nearly in order.
    edge : np.ndarray
        Their edges (ascending when ``by_edge``, for look-ups by binary search).
    node_u, node_v : np.ndarray
        End nodes of those edges.
    offset_u_m, offset_v_m : np.ndarray
        Metres from each target to those end nodes (snap included).
    by_edge : bool
        Whether the targets are ordered by edge.
    """

    targets: Snapped
    index: np.ndarray
    edge: np.ndarray
    node_u: np.ndarray
    node_v: np.ndarray
    offset_u_m: np.ndarray
    offset_v_m: np.ndarray
    by_edge: bool = True


def prepare_targets(graph: WalkGraph, targets: Snapped, by_edge: bool = True) -> PreparedTargets:
    """Compute the source-independent target arrays once (see :class:`PreparedTargets`).

    ``by_edge`` orders the targets by edge: a sort that pays off when the same
    targets are routed to several source sets, not for a single search.
    """
    index = np.flatnonzero(targets.ok)
    if by_edge:
        index = index[np.argsort(targets.edge[index], kind="stable")]
    edge = targets.edge[index]
    return PreparedTargets(
        targets=targets,
        index=index,
        edge=edge,
        node_u=graph.edge_u[edge],
        node_v=graph.edge_v[edge],
        offset_u_m=targets.offset_u_m[index],
        offset_v_m=targets.offset_v_m[index],
        by_edge=by_edge,
    )


def _same_edge_pairs_prepared(
    source_edge: np.ndarray, prepared: PreparedTargets
) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) pairs on the same edge, by binary search in the sorted target edges."""
    if not prepared.by_edge:
        return same_edge_pairs(source_edge, prepared.targets.edge)
    src_idx = np.flatnonzero(source_edge >= 0)
    lo = np.searchsorted(prepared.edge, source_edge[src_idx], side="left")
    hi = np.searchsorted(prepared.edge, source_edge[src_idx], side="right")
    return np.repeat(src_idx, hi - lo), prepared.index[run_indices(lo, hi - lo)]


def _check_limit(limit_m, name: str = "limit_m") -> float:
    limit = float(limit_m)
    if np.isnan(limit) or limit < 0:
        raise LifecircleError(
            f"{name} must be a non-negative number of metres, got {limit_m!r}.",
            where=name,
            fix="Pass a walking distance in metres, e.g. 1000.",
        )
    return limit


def nearest_source(
    graph: WalkGraph,
    sources: Snapped,
    targets: Snapped,
    limit_m: float,
    prepared: PreparedTargets | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Walk distance from every target to its nearest source.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    sources, targets : Snapped
        Points snapped to ``graph`` with :func:`lifecircle.spatial.snapping.snap_points`.
    limit_m : float
        Largest walk in metres (``np.inf`` for none). Targets farther than this
        get ``inf``.
    prepared : PreparedTargets, optional
        From :func:`prepare_targets` for these ``targets``.

    Returns
    -------
    walk_m : np.ndarray
        (k,) float64 metres from each target to its nearest source, including
        both snap distances; ``inf`` when beyond ``limit_m``, unreachable, or the
        target is not ``ok``.
    source : np.ndarray
        (k,) int64 index into ``sources`` of that source, -1 when none.

    Notes
    -----
    Cost is one bounded multi-source Dijkstra over the whole graph plus
    O(k) vectorized work; a virtual edge of weight 0 is stored as
    :data:`VIRTUAL_EDGE_EPS_M` (1e-12 m). To route the same targets to several
    source sets, :func:`nearest_source_by_group` shares the set-up.
    """
    group = np.arange(len(sources))
    return nearest_source_by_group(graph, sources, [group], targets, [limit_m], prepared)[0]


def nearest_source_by_group(
    graph: WalkGraph,
    sources: Snapped,
    groups: list[np.ndarray],
    targets: Snapped,
    limits_m: list[float],
    prepared: PreparedTargets | None = None,
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`nearest_source` for several groups of sources against the same targets.

    The graph is extended once with one virtual node per source of every group
    (a virtual node has out-edges only, so no search passes through another
    group's node), and the target arrays are prepared once; then one bounded
    Dijkstra runs per group.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    sources : Snapped
        All sources, snapped to ``graph``.
    groups : list of np.ndarray
        Indices into ``sources``, one array per group (e.g. per category).
    targets : Snapped
        The targets, snapped to ``graph``.
    limits_m : list of float
        Largest walk in metres per group (``np.inf`` for none).
    prepared : PreparedTargets, optional
        From :func:`prepare_targets` for these ``targets``.
    out : (np.ndarray, np.ndarray), optional
        (groups, k) float64 and (groups, k) integer arrays to write the results
        into, row by row, instead of allocating new ones (a large saving in
        memory traffic at a million targets).

    Returns
    -------
    list of (walk_m, source)
        Per group, as :func:`nearest_source` returns them; ``source`` indexes
        the group's array (``groups[g][source]`` is the index into ``sources``).
        With ``out``, these are the rows of the ``out`` arrays.
    """
    if len(limits_m) != len(groups):
        raise LifecircleError(
            f"{len(groups)} source groups but {len(limits_m)} limits.",
            where="nearest_source_by_group(limits_m)",
            fix="Give one walking limit in metres per group.",
        )
    limits = [_check_limit(limit) for limit in limits_m]
    n = graph.n_nodes
    k = len(targets)
    src_ok = np.flatnonzero(sources.ok)
    # virtual node of source i is n + virtual[i] (only snapped sources get one)
    virtual = np.full(len(sources), -1, dtype=np.int64)
    virtual[src_ok] = np.arange(src_ok.size)
    se = sources.edge[src_ok]
    csr = with_virtual_sources(
        graph.adjacency, graph.edge_u[se], graph.edge_v[se],
        sources.offset_u_m[src_ok], sources.offset_v_m[src_ok],
    )
    if prepared is None or prepared.targets is not targets:
        prepared = prepare_targets(graph, targets, by_edge=len(groups) > 1)
    if out is None:
        out = (np.empty((len(groups), k)), np.empty((len(groups), k), dtype=np.int64))
    results = []
    for g, (rows, limit) in enumerate(zip(groups, limits, strict=True)):
        rows = np.asarray(rows, dtype=np.int64)
        walk, best = out[0][g], out[1][g]
        walk.fill(np.inf)
        best.fill(-1)
        starts = virtual[rows]
        in_group = np.flatnonzero(starts >= 0)
        if in_group.size and k:
            _route_group(csr, n, starts[in_group], in_group, prepared, limit, walk, best)
            _same_edge_walks(sources.subset(rows), targets, prepared, limit, walk, best)
        results.append((walk, best))
    return results


def _route_group(
    csr: sp.csr_matrix, n: int, starts: np.ndarray, start_pos: np.ndarray,
    prepared: PreparedTargets, limit: float, walk: np.ndarray, best: np.ndarray,
) -> None:
    """One bounded Dijkstra from virtual nodes ``n + starts``; fill ``walk`` and ``best``.

    ``start_pos[j]`` is the group position written to ``best`` for start ``j``.
    """
    dist, _, origin = dijkstra(
        csr, directed=True, indices=n + starts, min_only=True, limit=limit,
        return_predecessors=True,
    )
    du = dist[prepared.node_u]
    du += prepared.offset_u_m
    dv = dist[prepared.node_v]
    dv += prepared.offset_v_m
    w = np.minimum(du, dv)
    within = w <= limit if np.isfinite(limit) else np.isfinite(w)
    node_u, node_v, target = prepared.node_u, prepared.node_v, prepared.index
    if not within.all():  # keep only the targets reached (often a small share)
        reached = np.flatnonzero(within)
        w, du, dv = w[reached], du[reached], dv[reached]
        node_u, node_v, target = node_u[reached], node_v[reached], target[reached]
    node = np.where(du <= dv, node_u, node_v)
    # origin holds the virtual node each search tree started from
    position = np.full(csr.shape[0] - n, -1, dtype=np.int64)
    position[starts] = start_pos
    walk[target] = w
    best[target] = position[origin[node] - n]


def _same_edge_walks(
    sources: Snapped, targets: Snapped, prepared: PreparedTargets, limit: float,
    walk: np.ndarray, best: np.ndarray,
) -> None:
    """Let targets on a source's own edge walk straight to it, when shorter and within limit."""
    si, ti = _same_edge_pairs_prepared(sources.edge, prepared)
    if not ti.size:
        return
    direct = same_edge_walk(sources, targets, si, ti)
    order = np.lexsort((direct, ti))
    ti_s = ti[order]
    first = np.ones(ti_s.size, dtype=bool)
    first[1:] = ti_s[1:] != ti_s[:-1]
    t_sel, d_sel, s_sel = ti_s[first], direct[order][first], si[order][first]
    better = (d_sel < walk[t_sel]) & (d_sel <= limit)
    walk[t_sel[better]] = d_sel[better]
    best[t_sel[better]] = s_sel[better]


def to_minutes(walk_m, speed_mps, out: np.ndarray | None = None) -> np.ndarray:
    """Convert walk metres to minutes at a speed in metres per second.

    ``inf`` stays ``inf`` and NaN stays NaN. ``out`` (float64, the shape of
    ``walk_m``, which it may be) receives the result instead of a new array.
    Raises :class:`LifecircleError` for a speed that is not a positive number.
    """
    speed = np.asarray(speed_mps, dtype=np.float64)
    if not (np.isfinite(speed).all() and (speed > 0).all()):
        raise LifecircleError(
            f"Walking speed must be a positive number of metres per second, got {speed_mps!r}.",
            where="to_minutes(speed_mps)",
            fix="Use e.g. 1.2 m/s for adults or 0.9 m/s for older people (check the profile).",
        )
    return np.divide(np.asarray(walk_m, dtype=np.float64), speed * 60.0, out=out)
