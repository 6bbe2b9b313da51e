"""Snapping points to the nearest walk-graph EDGE (not node), with a limit.

A point joins the network at its projection onto the nearest segment; the
perpendicular snap distance (metres) counts as part of the walk.

:func:`snap_points` on a bare :class:`WalkGraph` considers every edge. Real data
needs two restrictions, given as :class:`SnapTargets`:

* only edges of the main walk network are eligible
  (:func:`lifecircle.spatial.graph.main_network_edges`): a point whose nearest edge
  lies on a fragment is snapped to the nearest main-network edge instead;
* the straight connector from the point to its snapped position must not cross a
  barrier (:mod:`lifecircle.spatial.barriers`); a point whose connector does is
  snapped to the nearest eligible edge with a clear connector, and is left
  unsnapped (``ok=False``) when no such edge lies within the snap limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely

from lifecircle.spatial.barriers import Barriers
from lifecircle.spatial.edge_grid import EdgeGrid, build_edge_grid, cell_keys
from lifecircle.spatial.errors import LifecircleError
from lifecircle.spatial.graph import WalkGraph

__all__ = ["SnapTargets", "Snapped", "snap_points"]

_CHUNK = 65536  # points per call; the grid measures them in cache-sized blocks
_RINGS = (1, 3, 7)  # grid rounds: 3 x 3, 7 x 7, 15 x 15 cells, then the STRtree fallback
_ROUNDS = len(_RINGS)
_SORT_CELL_M = 500.0  # cell size (metres) of the spatial sort of query points
_RETRY_POINTS = 4096  # points whose connector is blocked, searched at once
_FIRST_TRIES = 4  # candidates per point tested in the first round; doubles each round


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points snapped to graph edges. All distances in metres.

    Attributes
    ----------
    edge : np.ndarray
        (k,) int64 edge index; -1 where the point is beyond the snap limit or has
        no edge with a clear connector within it.
    fraction : np.ndarray
        (k,) position along the edge measured from ``edge_u`` (0..1); NaN where
        ``edge`` is -1.
    snap_m : np.ndarray
        (k,) metres from the point to its projection on the snapped edge. Kept
        (not NaN) for points left unsnapped: the distance to the nearest eligible
        edge, so reports can say how far off they are.
    xy : np.ndarray
        (k, 2) the projected position on the snapped edge (metres).
    ok : np.ndarray
        (k,) bool, True where the point is snapped (``edge >= 0``); then
        ``snap_m <= max_snap_m``.
    edge_length_m : np.ndarray
        (k,) length in metres of the snapped edge (NaN where ``edge`` is -1).
    point_xy : np.ndarray
        (k, 2) the original point coordinates (metres).
    max_snap_m : float
        The snap limit used, metres.
    avoided_fragment : np.ndarray
        (k,) bool: the nearest edge, within the limit, lies on a fragment off the
        main network, so the point was snapped to the main network instead (or
        left unsnapped when no main-network edge is within the limit).
    avoided_barrier : np.ndarray
        (k,) bool: the connector to the nearest eligible edge crosses a barrier,
        so the point was snapped to a farther edge with a clear connector (or
        left unsnapped when none is within the limit).
    """

    edge: np.ndarray
    fraction: np.ndarray
    snap_m: np.ndarray
    xy: np.ndarray
    ok: np.ndarray
    edge_length_m: np.ndarray
    point_xy: np.ndarray
    max_snap_m: float
    avoided_fragment: np.ndarray
    avoided_barrier: np.ndarray

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    @property
    def offset_u_m(self) -> np.ndarray:
        """Metres from the point to the edge's ``u`` node: snap + fraction * length."""
        return self.snap_m + self.fraction * self.edge_length_m

    @property
    def offset_v_m(self) -> np.ndarray:
        """Metres from the point to the edge's ``v`` node: snap + (1 - fraction) * length."""
        return self.snap_m + (1.0 - self.fraction) * self.edge_length_m

    def subset(self, index) -> Snapped:
        """Return the snapped points selected by a boolean mask or index array."""
        return Snapped(
            edge=self.edge[index], fraction=self.fraction[index], snap_m=self.snap_m[index],
            xy=self.xy[index], ok=self.ok[index], edge_length_m=self.edge_length_m[index],
            point_xy=self.point_xy[index], max_snap_m=self.max_snap_m,
            avoided_fragment=self.avoided_fragment[index],
            avoided_barrier=self.avoided_barrier[index],
        )

    def replaced(self, index, other: Snapped) -> Snapped:
        """A copy with the points at ``index`` (mask or positions) taken from ``other``.

        ``other`` holds exactly those points, in order, snapped with the same limit.
        """
        arrays = {}
        for name in ("edge", "fraction", "snap_m", "xy", "ok", "edge_length_m", "point_xy",
                     "avoided_fragment", "avoided_barrier"):
            values = getattr(self, name).copy()
            values[index] = getattr(other, name)
            arrays[name] = values
        return Snapped(**arrays, max_snap_m=self.max_snap_m)


@dataclass(frozen=True, eq=False)
class SnapTargets:
    """The edges points may snap to, and the barriers their connectors may not cross.

    Build it once per graph and snap every point layer with it: the grid and trees
    over the eligible edges are built on first use and kept.

    Attributes
    ----------
    graph : WalkGraph
        The walk network (metres).
    eligible : np.ndarray or None
        (m,) bool: edges points may snap to, e.g.
        :func:`lifecircle.spatial.graph.main_network_edges`; None for every edge.
    barriers : Barriers or None
        Geometries a connector may not cross; None for none.
    """

    graph: WalkGraph
    eligible: np.ndarray | None = None
    barriers: Barriers | None = None

    def __post_init__(self) -> None:
        if self.eligible is None:
            return
        eligible = np.asarray(self.eligible)
        if eligible.dtype != bool or eligible.shape != (self.graph.n_edges,):
            raise LifecircleError(
                f"eligible must be a bool mask of the {self.graph.n_edges} edges, "
                f"got {eligible.dtype} of shape {eligible.shape}.",
                where="SnapTargets(eligible)",
                fix="Pass e.g. main_network_edges(graph), or None for every edge.",
            )
        if not eligible.any():
            raise LifecircleError(
                "No edge is eligible for snapping.", where="SnapTargets(eligible)",
                fix="Pass a mask with at least one True, e.g. main_network_edges(graph).",
            )
        object.__setattr__(self, "eligible", None if eligible.all() else eligible)

    def with_barriers(self, barriers: Barriers | None) -> SnapTargets:
        """The same eligible edges (sharing their grid and tree) with other barriers."""
        other = SnapTargets(self.graph, self.eligible, barriers)
        for name in ("edge_index", "edge_grid", "edge_tree"):
            if name in self.__dict__:  # built already: share, do not rebuild
                other.__dict__[name] = self.__dict__[name]
        return other

    @cached_property
    def edge_index(self) -> np.ndarray:
        """(e,) int64 indices of the eligible edges, ascending."""
        if self.eligible is None:
            return np.arange(self.graph.n_edges, dtype=np.int64)
        return np.flatnonzero(self.eligible)

    @cached_property
    def edge_grid(self) -> EdgeGrid:
        """Grid over the eligible edges, answering in graph edge indices."""
        g = self.graph
        if self.eligible is None:
            return g.edge_grid
        e = self.edge_index
        return build_edge_grid(g.node_xy, g.edge_u[e], g.edge_v[e], g.edge_length_m[e],
                               edge_ids=e)

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """STRtree over the eligible edges; tree index i is edge ``edge_index[i]``."""
        if self.eligible is None:
            return self.graph.edge_tree
        return shapely.STRtree(self.graph.edge_geoms[self.edge_index])


def _as_xy(xy, where: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim == 1 and arr.size == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise LifecircleError(
            f"Expected an (k, 2) array of x/y metres, got shape {arr.shape}.",
            where=where, fix="Pass point coordinates as an array with columns x and y.",
        )
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise LifecircleError(
            f"{int(bad.sum())} points have NaN or infinite coordinates (rows {rows}).",
            where=where,
            fix="Drop points without a location, or geocode them, before the analysis.",
        )
    return arr


def _grid_nearest(grid: EdgeGrid, pts: np.ndarray, ring: int):
    """Nearest edge within ``ring`` grid cells, chunk by chunk, and whether it is proven."""
    n = pts.shape[0]
    edge = np.empty(n, dtype=np.int64)
    frac = np.empty(n)
    sure = np.empty(n, dtype=bool)
    for lo in range(0, n, _CHUNK):
        e, f, _, proven = grid.nearest(pts[lo: lo + _CHUNK], ring)
        edge[lo: lo + _CHUNK], frac[lo: lo + _CHUNK], sure[lo: lo + _CHUNK] = e, f, proven
    return edge, frac, sure


def _nearest_edges(
    targets: SnapTargets, pts_xy: np.ndarray, every_edge: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest edge and fraction along it (from ``edge_u``) for every point.

    Among every edge of the graph, or only the eligible edges of ``targets``.
    Candidates come from a grid of edge pieces (see
    :mod:`lifecircle.spatial.edge_grid`): first the 3 x 3 cells around the point,
    then 7 x 7 and 15 x 15 for points whose answer is not proven exact. The few
    points left (far from every road) go to ``shapely.STRtree.query_nearest``
    (exact, slower).
    """
    graph = targets.graph
    n = pts_xy.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    grid = graph.edge_grid if every_edge else targets.edge_grid
    # query in a spatially coherent order: neighbouring points read the same cells
    order = np.argsort(cell_keys(pts_xy, _SORT_CELL_M)[0])
    edge = np.empty(n, dtype=np.int64)
    frac = np.empty(n)
    todo = order
    for ring in _RINGS[:_ROUNDS]:
        e, f, sure = _grid_nearest(grid, pts_xy[todo], ring)
        edge[todo], frac[todo] = e, f
        todo = todo[~sure]
        if todo.size == 0:
            return edge, frac
    pts = shapely.points(pts_xy[todo])
    if every_edge:
        tree, tree_edge = graph.edge_tree, None
    else:
        tree, tree_edge = targets.edge_tree, targets.edge_index
    hit = tree.query_nearest(pts, all_matches=False)
    e = hit[1][np.argsort(hit[0])]
    if tree_edge is not None:
        e = tree_edge[e]
    edge[todo] = e
    frac[todo] = np.clip(
        shapely.line_locate_point(graph.edge_geoms[e], pts, normalized=True), 0.0, 1.0
    )
    return edge, frac


def _project(graph: WalkGraph, pts_xy: np.ndarray, edge: np.ndarray, frac: np.ndarray):
    """Snapped position (k, 2) and snap distance (k,) in metres of points on edges."""
    a = graph.node_xy[graph.edge_u[edge]]
    along = graph.node_xy[graph.edge_v[edge]] - a
    along *= frac[:, None]
    # measured from the edge's start, not in absolute coordinates: at 1e7 m eastings
    # the difference of two absolute positions would lose nanometres
    offset = pts_xy - a
    offset -= along
    return a + along, np.hypot(offset[:, 0], offset[:, 1])


def _candidates(targets: SnapTargets, pts_xy: np.ndarray, max_snap_m: float):
    """Every eligible edge within ``max_snap_m`` of each point, nearest first.

    Returns (point, edge, fraction, snap_m) per pair, sorted by point then distance.
    """
    graph = targets.graph
    pi, ti = targets.edge_tree.query(shapely.points(pts_xy), predicate="dwithin",
                                     distance=max_snap_m)
    edge = targets.edge_index[ti]
    a = graph.node_xy[graph.edge_u[edge]]
    d = graph.node_xy[graph.edge_v[edge]] - a
    r = pts_xy[pi] - a
    frac = np.clip(np.einsum("ij,ij->i", r, d) / np.einsum("ij,ij->i", d, d), 0.0, 1.0)
    r -= frac[:, None] * d
    snap_m = np.hypot(r[:, 0], r[:, 1])
    order = np.lexsort((edge, snap_m, pi))
    return pi[order], edge[order], frac[order], snap_m[order]


def _nearest_clear_edges(
    targets: SnapTargets, pts_xy: np.ndarray, max_snap_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest eligible edge whose connector crosses no barrier, within the limit.

    Candidates are tested nearest first, a few per point at a time (4, then 8,
    16...), so a point whose second edge is clear costs two connector tests.
    Returns (edge, fraction); edge -1 where no candidate is clear.
    """
    graph = targets.graph
    k = pts_xy.shape[0]
    best_edge = np.full(k, -1, dtype=np.int64)
    best_frac = np.full(k, np.nan)
    for lo in range(0, k, _RETRY_POINTS):
        pts = pts_xy[lo: lo + _RETRY_POINTS]
        pi, edge, frac, _ = _candidates(targets, pts, max_snap_m)
        if pi.size == 0:
            continue
        first = np.searchsorted(pi, pi, side="left")
        rank = np.arange(pi.size) - first
        found = np.zeros(pts.shape[0], dtype=bool)
        start, width = 0, _FIRST_TRIES
        while True:
            test = np.flatnonzero((rank >= start) & (rank < start + width) & ~found[pi])
            if test.size == 0:
                break
            ends, _ = _project(graph, pts[pi[test]], edge[test], frac[test])
            clear = test[~targets.barriers.blocked(pts[pi[test]], ends)]
            # pairs are sorted nearest first: the first clear pair of a point wins
            point, at = np.unique(pi[clear], return_index=True)
            best_edge[lo + point] = edge[clear[at]]
            best_frac[lo + point] = frac[clear[at]]
            found[point] = True
            start, width = start + width, 2 * width
    return best_edge, best_frac


def snap_points(targets: WalkGraph | SnapTargets, xy, max_snap_m: float = 250.0) -> Snapped:
    """Snap points to the nearest eligible edge, along a connector that crosses no barrier.

    Parameters
    ----------
    targets : WalkGraph or SnapTargets
        A bare graph (every edge eligible, no barriers), or the graph with its
        eligible edges and barriers.
    xy : array-like, shape (k, 2)
        Point coordinates in the graph's metric CRS (metres).
    max_snap_m : float, default 250.0
        Largest allowed distance in metres from a point to the network. Points
        with no eligible, clear edge within it are kept with ``ok=False`` and
        ``edge=-1``; callers report them.

    Returns
    -------
    Snapped
        Per point: edge, fraction along it from ``edge_u``, snap distance (m),
        projected position, the ``ok`` flag, and whether a fragment or a barrier
        was avoided.

    Raises
    ------
    LifecircleError
        For NaN/infinite coordinates or a negative/NaN ``max_snap_m``.
    """
    if isinstance(targets, WalkGraph):
        targets = SnapTargets(targets)
    graph = targets.graph
    pts_xy = _as_xy(xy, "snap_points(xy)")
    if not np.isfinite(max_snap_m) or max_snap_m < 0:
        raise LifecircleError(
            f"max_snap_m must be a non-negative number of metres, got {max_snap_m!r}.",
            where="snap_points(max_snap_m)", fix="Use e.g. 250 (metres).",
        )
    n = pts_xy.shape[0]
    # every edge first: most points are nearest to the main network anyway, and the
    # others are the points to report as kept off a fragment
    edge, frac = _nearest_edges(targets, pts_xy, every_edge=True)
    avoided_fragment = np.zeros(n, dtype=bool)
    if targets.eligible is not None:
        off = np.flatnonzero(~targets.eligible[edge])
        if off.size:
            snap_m_off = _project(graph, pts_xy[off], edge[off], frac[off])[1]
            avoided_fragment[off[snap_m_off <= max_snap_m]] = True
            edge[off], frac[off] = _nearest_edges(targets, pts_xy[off], every_edge=False)
    snapped, snap_m = _project(graph, pts_xy, edge, frac)
    ok = snap_m <= max_snap_m
    avoided_barrier = np.zeros(n, dtype=bool)
    if targets.barriers is not None and len(targets.barriers):
        near = np.flatnonzero(ok)
        crossing = near[targets.barriers.blocked(pts_xy[near], snapped[near])]
        avoided_barrier[crossing] = True
        new_edge, new_frac = _nearest_clear_edges(targets, pts_xy[crossing], max_snap_m)
        found = new_edge >= 0
        edge[crossing[found]], frac[crossing[found]] = new_edge[found], new_frac[found]
        snapped[crossing[found]], snap_m[crossing[found]] = _project(
            graph, pts_xy[crossing[found]], new_edge[found], new_frac[found])
        ok[crossing[~found]] = False
    length = graph.edge_length_m[edge].copy()
    edge[~ok] = -1
    frac[~ok] = np.nan
    length[~ok] = np.nan
    return Snapped(
        edge=edge, fraction=frac, snap_m=snap_m, xy=snapped, ok=ok,
        edge_length_m=length, point_xy=pts_xy, max_snap_m=float(max_snap_m),
        avoided_fragment=avoided_fragment, avoided_barrier=avoided_barrier,
    )
