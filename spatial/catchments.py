"""Catchments: every (source, target) pair within a source's walk limit.

Each source gets its own bounded search, but only over a LOCAL subgraph: the
nodes within straight-line distance ``limit - snap`` of its snapped position
(found with a KD-tree). A walk is never shorter than the straight line, so no
node outside that disc can lie on a path within the limit, and the result is
exact while the cost grows with the catchment, not with the city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from lifecircle.spatial.edge_grid import run_indices
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph, _group_by
from lifecircle.spatial.routing import VIRTUAL_EDGE_EPS_M, same_edge_pairs, same_edge_walk
from lifecircle.spatial.snapping import Snapped

__all__ = ["ZERO_WALK_M", "Catchments", "LocalSearch", "catchments", "per_source_limits"]

#: In :meth:`Catchments.to_csr` a pair with a walk of exactly 0 m (source and
#: target at the same spot) is stored as this value (metres), because sparse
#: matrices drop explicit zeros in many operations.
ZERO_WALK_M = 1e-9

#: Slack (metres) added to the KD-tree radius against rounding.
_RADIUS_SLACK_M = 1e-6


@dataclass(frozen=True, eq=False)
class Catchments:
    """Pairs (source, target) whose walk is within the source's limit.

    Attributes
    ----------
    source, target : np.ndarray
        (p,) int64 indices into the sources and targets given to :func:`catchments`.
    walk_m : np.ndarray
        (p,) float64 walk in metres, snap distances included.
    n_sources, n_targets : int
        Sizes of the inputs.
    subgraph_nodes : np.ndarray
        (n_sources,) int64 nodes in each source's local subgraph (0 for a source
        that is not ok); a debug figure showing the search stayed local.
    """

    source: np.ndarray
    target: np.ndarray
    walk_m: np.ndarray
    n_sources: int
    n_targets: int
    subgraph_nodes: np.ndarray

    def to_csr(self) -> sp.csr_matrix:
        """Return an (n_sources, n_targets) CSR matrix of walk metres.

        A pair absent from the catchments is an implicit zero. A pair with a
        true walk of 0 m is stored as :data:`ZERO_WALK_M` (1e-9 m), so every
        stored entry is > 0 and "missing" is never confused with "0 m".
        """
        data = np.where(self.walk_m > 0, self.walk_m, ZERO_WALK_M)
        return sp.csr_matrix(
            (data, (self.source, self.target)), shape=(self.n_sources, self.n_targets)
        )


def per_source_limits(limit_m, n_sources: int) -> np.ndarray:
    """Broadcast a scalar or per-source walk limit (metres) to (n_sources,)."""
    lim = np.asarray(limit_m, dtype=np.float64)
    if lim.ndim == 0:
        lim = np.full(n_sources, float(lim))
    lim = lim.ravel()
    if lim.size != n_sources:
        raise LifecircleError(
            f"limit_m has {lim.size} values for {n_sources} sources.",
            where="limit_m", fix="Pass one limit in metres, or one per source.",
        )
    if np.isnan(lim).any() or (lim < 0).any() or np.isinf(lim).any():
        raise LifecircleError(
            "Walk limits must be finite, non-negative numbers of metres.",
            where="limit_m",
            fix="Use the threshold in minutes times the walking speed times 60, e.g. 1000 m.",
        )
    return lim


class LocalSearch:
    """Bounded single-source searches on local subgraphs of one graph.

    Keeps reusable (n,) scratch arrays (a distance array and a global-to-local
    node map), so each search costs only its local subgraph, never O(n).
    Distances are in metres.
    """

    def __init__(self, graph: WalkGraph) -> None:
        self.graph = graph
        self.dist = np.full(graph.n_nodes, np.inf)
        self._local = np.full(graph.n_nodes, -1, dtype=np.int64)

    def subgraph(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR arrays (indptr, indices, data) of the subgraph induced by ``nodes``."""
        adj = self.graph.adjacency
        m = nodes.size
        self._local[nodes] = np.arange(m)
        starts = adj.indptr[nodes].astype(np.int64)
        cnt = adj.indptr[nodes + 1] - starts
        flat = run_indices(starts, cnt)
        cols = self._local[adj.indices[flat]]
        self._local[nodes] = -1
        keep = cols >= 0
        rows = np.repeat(np.arange(m), cnt)[keep]
        indptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=m), out=indptr[1:])
        return indptr, cols[keep], adj.data[flat][keep]

    def run(
        self, sources: Snapped, j: int, limit: float, off_u: float, off_v: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Search from source ``j`` (offsets to its edge ends in metres) up to ``limit`` metres.

        Returns
        -------
        nodes : np.ndarray
            Sorted global indices of the local subgraph's nodes.
        dist : np.ndarray
            Metres from the source point to each of ``nodes`` (inf beyond limit).
        """
        g = self.graph
        e = int(sources.edge[j])
        u, v = int(g.edge_u[e]), int(g.edge_v[e])
        radius = limit - float(sources.snap_m[j])
        near = g.node_tree.query_ball_point(sources.xy[j], max(radius, 0.0) + _RADIUS_SLACK_M)
        nodes = np.union1d(np.asarray(near, dtype=np.int64), [u, v])
        m = nodes.size
        indptr, indices, data = self.subgraph(nodes)
        lu, lv = np.searchsorted(nodes, [u, v])
        # one virtual node (index m) with out-edges to the source edge's two ends
        indptr = np.append(indptr, indptr[-1] + 2)
        indices = np.append(indices, [lu, lv]).astype(np.int32)
        data = np.append(data, np.maximum([off_u, off_v], VIRTUAL_EDGE_EPS_M))
        csr = sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(m + 1, m + 1))
        d = dijkstra(csr, directed=True, indices=m, limit=limit)
        return nodes, d[:m]


def catchments(graph: WalkGraph, sources: Snapped, targets: Snapped, limit_m) -> Catchments:
    """Find every target within each source's walk limit.

    Parameters
    ----------
    graph : WalkGraph
        The walk network (metres).
    sources, targets : Snapped
        Points snapped to ``graph``.
    limit_m : float or array-like
        Walk limit in metres, one value or one per source (finite).

    Returns
    -------
    Catchments
        One row per (source, target) pair with walk <= the source's limit,
        snap distances included, same-edge walks exact; sorted by source, then
        target. Sources or targets that are not ``ok`` take part in no pair.
    """
    n_src = len(sources)
    n_tgt = len(targets)
    lim = per_source_limits(limit_m, n_src)
    out_s, out_t, out_w = [], [], []
    sizes = np.zeros(n_src, dtype=np.int64)
    t_ok = np.flatnonzero(targets.ok)
    te = targets.edge[t_ok]
    # node -> targets whose edge touches it; source -> targets on its own edge
    node_ptr, node_tgt = _group_by(
        np.concatenate([graph.edge_u[te], graph.edge_v[te]]).astype(np.int64),
        np.tile(t_ok, 2), graph.n_nodes,
    )
    search = LocalSearch(graph)
    scratch = search.dist
    t_off_u, t_off_v = targets.offset_u_m, targets.offset_v_m
    s_off_u, s_off_v = sources.offset_u_m, sources.offset_v_m
    si_all, ti_all = same_edge_pairs(sources.edge, targets.edge)
    pair_ptr, pair_tgt = _group_by(si_all, ti_all, n_src)
    for j in np.flatnonzero(sources.ok):
        limit = lim[j]
        nodes, d = search.run(sources, j, limit, s_off_u[j], s_off_v[j])
        sizes[j] = nodes.size
        reached = nodes[d <= limit]
        starts, ends = node_ptr[reached], node_ptr[reached + 1]
        cnt = ends - starts
        flat = run_indices(starts, cnt)
        cand = np.unique(node_tgt[flat])
        scratch[nodes] = d
        ce = targets.edge[cand]
        w = np.minimum(
            scratch[graph.edge_u[ce]] + t_off_u[cand],
            scratch[graph.edge_v[ce]] + t_off_v[cand],
        )
        scratch[nodes] = np.inf
        same = pair_tgt[pair_ptr[j]: pair_ptr[j + 1]]
        if same.size:
            direct = same_edge_walk(sources, targets, np.full(same.size, j), same)
            cand = np.concatenate([cand, same])
            w = np.concatenate([w, direct])
            order = np.lexsort((w, cand))
            cand, w = cand[order], w[order]
            first = np.ones(cand.size, dtype=bool)
            first[1:] = cand[1:] != cand[:-1]
            cand, w = cand[first], w[first]
        keep = w <= limit
        out_s.append(np.full(int(keep.sum()), j, dtype=np.int64))
        out_t.append(cand[keep])
        out_w.append(w[keep])
    if out_s:
        src, tgt, walk = np.concatenate(out_s), np.concatenate(out_t), np.concatenate(out_w)
    else:
        src = tgt = np.zeros(0, dtype=np.int64)
        walk = np.zeros(0)
    return Catchments(
        source=src, target=tgt.astype(np.int64), walk_m=walk,
        n_sources=n_src, n_targets=n_tgt, subgraph_nodes=sizes,
    )
